import type { Build, Package, RegistryClient, Sbom, VulnerabilityDetails } from '@imprint/client';
import type { Command } from 'commander';
import { Option } from 'commander';
import { json, table } from '../format';
import { client as clientPackage } from '../lazy';
import type { Context } from './context';
import { UsageError, actionHelpers } from './context';
import type { ReadFlags } from './options';
import { all, examples, registryCommand, withRegistryFlags } from './options';
import { vulnsCell } from './vulns-format';

// `imprint packages`: the packages the registry parsed out of uploaded SBOMs.

/** The registry's largest page: a version's SBOMs can name thousands of packages. */
export const PAGE_SIZE = 1000;

/** A flag's text within the registry's limit, checked before any request. */
export function checkLength(flag: string, value: string | undefined): void {
  const max = clientPackage().LIMITS.identifier;
  if (value !== undefined && value.length > max) {
    throw new UsageError(
      `${flag} is ${value.length} characters long; the registry takes at most ${max}`,
    );
  }
}

/** A package of a version: once per name, version and purl, with each build whose SBOMs name it. */
interface VersionPackage {
  name: string;
  version: string;
  purl: string;
  builds: { id: string; component_type: string; sboms: Sbom[] }[];
  /** The known vulnerabilities of the package (`[]` until the registry has OSV data). */
  vuln_details: VulnerabilityDetails[];
}

type SortKey = 'name' | 'version';

interface VersionFlags extends ReadFlags {
  build?: string;
  namePrefix?: string;
  sort: SortKey;
}

/** Orders by `key`, then by the other of name and version, then purl. */
function byKey(key: SortKey) {
  const fields =
    key === 'name'
      ? (['name', 'version', 'purl'] as const)
      : (['version', 'name', 'purl'] as const);
  return (a: VersionPackage, b: VersionPackage) => {
    for (const f of fields) if (a[f] !== b[f]) return a[f] < b[f] ? -1 : 1;
    return 0;
  };
}

/** The packages of each build (one build with `--build`), merged per package. */
async function versionPackages(
  client: RegistryClient,
  bucket: string,
  fingerprint: string,
  flags: VersionFlags,
): Promise<{ builds: Build[]; packages: VersionPackage[] }> {
  const builds =
    flags.build === undefined
      ? await all(client.paginate('listBuilds', bucket, fingerprint))
      : [await client.getBuild(bucket, fingerprint, flags.build)];
  const merged = new Map<string, VersionPackage>();
  // Builds finish in any order: list them by component so COMPONENT reads the same every time.
  const ordered = [...builds].sort((a, b) =>
    a.component_type === b.component_type
      ? a.id.localeCompare(b.id)
      : a.component_type.localeCompare(b.component_type),
  );
  for (const build of ordered) {
    const listed: Package[] = await all(
      client.paginate('listBuildPackages', bucket, fingerprint, build.id, {
        packageNameStartsWith: flags.namePrefix,
        pageSize: PAGE_SIZE,
      }),
    );
    for (const p of listed) {
      const key = JSON.stringify([p.name, p.version, p.purl]);
      const entry = merged.get(key) ?? {
        name: p.name,
        version: p.version,
        purl: p.purl,
        builds: [],
        vuln_details: p.vuln_details,
      };
      entry.builds.push({ id: build.id, component_type: build.component_type, sboms: p.sboms });
      merged.set(key, entry);
    }
  }
  return { builds, packages: [...merged.values()].sort(byKey(flags.sort)) };
}

const dash = (value: string) => value || '-';

/**
 * NAME, VERSION, PURL, then VULNS (count and worst) once the registry has matched
 * packages against OSV data (before, every cell would be '-'), then any `more` columns.
 */
function packageTable(
  packages: readonly Pick<Package, 'name' | 'version' | 'purl' | 'vuln_details'>[],
  more?: { headers: string[]; cells: (index: number) => string[] },
): string {
  const vulns = packages.some((p) => p.vuln_details.length > 0);
  return table(
    ['NAME', 'VERSION', 'PURL', ...(vulns ? ['VULNS'] : []), ...(more?.headers ?? [])],
    packages.map((p, i) => [
      p.name,
      dash(p.version),
      dash(p.purl),
      ...(vulns ? [vulnsCell(p.vuln_details)] : []),
      ...(more?.cells(i) ?? []),
    ]),
  );
}

function versionTable(bucket: string, fingerprint: string, flags: VersionFlags) {
  return ({ builds, packages }: { builds: Build[]; packages: VersionPackage[] }): string => {
    if (packages.length > 0) {
      return packageTable(packages, {
        headers: ['COMPONENT'],
        cells: (i) => [packages[i].builds.map((b) => b.component_type).join(', ')],
      });
    }
    const what = flags.build === undefined ? `version ${fingerprint}` : `build ${flags.build}`;
    const named = flags.namePrefix ? ` whose name starts with '${flags.namePrefix}'` : '';
    if (builds.length === 0) {
      return `No packages: version ${fingerprint} of '${bucket}' has no builds.\n`;
    }
    const sbomList = `imprint sbom list ${bucket} ${fingerprint} ${flags.build ?? builds[0].id}`;
    return flags.namePrefix
      ? `No packages${named} in ${what} of '${bucket}'.\n`
      : `No packages in ${what} of '${bucket}': did the build upload an SBOM? See: ${sbomList}\n`;
  };
}

interface SearchFlags extends ReadFlags {
  version?: string;
  purl?: string;
}

interface BucketFlags extends ReadFlags {
  namePrefix?: string;
}

/** `imprint packages BUCKET FINGERPRINT`, `imprint packages search|bucket`. */
export function addPackagesCommands(program: Command, c: Context): void {
  const { show, read, out } = actionHelpers(c);
  const packages = withRegistryFlags(
    program
      .command('packages')
      .description(
        "list the packages a version's SBOMs name (every build's, or one build's), search them across buckets",
      )
      .argument('<bucket>')
      .argument('<fingerprint>'),
    'print JSON: {packages: [{name, version, purl, builds: [{id, component_type, sboms}], vuln_details}]}',
  )
    .option('--build <id>', "only this build's packages (default: every build of the version)")
    .option(
      '--name-prefix <prefix>',
      'only packages whose name starts with this (case-insensitive)',
    )
    .addOption(
      new Option('--sort <key>', 'order by name or version')
        .choices(['name', 'version'])
        .default('name'),
    )
    .addHelpText(
      'after',
      examples(
        'imprint packages demo-app 01J...',
        'imprint packages demo-app 01J... --build 01J... --name-prefix lib --json',
        'imprint packages search openssl --version 3.0.2',
        'imprint packages bucket demo-app',
      ),
    )
    .action((bucket: string, fingerprint: string, flags: VersionFlags) => {
      checkLength('--name-prefix', flags.namePrefix);
      // Not `show`: the builds word an empty answer, and `--json` prints the packages only.
      return read(flags, async (client) => {
        const answer = await versionPackages(client, bucket, fingerprint, flags);
        out(
          flags.json
            ? json({ packages: answer.packages })
            : versionTable(bucket, fingerprint, flags)(answer),
        );
      });
    });

  registryCommand(
    packages,
    'search [name]',
    'which versions, in every bucket, contain a package: by name (and --version) or --purl',
    [
      'imprint packages search openssl',
      'imprint packages search openssl --version 3.0.2',
      "imprint packages search --purl 'pkg:deb/debian/libc6@2.36-9+deb12u4?arch=amd64' --json",
    ],
  )
    .option('--version <version>', 'with NAME: exactly this version')
    .option('--purl <purl>', 'a package URL, exactly (instead of NAME)')
    .action((name: string | undefined, flags: SearchFlags) => {
      if (!name && !flags.purl) {
        throw new UsageError(
          'give a package NAME or --purl PURL, e.g. imprint packages search openssl',
        );
      }
      if (flags.version !== undefined && !name) {
        throw new UsageError(
          '--version narrows a search by NAME; give the NAME too, e.g. imprint packages search openssl --version 3.0.2',
        );
      }
      checkLength('NAME', name);
      checkLength('--version', flags.version);
      checkLength('--purl', flags.purl);
      return show(
        flags,
        async (client) => ({
          packages: await all(
            client.paginate('searchPackages', {
              name: name || undefined,
              version: flags.version,
              purl: flags.purl,
              pageSize: PAGE_SIZE,
            }),
          ),
        }),
        ({ packages: hits }) => {
          if (hits.length === 0) {
            const what = name
              ? `'${name}'${flags.version === undefined ? '' : ` version ${flags.version}`}`
              : `with purl ${flags.purl}`;
            return `No packages: no uploaded SBOM names package ${what}.\n`;
          }
          return table(
            ['PACKAGE', 'VERSION', 'BUCKET', 'VERSION-NAME', 'FINGERPRINT', 'COMPONENT'],
            hits.map((h) => [
              h.name,
              dash(h.version),
              h.bucket_name,
              h.version_name,
              h.version_fingerprint,
              h.component_type,
            ]),
          );
        },
      );
    });

  registryCommand(
    packages,
    'bucket <bucket>',
    "list the packages of the versions a bucket's channels point at (the images in use, latest included)",
    [
      'imprint packages bucket demo-app',
      'imprint packages bucket demo-app --name-prefix lib --json',
    ],
  )
    .option(
      '--name-prefix <prefix>',
      'only packages whose name starts with this (case-insensitive)',
    )
    .action((bucket: string, flags: BucketFlags) => {
      checkLength('--name-prefix', flags.namePrefix);
      return show(
        flags,
        async (client) => ({
          packages: await all(
            client.paginate('listBucketPackages', bucket, {
              packageNameStartsWith: flags.namePrefix,
              pageSize: PAGE_SIZE,
            }),
          ),
        }),
        ({ packages: list }) => {
          if (list.length > 0) return packageTable(list);
          if (flags.namePrefix) {
            return `No packages whose name starts with '${flags.namePrefix}' in the versions the channels of '${bucket}' point at.\n`;
          }
          return `No packages in the versions the channels of '${bucket}' point at: assign a channel to a version whose build uploaded an SBOM (imprint channels assign ${bucket} CHANNEL FINGERPRINT); see a build's SBOMs with: imprint sbom list ${bucket} FINGERPRINT BUILD_ID\n`;
        },
      );
    });
}
