import { testEngines, useTestRegistry } from '@imprint/registry/testing';
import { ok } from '../helpers/http';

const P = '/packer/2023-01-01/organizations/{organization_id}/projects/{project_id}';
const P21 = '/packer/2021-04-30/organizations/{organization_id}/projects/{project_id}';

/** The 2021-04-30 operations (Packer v1.9.4, hcp-sdk-go v0.36.0): [method, path, operationId]. */
const ROUTES_2021: readonly [string, string, string][] = [
  ['get', `${P21}/registry`, 'V2021_GetRegistry'],
  ['put', `${P21}/registry`, 'V2021_CreateRegistry'],
  ['patch', `${P21}/registry`, 'V2021_UpdateRegistry'],
  ['delete', `${P21}/registry`, 'V2021_DeleteRegistry'],
  ['get', `${P21}/images`, 'V2021_ListBuckets'],
  ['put', `${P21}/images`, 'V2021_CreateBucket'],
  ['get', `${P21}/images/{bucket_slug}`, 'V2021_GetBucket'],
  ['patch', `${P21}/images/{bucket_slug}`, 'V2021_UpdateBucket'],
  ['delete', `${P21}/images/{bucket_slug}`, 'V2021_DeleteBucket'],
  ['get', `${P21}/images/{bucket_slug}/ancestry`, 'V2021_ListBucketAncestry'],
  ['get', `${P21}/images/{bucket_slug}/iterations`, 'V2021_ListIterations'],
  ['post', `${P21}/images/{bucket_slug}/iterations`, 'V2021_CreateIteration'],
  ['get', `${P21}/images/{bucket_slug}/iteration`, 'V2021_GetIteration'],
  ['patch', `${P21}/iterations/{iteration_id}`, 'V2021_UpdateIteration'],
  ['delete', `${P21}/iterations/{iteration_id}`, 'V2021_DeleteIteration'],
  ['get', `${P21}/images/{bucket_slug}/iterations/{iteration_id}/builds`, 'V2021_ListBuilds'],
  ['post', `${P21}/images/{bucket_slug}/iterations/{iteration_id}`, 'V2021_CreateBuild'],
  ['get', `${P21}/builds/{build_id}`, 'V2021_GetBuild'],
  ['patch', `${P21}/builds/{build_id}`, 'V2021_UpdateBuild'],
  ['delete', `${P21}/builds/{build_id}`, 'V2021_DeleteBuild'],
  ['get', `${P21}/images/{bucket_slug}/channels`, 'V2021_ListChannels'],
  ['post', `${P21}/images/{bucket_slug}/channels`, 'V2021_CreateChannel'],
  ['get', `${P21}/images/{bucket_slug}/channels/{slug}`, 'V2021_GetChannel'],
  ['patch', `${P21}/images/{bucket_slug}/channels/{slug}`, 'V2021_UpdateChannel'],
  ['delete', `${P21}/images/{bucket_slug}/channels/{slug}`, 'V2021_DeleteChannel'],
  ['get', `${P21}/images/{bucket_slug}/channels/{slug}/history`, 'V2021_ListChannelHistory'],
];

/** Every route the server serves: [method, OpenAPI path, operationId]. */
const ROUTES: readonly [string, string, string][] = [
  ['get', '/healthz', 'Healthz'],
  ['get', '/readyz', 'Readyz'],
  ['get', '/openapi.json', 'OpenApi'],
  ['post', '/oauth2/token', 'Token'],
  ['get', '/iam/2019-12-10/caller-identity', 'IamService_GetCallerIdentity'],
  ['get', '/imprint/v1/principals', 'ListPrincipals'],
  ['post', '/imprint/v1/principals', 'CreatePrincipal'],
  ['delete', '/imprint/v1/principals/{principal_id}', 'DeletePrincipal'],
  ['get', '/imprint/v1/audit', 'ListAuditEvents'],
  ['get', '/imprint/v1/webhooks', 'ListWebhooks'],
  ['post', '/imprint/v1/webhooks', 'CreateWebhook'],
  ['patch', '/imprint/v1/webhooks/{webhook_id}', 'UpdateWebhook'],
  ['delete', '/imprint/v1/webhooks/{webhook_id}', 'DeleteWebhook'],
  ['post', '/imprint/v1/webhooks/{webhook_id}/test', 'TestWebhook'],
  ['get', '/imprint/v1/webhooks/{webhook_id}/deliveries', 'ListWebhookDeliveries'],
  ['get', '/resource-manager/2019-12-10/organizations', 'OrganizationService_List'],
  ['get', '/resource-manager/2019-12-10/organizations/{id}', 'OrganizationService_Get'],
  ['get', '/resource-manager/2019-12-10/projects', 'ProjectService_List'],
  ['get', '/resource-manager/2019-12-10/projects/{id}', 'ProjectService_Get'],
  ['get', `${P}/registry`, 'GetRegistry'],
  ['get', `${P}/buckets`, 'ListBuckets'],
  ['put', `${P}/buckets`, 'CreateBucket'],
  ['get', `${P}/buckets/{bucket_name}`, 'GetBucket'],
  ['patch', `${P}/buckets/{bucket_name}`, 'UpdateBucket'],
  ['delete', `${P}/buckets/{bucket_name}`, 'DeleteBucket'],
  ['get', `${P}/buckets/{bucket_name}/ancestry`, 'ListBucketAncestry'],
  ['get', `${P}/buckets/{bucket_name}/versions`, 'ListVersions'],
  ['post', `${P}/buckets/{bucket_name}/versions`, 'CreateVersion'],
  ['get', `${P}/buckets/{bucket_name}/versions/{fingerprint}`, 'GetVersion'],
  ['patch', `${P}/buckets/{bucket_name}/versions/{fingerprint}`, 'UpdateVersion'],
  ['delete', `${P}/buckets/{bucket_name}/versions/{fingerprint}`, 'DeleteVersion'],
  ['get', `${P}/buckets/{bucket_name}/versions/{fingerprint}/builds`, 'ListBuilds'],
  ['post', `${P}/buckets/{bucket_name}/versions/{fingerprint}/builds`, 'CreateBuild'],
  ['get', `${P}/buckets/{bucket_name}/versions/{fingerprint}/builds/{build_id}`, 'GetBuild'],
  ['patch', `${P}/buckets/{bucket_name}/versions/{fingerprint}/builds/{build_id}`, 'UpdateBuild'],
  ['delete', `${P}/buckets/{bucket_name}/versions/{fingerprint}/builds/{build_id}`, 'DeleteBuild'],
  [
    'put',
    `${P}/buckets/{bucket_name}/versions/{fingerprint}/builds/{build_id}/sboms`,
    'UploadSbom',
  ],
  ['get', `${P}/buckets/{bucket_name}/versions/{fingerprint}/builds/{build_id}/sboms`, 'ListSboms'],
  [
    'get',
    `${P}/buckets/{bucket_name}/versions/{fingerprint}/builds/{build_id}/sboms/{sbom_name}`,
    'GetSbom',
  ],
  [
    'get',
    `${P}/buckets/{bucket_name}/versions/{fingerprint}/builds/{build_id}/packages`,
    'ListBuildPackages',
  ],
  ['get', `${P}/buckets/{bucket_name}/packages`, 'ListBucketPackages'],
  [
    'get',
    `${P}/buckets/{bucket_name}/packages/with-vulnerabilities`,
    'ListBucketPackagesWithVulnerabilities',
  ],
  [
    'get',
    `${P}/buckets/{bucket_name}/packages/vulnerability-summary`,
    'ListBucketPackagesVulnerabilitySummary',
  ],
  ['get', `${P}/buckets/{bucket_name}/vulnerabilities`, 'ListBucketVulnerabilities'],
  [
    'get',
    `${P}/buckets/{bucket_name}/versions/{fingerprint}/vulnerabilities`,
    'ListVersionVulnerabilities',
  ],
  ['get', `${P}/packages/search`, 'SearchPackages'],
  ['get', `${P}/buckets/{bucket_name}/channels`, 'ListChannels'],
  ['post', `${P}/buckets/{bucket_name}/channels`, 'CreateChannel'],
  ['post', `${P}/buckets/{bucket_name}/channels/assign`, 'AssignChannelVersion'],
  ['get', `${P}/buckets/{bucket_name}/channels/{channel_name}`, 'GetChannel'],
  ['patch', `${P}/buckets/{bucket_name}/channels/{channel_name}`, 'UpdateChannel'],
  ['delete', `${P}/buckets/{bucket_name}/channels/{channel_name}`, 'DeleteChannel'],
  [
    'get',
    `${P}/buckets/{bucket_name}/channels/{channel_name}/history`,
    'ListChannelAssignmentHistory',
  ],
  ['post', `${P}/_search/external_artifact`, 'SearchExternalArtifact'],
  ...ROUTES_2021,
];

describe.each(testEngines())('GET /openapi.json (%s)', (engine) => {
  const registry = useTestRegistry({ beforeAll, afterAll }, { engine });
  let doc: any;

  beforeAll(async () => {
    doc = ok(await registry.request('GET', '/openapi.json'));
  });

  it('is an OpenAPI 3.1 document', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info.title).toBe('Imprint registry');
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('lists every route, and nothing else', () => {
    const listed = Object.entries(doc.paths as Record<string, Record<string, any>>).flatMap(
      ([path, operations]) =>
        Object.entries(operations)
          .filter(([method]) => ['get', 'put', 'post', 'patch', 'delete'].includes(method))
          .map(([method, op]) => [method, path, op.operationId]),
    );
    expect(listed.sort()).toEqual([...ROUTES].map((r) => [...r]).sort());
  });

  it('documents request schemas, error responses and roles', () => {
    const create = doc.paths[`${P}/buckets`].put;
    expect(create.requestBody.content['application/json'].schema.required).toEqual(['name']);
    // Packer creates and updates buckets as a CI (contributor) principal; deleting stays admin.
    expect(create.description).toContain('Role: contributor.');
    expect(doc.paths[`${P}/buckets/{bucket_name}`].patch.description).toContain(
      'Role: contributor.',
    );
    expect(doc.paths[`${P}/buckets/{bucket_name}`].delete.description).toContain('Role: admin.');
    expect(create.responses['4XX'] ?? create.responses['4xx']).toBeDefined();
    const list = doc.paths[`${P}/buckets`].get;
    expect(list.parameters.map((p: any) => p.name)).toEqual(
      expect.arrayContaining([
        'pagination.page_size',
        'pagination.next_page_token',
        'sorting.order_by',
      ]),
    );
    expect(doc.components.schemas.Bucket.properties.latest_version).toBeDefined();
    expect(doc.components.schemas.RpcStatus.properties).toHaveProperty('code');
    for (const [method, path] of ROUTES) {
      const op = doc.paths[path][method];
      expect({ path, method, summary: typeof op.summary }).toEqual({
        path,
        method,
        summary: 'string',
      });
    }
  });

  // The serialiser's `$ref` + `nullable` (fast) must reach the document as
  // OpenAPI 3.1's `anyOf: [$ref, null]`, in the models and in route responses.
  it('shows references that may be null as anyOf [ref, null]', () => {
    const nullableVersion = {
      anyOf: [{ $ref: '#/components/schemas/Version' }, { type: 'null' }],
    };
    expect(doc.components.schemas.Bucket.properties.latest_version).toEqual(nullableVersion);
    expect(doc.components.schemas.Channel.properties.version).toEqual(nullableVersion);
    expect(doc.components.schemas.AncestryParent.properties.channel_version).toEqual({
      anyOf: [{ $ref: '#/components/schemas/ChannelVersion' }, { type: 'null' }],
    });
    const assign = doc.paths[`${P}/buckets/{bucket_name}/channels/assign`].post;
    const body = assign.responses['200'].content['application/json'].schema;
    expect(body.properties.version).toEqual(nullableVersion);
  });

  it('documents the 2021-04-30 models and tags each operation with its version', () => {
    for (const [method, path] of ROUTES_2021) {
      expect({ path, tags: doc.paths[path][method].tags }).toEqual({
        path,
        tags: [expect.stringMatching(/^v2021-/)],
      });
    }
    const iteration = doc.components.schemas.V2021Iteration.properties;
    expect(Object.keys(iteration)).toEqual(
      expect.arrayContaining(['id', 'complete', 'incremental_version', 'revoke_at', 'builds']),
    );
    expect(doc.components.schemas.V2021Build.properties.status.enum).toEqual([
      'UNSET',
      'RUNNING',
      'DONE',
      'CANCELLED',
      'FAILED',
    ]);
    expect(doc.components.schemas.V2021Channel.properties.iteration).toEqual({
      anyOf: [{ $ref: '#/components/schemas/V2021Iteration' }, { type: 'null' }],
    });
    const update = doc.paths[`${P21}/builds/{build_id}`].patch;
    const body = update.requestBody.content['application/json'].schema;
    expect(body.properties.updates.properties).toHaveProperty('source_iteration_id');
    expect(doc.paths[`${P21}/iterations/{iteration_id}`].patch.description).toContain(
      'Role: contributor / admin.',
    );
  });

  it('marks public routes as needing no token', () => {
    expect(doc.paths['/healthz'].get.security).toEqual([]);
    expect(doc.paths['/oauth2/token'].post.security).toEqual([]);
    expect(doc.paths[`${P}/buckets`].get.security).toBeUndefined();
    expect(doc.security).toEqual([{ bearer: [] }]);
  });
});
