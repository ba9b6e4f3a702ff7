import {
  CLIENT_ERROR_CODES,
  GrpcCode,
  RegistryApiError,
  RegistryClient,
  RegistryConfigError,
  RegistryResponseError,
  isAlreadyExists,
  isFailedPrecondition,
  isInvalidArgument,
  isNotFound,
  isPermissionDenied,
  isRegistryApiError,
  isUnauthenticated,
  isVersionNotFound,
} from '@imprint/client';
import type { Reply } from './helpers/test-server';
import { autoClosingTestServers, rpcError } from './helpers/test-server';

const start = autoClosingTestServers();

async function failWith(reply: Reply, call?: (client: RegistryClient) => Promise<unknown>) {
  const server = await start(() => reply);
  const client = new RegistryClient({
    baseUrl: server.url,
    organizationId: 'o',
    projectId: 'p',
    accessToken: 'super-secret-token',
    retries: false,
  });
  return (call ?? ((c) => c.getBucket('ubuntu')))(client).then(
    () => {
      throw new Error('expected the call to fail');
    },
    (error: unknown) => error,
  );
}

describe('google.rpc.Status error bodies', () => {
  it('become a RegistryApiError with code, status, reason, details, method and path', async () => {
    const error = await failWith(
      rpcError(404, 5, 'bucket ubuntu not found', 'REGISTRY_ERR_BUCKET_NOT_FOUND'),
    );
    expect(error).toBeInstanceOf(RegistryApiError);
    const api = error as RegistryApiError;
    expect(api.code).toBe(CLIENT_ERROR_CODES.API);
    expect(api.name).toBe('RegistryApiError');
    expect(api.grpcCode).toBe(GrpcCode.NOT_FOUND);
    expect(api.httpStatus).toBe(404);
    expect(api.reason).toBe('REGISTRY_ERR_BUCKET_NOT_FOUND');
    expect(api.serverMessage).toBe('bucket ubuntu not found');
    expect(api.details).toEqual([
      { '@type': 'imprint.registry.ErrorInfo', reason: 'REGISTRY_ERR_BUCKET_NOT_FOUND' },
    ]);
    expect(api.method).toBe('GET');
    expect(api.path).toBe('/packer/2023-01-01/organizations/o/projects/p/buckets/ubuntu');
    expect(api.message).toBe(
      'GET /packer/2023-01-01/organizations/o/projects/p/buckets/ubuntu failed: HTTP 404, code 5 ' +
        '(NOT_FOUND): bucket ubuntu not found [REGISTRY_ERR_BUCKET_NOT_FOUND]',
    );
    expect(api.rawBody).toBeUndefined();
  });

  it('never carry the access token', async () => {
    const error = (await failWith(rpcError(403, 7, 'denied'))) as RegistryApiError;
    const everything = JSON.stringify({ ...error, message: error.message, stack: error.stack });
    expect(everything).not.toContain('super-secret-token');
  });

  it('include the query in the path', async () => {
    const error = (await failWith(rpcError(400, 3, 'bad'), (c) =>
      c.deleteVersion('b', 'fp', { rollbackChannels: true }),
    )) as RegistryApiError;
    expect(error.path).toMatch(/\/versions\/fp\?rollback_channels=true$/);
    expect(error.method).toBe('DELETE');
  });

  it.each([
    [isNotFound, 404, 5],
    [isAlreadyExists, 409, 6],
    [isVersionNotFound, 409, 10],
    [isInvalidArgument, 400, 3],
    [isFailedPrecondition, 400, 9],
    [isPermissionDenied, 403, 7],
    [isUnauthenticated, 401, 16],
  ])('%p recognises HTTP %i / code %i', async (guard, status, code) => {
    const error = await failWith(rpcError(status, code, 'x'));
    expect(guard(error)).toBe(true);
    const others = [
      isNotFound,
      isAlreadyExists,
      isVersionNotFound,
      isInvalidArgument,
      isFailedPrecondition,
      isPermissionDenied,
      isUnauthenticated,
    ].filter((other) => other !== guard);
    for (const other of others) expect(other(error)).toBe(false);
  });

  it('guards recognise errors by code, not by class (two copies of the package)', () => {
    const foreign = Object.assign(new Error('x'), { code: 'IMPRINT_ERR_CLIENT_API', grpcCode: 5 });
    expect(isNotFound(foreign)).toBe(true);
    expect(isRegistryApiError(foreign)).toBe(true);
    expect(isRegistryApiError(new Error('x'))).toBe(false);
    expect(isNotFound(undefined)).toBe(false);
    expect(isNotFound({ code: 5 })).toBe(false);
  });

  it('takes the reason from a later detail when the first has none', async () => {
    const error = (await failWith({
      status: 409,
      body: { code: 6, message: 'dup', details: [{ '@type': 'x' }, { reason: 'R2' }] },
    })) as RegistryApiError;
    expect(error.reason).toBe('R2');
  });
});

describe('other error bodies are handled gracefully', () => {
  it('an HTML page from a proxy', async () => {
    const error = (await failWith({
      status: 502,
      headers: { 'Content-Type': 'text/html' },
      body: '<html><head><title>502 Bad Gateway</title></head><body><h1>nginx</h1></body></html>',
    })) as RegistryApiError;
    expect(error).toBeInstanceOf(RegistryApiError);
    expect(error.httpStatus).toBe(502);
    expect(error.grpcCode).toBe(GrpcCode.UNAVAILABLE);
    expect(error.serverMessage).toBe('502 Bad Gateway');
    expect(error.rawBody).toContain('<h1>nginx</h1>');
    expect(error.details).toEqual([]);
    expect(error.reason).toBeUndefined();
  });

  it('an empty body', async () => {
    const error = (await failWith({ status: 500 })) as RegistryApiError;
    expect(error.grpcCode).toBe(GrpcCode.UNKNOWN);
    expect(error.serverMessage).toBe('HTTP 500 with an empty body');
  });

  it('JSON that is not a google.rpc.Status', async () => {
    const error = (await failWith({
      status: 400,
      body: { statusCode: 400, error: 'Bad Request', message: 'body/name is required' },
    })) as RegistryApiError;
    // 400 maps to several gRPC codes, so the client does not guess.
    expect(error.grpcCode).toBe(GrpcCode.UNKNOWN);
    expect(error.serverMessage).toBe('body/name is required');
  });

  it('a 404 without a body is still NOT_FOUND', async () => {
    expect(isNotFound(await failWith({ status: 404 }))).toBe(true);
  });

  it('a 409 without a body is neither "version not found" nor "already exists"', async () => {
    const error = await failWith({ status: 409, body: 'conflict' });
    expect(isVersionNotFound(error)).toBe(false);
    expect(isAlreadyExists(error)).toBe(false);
  });
});

describe('unusable success responses', () => {
  it('a 200 that is not JSON is a RegistryResponseError', async () => {
    const error = await failWith({ status: 200, body: 'hello' });
    expect(error).toBeInstanceOf(RegistryResponseError);
    expect((error as RegistryResponseError).code).toBe(CLIENT_ERROR_CODES.RESPONSE);
  });

  it('a 200 without the resource is a RegistryResponseError', async () => {
    const error = await failWith({ status: 200, body: { something: 'else' } });
    expect(error).toBeInstanceOf(RegistryResponseError);
    expect((error as Error).message).toMatch(/no "bucket" object/);
  });
});

describe('invalid options', () => {
  it.each([
    ['no baseUrl', { baseUrl: '' }, 'baseUrl'],
    ['a baseUrl without scheme', { baseUrl: '127.0.0.1:8080' }, 'baseUrl'],
    ['a non-http baseUrl', { baseUrl: 'ftp://example.com' }, 'baseUrl'],
    ['credentials in the URL', { baseUrl: 'http://u:p@127.0.0.1' }, 'baseUrl'],
    [
      'clientId without clientSecret',
      { baseUrl: 'http://127.0.0.1', clientId: 'x' },
      'clientSecret',
    ],
    [
      'zero attempts',
      { baseUrl: 'http://127.0.0.1', retries: { attempts: 0 } },
      'retries.attempts',
    ],
    ['a negative timeout', { baseUrl: 'http://127.0.0.1', timeoutMs: -1 }, 'timeoutMs'],
    ['an empty projectId', { baseUrl: 'http://127.0.0.1', projectId: '' }, 'projectId'],
    [
      'a bad authUrl',
      { baseUrl: 'http://127.0.0.1', clientId: 'a', clientSecret: 'b', authUrl: 'x' },
      'authUrl',
    ],
  ])('%s is a RegistryConfigError', (_name, options, option) => {
    let thrown: unknown;
    try {
      new RegistryClient(options);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(RegistryConfigError);
    expect((thrown as RegistryConfigError).option).toBe(option);
    expect((thrown as RegistryConfigError).code).toBe(CLIENT_ERROR_CODES.CONFIG);
  });
});
