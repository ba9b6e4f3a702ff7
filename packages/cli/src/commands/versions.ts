import type { Version } from '@imprint/client';
import type { Command } from 'commander';
import { describeVersion, json, table } from '../format';
import type { Context } from './context';
import { actionHelpers } from './context';
import type { DeleteFlags, ReadFlags } from './options';
import { all, examples, requireYes, withRegistryFlags, withYes } from './options';

function versionRows(versions: readonly Version[]): string[][] {
  return versions.map((v) => [v.name, v.fingerprint, v.status, v.created_at]);
}

/** `imprint versions list|get|delete`. */
export function addVersionsCommands(program: Command, c: Context): void {
  const { read, out } = actionHelpers(c);
  const versions = program.command('versions').description('list, show and delete versions');
  withRegistryFlags(
    versions.command('list').description("list a bucket's versions").argument('<bucket>'),
  )
    .addHelpText('after', examples('imprint versions list ubuntu-base'))
    .action(async (bucket: string, flags: ReadFlags) => {
      await read(flags, async (client) => {
        const list = await all(client.paginate('listVersions', bucket));
        if (flags.json) return out(json(list));
        out(table(['NAME', 'FINGERPRINT', 'STATUS', 'CREATED'], versionRows(list)));
      });
    });
  withRegistryFlags(
    versions
      .command('get')
      .description('show a version and its builds')
      .argument('<bucket>')
      .argument('<fingerprint>'),
  )
    .addHelpText('after', examples('imprint versions get ubuntu-base 01J... --json'))
    .action(async (bucket: string, fp: string, flags: ReadFlags) => {
      await read(flags, async (client) => {
        const v = await client.getVersion(bucket, fp);
        out(flags.json ? json(v) : describeVersion(v));
      });
    });
  withYes(
    withRegistryFlags(
      versions
        .command('delete')
        .description('delete a version with its builds')
        .argument('<bucket>')
        .argument('<fingerprint>'),
      false,
    ),
  )
    .option(
      '--rollback-channels',
      'move channels on this version back to their previous valid version (else such a version is refused)',
    )
    .addHelpText(
      'after',
      examples(
        'imprint versions delete ubuntu-base 01J... --yes',
        'imprint versions delete ubuntu-base 01J... --rollback-channels --yes',
      ),
    )
    .action(
      async (bucket: string, fp: string, flags: DeleteFlags & { rollbackChannels?: boolean }) => {
        requireYes(
          flags,
          `deleting version ${fp} of bucket '${bucket}' also deletes its builds`,
          `imprint versions delete ${bucket} ${fp}${flags.rollbackChannels ? ' --rollback-channels' : ''}`,
        );
        await read(flags, async (client) => {
          await client.deleteVersion(bucket, fp, {
            ...(flags.rollbackChannels ? { rollbackChannels: true } : {}),
          });
          out(`Deleted version ${fp} of bucket ${bucket}.\n`);
        });
      },
    );
}
