import type { Version } from '@imprint/client';
import type { Command } from 'commander';
import type { Context } from './context';
import { UsageError, actionHelpers } from './context';
import type { ReadFlags } from './options';
import { registryCommand } from './options';

/** The line `revoke` and `restore` print: the version and its status after the change. */
function versionStatus(
  bucket: string,
  fp: string,
  version: Pick<Version, 'name' | 'status'>,
): string {
  return `${bucket} ${version.name} (${fp}): ${version.status}\n`;
}

/** `imprint revoke` and `imprint restore`. */
export function addRevocationCommands(program: Command, c: Context): void {
  const { show } = actionHelpers(c);
  registryCommand(
    program,
    'revoke <bucket> <fingerprint>',
    'revoke a version, now or later; descendants too unless --skip-descendants',
    [
      "imprint revoke ubuntu-base 01J... --message 'CVE-2026-1234'",
      'imprint revoke ubuntu-base 01J... --in 7d',
    ],
  )
    .option('--at <iso>', 'revoke at this date (ISO 8601)')
    .option('--in <duration>', 'revoke after this duration (90m, 12h, 7d)')
    .option('--message <message>', 'why')
    .option('--skip-descendants', 'do not revoke child versions')
    .action(
      async (
        bucket: string,
        fp: string,
        flags: ReadFlags & {
          at?: string;
          in?: string;
          message?: string;
          skipDescendants?: boolean;
        },
      ) => {
        if (flags.at !== undefined && flags.in !== undefined) {
          throw new UsageError('pass --at or --in, not both');
        }
        if (flags.at !== undefined && Number.isNaN(Date.parse(flags.at))) {
          throw new UsageError(`--at: '${flags.at}' is not an ISO 8601 date`);
        }
        await show(
          flags,
          (client) =>
            client.revokeVersion(bucket, fp, {
              ...(flags.at === undefined ? {} : { revokeAt: flags.at }),
              ...(flags.in === undefined ? {} : { revokeIn: flags.in }),
              ...(flags.message === undefined ? {} : { message: flags.message }),
              ...(flags.skipDescendants ? { skipDescendantsRevocation: true } : {}),
            }),
          (res) => versionStatus(bucket, fp, res.version),
        );
      },
    );

  registryCommand(program, 'restore <bucket> <fingerprint>', "clear a version's revocation", [
    'imprint restore ubuntu-base 01J...',
  ]).action((bucket: string, fp: string, flags: ReadFlags) =>
    show(
      flags,
      (client) => client.restoreVersion(bucket, fp),
      (res) => versionStatus(bucket, fp, res.version),
    ),
  );
}
