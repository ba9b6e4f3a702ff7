import type { Actor, RegistryStorage } from '@imprint/registry';
import { type JsonResponse, type TestRegistry } from '@imprint/registry/testing';
import { completeVersion, ok } from '../../helpers/http';

/*
 * Every place a caller's string can reach SQL, over HTTP and through the
 * service, for the specs that send text neither engine can store the same
 * way (NUL characters, lone UTF-16 surrogates). Each case says which field
 * the answer must name.
 */

/** The acting principal of the service calls (HTTP runs in embedded mode, as anonymous admin). */
export const ACTOR: Actor = { principalId: 'text-tester', name: 'text-tester', role: 'admin' };

/** What the fixtures created (names are fixed: each spec has its own database). */
export interface TextFixture {
  readonly bucket: 'texty';
  /** A v0 version with one build. */
  readonly draft: string;
  readonly buildId: string;
  /** A complete version, on channel `prod`. */
  readonly done: string;
}

/** Creates bucket `texty`, a draft version with a build, and a complete version on `prod`. */
export async function createTextFixture(registry: TestRegistry): Promise<TextFixture> {
  const base = `${registry.base}/buckets`;
  ok(await registry.request('PUT', base, { body: { name: 'texty', labels: { os: 'linux' } } }));
  const draft = 'draft-fp';
  ok(await registry.request('POST', `${base}/texty/versions`, { body: { fingerprint: draft } }));
  const buildId = ok(
    await registry.request('POST', `${base}/texty/versions/${draft}/builds`, {
      body: { component_type: 'amazon-ebs.base' },
    }),
  ).build.id as string;
  const done = 'done-fp';
  await completeVersion(registry, 'texty', done);
  ok(
    await registry.request('POST', `${base}/texty/channels`, {
      body: { name: 'prod', version_fingerprint: done },
    }),
  );
  return { bucket: 'texty', draft, buildId, done };
}

/** A JSON body field: sent over HTTP (`body.<path>`) and to the service (`<path>`). */
export interface BodyCase {
  readonly label: string;
  readonly method: string;
  readonly path: string;
  readonly body: unknown;
  /** Field named by the HTTP answer. */
  readonly httpField: string;
  /** The same input through the service; `field` is what the RegistryError names. */
  readonly service: (storage: RegistryStorage) => Promise<unknown>;
  readonly serviceField: string;
  /** The service checks this field against a pattern first: its message is the pattern's, not the text rule's. */
  readonly patterned?: true;
}

/** Body fields carrying `bad`, in every route that takes a body. */
export function bodyCases(registry: TestRegistry, f: TextFixture, bad: string): BodyCase[] {
  const bucket = `${registry.base}/buckets/texty`;
  const build = `${bucket}/versions/${f.draft}/builds/${f.buildId}`;
  const s = (storage: RegistryStorage) => storage.service;
  const cases: BodyCase[] = [
    {
      label: 'CreateBucket description',
      method: 'PUT',
      path: `${registry.base}/buckets`,
      body: { name: 'new-bucket', description: bad },
      httpField: 'body.description',
      service: (st) => s(st).createBucket(ACTOR, { name: 'new-bucket', description: bad }),
      serviceField: 'description',
    },
    {
      label: 'CreateBucket label value',
      method: 'PUT',
      path: `${registry.base}/buckets`,
      body: { name: 'new-bucket', labels: { os: bad } },
      httpField: 'body.labels.os',
      service: (st) => s(st).createBucket(ACTOR, { name: 'new-bucket', labels: { os: bad } }),
      serviceField: 'labels.os',
    },
    {
      label: 'UpdateBucket label key',
      method: 'PATCH',
      path: bucket,
      body: { labels: { [`k${bad}`]: 'v' } },
      httpField: 'body.labels',
      service: (st) => s(st).updateBucket(ACTOR, 'texty', { labels: { [`k${bad}`]: 'v' } }),
      serviceField: 'labels',
    },
    {
      label: 'UpdateBucket platforms',
      method: 'PATCH',
      path: bucket,
      body: { platforms: ['aws', bad] },
      httpField: 'body.platforms[1]',
      service: (st) => s(st).updateBucket(ACTOR, 'texty', { platforms: ['aws', bad] }),
      serviceField: 'platforms[1]',
    },
    {
      label: 'CreateBuild component_type',
      method: 'POST',
      path: `${bucket}/versions/${f.draft}/builds`,
      body: { component_type: bad },
      httpField: 'body.component_type',
      service: (st) => s(st).createBuild(ACTOR, 'texty', f.draft, { component_type: bad }),
      serviceField: 'component_type',
    },
  ];
  for (const field of [
    'platform',
    'packer_run_uuid',
    'source_external_identifier',
    'parent_version_id',
    'parent_channel_id',
  ]) {
    cases.push({
      label: `UpdateBuild ${field}`,
      method: 'PATCH',
      path: build,
      body: { [field]: bad },
      httpField: `body.${field}`,
      service: (st) => s(st).updateBuild(ACTOR, 'texty', f.draft, f.buildId, { [field]: bad }),
      serviceField: field,
    });
  }
  cases.push(
    {
      label: 'UpdateBuild label value',
      method: 'PATCH',
      path: build,
      body: { labels: { os: bad } },
      httpField: 'body.labels.os',
      service: (st) =>
        s(st).updateBuild(ACTOR, 'texty', f.draft, f.buildId, { labels: { os: bad } }),
      serviceField: 'labels.os',
    },
    {
      label: 'UpdateBuild artifact external_identifier',
      method: 'PATCH',
      path: build,
      body: { artifacts: [{ external_identifier: bad, region: 'r' }] },
      httpField: 'body.artifacts[0].external_identifier',
      service: (st) =>
        s(st).updateBuild(ACTOR, 'texty', f.draft, f.buildId, {
          artifacts: [{ external_identifier: bad, region: 'r' }],
        }),
      serviceField: 'artifacts[0].external_identifier',
    },
    {
      label: 'UpdateBuild artifact region',
      method: 'PATCH',
      path: build,
      body: { artifacts: [{ external_identifier: 'ami-1', region: bad }] },
      httpField: 'body.artifacts[0].region',
      service: (st) =>
        s(st).updateBuild(ACTOR, 'texty', f.draft, f.buildId, {
          artifacts: [{ external_identifier: 'ami-1', region: bad }],
        }),
      serviceField: 'artifacts[0].region',
    },
    {
      label: 'UpdateBuild metadata string',
      method: 'PATCH',
      path: build,
      body: { metadata: { vcs: { ref: bad } } },
      httpField: 'body.metadata.vcs.ref',
      service: (st) =>
        s(st).updateBuild(ACTOR, 'texty', f.draft, f.buildId, {
          metadata: { vcs: { ref: bad } },
        } as never),
      serviceField: 'metadata.vcs.ref',
    },
    {
      label: 'UpdateBuild metadata key',
      method: 'PATCH',
      path: build,
      body: { metadata: { vcs: { [`k${bad}`]: 1 } } },
      httpField: 'body.metadata.vcs',
      service: (st) =>
        s(st).updateBuild(ACTOR, 'texty', f.draft, f.buildId, {
          metadata: { vcs: { [`k${bad}`]: 1 } },
        } as never),
      serviceField: 'metadata.vcs',
    },
    {
      label: 'UpdateVersion revocation_message',
      method: 'PATCH',
      path: `${bucket}/versions/${f.done}`,
      body: { revoke_in: '1h', revocation_message: bad },
      httpField: 'body.revocation_message',
      service: (st) =>
        s(st).updateVersion(ACTOR, 'texty', f.done, {
          revoke_in: '1h',
          revocation_message: bad,
        }),
      serviceField: 'revocation_message',
    },
    {
      label: 'UpdateVersion revoke_at',
      method: 'PATCH',
      path: `${bucket}/versions/${f.done}`,
      body: { revoke_at: `2040-01-01T00:00:00Z${bad}` },
      httpField: 'body.revoke_at',
      service: (st) =>
        s(st).updateVersion(ACTOR, 'texty', f.done, { revoke_at: `2040-01-01T00:00:00Z${bad}` }),
      serviceField: 'revoke_at',
    },
    {
      label: 'CreateVersion fingerprint',
      method: 'POST',
      path: `${bucket}/versions`,
      body: { fingerprint: `fp${bad}` },
      httpField: 'body.fingerprint',
      service: (st) => s(st).createVersion(ACTOR, 'texty', { fingerprint: `fp${bad}` }),
      serviceField: 'fingerprint',
      patterned: true,
    },
    {
      label: 'CreateChannel version_fingerprint',
      method: 'POST',
      path: `${bucket}/channels`,
      body: { name: 'staging', version_fingerprint: `${f.done}${bad}` },
      httpField: 'body.version_fingerprint',
      service: (st) =>
        s(st).createChannel(ACTOR, 'texty', {
          name: 'staging',
          version_fingerprint: `${f.done}${bad}`,
        }),
      serviceField: 'version_fingerprint',
    },
    {
      label: 'UpdateChannel update_mask',
      method: 'PATCH',
      path: `${bucket}/channels/prod`,
      body: { update_mask: `restricted${bad}`, restricted: true },
      httpField: 'body.update_mask',
      service: (st) =>
        s(st).updateChannel(ACTOR, 'texty', 'prod', {
          update_mask: `restricted${bad}`,
          restricted: true,
        }),
      serviceField: 'update_mask',
      patterned: true,
    },
    {
      label: 'AssignChannelVersion source_channel',
      method: 'POST',
      path: `${bucket}/channels/assign`,
      body: { source_channel: `latest${bad}`, target_channel: 'prod' },
      httpField: 'body.source_channel',
      service: (st) =>
        s(st).assignChannel(ACTOR, 'texty', {
          source_channel: `latest${bad}`,
          target_channel: 'prod',
        }),
      serviceField: 'source_channel',
    },
    {
      label: 'SearchExternalArtifact external_identifier',
      method: 'POST',
      path: `${registry.base}/_search/external_artifact`,
      body: { external_identifier: `ami${bad}` },
      httpField: 'body.external_identifier',
      service: (st) => s(st).searchExternalArtifact({ external_identifier: `ami${bad}` }),
      serviceField: 'external_identifier',
    },
    {
      label: 'SearchExternalArtifact platform',
      method: 'POST',
      path: `${registry.base}/_search/external_artifact`,
      body: { external_identifier: 'ami', platform: bad },
      httpField: 'body.platform',
      service: (st) => s(st).searchExternalArtifact({ external_identifier: 'ami', platform: bad }),
      serviceField: 'platform',
    },
    {
      label: 'SearchExternalArtifact region',
      method: 'POST',
      path: `${registry.base}/_search/external_artifact`,
      body: { external_identifier: 'ami', region: bad },
      httpField: 'body.region',
      service: (st) => s(st).searchExternalArtifact({ external_identifier: 'ami', region: bad }),
      serviceField: 'region',
    },
    {
      label: 'CreatePrincipal name',
      method: 'POST',
      path: '/imprint/v1/principals',
      body: { name: `ci${bad}`, role: 'viewer' },
      httpField: 'body.name',
      service: (st) => st.principals.createPrincipal(`ci${bad}`, 'viewer'),
      serviceField: 'name',
      patterned: true,
    },
  );
  return cases;
}

/** In-process inputs with no HTTP body behind them: list options, ancestry query, the actor. */
export function serviceOnlyCases(
  f: TextFixture,
  bad: string,
): { label: string; call: (storage: RegistryStorage) => Promise<unknown>; field: string }[] {
  return [
    {
      label: 'ListBuckets orderBy',
      call: (st) => st.service.listBuckets({ orderBy: [`name${bad}`] }),
      field: 'sorting.order_by',
    },
    {
      label: 'ListVersions nextPageToken',
      call: (st) => st.service.listVersions('texty', { nextPageToken: `abc${bad}` }),
      field: 'pagination.next_page_token',
    },
    {
      label: 'ListBucketAncestry channelName',
      call: (st) => st.service.listBucketAncestry('texty', { channelName: `prod${bad}` }),
      field: 'channelName',
    },
    {
      label: 'ListBucketAncestry versionFingerprint',
      call: (st) =>
        st.service.listBucketAncestry('texty', { versionFingerprint: `${f.done}${bad}` }),
      field: 'versionFingerprint',
    },
    {
      label: 'actor name',
      call: (st) => st.service.updateBucket({ ...ACTOR, name: `x${bad}` }, 'texty', {}),
      field: 'actor.name',
    },
    {
      label: 'actor principalId',
      call: (st) => st.service.updateBucket({ ...ACTOR, principalId: `x${bad}` }, 'texty', {}),
      field: 'actor.principalId',
    },
  ];
}

/** Lookups by a name no row can have: answered "not found" (Packer's upsert flow relies on it). */
export function lookupCases(
  f: TextFixture,
  bad: string,
): { label: string; call: (storage: RegistryStorage) => Promise<unknown>; code: number }[] {
  return [
    { label: 'GetBucket', call: (st) => st.service.getBucket(`texty${bad}`), code: 5 },
    {
      label: 'GetVersion',
      call: (st) => st.service.getVersion('texty', `${f.done}${bad}`),
      code: 10,
    },
    {
      label: 'GetBuild',
      call: (st) => st.service.getBuild('texty', f.draft, `${f.buildId}${bad}`),
      code: 5,
    },
    { label: 'GetChannel', call: (st) => st.service.getChannel('texty', `prod${bad}`), code: 5 },
    {
      label: 'ListChannelAssignmentHistory',
      call: (st) => st.service.listChannelHistory('texty', `prod${bad}`),
      code: 5,
    },
    {
      label: 'DeleteBucket',
      call: (st) => st.service.deleteBucket(ACTOR, `texty${bad}`),
      code: 5,
    },
    {
      label: 'DeletePrincipal',
      call: (st) => st.principals.deletePrincipal(`01HZZZZZZZZZZZZZZZZZZZZZZ${bad}`),
      code: 5,
    },
  ];
}

/**
 * Sends every body case and checks all answers at once (so one run lists
 * every field that fails): 400 / code 3 naming `httpField`, with `problem`
 * in the message.
 */
export async function expectBodiesRefused(
  registry: TestRegistry,
  cases: readonly BodyCase[],
  problem: RegExp,
): Promise<void> {
  const answers = [];
  for (const c of cases) {
    const res: JsonResponse = await registry.request(c.method, c.path, { body: c.body });
    const body = res.body as { code?: unknown; message?: unknown; details?: { field?: unknown }[] };
    answers.push({
      label: c.label,
      status: res.status,
      code: body?.code,
      field: body?.details?.[0]?.field,
      message: typeof body?.message === 'string' ? body.message : res.text,
    });
  }
  expect(answers).toEqual(
    cases.map((c) => ({
      label: c.label,
      status: 400,
      code: 3,
      field: c.httpField,
      message: expect.stringMatching(problem) as unknown,
    })),
  );
  for (const answer of answers) expect(answer.message).toContain(answer.field);
}

/** The gRPC code, field and message of what a call rejected with, for comparing many at once. */
export async function outcome(
  label: string,
  promise: Promise<unknown>,
): Promise<{ label: string; code?: unknown; field?: unknown; message?: unknown }> {
  const error = (await rejection(promise)) as
    | { name?: unknown; grpcCode?: unknown; details?: { field?: unknown }; message?: unknown }
    | undefined;
  if (error === undefined) return { label };
  if (error.name !== 'RegistryError') return { label, message: String(error as unknown) };
  return { label, code: error.grpcCode, field: error.details?.field, message: error.message };
}

/** Awaits `promise` and returns what it rejected with (or `undefined`). */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}
