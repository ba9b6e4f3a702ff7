import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { RegistryClient, Sbom } from '@imprint/client';
import type { Command } from 'commander';
import { table } from '../format';
import { client as clientPackage, core } from '../lazy';
import type { RegistryFlags } from '../registry';
import type { Context } from './context';
import { PROCESS_IO, UsageError, actionHelpers } from './context';
import type { ReadFlags } from './options';
import { examples, registryCommand, withRegistryFlags } from './options';

/** Where an SBOM is: the build's bucket, version fingerprint and id. */
interface BuildRef {
  readonly bucket: string;
  readonly fingerprint: string;
  readonly buildId: string;
}

/** An SBOM name as GetSbom takes it (the contract's pattern), checked before any request. */
function checkName(name: string): void {
  const { LookupSbomNameSchema } = clientPackage();
  if (!new RegExp(LookupSbomNameSchema.pattern ?? '').test(name)) {
    throw new UsageError(
      `'${name}' is not an SBOM name: expected ${LookupSbomNameSchema.description ?? LookupSbomNameSchema.pattern}; list the build's SBOMs with: imprint sbom list BUCKET FINGERPRINT BUILD_ID`,
    );
  }
}

/** The compressed bytes of an SBOM, through its short-lived download URL. */
async function fetchCompressed(client: RegistryClient, ref: BuildRef, name: string) {
  return core().downloadSbom(client, ref, name);
}

/** What `imprint sbom get` shows: the SBOM as listed, its sizes and its download URL. */
async function sbomDetails(client: RegistryClient, ref: BuildRef, name: string) {
  const { download_url: url } = await client.getSbom(
    ref.bucket,
    ref.fingerprint,
    ref.buildId,
    name,
  );
  const { sboms } = await client.listSboms(ref.bucket, ref.fingerprint, ref.buildId);
  const listed: Partial<Sbom> = sboms.find((s) => s.name === name) ?? {};
  const compressed = await fetchCompressed(client, ref, name);
  const document = await core().decompressSbom(compressed);
  return {
    id: listed.id ?? null,
    name,
    format: listed.format ?? null,
    compressed_bytes: compressed.length,
    document_bytes: document.length,
    download_url: url,
  };
}

interface DownloadFlags extends RegistryFlags {
  output?: string;
  compressed?: boolean;
}

/** `imprint sbom list|get|download`. */
export function addSbomCommands(program: Command, c: Context): void {
  const { show, read, out } = actionHelpers(c);
  const sbom = program
    .command('sbom')
    .description("list, show and download a build's SBOMs (software bills of materials)");
  registryCommand(
    sbom,
    'list <bucket> <fingerprint> <build-id>',
    "list a build's SBOMs: name, format and id",
    ['imprint sbom list demo-app 01J... 01J...', 'imprint sbom list demo-app 01J... 01J... --json'],
  ).action((bucket: string, fp: string, id: string, flags: ReadFlags) =>
    show(
      flags,
      (client) => client.listSboms(bucket, fp, id),
      ({ sboms }) =>
        sboms.length === 0
          ? `Build ${id} has no SBOMs.\n`
          : table(
              ['NAME', 'FORMAT', 'ID'],
              sboms.map((s) => [s.name, s.format, s.id]),
            ),
    ),
  );
  registryCommand(
    sbom,
    'get <bucket> <fingerprint> <build-id> <name>',
    'show an SBOM: name, format, size, and its download URL (valid 10 minutes, no token needed)',
    [
      'imprint sbom get demo-app 01J... 01J... app-1-0',
      'imprint sbom get demo-app 01J... 01J... app-1-0 --json',
    ],
  ).action(
    (bucket: string, fingerprint: string, buildId: string, name: string, flags: ReadFlags) => {
      checkName(name);
      return show(
        flags,
        (client) => sbomDetails(client, { bucket, fingerprint, buildId }, name),
        (d) =>
          [
            `Name:         ${d.name}`,
            `Format:       ${d.format ?? '-'}`,
            `Size:         ${d.document_bytes} bytes (${d.compressed_bytes} bytes zstd-compressed)`,
            `Download URL: ${d.download_url}`,
            '',
          ].join('\n'),
      );
    },
  );
  withRegistryFlags(
    sbom
      .command('download <bucket> <fingerprint> <build-id> <name>')
      .description('download an SBOM document (decompressed JSON unless --compressed)'),
    false,
  )
    .option('-o, --output <file>', 'write it to this file (default: stdout)')
    .option('--compressed', 'keep it zstd-compressed, as stored (e.g. for: zstd -d)')
    .addHelpText(
      'after',
      examples(
        'imprint sbom download demo-app 01J... 01J... app-1-0 > sbom.cdx.json',
        'imprint sbom download demo-app 01J... 01J... app-1-0 --output sbom.cdx.json',
        'imprint sbom download demo-app 01J... 01J... app-1-0 --compressed -o sbom.cdx.json.zst',
      ),
    )
    .action(
      async (
        bucket: string,
        fingerprint: string,
        buildId: string,
        name: string,
        flags: DownloadFlags,
      ) => {
        checkName(name);
        const toStdout = flags.output === undefined;
        const terminal = c.io === PROCESS_IO && process.stdout.isTTY === true;
        if (flags.compressed && toStdout && (c.io.stdoutBytes === undefined || terminal)) {
          throw new UsageError(
            '--compressed writes zstd bytes, not text for a terminal; add --output FILE (or pipe stdout to a file or to zstd -d)',
          );
        }
        await read(flags, async (client) => {
          const compressed = await fetchCompressed(client, { bucket, fingerprint, buildId }, name);
          const bytes = flags.compressed ? compressed : await core().decompressSbom(compressed);
          if (!toStdout) {
            const file = resolve(flags.output!);
            await writeFile(file, bytes);
            c.io.stderr(
              `Wrote SBOM ${name} (${bytes.length} bytes${flags.compressed ? ', zstd' : ''}) to ${file}\n`,
            );
          } else if (flags.compressed) c.io.stdoutBytes!(bytes);
          else out(bytes.toString('utf8'));
        });
      },
    );
}
