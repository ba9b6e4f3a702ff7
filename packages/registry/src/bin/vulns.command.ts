import type { Command } from 'commander';
import type { ImportSummary, VulnerabilityStatus } from '../domain';
import {
  EXIT_FAILURE,
  EXIT_OK,
  examples,
  validateDatabaseUrl,
  withStorage,
  withStorageOptions,
  type CliContext,
  type StorageFlags,
} from './cli-options';
import { domain } from './lazy';

const plural = (n: number, word: string, words = `${word}s`) => `${n} ${n === 1 ? word : words}`;

function importReport(source: string, s: ImportSummary): string {
  const lines = [
    `Imported ${plural(s.records, 'OSV record')} from ${source}: ${s.added} added, ` +
      `${s.updated} updated, ${s.unchanged} unchanged, ${s.withdrawn} withdrawn.`,
    `Matches with stored packages: ${s.matchesAdded} added, ${s.matchesRemoved} removed.`,
  ];
  if (s.unevaluated > 0) {
    lines.push(
      `${plural(s.unevaluated, 'package/range pair')} not judged: no version comparison for ` +
        `that ecosystem (only OSV's explicit version lists are matched there) or a version ` +
        `that does not parse.`,
    );
  }
  if (s.invalid > 0) {
    lines.push(`${plural(s.invalid, 'record')} not imported (fix them and import again):`);
    for (const p of s.problems) lines.push(`  ${p.source}: ${p.problems.join('; ')}`);
    if (s.problems.length < s.invalid) {
      lines.push(`  … and ${s.invalid - s.problems.length} more`);
    }
  }
  return `${lines.join('\n')}\n`;
}

function statusReport(s: VulnerabilityStatus, path: string): string {
  if (s.vulnerabilities === 0 && s.imports.length === 0) {
    return (
      "No vulnerability data. Import OSV records (a .json file, a .zip such as OSV's " +
      `per-ecosystem all.zip, or a directory) with: ${path} vulns import PATH\n`
    );
  }
  const lines = [
    `Vulnerabilities: ${s.vulnerabilities} (${s.withdrawn} withdrawn)`,
    `Vulnerable packages: ${s.vulnerablePackages} (${plural(s.matches, 'match', 'matches')})`,
    'Affected entries by ecosystem:',
    ...s.ecosystems.map(
      (e) =>
        `  ${e.ecosystem.padEnd(12)} ${String(e.entries).padStart(7)}  ` +
        (e.ranges
          ? 'ranges and versions matched'
          : 'explicit versions only (no version comparison)'),
    ),
    'Last imports:',
    ...s.imports.map(
      (i) =>
        `  ${i.finishedAt}  ${i.source}  ${plural(i.summary.records, 'record')} ` +
        `(${i.summary.added} added, ${i.summary.updated} updated, ${i.summary.invalid} invalid)`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}

/** `vulns import | status`: load OSV data from disk and show what is loaded, over the storage directly. */
export function addVulnsCommands(
  program: Command,
  { io, names, run: setResult }: CliContext,
): void {
  const vulns = program
    .command('vulns')
    .description('import OSV vulnerability data from disk and show what is loaded');

  withStorageOptions(
    vulns
      .command('import')
      .description(
        'import OSV records and match them against the stored packages (no network access)',
      )
      .argument(
        '<path>',
        'an OSV .json file (one record or an array), a .zip of them, or a directory',
      ),
    names,
  )
    .option(
      '--force',
      're-import every record read, even one not newer than the stored copy, and match it again',
    )
    .option('--json', 'print the summary as JSON')
    .addHelpText(
      'after',
      `\nRecords that fail validation are listed and skipped; the others are imported and the\n` +
        `command exits 1. Importing the same data again changes nothing, and a record older than\n` +
        `the stored copy (its modified time) is skipped unless --force.\n` +
        examples(
          `${names.path} vulns import ./osv/Debian/all.zip`,
          `${names.path} vulns import ./osv --json`,
        ),
    )
    .action((source: string, flags: StorageFlags & { force?: boolean; json?: boolean }) => {
      validateDatabaseUrl(flags.database);
      setResult(
        (async () => {
          const { checkOsvSource, readOsvSource } = domain();
          await checkOsvSource(source);
          return withStorage(flags, io, names, async (storage) => {
            const summary = await storage.vulnerabilities.importOsv(readOsvSource(source), {
              source,
              ...(flags.force ? { force: true } : {}),
            });
            io.stdout(
              flags.json ? `${JSON.stringify(summary, null, 2)}\n` : importReport(source, summary),
            );
            return summary.invalid > 0 ? EXIT_FAILURE : EXIT_OK;
          });
        })(),
      );
    });

  withStorageOptions(
    vulns.command('status').description('show the vulnerability data loaded and the last imports'),
    names,
  )
    .option('--json', 'print JSON')
    .addHelpText('after', examples(`${names.path} vulns status`))
    .action((flags: StorageFlags & { json?: boolean }) => {
      validateDatabaseUrl(flags.database);
      setResult(
        withStorage(flags, io, names, async (storage) => {
          const status = await storage.vulnerabilities.status();
          io.stdout(
            flags.json ? `${JSON.stringify(status, null, 2)}\n` : statusReport(status, names.path),
          );
          return EXIT_OK;
        }),
      );
    });
}
