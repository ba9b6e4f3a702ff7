import type { JsonResponse, TestRegistry } from '@imprint/registry/testing';

/*
 * Assertions of the HTTP specs over `@imprint/registry/testing`'s registry.
 * They use jest's `expect`, so they stay here rather than in the shipped
 * testing entry.
 */

/** Expects a google.rpc.Status body with `code` and returns it. */
export function expectStatus(response: JsonResponse, httpStatus: number, code: number): any {
  if (response.status !== httpStatus || response.body?.code !== code) {
    throw new Error(
      `expected HTTP ${httpStatus} / code ${code}, got HTTP ${response.status}: ${response.text}`,
    );
  }
  expect(typeof response.body.message).toBe('string');
  expect(Array.isArray(response.body.details)).toBe(true);
  expect(Object.keys(response.body).sort()).toEqual(['code', 'details', 'message']);
  return response.body;
}

/**
 * Expects a token endpoint error: RFC 6749 §5.2 `error` and `error_description`
 * (printable ASCII without `"` or a backslash), then google.rpc.Status's fields with `code`.
 * Returns the body.
 */
export function expectOAuthError(
  response: JsonResponse,
  httpStatus: number,
  error: 'invalid_request' | 'invalid_client' | 'unsupported_grant_type' | 'server_error',
  code: number,
): any {
  if (response.status !== httpStatus || response.body?.error !== error) {
    throw new Error(
      `expected HTTP ${httpStatus} / error ${error}, got HTTP ${response.status}: ${response.text}`,
    );
  }
  expect(Object.keys(response.body)).toEqual([
    'error',
    'error_description',
    'code',
    'message',
    'details',
  ]);
  expect(response.body.code).toBe(code);
  expect(response.body.error_description).toMatch(/^[\x20\x21\x23-\x5b\x5d-\x7e]+$/);
  // The message, in the characters §5.2 allows.
  expect(response.body.error_description).toBe(
    (response.body.message as string)
      .replace(/"/g, "'")
      .replace(/\\/g, '/')
      .replace(/[^\x20-\x7e]/g, '?'),
  );
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  return response.body;
}

/** Expects HTTP 200 and returns the body. */
export function ok(response: JsonResponse): any {
  if (response.status !== 200) {
    throw new Error(`expected HTTP 200, got ${response.status}: ${response.text}`);
  }
  return response.body;
}

/**
 * Drives a version to completion: creates version + one build per component,
 * marks each BUILD_DONE with one artifact. Returns the version.
 */
export async function completeVersion(
  registry: TestRegistry,
  bucket: string,
  fp: string,
  options: {
    token?: string;
    components?: string[];
    artifact?: (component: string) => { external_identifier: string; region: string };
    parentVersionId?: string;
    parentChannelId?: string;
    sourceExternalIdentifier?: string;
  } = {},
): Promise<any> {
  const token = options.token;
  const components = options.components ?? ['amazon-ebs.ubuntu'];
  ok(
    await registry.request('POST', `${registry.base}/buckets/${bucket}/versions`, {
      token,
      body: { fingerprint: fp, template_type: 'HCL2' },
    }),
  );
  for (const component of components) {
    const created = ok(
      await registry.request('POST', `${registry.base}/buckets/${bucket}/versions/${fp}/builds`, {
        token,
        body: { component_type: component, status: 'BUILD_UNSET', packer_run_uuid: 'run-1' },
      }),
    );
    const buildId = created.build.id as string;
    const buildPath = `${registry.base}/buckets/${bucket}/versions/${fp}/builds/${buildId}`;
    ok(await registry.request('PATCH', buildPath, { token, body: { status: 'BUILD_RUNNING' } }));
    const artifact = options.artifact?.(component) ?? {
      external_identifier: `ami-${fp}-${component}`.replace(/[^a-zA-Z0-9-]/g, '-'),
      region: 'us-east-1',
    };
    ok(
      await registry.request('PATCH', buildPath, {
        token,
        body: {
          status: 'BUILD_DONE',
          platform: 'aws',
          artifacts: [artifact],
          labels: { os: 'ubuntu' },
          ...(options.sourceExternalIdentifier
            ? { source_external_identifier: options.sourceExternalIdentifier }
            : {}),
          ...(options.parentVersionId ? { parent_version_id: options.parentVersionId } : {}),
          ...(options.parentChannelId ? { parent_channel_id: options.parentChannelId } : {}),
          metadata: { packer: { version: '1.16.0' } },
        },
      }),
    );
  }
  return ok(
    await registry.request('GET', `${registry.base}/buckets/${bucket}/versions/${fp}`, { token }),
  ).version;
}

/** One service principal per role, named `<role>-sp` (what the auth specs sign in as). */
export const ROLE_PRINCIPALS = [
  { name: 'admin-sp', role: 'admin' },
  { name: 'contributor-sp', role: 'contributor' },
  { name: 'viewer-sp', role: 'viewer' },
] as const;

/** A role of {@link ROLE_PRINCIPALS}. */
export type PrincipalRole = (typeof ROLE_PRINCIPALS)[number]['role'];

/**
 * A bearer token for each of {@link ROLE_PRINCIPALS} (a registry started with
 * them), fetched with form-field credentials, as a browser or script would.
 */
export async function roleTokens(registry: TestRegistry): Promise<Record<PrincipalRole, string>> {
  const tokens = {} as Record<PrincipalRole, string>;
  for (const { name, role } of ROLE_PRINCIPALS) {
    const { clientId, clientSecret } = registry.credentials.get(name)!;
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: clientId,
      client_secret: clientSecret,
    });
    tokens[role] = ok(
      await registry.request('POST', '/oauth2/token', {
        raw: form.toString(),
        contentType: 'application/x-www-form-urlencoded',
      }),
    ).access_token;
  }
  return tokens;
}
