import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';

/*
 * The README promises Node ≥ 20.19, so `npm ci` must not warn EBADENGINE: no
 * package the lockfile installs may declare a Node range that excludes the
 * oldest Node we support. (fastify 5.12 pulls light-my-request 6.8, whose
 * cookie 2 declares Node ≥ 22; the root package.json overrides it to 6.6.)
 */
const root = path.resolve(__dirname, '../..');
const semver = createRequire(__filename)('semver') as {
  minVersion(range: string): { version: string } | null;
  satisfies(version: string, range: string): boolean;
};

interface LockEntry {
  version?: string;
  engines?: { node?: string } | string[];
}

const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, LockEntry>;
};
const promised = (
  JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
    engines: { node: string };
  }
).engines.node;

describe('engines', () => {
  it('12.3 every package npm ci installs supports the oldest Node the README promises', () => {
    const oldest = semver.minVersion(promised)!.version;
    expect(oldest).toBe('20.19.0');
    const refusing = Object.entries(lock.packages)
      .map(([where, entry]) => ({ where, node: (entry.engines as { node?: string })?.node }))
      .filter(({ node }) => typeof node === 'string' && !semver.satisfies(oldest, node))
      .map(({ where, node }) => `${where} requires node ${node}`);
    expect(refusing).toEqual([]);
  });

  it('12.3 the override that keeps light-my-request on Node 20 is what the lockfile holds', () => {
    expect(lock.packages['node_modules/light-my-request']?.version).toBe('6.6.0');
    expect(lock.packages['node_modules/cookie']?.version).toMatch(/^1\./);
  });
});
