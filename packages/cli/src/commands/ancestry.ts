import type { Version } from '@imprint/client';
import type { Command } from 'commander';
import { Option } from 'commander';
import type { AncestryFormat } from '../format';
import { formatAncestry, json, versionKey } from '../format';
import type { Context } from './context';
import { actionHelpers } from './context';
import type { ReadFlags } from './options';
import { examples, withRegistryFlags } from './options';

/** `imprint ancestry`: parents and children of a version. */
export function addAncestryCommand(program: Command, c: Context): void {
  const { read, out } = actionHelpers(c);
  withRegistryFlags(
    program
      .command('ancestry')
      .description("parents and children of a version (default: the bucket's latest)")
      .argument('<bucket>'),
    false,
  )
    .option('--version <fingerprint>', 'version to show (default: the latest)')
    .addOption(
      new Option('--format <format>', 'output format')
        .choices(['tree', 'json', 'dot', 'mermaid'])
        .default('tree'),
    )
    .option('--json', 'same as --format json')
    .addHelpText(
      'after',
      examples(
        'imprint ancestry app',
        'imprint ancestry ubuntu-base --version 01J... --format dot',
      ),
    )
    .action(
      async (bucket: string, flags: ReadFlags & { version?: string; format: AncestryFormat }) => {
        await read(flags, async (client) => {
          const res = await client.listBucketAncestry(bucket, {
            ...(flags.version ? { versionFingerprint: flags.version } : {}),
          });
          const format = flags.json ? 'json' : flags.format;
          if (format === 'json') return out(json(res));
          let version: Version | undefined;
          const statuses = new Map<string, string>();
          if (format === 'tree') {
            if (flags.version) version = await client.getVersion(bucket, flags.version);
            else version = (await client.getBucket(bucket)).latest_version ?? undefined;
            // The relations name the versions; their own status (revoked…) needs a read each.
            const others = new Map<string, { bucket: string; fingerprint: string }>();
            for (const r of res.relations) {
              for (const side of [r.parent, r.child]) {
                if (!side) continue;
                const key = versionKey(side.bucket_name, side.version_fingerprint);
                others.set(key, {
                  bucket: side.bucket_name,
                  fingerprint: side.version_fingerprint,
                });
              }
            }
            await Promise.all(
              [...others].map(async ([key, v]) => {
                const found = await client
                  .getVersion(v.bucket, v.fingerprint)
                  .catch(() => undefined);
                if (found) statuses.set(key, found.status);
              }),
            );
          }
          out(formatAncestry(format, bucket, version, res.relations, statuses));
        });
      },
    );
}
