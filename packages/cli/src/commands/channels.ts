import { isNotFound } from '@imprint/client';
import type { Command } from 'commander';
import { describeChannel, historyTable, json, table } from '../format';
import type { Context } from './context';
import { actionHelpers } from './context';
import type { DeleteFlags, ReadFlags } from './options';
import { all, examples, requireYes, withRegistryFlags, withYes } from './options';

/** `imprint channels list|assign|get|create|delete|history`. */
export function addChannelsCommands(program: Command, c: Context): void {
  const { read, out } = actionHelpers(c);
  const channels = program
    .command('channels')
    .description('list, show, create, assign and delete channels');
  withRegistryFlags(
    channels.command('list').description("list a bucket's channels").argument('<bucket>'),
  )
    .addHelpText('after', examples('imprint channels list ubuntu-base'))
    .action(async (bucket: string, flags: ReadFlags) => {
      await read(flags, async (client) => {
        const list = await all(client.paginate('listChannels', bucket));
        if (flags.json) return out(json(list));
        out(
          table(
            ['NAME', 'VERSION', 'FINGERPRINT', 'MANAGED', 'UPDATED'],
            list.map((ch) => [
              ch.name,
              ch.version?.name ?? '-',
              ch.version?.fingerprint ?? '-',
              ch.managed ? 'yes' : 'no',
              ch.updated_at,
            ]),
          ),
        );
      });
    });
  withRegistryFlags(
    channels
      .command('assign')
      .description('point a channel at a version (creating the channel if needed)')
      .argument('<bucket>')
      .argument('<channel>')
      .argument('<fingerprint>'),
  )
    .addHelpText('after', examples('imprint channels assign ubuntu-base production 01J...'))
    .action(async (bucket: string, channel: string, fp: string, flags: ReadFlags) => {
      await read(flags, async (client) => {
        let ch;
        try {
          ch = await client.updateChannel(bucket, channel, {
            version_fingerprint: fp,
            update_mask: 'versionFingerprint',
          });
        } catch (error) {
          if (!isNotFound(error)) throw error;
          ch = await client.createChannel(bucket, { name: channel, version_fingerprint: fp });
        }
        if (flags.json) return out(json(ch));
        out(`Channel ${bucket}/${ch.name} → ${ch.version?.name ?? '-'} (${fp})\n`);
      });
    });

  withRegistryFlags(
    channels
      .command('get')
      .description('show a channel')
      .argument('<bucket>')
      .argument('<channel>'),
  )
    .addHelpText(
      'after',
      examples(
        'imprint channels get ubuntu-base production',
        'imprint channels get ubuntu-base production --json',
      ),
    )
    .action(async (bucket: string, channel: string, flags: ReadFlags) => {
      await read(flags, async (client) => {
        const ch = await client.getChannel(bucket, channel);
        out(flags.json ? json(ch) : describeChannel(ch));
      });
    });
  withRegistryFlags(
    channels
      .command('create')
      .description('create a channel, empty or pointing at a version')
      .argument('<bucket>')
      .argument('<channel>', 'channel name: 3 to 36 letters, digits or hyphens'),
  )
    .option('--fingerprint <fp>', 'version to point the channel at (default: none)')
    .option('--restricted', 'only contributors and admins can read the channel')
    .addHelpText(
      'after',
      examples(
        'imprint channels create ubuntu-base staging',
        'imprint channels create ubuntu-base production --fingerprint 01J... --restricted',
      ),
    )
    .action(
      async (
        bucket: string,
        channel: string,
        flags: ReadFlags & { fingerprint?: string; restricted?: boolean },
      ) => {
        await read(flags, async (client) => {
          const ch = await client.createChannel(bucket, {
            name: channel,
            ...(flags.fingerprint === undefined ? {} : { version_fingerprint: flags.fingerprint }),
            ...(flags.restricted ? { restricted: true } : {}),
          });
          out(flags.json ? json(ch) : describeChannel(ch));
        });
      },
    );
  withYes(
    withRegistryFlags(
      channels
        .command('delete')
        .description('delete a channel (not the managed latest)')
        .argument('<bucket>')
        .argument('<channel>'),
      false,
    ),
  )
    .addHelpText('after', examples('imprint channels delete ubuntu-base staging --yes'))
    .action(async (bucket: string, channel: string, flags: DeleteFlags) => {
      requireYes(
        flags,
        `deleting channel '${channel}' of bucket '${bucket}' also deletes its history`,
        `imprint channels delete ${bucket} ${channel}`,
      );
      await read(flags, async (client) => {
        await client.deleteChannel(bucket, channel);
        out(`Deleted channel ${bucket}/${channel}.\n`);
      });
    });
  withRegistryFlags(
    channels
      .command('history')
      .description("a channel's assignments, newest first")
      .argument('<bucket>')
      .argument('<channel>'),
  )
    .addHelpText(
      'after',
      examples(
        'imprint channels history ubuntu-base production',
        'imprint channels history ubuntu-base production --json',
      ),
    )
    .action(async (bucket: string, channel: string, flags: ReadFlags) => {
      await read(flags, async (client) => {
        const list = await all(client.paginate('listChannelHistory', bucket, channel));
        out(flags.json ? json(list) : historyTable(list));
      });
    });
}
