import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as sdk from '@imprint/sdk';

const repoRoot = join(__dirname, '..', '..', '..');

describe('package contract', () => {
  it('SDK_VERSION is the package version', () => {
    const pkg = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as {
      version: string;
    };
    expect(sdk.SDK_VERSION).toBe(pkg.version);
  });

  it('ARTIFACT_STATE_URI is the key Packer core asks for', () => {
    expect(sdk.ARTIFACT_STATE_URI).toBe('par.artifact.metadata');
  });

  it('ARTIFACT_SBOM_STATE_KEY is the key the registry reads SBOMs from', () => {
    expect(sdk.ARTIFACT_SBOM_STATE_KEY).toBe('imprint.sbom');
    expect(sdk.ARTIFACT_SBOM_FORMATS).toEqual(['cyclonedx', 'spdx']);
  });

  it('UNSAFE_KEYS is the one list of keys that reach a prototype', () => {
    expect([...sdk.UNSAFE_KEYS].sort()).toEqual(['__proto__', 'constructor', 'prototype']);
    expect(sdk.isUnsafeKey('__proto__')).toBe(true);
    expect(sdk.isUnsafeKey('constructor')).toBe(true);
    expect(sdk.isUnsafeKey('proto')).toBe(false);
    expect(sdk.isUnsafeKey('')).toBe(false);
  });

  it('every error code is documented in docs/reference/errors.md', () => {
    const doc = readFileSync(join(repoRoot, 'docs', 'reference', 'errors.md'), 'utf8');
    const missing = Object.values(sdk.SDK_ERROR_CODES).filter((code) => !doc.includes(code));
    expect(missing).toEqual([]);
  });

  it('every exported error class carries a distinct listed code', () => {
    const samples: sdk.ImprintError[] = [
      new sdk.ImageValidationError([]),
      new sdk.ImageDecodeError('state', 'is odd'),
      new sdk.SbomDecodeError('state', 'is odd'),
      new sdk.UnsafeKeyError('state', '__proto__'),
      new sdk.MissingArtifactError(null),
      new sdk.InvalidArgumentError('x', 'a function', 1),
      new sdk.NotAMapError('x', 1),
      new sdk.DecoratorUsageError('A.prototype.b', '@ImageId()', 'bad', 'Fix it.'),
      new sdk.ArtifactMetadataConflictError('A', ['bad']),
      new sdk.ArtifactMemberValueError('A', 'b', '@Label()', 'a string', 1),
      new sdk.SdkVersionConflictError('A', '2.0.0', '1.0.0'),
      new sdk.RegistryMetadataAssertionError('bad'),
      new sdk.ConfigError({ kind: 'source', component: 'c' }, [{ path: 'x', kind: 'invalid' }]),
      new sdk.ConfigSchemaError('C', ['bad']),
      new sdk.PluginRegistrationError('p', 'c', 'bad'),
      new sdk.UnknownComponentError('p', 'builder', 'c', []),
      new sdk.PluginNotFoundError('p', '/tmp'),
      new sdk.PluginLoadError('p', 'bad'),
      new sdk.PluginApiVersionError('p', 2, '2.0.0', 1, '1.0.0'),
      new sdk.DataSourceOutputError({ kind: 'data', component: 'c' }, [
        { output: 'x', problem: 'is missing' },
      ]),
    ];
    const exportedErrorClasses = Object.entries(sdk)
      .filter(
        ([name, value]) =>
          typeof value === 'function' && name.endsWith('Error') && name !== 'ImprintError',
      )
      .map(([name]) => name)
      .sort();
    expect(samples.map((e) => e.name).sort()).toEqual(exportedErrorClasses);
    expect(new Set(samples.map((e) => e.code))).toEqual(
      new Set(Object.values(sdk.SDK_ERROR_CODES)),
    );
    for (const error of samples) expect(error).toBeInstanceOf(sdk.ImprintError);
  });
});
