import { InvalidArgumentError, type Command } from 'commander';
import type {
  RegistryClient,
  WebhookDelivery,
  WebhookDeliveryState,
  WebhookEventName,
} from '@imprint/client';
import { table } from '../format';
import { client as clientPackage } from '../lazy';
import type { Context } from './context';
import { NotFoundError, actionHelpers } from './context';
import type { DeleteFlags, ReadFlags } from './options';
import { all, deleteCommand, registryCommand } from './options';

type CreateFlags = ReadFlags & { event: string[]; secret?: string };
type DeliveriesFlags = ReadFlags & {
  state?: WebhookDeliveryState;
  pageSize?: number;
  all?: boolean;
};

/** `--event` values: checked against the contract's list, so a typo fails before any request. */
function collectEvent(value: string, previous: string[]): string[] {
  const names: readonly string[] = clientPackage().WEBHOOK_EVENT_NAMES;
  if (!names.includes(value)) {
    throw new InvalidArgumentError(`unknown event '${value}'; use one of ${names.join(', ')}`);
  }
  return [...previous, value];
}

/** `--state`: one of the contract's delivery states, checked before any request. */
function deliveryState(value: string): WebhookDeliveryState {
  const states = clientPackage().WEBHOOK_DELIVERY_STATES;
  const found = states.find((s) => s === value);
  if (found === undefined) {
    throw new InvalidArgumentError(`unknown state '${value}'; use one of ${states.join(', ')}`);
  }
  return found;
}

/** `--page-size`: 1 to the registry's largest page. */
function pageSize(value: string): number {
  const max = clientPackage().LIMITS.pageSize;
  if (!/^\d{1,7}$/.test(value) || Number(value) < 1 || Number(value) > max) {
    throw new InvalidArgumentError(`expected a whole number from 1 to ${max}, got '${value}'`);
  }
  return Number(value);
}

/** The id of the webhook `idOrName` names: its id, or its name (looked up in the list). */
async function webhookId(client: RegistryClient, idOrName: string): Promise<string> {
  const { webhooks } = await client.webhooks.list();
  const found = webhooks.find((w) => w.id === idOrName || w.name === idOrName);
  if (found === undefined) {
    throw new NotFoundError(
      `No webhook has the id or name '${idOrName}'. List them with: imprint webhooks list`,
    );
  }
  return found.id;
}

function deliveriesTable(deliveries: readonly WebhookDelivery[]): string {
  return table(
    ['ID', 'EVENT', 'STATE', 'ATTEMPTS', 'CREATED', 'LAST'],
    deliveries.map((d) => [
      d.id,
      d.event,
      d.state,
      String(d.attempts),
      d.created_at,
      d.last_error ?? (d.last_status === null ? '-' : `HTTP ${d.last_status}`),
    ]),
  );
}

/** `imprint webhooks create|list|enable|disable|test|deliveries|delete` (admin role). */
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
            ['ID', 'NAME', 'URL', 'EVENTS', 'ENABLED', 'CREATED'],
            list.map((w) => [
              w.id,
              w.name,
              w.url,
              w.events.length === 0 ? 'all' : w.events.join(','),
              w.enabled ? 'yes' : 'no',
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
    'enable <id-or-name>',
    'enable a webhook: sends the verification event first (the target must answer 2xx), then delivers the events that waited',
    ['imprint webhooks enable chat-ops'],
  ).action((idOrName: string, flags: ReadFlags) =>
    show(
      flags,
      async (client) =>
        client.webhooks.update(await webhookId(client, idOrName), { enabled: true }),
      ({ webhook }) => `Enabled webhook ${webhook.name} (${webhook.id})\n`,
    ),
  );

  registryCommand(
    webhooks,
    'disable <id-or-name>',
    'disable a webhook: it gets no new events, and its pending deliveries wait until it is enabled',
    ['imprint webhooks disable chat-ops'],
  ).action((idOrName: string, flags: ReadFlags) =>
    show(
      flags,
      async (client) =>
        client.webhooks.update(await webhookId(client, idOrName), { enabled: false }),
      ({ webhook }) => `Disabled webhook ${webhook.name} (${webhook.id})\n`,
    ),
  );

  registryCommand(
    webhooks,
    'deliveries <id-or-name>',
    "a webhook's deliveries, newest first: one page, or every one with --all",
    [
      'imprint webhooks deliveries chat-ops',
      'imprint webhooks deliveries chat-ops --state failed --all',
      'imprint webhooks deliveries 01J... --page-size 200 --json',
    ],
  )
    .option('--state <state>', 'only pending, delivered or failed deliveries', deliveryState)
    .option('--page-size <n>', "deliveries per page (default: the registry's, 50)", pageSize)
    .option('--all', 'follow every page instead of showing the first')
    .action((idOrName: string, flags: DeliveriesFlags) =>
      show(
        flags,
        async (client) => {
          const id = await webhookId(client, idOrName);
          const options = { state: flags.state, pageSize: flags.pageSize };
          if (flags.all) {
            return { deliveries: await all(client.webhooks.paginateDeliveries(id, options)) };
          }
          return client.webhooks.deliveries(id, options);
        },
        (answer) => {
          const more =
            'pagination' in answer && answer.pagination.next_page_token
              ? 'More deliveries are older; show them with --all.\n'
              : '';
          return deliveriesTable(answer.deliveries) + more;
        },
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
