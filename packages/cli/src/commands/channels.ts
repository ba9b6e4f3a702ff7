import { isNotFound } from '../lazy';
import type { Command } from 'commander';
import { describeChannel, historyTable, table } from '../format';
import type { Context } from './context';
import { actionHelpers, checkNewName } from './context';
import type { DeleteFlags, ReadFlags } from './options';
import { all, deleteCommand, registryCommand } from './options';

/** `imprint channels list|assign|get|create|delete|history`. */
export function addChannelsCommands(program: Command, c: Context): void {
  const { show, remove } = actionHelpers(c);
  const channels = program
    .command('channels')
    .description('list, show, create, assign and delete channels');
  registryCommand(channels, 'list <bucket>', "list a bucket's channels", [
    'imprint channels list ubuntu-base',
  ]).action((bucket: string, flags: ReadFlags) =>
    show(
      flags,
      (client) => all(client.paginate('listChannels', bucket)),
      (list) =>
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
    ),
  );
  registryCommand(
    channels,
    'assign <bucket> <channel> <fingerprint>',
    'point a channel at a version (creating the channel if needed)',
    ['imprint channels assign ubuntu-base production 01J...'],
  ).action((bucket: string, channel: string, fp: string, flags: ReadFlags) =>
    show(
      flags,
      async (client) => {
        try {
          return await client.updateChannel(bucket, channel, {
            version_fingerprint: fp,
            update_mask: 'versionFingerprint',
          });
        } catch (error) {
          if (!isNotFound(error)) throw error;
          return client.createChannel(bucket, { name: channel, version_fingerprint: fp });
        }
      },
      (ch) => `Channel ${bucket}/${ch.name} → ${ch.version?.name ?? '-'} (${fp})\n`,
    ),
  );
  registryCommand(channels, 'get <bucket> <channel>', 'show a channel', [
    'imprint channels get ubuntu-base production',
    'imprint channels get ubuntu-base production --json',
  ]).action((bucket: string, channel: string, flags: ReadFlags) =>
    show(flags, (client) => client.getChannel(bucket, channel), describeChannel),
  );
  registryCommand(channels, 'create <bucket>', 'create a channel, empty or pointing at a version', [
    'imprint channels create ubuntu-base staging',
    'imprint channels create ubuntu-base production --fingerprint 01J... --restricted',
  ])
    .argument('<channel>', 'channel name: 3 to 36 letters, digits or hyphens')
    .option('--fingerprint <fp>', 'version to point the channel at (default: none)')
    .option('--restricted', 'only contributors and admins can read the channel')
    .action(
      (
        bucket: string,
        channel: string,
        flags: ReadFlags & { fingerprint?: string; restricted?: boolean },
      ) => {
        checkNewName('channel', channel);
        return show(
          flags,
          (client) =>
            client.createChannel(bucket, {
              name: channel,
              ...(flags.fingerprint === undefined
                ? {}
                : { version_fingerprint: flags.fingerprint }),
              ...(flags.restricted ? { restricted: true } : {}),
            }),
          describeChannel,
        );
      },
    );
  deleteCommand(
    channels,
    'delete <bucket> <channel>',
    'delete a channel (not the managed latest)',
    ['imprint channels delete ubuntu-base staging --yes'],
  ).action((bucket: string, channel: string, flags: DeleteFlags) =>
    remove(
      flags,
      {
        what: `deleting channel '${channel}' of bucket '${bucket}' also deletes its history`,
        retry: `imprint channels delete ${bucket} ${channel}`,
      },
      (client) => client.deleteChannel(bucket, channel),
      `Deleted channel ${bucket}/${channel}.\n`,
    ),
  );
  registryCommand(channels, 'history <bucket> <channel>', "a channel's assignments, newest first", [
    'imprint channels history ubuntu-base production',
    'imprint channels history ubuntu-base production --json',
  ]).action((bucket: string, channel: string, flags: ReadFlags) =>
    show(
      flags,
      (client) => all(client.paginate('listChannelHistory', bucket, channel)),
      historyTable,
    ),
  );
}
