import { join } from 'node:path';
import type { CliIo } from '@imprint/cli';
import { EXIT, run } from '@imprint/cli';
import type { TempDirs } from '@imprint/registry/testing';
import { REPO_ROOT, writeJson } from './bin';

/*
 * Docker-like images with OS packages, built by `imprint build` in-process
 * against a real registry, for the specs of the commands that read their SBOMs
 * (`imprint packages`, `imprint vulns`): a Debian base (dpkg database), and
 * images FROM it, one of which adds an Alpine apk database.
 */

const ROOTFS = join(REPO_ROOT, 'examples', 'docker-like', 'test', 'fixtures', 'os-rootfs');
/** A dpkg database: base-files, libc6 (and a removed vim-tiny). */
export const DPKG_STATUS = join(ROOTFS, 'var', 'lib', 'dpkg', 'status');
/** An apk database: musl, ca-certificates-bundle. */
export const APK_INSTALLED = join(ROOTFS, 'lib', 'apk', 'db', 'installed');

export interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `imprint args` in-process: exit code and output. */
export async function imprint(args: readonly string[]): Promise<Result> {
  const out = { stdout: '', stderr: '' };
  const io: CliIo = { stdout: (t) => (out.stdout += t), stderr: (t) => (out.stderr += t), env: {} };
  const code = await run(args, io);
  return { code, ...out };
}

/** A docker-like source: FROM `base`, adding `files`, its layout written to `out`. */
export function source(base: string, out: string, files: object[]) {
  return { base, tag: 'latest', output_dir: out, created: '2024-01-01T00:00:00Z', files };
}

/** A template of `sources` (name → source) publishing to `bucket`. */
export function template(bucket: string, sources: Record<string, object>, channels?: string[]) {
  return {
    required_plugins: { 'docker-like': '@imprint/example-docker-like' },
    sources: Object.fromEntries(Object.entries(sources).map(([n, s]) => [`docker-like.${n}`, s])),
    build: { sources: Object.keys(sources).map((n) => `docker-like.${n}`) },
    registry: { bucket_name: bucket, ...(channels ? { channels } : {}) },
  };
}

/** Builds `tpl` with `imprint build --json` against `registryUrl`: the fingerprint and build ids. */
export async function build(dirs: TempDirs, registryUrl: string, tpl: object) {
  const work = await dirs.make();
  const file = await writeJson(work, 'app.pkr.json', tpl);
  const built = await imprint([
    'build',
    file,
    '--plugin-dir',
    REPO_ROOT,
    '--json',
    '--registry',
    registryUrl,
  ]);
  expect({ code: built.code, stderr: built.code === 0 ? '' : built.stderr }).toEqual({
    code: EXIT.OK,
    stderr: '',
  });
  const doc = JSON.parse(built.stdout);
  return doc.registry as { fingerprint: string; buildIds: Record<string, string> };
}

/**
 * The base `<prefix>-os` (a dpkg database, no channel of its own), and
 * `<prefix>-app` FROM it on channel `production`: builds `app` (adds a file)
 * and `tools` (adds an apk database).
 */
export async function buildOsImages(dirs: TempDirs, registryUrl: string, prefix: string) {
  const work = await dirs.make();
  const os = join(work, 'os');
  const base = await build(
    dirs,
    registryUrl,
    template(`${prefix}-os`, {
      os: source('scratch', os, [{ source: DPKG_STATUS, destination: '/var/lib/dpkg/status' }]),
    }),
  );
  const app = await build(
    dirs,
    registryUrl,
    template(
      `${prefix}-app`,
      {
        app: source(os, join(work, 'app'), [
          { content: 'echo hello\n', destination: '/srv/app/run.sh' },
        ]),
        tools: source(os, join(work, 'tools'), [
          { source: APK_INSTALLED, destination: '/lib/apk/db/installed' },
        ]),
      },
      ['production'],
    ),
  );
  return { base, app };
}
