import type { Version } from '@imprint/client';
import type { Command } from 'commander';
import { describeVersion, table } from '../format';
import type { Context } from './context';
import { actionHelpers } from './context';
import type { DeleteFlags, ReadFlags } from './options';
import { all, deleteCommand, registryCommand } from './options';

function versionRows(versions: readonly Version[]): string[][] {
  return versions.map((v) => [v.name, v.fingerprint, v.status, v.created_at]);
}

/** `imprint versions list|get|delete`. */
export function addVersionsCommands(program: Command, c: Context): void {
  const { show, remove } = actionHelpers(c);
  const versions = program.command('versions').description('list, show and delete versions');
  registryCommand(versions, 'list <bucket>', "list a bucket's versions", [
    'imprint versions list ubuntu-base',
  ]).action((bucket: string, flags: ReadFlags) =>
    show(
      flags,
      (client) => all(client.paginate('listVersions', bucket)),
      (list) => table(['NAME', 'FINGERPRINT', 'STATUS', 'CREATED'], versionRows(list)),
    ),
  );
  registryCommand(versions, 'get <bucket> <fingerprint>', 'show a version and its builds', [
    'imprint versions get ubuntu-base 01J... --json',
  ]).action((bucket: string, fp: string, flags: ReadFlags) =>
    show(flags, (client) => client.getVersion(bucket, fp), describeVersion),
  );
  deleteCommand(versions, 'delete <bucket> <fingerprint>', 'delete a version with its builds', [
    'imprint versions delete ubuntu-base 01J... --yes',
    'imprint versions delete ubuntu-base 01J... --rollback-channels --yes',
  ])
    .option(
      '--rollback-channels',
      'move channels on this version back to their previous valid version (else such a version is refused)',
    )
    .action((bucket: string, fp: string, flags: DeleteFlags & { rollbackChannels?: boolean }) =>
      remove(
        flags,
        {
          what: `deleting version ${fp} of bucket '${bucket}' also deletes its builds`,
          retry: `imprint versions delete ${bucket} ${fp}${flags.rollbackChannels ? ' --rollback-channels' : ''}`,
        },
        (client) =>
          client.deleteVersion(bucket, fp, {
            ...(flags.rollbackChannels ? { rollbackChannels: true } : {}),
          }),
        `Deleted version ${fp} of bucket ${bucket}.\n`,
      ),
    );
}
