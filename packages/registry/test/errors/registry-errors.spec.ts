import { GrpcCode, httpStatusFromGrpcCode } from '@imprint/client';
import {
  HTTP_ERROR_REASONS,
  REGISTRY_ERROR_TABLE,
  RegistryError,
  RegistryErrorReason,
  RegistryErrors,
} from '@imprint/registry';
import type { RegistryErrorCondition, RegistryErrorRow } from '@imprint/registry';
import { ImprintError } from '@imprint/sdk';
import { ERROR_SAMPLES } from './error-samples';

const conditions = Object.keys(REGISTRY_ERROR_TABLE) as RegistryErrorCondition[];
const rowOf = (condition: RegistryErrorCondition) =>
  REGISTRY_ERROR_TABLE[condition] as RegistryErrorRow<unknown>;
/** One condition's error, built from its sample values. */
const sample = (condition: RegistryErrorCondition): RegistryError =>
  new (RegistryErrors[condition] as unknown as new (params: unknown) => RegistryError)(
    ERROR_SAMPLES[condition],
  );

describe('the registry error table', () => {
  it('gives every row a REGISTRY_ERR_ code the package declares, and declares no code without a row', () => {
    const declared = new Set<string>([
      ...Object.values(RegistryErrorReason),
      ...Object.values(HTTP_ERROR_REASONS),
    ]);
    const used = new Set<string>(conditions.map((c) => rowOf(c).code));
    for (const code of used) expect(code).toMatch(/^REGISTRY_ERR_[A-Z_]+$/);
    expect([...used].filter((code) => !declared.has(code))).toEqual([]);
    expect([...declared].filter((code) => !used.has(code))).toEqual([]);
  });

  it('declares each code once per layer', () => {
    for (const codes of [Object.values(RegistryErrorReason), Object.values(HTTP_ERROR_REASONS)]) {
      expect(new Set(codes).size).toBe(codes.length);
    }
  });

  it('gives one code one gRPC/HTTP pair, except where the table says otherwise', () => {
    // GetVersion answers 10/409 (Packer creates the version on it); a framework 4xx keeps its status.
    const exceptions = new Set<RegistryErrorCondition>(['GetVersionNotFound', 'RequestRefused']);
    const pairs = new Map<string, Set<string>>();
    for (const condition of conditions.filter((c) => !exceptions.has(c))) {
      const error = sample(condition);
      const seen = pairs.get(error.code) ?? new Set<string>();
      pairs.set(error.code, seen.add(`${error.grpcCode}/${error.httpStatus}`));
    }
    const split = [...pairs].filter(([, seen]) => seen.size > 1).map(([code]) => code);
    expect(split).toEqual([]);
  });

  it('answers a missing version with 5/404, and GetVersion with 10/409', () => {
    const params = { bucket_name: 'web', fingerprint: 'f1' };
    const anywhere = new RegistryErrors.VersionNotFound(params);
    const getVersion = new RegistryErrors.GetVersionNotFound(params);
    expect([anywhere.grpcCode, anywhere.httpStatus]).toEqual([GrpcCode.NOT_FOUND, 404]);
    expect([getVersion.grpcCode, getVersion.httpStatus]).toEqual([GrpcCode.ABORTED, 409]);
    expect(getVersion.code).toBe(anywhere.code);
    expect(getVersion.message).toBe(anywhere.message);
  });

  it.each(conditions)('%s constructs with its row’s code, status and message', (condition) => {
    const row = rowOf(condition);
    const params = ERROR_SAMPLES[condition];
    const error = sample(condition);
    const status =
      typeof row.httpStatus === 'function'
        ? row.httpStatus(params)
        : (row.httpStatus ?? httpStatusFromGrpcCode(row.grpcCode));
    expect(error).toBeInstanceOf(RegistryErrors[condition]);
    expect(error).toBeInstanceOf(RegistryError);
    expect(error).toBeInstanceOf(ImprintError);
    expect(error.constructor.name).toBe(`${condition}Error`);
    expect(error).toMatchObject({
      name: 'RegistryError',
      code: row.code,
      reason: row.code,
      grpcCode: row.grpcCode,
      httpStatus: status,
      message: row.message(params),
    });
    expect(error.message.length).toBeGreaterThan(0);
    expect(error.toStatus()).toEqual({
      code: row.grpcCode,
      message: row.message(params),
      details: [
        {
          '@type': 'imprint.registry.ErrorInfo',
          reason: row.code,
          ...(row.details ? row.details(params) : (params as object)),
        },
      ],
    });
  });

  it('is one class per condition, not shared between rows', () => {
    const classes = conditions.map((c) => RegistryErrors[c]);
    expect(new Set(classes).size).toBe(conditions.length);
    expect(sample('BucketNotFound')).not.toBeInstanceOf(RegistryErrors.ChannelNotFound);
  });
});

describe('messages the table gives', () => {
  // Byte for byte what the registry has always said; clients show these.
  it.each([
    [
      'BucketNotFound',
      'Bucket "ubuntu-base" does not exist in this registry. Check the name, or create it with CreateBucket (PUT /buckets).',
    ],
    ['FieldInvalid', 'restricted must be true or false, got "yes".'],
    [
      'BuildStatusTransition',
      'Build 01J9ZKB cannot go from BUILD_UNSET to BUILD_CANCELLED. From BUILD_UNSET it can go to BUILD_RUNNING, BUILD_FAILED.',
    ],
    [
      'VersionRevoked',
      'Version "01J9ZK" (v2) of bucket "ubuntu-base" is revoked and cannot be changed until it is restored. Send {"restore": true} first.',
    ],
    ['BodyNotJson', 'the request body is not valid JSON: Unexpected end of JSON input'],
    ['UnsupportedMediaType', 'unsupported content type text/plain: send application/json'],
  ] as const)('%s', (condition, message) => {
    expect(sample(condition).message).toBe(message);
  });

  it('names the ancestor a revocation is inherited from', () => {
    const error = new RegistryErrors.VersionRevoked({
      fingerprint: 'f2',
      version: 'v1',
      bucket: 'app',
      inheritedFrom: { fingerprint: 'f1', bucket: 'base' },
    });
    expect(error.message).toBe(
      'Version "f2" (v1) of bucket "app" is revoked and cannot be changed until it is restored. ' +
        'Its revocation is inherited from version "f1" of bucket "base"; restore that version first.',
    );
    expect(error.details).toEqual({ fingerprint: 'f2' });
  });
});
