import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { PackageResult } from '@imprint/packer-bridge';
import { packerBridge, sdk } from '../lazy';
import type { Context } from './context';
import { UsageError } from './context';
import { examples } from './options';

/** Where `imprint plugins package` writes when `--output` is not given. */
export const DEFAULT_PACKAGE_OUTPUT = 'packer-plugins';

interface PackageFlags {
  from: string;
  output: string;
  name?: string;
}

/** `imprint plugins package`: an Imprint plugin as a Packer plugin binary. */
export function addPluginsPackageCommand(plugins: Command, c: Context): void {
  plugins
    .command('package')
    .description(
      'make a Packer plugin binary of a plugin package, to run its components under stock Packer (needs Go, at least the version the bridge go.mod names)',
    )
    .argument('<package>', 'plugin package name')
    .option('--from <dir>', 'directory the package is resolved from', '.')
    .option(
      '--output <dir>',
      'directory the binary and its checksum file are written to',
      DEFAULT_PACKAGE_OUTPUT,
    )
    .option(
      '--name <name>',
      "the Packer plugin name (packer-plugin-<name>; components become <name>-<component>); default: the plugin's first builder, or the package name",
    )
    .addHelpText(
      'after',
      examples(
        'imprint plugins package @imprint/example-docker-like --from . --output ./packer-plugins',
        'imprint plugins package @acme/imprint-plugin-tar --name tar',
      ),
    )
    .action(async (pkg: string, flags: PackageFlags) => {
      const bridge = packerBridge();
      let result: PackageResult;
      try {
        // Before loading anything: a bad --name is the command line's fault.
        if (flags.name !== undefined) bridge.checkPackerName(flags.name);
        result = await bridge.packagePlugin({
          packageName: pkg,
          from: resolve(flags.from),
          outputDir: resolve(flags.output),
          ...(flags.name === undefined ? {} : { name: flags.name }),
          env: c.env,
        });
      } catch (error) {
        throw inCliWords(error, flags);
      }
      c.io.stdout(report(pkg, result));
    });
}

/** The library's errors, with the flag that fixes them. */
function inCliWords(error: unknown, flags: PackageFlags): unknown {
  if (error instanceof packerBridge().BadPackerNameError) {
    return new UsageError(
      flags.name === undefined
        ? `the name derived from the plugin: ${error.message}; choose one with --name`
        : `--name: ${error.message}`,
    );
  }
  if (error instanceof sdk().PluginNotFoundError) {
    return new Error(`${error.message} (or point --from at the directory it is installed in)`, {
      cause: error,
    });
  }
  return error;
}

function report(pkg: string, r: PackageResult): string {
  const width = Math.max(...r.components.map((c) => c.kind.length));
  const lines = [
    `${r.reused ? 'Up to date' : 'Built'}: the Packer plugin '${r.manifest.packerName}' ${r.manifest.plugin.version} of ${pkg}`,
    `  ${r.binary}`,
    `  ${r.checksumFile}`,
    '',
    'Components, as Packer templates name them:',
    ...r.components.map((c) => `  ${c.kind.padEnd(width)}  ${c.usage}`),
  ];
  if (r.notices.length > 0) lines.push('', 'Notices:', ...r.notices.map((n) => `  ${n}`));
  lines.push('', 'To install:', ...r.install.map((l) => `  ${l}`));
  return `${lines.join('\n')}\n`;
}
