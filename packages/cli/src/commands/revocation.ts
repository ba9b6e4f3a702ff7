import type { AncestryChild, Channel, RegistryClient, Version } from '@imprint/client';
import type { Command } from 'commander';
import { json, revocationReport } from '../format';
import { client as clientPackage } from '../lazy';
import type { Context } from './context';
import { UsageError, actionHelpers } from './context';
import type { ReadFlags } from './options';
import { all, registryCommand } from './options';

type RevokeFlags = ReadFlags & {
  at?: string;
  in?: string;
  message?: string;
  skipDescendants?: boolean;
};

/**
 * `--at` / `--in` as the client sends them, checked here before any request
 * with the registry's own rules: `--in` against the contract's duration
 * pattern, `--at` as a date the registry accepts (sent as RFC 3339).
 */
function revocationTime(flags: RevokeFlags): { revokeAt?: Date; revokeIn?: string } {
  if (flags.at !== undefined && flags.in !== undefined) {
    throw new UsageError('pass --at or --in, not both');
  }
  if (flags.in !== undefined) {
    const { LIMITS, PATTERNS } = clientPackage();
    if (flags.in.length > LIMITS.duration || !new RegExp(PATTERNS.duration).test(flags.in)) {
      throw new UsageError(
        `--in: '${flags.in}' is not a duration; use a number and a unit s, m, h or d (e.g. 90m, 12h, 7d)`,
      );
    }
    return { revokeIn: flags.in };
  }
  if (flags.at !== undefined) {
    const at = new Date(flags.at);
    const year = at.getUTCFullYear();
    if (Number.isNaN(at.getTime()) || year < 1970 || year > 9999) {
      throw new UsageError(
        `--at: '${flags.at}' is not an ISO 8601 date between 1970 and 9999 (e.g. 2030-01-31T12:00:00Z)`,
      );
    }
    return { revokeAt: at };
  }
  return {};
}

/** Every descendant of a version, all generations, in any bucket. */
async function descendantsOf(
  client: RegistryClient,
  bucket: string,
  fp: string,
): Promise<AncestryChild[]> {
  const relations = await all(
    client.paginate('listBucketAncestry', bucket, {
      type: 'ANCESTRY_TYPE_CHILDREN',
      versionFingerprint: fp,
      depth: 'all',
    }),
  );
  const seen = new Map<string, AncestryChild>();
  for (const r of relations) {
    if (r.child) seen.set(`${r.child.bucket_name}/${r.child.version_fingerprint}`, r.child);
  }
  return [...seen.values()];
}

/** The channels of these buckets. */
async function channelsOf(client: RegistryClient, buckets: readonly string[]): Promise<Channel[]> {
  const lists = await Promise.all(buckets.map((b) => all(client.paginate('listChannels', b))));
  return lists.flat();
}

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
  const { show, read, out } = actionHelpers(c);
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
    .action(async (bucket: string, fp: string, flags: RevokeFlags) => {
      const when = revocationTime(flags);
      await read(flags, async (client) => {
        // What the revocation may touch, read before it: the descendants and every channel of
        // their buckets (UpdateVersion answers with the version only).
        const descendants = flags.skipDescendants ? [] : await descendantsOf(client, bucket, fp);
        const buckets = [bucket, ...new Set(descendants.map((d) => d.bucket_name))];
        const before = await channelsOf(client, buckets);
        const res = await client.revokeVersion(bucket, fp, {
          ...when,
          ...(flags.message === undefined ? {} : { message: flags.message }),
          ...(flags.skipDescendants ? { skipDescendantsRevocation: true } : {}),
        });
        if (flags.json) return out(json(res));
        out(versionStatus(bucket, fp, res.version));
        if (res.version.status !== 'VERSION_REVOKED') return;
        const inherited: Version[] = [];
        for (const d of descendants) {
          const v = await client.getVersion(d.bucket_name, d.version_fingerprint);
          if (v.status === 'VERSION_REVOKED' && v.revocation_type === 'INHERITED')
            inherited.push(v);
        }
        const revoked = new Set([
          `${bucket}/${fp}`,
          ...inherited.map((v) => `${v.bucket_name}/${v.fingerprint}`),
        ]);
        const moved = before.filter(
          (ch) => ch.version && revoked.has(`${ch.bucket_name}/${ch.version.fingerprint}`),
        );
        const after = new Map(
          (await channelsOf(client, buckets)).map((ch) => [`${ch.bucket_name}/${ch.name}`, ch]),
        );
        out(
          revocationReport(
            inherited,
            moved.map((ch) => ({ before: ch, after: after.get(`${ch.bucket_name}/${ch.name}`) })),
          ),
        );
      });
    });

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
