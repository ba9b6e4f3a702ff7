import type { Command } from 'commander';
import { json } from '../format';
import type { Context } from './context';
import { UsageError, actionHelpers } from './context';
import type { ReadFlags } from './options';
import { examples, withRegistryFlags } from './options';

/** `imprint revoke` and `imprint restore`. */
export function addRevocationCommands(program: Command, c: Context): void {
  const { read, out } = actionHelpers(c);
  withRegistryFlags(
    program
      .command('revoke')
      .description('revoke a version, now or later; descendants too unless --skip-descendants')
      .argument('<bucket>')
      .argument('<fingerprint>'),
  )
    .option('--at <iso>', 'revoke at this date (ISO 8601)')
    .option('--in <duration>', 'revoke after this duration (90m, 12h, 7d)')
    .option('--message <message>', 'why')
    .option('--skip-descendants', 'do not revoke child versions')
    .addHelpText(
      'after',
      examples(
        "imprint revoke ubuntu-base 01J... --message 'CVE-2026-1234'",
        'imprint revoke ubuntu-base 01J... --in 7d',
      ),
    )
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
        await read(flags, async (client) => {
          const res = await client.revokeVersion(bucket, fp, {
            ...(flags.at === undefined ? {} : { revokeAt: flags.at }),
            ...(flags.in === undefined ? {} : { revokeIn: flags.in }),
            ...(flags.message === undefined ? {} : { message: flags.message }),
            ...(flags.skipDescendants ? { skipDescendantsRevocation: true } : {}),
          });
          if (flags.json) return out(json(res));
          out(`${bucket} ${res.version.name} (${fp}): ${res.version.status}\n`);
        });
      },
    );

  withRegistryFlags(
    program
      .command('restore')
      .description("clear a version's revocation")
      .argument('<bucket>')
      .argument('<fingerprint>'),
  )
    .addHelpText('after', examples('imprint restore ubuntu-base 01J...'))
    .action(async (bucket: string, fp: string, flags: ReadFlags) => {
      await read(flags, async (client) => {
        const res = await client.restoreVersion(bucket, fp);
        if (flags.json) return out(json(res));
        out(`${bucket} ${res.version.name} (${fp}): ${res.version.status}\n`);
      });
    });
}
