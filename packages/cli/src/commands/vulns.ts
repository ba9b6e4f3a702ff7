import type { Criticality, ListVulnerabilitiesOptions } from '@imprint/client';
import type { Command } from 'commander';
import { client as clientPackage } from '../lazy';
import type { Context } from './context';
import { UsageError, actionHelpers } from './context';
import type { ReadFlags } from './options';
import { all, collect, examples, registryCommand, withRegistryFlags } from './options';
import { PAGE_SIZE, checkLength } from './packages';
import {
  summaryText,
  vulnerabilityTable,
  vulnerablePackageTable,
  type Scope,
} from './vulns-format';

// `imprint vulns`: the known vulnerabilities the registry matched against the
// packages of uploaded SBOMs, from the OSV data its operator imported.

interface FilterFlags extends ReadFlags {
  criticality: string[];
  id?: string;
  idPrefix?: string;
}

interface PackageFlags extends FilterFlags {
  name?: string;
}

/**
 * `--criticality` values, case-insensitive, as the API spells them; an unknown one is a usage
 * error naming the flag and the allowed values, before any request.
 */
function criticalities(values: readonly string[]): Criticality[] {
  const allowed = clientPackage().CRITICALITIES;
  return values.map((value) => {
    const found = allowed.find((c) => c.toLowerCase() === value.trim().toLowerCase());
    if (found === undefined) {
      throw new UsageError(
        `--criticality '${value}' is not a criticality; use one of ${allowed.join(', ')} (repeat the flag for several)`,
      );
    }
    return found;
  });
}

/** The filters as the client takes them, checked first (see {@link criticalities}). */
function filters(flags: FilterFlags): ListVulnerabilitiesOptions {
  checkLength('--id', flags.id);
  checkLength('--id-prefix', flags.idPrefix);
  const criticality = criticalities(flags.criticality);
  return {
    criticality: criticality.length > 0 ? criticality : undefined,
    identifier: flags.id,
    identifierStartsWith: flags.idPrefix,
    pageSize: PAGE_SIZE,
  };
}

/** The filter flags of every list subcommand. */
function withFilters(command: Command): Command {
  return command
    .option(
      '--criticality <level>',
      'only this criticality: Critical, High, Medium, Low or Unknown (case-insensitive; repeatable)',
      collect,
      [],
    )
    .option('--id <id>', 'only this vulnerability: an OSV id or alias, e.g. CVE-2024-1234')
    .option('--id-prefix <prefix>', 'only ids starting with this, e.g. GHSA- or DSA-');
}

/** `imprint vulns BUCKET`, `imprint vulns version|packages|summary`. */
export function addVulnsCommands(program: Command, c: Context): void {
  const { show } = actionHelpers(c);
  const vulns = withFilters(
    withRegistryFlags(
      program
        .command('vulns')
        .description(
          "list the known vulnerabilities of the images in use (the versions a bucket's channels point at), of one version, per package, or counted",
        )
        .argument('<bucket>'),
      "print the API's JSON: {vulnerabilities: [{vulnerability, impacted_packages, impacted_builds, impacted_channels}]}",
    ),
  )
    .addHelpText(
      'after',
      '\nThe registry matches packages against the OSV data its operator imported\n' +
        '(imprint registry vulns import); it looks nothing up on the network.\n' +
        examples(
          'imprint vulns demo-app',
          'imprint vulns demo-app --criticality critical --criticality high',
          'imprint vulns demo-app --id CVE-2024-1234 --json',
          'imprint vulns version demo-app 01J...',
          'imprint vulns packages demo-app --name openssl',
          'imprint vulns summary demo-app',
        ),
    )
    .action((bucket: string, flags: FilterFlags) => {
      const options = filters(flags);
      return show(
        flags,
        async (client) => ({
          vulnerabilities: await all(client.paginate('listBucketVulnerabilities', bucket, options)),
        }),
        ({ vulnerabilities }) => vulnerabilityTable(vulnerabilities, channelScope(bucket), flags),
      );
    });

  withFilters(
    registryCommand(
      vulns,
      'version <bucket> <fingerprint>',
      "list the known vulnerabilities of one version's builds, worst first",
      [
        'imprint vulns version demo-app 01J...',
        'imprint vulns version demo-app 01J... --criticality critical --json',
      ],
    ),
  ).action((bucket: string, fingerprint: string, flags: FilterFlags) => {
    const options = filters(flags);
    return show(
      flags,
      async (client) => ({
        vulnerabilities: await all(
          client.paginate('listVersionVulnerabilities', bucket, fingerprint, options),
        ),
      }),
      ({ vulnerabilities }) =>
        vulnerabilityTable(
          vulnerabilities,
          { kind: 'version', what: `version ${fingerprint} of '${bucket}'` },
          flags,
        ),
    );
  });

  withFilters(
    registryCommand(
      vulns,
      'packages <bucket>',
      "list the vulnerable packages of the versions a bucket's channels point at: one row per package, build and channel",
      [
        'imprint vulns packages demo-app',
        'imprint vulns packages demo-app --name openssl --criticality high --json',
      ],
    ),
  )
    .option('--name <name>', 'only the package of this name (case-insensitive)')
    .action((bucket: string, flags: PackageFlags) => {
      checkLength('--name', flags.name);
      const options = { ...filters(flags), packageName: flags.name };
      return show(
        flags,
        async (client) => ({
          packages: await all(
            client.paginate('listBucketPackagesWithVulnerabilities', bucket, options),
          ),
        }),
        ({ packages }) => vulnerablePackageTable(packages, channelScope(bucket), flags),
      );
    });

  registryCommand(
    vulns,
    'summary <bucket>',
    "count the known vulnerabilities of the versions a bucket's channels point at: by criticality, per channel, per package",
    ['imprint vulns summary demo-app', 'imprint vulns summary demo-app --json'],
  ).action((bucket: string, flags: ReadFlags) =>
    show(
      flags,
      (client) => client.bucketVulnerabilitySummary(bucket),
      (summary) => summaryText(summary, channelScope(bucket)),
    ),
  );
}

const channelScope = (bucket: string): Scope => ({
  kind: 'channels',
  what: `the versions the channels of '${bucket}' point at`,
});
