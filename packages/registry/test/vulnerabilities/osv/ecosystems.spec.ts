import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  matchName,
  osvPackageOf,
  splitOsvEcosystem,
} from '../../../src/resources/vulnerabilities/osv';

/** purl → [ecosystem, release, name] for every purl type with an OSV ecosystem, and purls with none. */
const PURLS = JSON.parse(readFileSync(path.join(__dirname, 'fixtures', 'purls.json'), 'utf8')) as {
  mapped: Record<string, [string, string, string]>;
  unmapped: string[];
};

describe('osvPackageOf: purl → OSV package', () => {
  it('covers every purl type that has an OSV ecosystem', () => {
    const types = Object.keys(PURLS.mapped).map((purl) =>
      /^pkg:([^/]+)\/(?:(debian|ubuntu|alpine)\/)?/.exec(purl)?.slice(1).join('/'),
    );
    expect(new Set(types)).toEqual(
      new Set([
        'npm/',
        'pypi/',
        'golang/',
        'deb/debian',
        'deb/ubuntu',
        'apk/alpine',
        'cargo/',
        'gem/',
        'maven/',
        'nuget/',
        'composer/',
        'hex/',
        'pub/',
      ]),
    );
  });

  it.each(Object.entries(PURLS.mapped))('%s', (purl, [ecosystem, release, name]) => {
    expect(osvPackageOf(purl)).toEqual({ ecosystem, release, name });
  });

  it.each(PURLS.unmapped)('maps %j to no OSV ecosystem', (purl) => {
    expect(osvPackageOf(purl)).toBeUndefined();
  });
});

describe('OSV ecosystem names', () => {
  it.each([
    ['Debian:12', { ecosystem: 'Debian', release: '12' }],
    ['Ubuntu:22.04:LTS', { ecosystem: 'Ubuntu', release: '22.04' }],
    ['Ubuntu:24.10', { ecosystem: 'Ubuntu', release: '24.10' }],
    ['Ubuntu:Pro:18.04:LTS', { ecosystem: 'Ubuntu', release: 'Pro:18.04' }],
    ['Alpine:v3.20', { ecosystem: 'Alpine', release: 'v3.20' }],
    ['npm', { ecosystem: 'npm', release: '' }],
  ])('splitOsvEcosystem(%j)', (value, expected) => {
    expect(splitOsvEcosystem(value)).toEqual(expected);
  });

  it('normalises PyPI names only', () => {
    expect(matchName('PyPI', 'Zope.Interface__Extra')).toBe('zope-interface-extra');
    expect(matchName('npm', 'Some_Name')).toBe('Some_Name');
    expect(matchName('Go', 'github.com/BurntSushi/toml')).toBe('github.com/BurntSushi/toml');
  });
});
