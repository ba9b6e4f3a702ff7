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
