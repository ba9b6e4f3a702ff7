import { InvalidArgumentError, type Command } from 'commander';
import type { WebhookEventName } from '@imprint/client';
import { table } from '../format';
import { client as clientPackage } from '../lazy';
import type { Context } from './context';
import { actionHelpers } from './context';
import type { DeleteFlags, ReadFlags } from './options';
import { deleteCommand, registryCommand } from './options';

type CreateFlags = ReadFlags & { event: string[]; secret?: string };

/** `--event` values: checked against the contract's list, so a typo fails before any request. */
function collectEvent(value: string, previous: string[]): string[] {
  const names: readonly string[] = clientPackage().WEBHOOK_EVENT_NAMES;
  if (!names.includes(value)) {
    throw new InvalidArgumentError(`unknown event '${value}'; use one of ${names.join(', ')}`);
  }
  return [...previous, value];
}

/** `imprint webhooks create|list|test|deliveries|delete` (admin role). */
export function addWebhooksCommands(program: Command, c: Context): void {
  const { show, remove } = actionHelpers(c);
  const webhooks = program
    .command('webhooks')
    .description('signed event deliveries to other systems (admin role)');

  registryCommand(
    webhooks,
    'create <name> <url>',
    'create a webhook (its target must answer the verification event with 2xx); prints the secret once',
    [
      'imprint webhooks create chat-ops https://hooks.example.com/imprint',
      'imprint webhooks create revocations https://hooks.example.com/r --event version.revoke --event version.schedule-revocation',
    ],
  )
    .option(
      '--event <name>',
      'deliver only this event (repeatable; default: every event)',
      collectEvent,
      [],
    )
    .option('--secret <secret>', 'sign with this secret (16+ characters; default: a random one)')
    .action((name: string, url: string, flags: CreateFlags) =>
      show(
        flags,
        (client) =>
          client.webhooks.create({
            name,
            url,
            events: flags.event as WebhookEventName[],
            ...(flags.secret === undefined ? {} : { secret: flags.secret }),
          }),
        ({ webhook, secret }) =>
          `Webhook ${webhook.name} (${webhook.id}) → ${webhook.url}\n` +
          `Events: ${webhook.events.length === 0 ? 'all' : webhook.events.join(', ')}\n` +
          `Secret: ${secret}\n(shown only now: receivers check X-Hcp-Webhook-Signature with it)\n`,
      ),
    );

  registryCommand(webhooks, 'list', 'list webhooks', ['imprint webhooks list']).action(
    (flags: ReadFlags) =>
      show(
        flags,
        (client) => client.webhooks.list(),
        ({ webhooks: list }) =>
          table(
            ['ID', 'NAME', 'URL', 'EVENTS', 'CREATED'],
            list.map((w) => [
              w.id,
              w.name,
              w.url,
              w.events.length === 0 ? 'all' : w.events.join(','),
              w.created_at,
            ]),
          ),
      ),
  );

  registryCommand(webhooks, 'test <id>', 'send the verification event to a webhook now', [
    'imprint webhooks test 01J...',
  ]).action((id: string, flags: ReadFlags) =>
    show(
      flags,
      async (client) => {
        const result = await client.webhooks.test(id);
        if (!result.ok) c.code = 1;
        return result;
      },
      (r) =>
        r.ok
          ? `ok: the target answered HTTP ${String(r.status)}\n`
          : `failed: ${r.error ?? 'no answer'}\n`,
    ),
  );

  registryCommand(
    webhooks,
    'deliveries <id>',
    "a webhook's newest deliveries: pending, delivered or failed",
    ['imprint webhooks deliveries 01J...'],
  ).action((id: string, flags: ReadFlags) =>
    show(
      flags,
      (client) => client.webhooks.deliveries(id),
      ({ deliveries }) =>
        table(
          ['ID', 'EVENT', 'STATE', 'ATTEMPTS', 'CREATED', 'LAST'],
          deliveries.map((d) => [
            d.id,
            d.event,
            d.state,
            String(d.attempts),
            d.created_at,
            d.last_error ?? (d.last_status === null ? '-' : `HTTP ${d.last_status}`),
          ]),
        ),
    ),
  );

  deleteCommand(webhooks, 'delete <id>', 'delete a webhook and its pending deliveries', [
    'imprint webhooks delete 01J... --yes',
  ]).action((id: string, flags: DeleteFlags) =>
    remove(
      flags,
      { what: `webhook ${id}`, retry: `imprint webhooks delete ${id} --yes` },
      (client) => client.webhooks.delete(id),
      `Deleted webhook ${id}\n`,
    ),
  );
}
