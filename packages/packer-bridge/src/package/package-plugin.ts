import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { loadPlugin } from '@imprint/sdk';
import { HostNotBuiltError } from '../errors';
import { createManifest } from '../manifest/create-manifest';
import { packerVisibleName, renamingNotices } from '../manifest/packer-name';
import type { ComponentKind, Manifest } from '../protocol/manifest';
import type { GoToolchain } from './go-toolchain';
import { findGo, goBuild, requiredGo } from './go-toolchain';
import { installInstructions, templateUsage } from './install-instructions';

/** This package's directory (`src/package/` and `dist/package/` both sit two levels below it). */
const PACKAGE_ROOT = resolve(__dirname, '..', '..');

/** The Packer plugin protocol the bridge speaks (packer-plugin-sdk's API version 5.0). */
export const PACKER_PLUGIN_PROTOCOL = 'x5.0';

/** Options of {@link packagePlugin}. */
export interface PackageOptions {
  /** The plugin's npm package, e.g. `@imprint/example-docker-like`. */
  readonly packageName: string;
  /** Directory the package is resolved from (default: the current directory). */
  readonly from?: string;
  /** Where the binary and its checksum file are written. */
  readonly outputDir: string;
  /** The Packer plugin name; derived from the plugin when absent. */
  readonly name?: string;
  /** The Go program (default `go` on PATH). */
  readonly goBinary?: string;
  /** Environment of `go` (default `process.env`). */
  readonly env?: NodeJS.ProcessEnv;
}

/** A component as Packer sees it. */
export interface PackagedComponent {
  readonly kind: ComponentKind;
  readonly imprintName: string;
  /** Its name in templates under Packer. */
  readonly packerName: string;
  /** e.g. `source "docker-like" "NAME" { … }`. */
  readonly usage: string;
}

/** What {@link packagePlugin} wrote. */
export interface PackageResult {
  readonly manifest: Manifest;
  /** Absolute path of `packer-plugin-<name>_v<version>_x5.0_<os>_<arch>`. */
  readonly binary: string;
  /** `<binary>_SHA256SUM`: the binary's sha256, lower-case hex, as Packer writes and checks it. */
  readonly checksumFile: string;
  readonly sha256: string;
  /** True when the binary was up to date and `go build` was skipped. */
  readonly reused: boolean;
  readonly components: readonly PackagedComponent[];
  /** Components whose name changes under Packer. */
  readonly notices: readonly string[];
  /** Lines telling how to install the binary. */
  readonly install: readonly string[];
}

/**
 * Makes a Packer plugin binary of an Imprint plugin package: loads the plugin,
 * writes its manifest, and builds the Go bridge with the manifest linked in.
 * A second run with nothing changed reuses the binary.
 *
 * @example
 * ```ts
 * const result = await packagePlugin({ packageName: '@imprint/example-docker-like', outputDir: 'packer-plugins' });
 * result.binary; // …/packer-plugins/packer-plugin-docker-like_v0.1.0_x5.0_linux_amd64
 * ```
 * @throws the SDK's `PluginNotFoundError`/`PluginLoadError` when the package cannot be loaded.
 * @throws {@link BadPackerNameError}, {@link BadPluginVersionError}, {@link UnmappablePluginError} from {@link createManifest}.
 * @throws {@link GoMissingError} without a usable Go; {@link GoBuildError} when the build fails.
 */
export async function packagePlugin(options: PackageOptions): Promise<PackageResult> {
  const env = options.env ?? process.env;
  const from = resolve(options.from ?? '.');
  const plugin = await loadPlugin(options.packageName, from);
  const host = join(PACKAGE_ROOT, 'dist', 'host', 'main.js');
  if (!existsSync(host)) throw new HostNotBuiltError(host);
  const manifest = createManifest(plugin.describe(), {
    packageName: options.packageName,
    from,
    node: process.execPath,
    host,
    ...(options.name === undefined ? {} : { name: options.name }),
  });
  const goDir = join(PACKAGE_ROOT, 'go');
  const go = await findGo(requiredGo(goDir), options.goBinary, env);
  const outputDir = resolve(options.outputDir);
  const fileName = `packer-plugin-${manifest.packerName}_v${manifest.plugin.version}_${PACKER_PLUGIN_PROTOCOL}_${go.goos}_${go.goarch}${go.goos === 'windows' ? '.exe' : ''}`;
  const binary = join(outputDir, fileName);
  const checksumFile = `${binary}_SHA256SUM`;
  // A dot-file: Packer takes every `packer-plugin-*` file in its directories for a plugin.
  const stampFile = join(outputDir, `.${fileName}.imprint-stamp`);
  const stamp = buildStamp(manifest, go, goDir);

  let sha256 = await upToDate(binary, checksumFile, stampFile, stamp);
  const reused = sha256 !== undefined;
  if (sha256 === undefined) {
    await mkdir(outputDir, { recursive: true });
    const building = join(outputDir, `.${fileName}.building`);
    try {
      const ldflags = `-s -w -X main.manifest=${Buffer.from(JSON.stringify(manifest)).toString('base64')}`;
      await goBuild(go, goDir, ldflags, building, env);
      await rename(building, binary);
    } finally {
      await rm(building, { force: true });
    }
    sha256 = sha256Hex(await readFile(binary));
    // Only the hex digest, no newline: what Packer itself writes and reads back.
    await writeFile(checksumFile, sha256);
    await writeFile(stampFile, stamp);
  }
  return {
    manifest,
    binary,
    checksumFile,
    sha256,
    reused,
    components: manifest.components.map((c) => ({
      kind: c.kind,
      imprintName: c.imprintName,
      packerName: packerVisibleName(manifest, c),
      usage: templateUsage(manifest, c),
    })),
    notices: renamingNotices(manifest),
    install: installInstructions(manifest, binary, checksumFile),
  };
}

function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Hash of everything the binary is made of: the manifest, the Go sources and the toolchain. */
function buildStamp(manifest: Manifest, go: GoToolchain, goDir: string): string {
  const hash = createHash('sha256');
  hash.update(JSON.stringify(manifest)).update(`\0${go.version}\0${go.goos}\0${go.goarch}\0`);
  for (const file of goSources(goDir)) {
    hash
      .update(`${relative(goDir, file)}\0`)
      .update(readFileSync(file))
      .update('\0');
  }
  return hash.digest('hex');
}

function goSources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) return entry.name.startsWith('.') ? [] : goSources(full);
      return /\.go$|^go\.(mod|sum)$/.test(entry.name) ? [full] : [];
    });
}

/** The binary's sha256 when binary, checksum and stamp all match; otherwise undefined. */
async function upToDate(
  binary: string,
  checksumFile: string,
  stampFile: string,
  stamp: string,
): Promise<string | undefined> {
  try {
    const [bytes, checksum, stored] = await Promise.all([
      readFile(binary),
      readFile(checksumFile, 'utf8'),
      readFile(stampFile, 'utf8'),
    ]);
    const sha256 = sha256Hex(bytes);
    return stored === stamp && checksum.trim() === sha256 ? sha256 : undefined;
  } catch {
    return undefined;
  }
}
