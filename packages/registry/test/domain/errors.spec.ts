import { GrpcCode, RegistryError, RegistryErrorReason } from '@imprint/registry';

describe('registry error reasons', () => {
  it('are unique, stable REGISTRY_ERR_* strings', () => {
    const reasons = Object.values(RegistryErrorReason);
    expect(new Set(reasons).size).toBe(reasons.length);
    for (const reason of reasons) expect(reason).toMatch(/^REGISTRY_ERR_[A-Z_]+$/);
  });

  it('serialise as google.rpc.Status with the reason in details', () => {
    const error = new RegistryError(
      GrpcCode.ABORTED,
      RegistryErrorReason.VERSION_NOT_FOUND,
      'gone',
      { fingerprint: 'x' },
    );
    expect(error.httpStatus).toBe(409);
    expect(error.toStatus()).toEqual({
      code: 10,
      message: 'gone',
      details: [
        {
          '@type': 'imprint.registry.ErrorInfo',
          reason: 'REGISTRY_ERR_VERSION_NOT_FOUND',
          fingerprint: 'x',
        },
      ],
    });
  });
});
