import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';
import * as client from '@imprint/client';

const packageRoot = join(__dirname, '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = join(dir, entry);
    return statSync(full).isDirectory() ? sourceFiles(full) : full.endsWith('.ts') ? [full] : [];
  });
}

describe('package contract', () => {
  const pkg = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as {
    version: string;
    dependencies?: Record<string, string>;
  };

  it('CLIENT_VERSION is the package version', () => {
    expect(client.CLIENT_VERSION).toBe(pkg.version);
  });

  // The API contract (src/contract/) is written with TypeBox, which has no
  // dependencies of its own and runs in browsers; it is the only one allowed.
  it('has one runtime dependency: TypeBox, for the API contract', () => {
    expect(Object.keys(pkg.dependencies ?? {})).toEqual(['@sinclair/typebox']);
  });

  it('sources import only their own modules, node: built-ins and (in contract/) TypeBox', () => {
    const offenders: string[] = [];
    let seen = 0;
    for (const file of sourceFiles(join(packageRoot, 'src'))) {
      const text = readFileSync(file, 'utf8');
      const specifiers = [
        ...text.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s+'([^']+)'/gm),
        ...text.matchAll(/^\s*import\s+'([^']+)'/gm),
        ...text.matchAll(/\b(?:import|require)\(\s*'([^']+)'/g),
      ];
      for (const match of specifiers) {
        seen++;
        const specifier = match[1]!;
        const typebox = specifier === '@sinclair/typebox' && file.includes(`${sep}contract${sep}`);
        if (!specifier.startsWith('.') && !specifier.startsWith('node:') && !typebox) {
          offenders.push(`${file}: ${specifier}`);
        }
      }
    }
    expect(seen).toBeGreaterThan(10);
    expect(offenders).toEqual([]);
  });

  it('every error code is documented in the package README', () => {
    const readme = readFileSync(join(packageRoot, 'README.md'), 'utf8');
    const missing = Object.values(client.CLIENT_ERROR_CODES).filter(
      (code) => !readme.includes(code),
    );
    expect(missing).toEqual([]);
  });

  it('every exported error class carries a distinct listed code', () => {
    const samples: client.RegistryClientError[] = [
      new client.RegistryApiError({
        method: 'GET',
        path: '/x',
        httpStatus: 404,
        grpcCode: 5,
        serverMessage: 'x',
        details: [],
      }),
      new client.RegistryConnectionError({ method: 'GET', url: 'http://x', attempts: 1 }),
      new client.RegistryTimeoutError({
        method: 'GET',
        url: 'http://x',
        attempts: 1,
        timeoutMs: 1,
      }),
      new client.RegistryAuthError({ tokenUrl: 'http://x/oauth2/token', problem: 'x' }),
      new client.RegistryDiscoveryError('x'),
      new client.RegistryAbortedError('GET', 'http://x', undefined),
      new client.RegistryResponseError('GET', '/x', 'x'),
      new client.RegistryConfigError('baseUrl', 'x'),
      new client.RegistryArgumentError('bucketName', 'x'),
    ];
    const exportedErrorClasses = Object.entries(client)
      .filter(
        ([name, value]) =>
          typeof value === 'function' &&
          /^[A-Z]\w*Error$/.test(name) &&
          name !== 'RegistryClientError',
      )
      .map(([name]) => name)
      .sort();
    expect(samples.map((e) => e.name).sort()).toEqual(exportedErrorClasses);
    expect(new Set(samples.map((e) => e.code))).toEqual(
      new Set(Object.values(client.CLIENT_ERROR_CODES)),
    );
    for (const error of samples) expect(error).toBeInstanceOf(client.RegistryClientError);
  });

  it('grpcCodeName names codes', () => {
    expect(client.grpcCodeName(10)).toBe('ABORTED');
    expect(client.grpcCodeName(99)).toBe('CODE_99');
  });
});
