import { testEngines, useTestRegistry, type JsonResponse } from '@imprint/registry/testing';
import { expectStatus, ok } from '../helpers/http';
import { fingerprint } from '../helpers/fixtures';

/*
 * Packer v1.9.4's exact calls against the 2021-04-30 API (the sequence its
 * internal/hcp/registry package makes, and what its two data sources read),
 * and the same data read back through 2023-01-01: one registry, two views.
 */

type Json = any;

describe.each(testEngines())('Packer v1.9.4 over 2021-04-30 (%s)', (engine) => {
  const registry = useTestRegistry({ beforeAll, afterAll }, { engine });
  const p21 = () =>
    `/packer/2021-04-30/organizations/${registry.organizationId}/projects/${registry.projectId}`;

  /** Every 2021 answer: JSON, and never `"revoke_at":""` (strfmt reads it as 1970: revoked). */
  async function call(method: string, path: string, body?: unknown): Promise<JsonResponse> {
    const response = await registry.request(method, `${p21()}${path}`, { body });
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.text).not.toMatch(/"revoke_at":\s*""/);
    return response;
  }

  /** Packer's bucket step: PUT, and on code 6 PATCH with `"platforms":null`. */
  async function initBucket(slug: string, description: string): Promise<void> {
    const created = await call('PUT', '/images', { bucket_slug: slug, description });
    if (created.status === 200) return;
    expect(created.text).toContain('"code":6');
    ok(await call('PATCH', `/images/${slug}`, { description, platforms: null }));
  }

  /** Packer's iteration step: GetIteration by fingerprint, and on code 10 CreateIteration. */
  async function initIteration(slug: string, fp: string): Promise<Json> {
    const got = await call('GET', `/images/${slug}/iteration?fingerprint=${fp}`);
    if (got.status === 200) return got.body.iteration;
    expectStatus(got, 409, 10);
    expect(got.text).toMatch(/"code":10[,}]/);
    const created = ok(
      await call('POST', `/images/${slug}/iterations`, { fingerprint: fp, template_type: 'HCL2' }),
    );
    expect(typeof created.iteration.id).toBe('string');
    return created.iteration;
  }

  /** CreateBuild as Packer sends it; code 6 is tolerated (returns undefined). */
  async function createBuild(slug: string, iteration: Json, component: string, run: string) {
    const response = await call('POST', `/images/${slug}/iterations/${iteration.id}`, {
      build: { component_type: component, images: null, packer_run_uuid: run, status: 'UNSET' },
      fingerprint: iteration.fingerprint,
    });
    if (response.status === 409 && response.body.code === 6) return undefined;
    const { build } = ok(response);
    expect(build).toMatchObject({ component_type: component, status: 'UNSET', images: [] });
    return build;
  }

  async function running(buildId: string, run: string): Promise<Json> {
    const { build } = ok(
      await call('PATCH', `/builds/${buildId}`, {
        updates: { images: null, packer_run_uuid: run, status: 'RUNNING' },
      }),
    );
    expect(build.id).toBe(buildId);
    return build;
  }

  async function done(buildId: string, run: string, extra: Record<string, unknown> = {}) {
    return ok(
      await call('PATCH', `/builds/${buildId}`, {
        updates: { packer_run_uuid: run, status: 'DONE', ...extra },
      }),
    ).build;
  }

  /** One `packer build` of a one-component template with the file builder. */
  async function packerBuild(
    slug: string,
    image: string,
    parents: Record<string, string> = {},
  ): Promise<Json> {
    const fp = fingerprint('run');
    const run = `uuid-${fp}`;
    await initBucket(slug, `the ${slug} image`);
    const iteration = await initIteration(slug, fp);
    expect(iteration).toMatchObject({ complete: false, template_type: 'HCL2' });
    const { builds } = ok(await call('GET', `/images/${slug}/iterations/${iteration.id}/builds`));
    expect(builds).toEqual([]);
    const build = await createBuild(slug, iteration, 'file.base', run);
    expect(await createBuild(slug, iteration, 'file.base', run)).toBeUndefined();
    await running(build.id, run);
    const finished = await done(build.id, run, {
      cloud_provider: 'packer.file',
      images: [{ image_id: image, region: '.' }],
      labels: { team: 'platform' },
      ...parents,
    });
    expect(finished).toMatchObject({ id: build.id, status: 'DONE', cloud_provider: 'packer.file' });
    return ok(await call('GET', `/images/${slug}/iteration?fingerprint=${fp}`)).iteration;
  }

  let base: Json;
  let production: Json;
  let child: Json;

  it('builds a base: bucket, code 10 → iteration, builds, server-side completion', async () => {
    base = await packerBuild('base-21', 'base-image.txt');
    expect(base).toMatchObject({ complete: true, incremental_version: 1, bucket_slug: 'base-21' });
    expect(base).not.toHaveProperty('revoke_at');
    expect(base.builds).toHaveLength(1);
    expect(base.builds[0]).toMatchObject({
      iteration_id: base.id,
      component_type: 'file.base',
      cloud_provider: 'packer.file',
      status: 'DONE',
      labels: { team: 'platform' },
      images: [expect.objectContaining({ image_id: 'base-image.txt', region: '.' })],
    });
    // The second run of the same template PUTs the bucket again: code 6, then PATCH.
    const again = await call('PUT', '/images', { bucket_slug: 'base-21' });
    expectStatus(again, 409, 6);
  });

  it('is the same bucket, version v1, builds and artifacts through 2023-01-01', async () => {
    const { version } = ok(
      await registry.request(
        'GET',
        `${registry.base}/buckets/base-21/versions/${base.fingerprint}`,
      ),
    );
    expect(version).toMatchObject({ id: base.id, name: 'v1', status: 'VERSION_ACTIVE' });
    expect(version.builds[0]).toMatchObject({
      id: base.builds[0].id,
      platform: 'packer.file',
      status: 'BUILD_DONE',
      artifacts: [expect.objectContaining({ external_identifier: 'base-image.txt', region: '.' })],
    });
    const { bucket } = ok(await call('GET', '/images/base-21'));
    expect(bucket).toMatchObject({
      slug: 'base-21',
      description: 'the base-21 image',
      latest_version: 1,
      iteration_count: '1',
      latest_iteration: expect.objectContaining({ id: base.id, incremental_version: 1 }),
    });
  });

  it('reads a channel made through 2023-01-01 as the data sources do', async () => {
    ok(
      await registry.request('POST', `${registry.base}/buckets/base-21/channels`, {
        body: { name: 'production', version_fingerprint: base.fingerprint },
      }),
    );
    // hcp-packer-iteration: GetChannel, non-null channel and iteration, revoke_at not past.
    production = ok(await call('GET', '/images/base-21/channels/production')).channel;
    expect(production).toMatchObject({
      slug: 'production',
      bucket_slug: 'base-21',
      managed: false,
    });
    expect(production.iteration).toMatchObject({
      id: base.id,
      complete: true,
      incremental_version: 1,
    });
    expect(production.iteration).not.toHaveProperty('revoke_at');
    // hcp-packer-image by iteration_id: the build's own iteration_id is the output.
    const { iteration } = ok(
      await call('GET', `/images/base-21/iteration?iteration_id=${base.id}`),
    );
    const match = iteration.builds.find((b: Json) => b.cloud_provider === 'packer.file');
    expect(match.iteration_id).toBe(base.id);
    expect(match.images.find((i: Json) => i.region === '.').image_id).toBe('base-image.txt');
  });

  it('declares parents in the final UpdateBuild and shows them at …/ancestry', async () => {
    child = await packerBuild('child-21', 'app-image.txt', {
      source_image_id: 'base-image.txt',
      source_iteration_id: base.id,
      source_channel_id: production.id,
    });
    expect(child).toMatchObject({ complete: true, incremental_version: 1 });
    // Build answers never echo the parent ids.
    expect(child.builds[0]).not.toHaveProperty('source_iteration_id');
    expect(child.builds[0].source_image_id).toBe('base-image.txt');
    const { relations } = ok(await call('GET', '/images/child-21/ancestry?type=parents'));
    expect(relations).toEqual([
      {
        parent: {
          bucket_slug: 'base-21',
          channel: 'production',
          channel_iteration: { id: base.id, fingerprint: base.fingerprint, incremental_version: 1 },
          iteration_id: base.id,
          iteration_fingerprint: base.fingerprint,
          iteration_incremental_version: 1,
        },
        child: {
          bucket_slug: 'child-21',
          iteration_id: child.id,
          iteration_fingerprint: child.fingerprint,
          iteration_incremental_version: 1,
        },
        status: 'UP_TO_DATE',
      },
    ]);
    const children = ok(
      await call('GET', `/images/base-21/ancestry?type=children&iteration_id=${base.id}`),
    );
    expect(children.relations.map((r: Json) => r.child.iteration_id)).toEqual([child.id]);
    const v2023 = ok(
      await registry.request(
        'GET',
        `${registry.base}/buckets/child-21/ancestry?type=ANCESTRY_TYPE_PARENTS`,
      ),
    );
    expect(v2023.relations[0].parent).toMatchObject({
      version_id: base.id,
      channel_name: 'production',
    });
  });

  it('revokes through 2021-04-30 without rolling the channel back; the child inherits', async () => {
    const past = new Date(Date.now() - 1000).toISOString();
    const revoked = ok(
      await call('PATCH', `/iterations/${base.id}`, {
        bucket_slug: 'base-21',
        revoke_at: past,
        revocation_message: 'CVE',
      }),
    );
    expect(revoked.iteration).toMatchObject({ id: base.id, revocation_message: 'CVE' });
    expect(Date.parse(revoked.iteration.revoke_at)).toBeLessThanOrEqual(Date.now());
    // The data sources fail on a past revoke_at: the channel still shows the revoked iteration.
    const { channel } = ok(await call('GET', '/images/base-21/channels/production'));
    expect(channel.iteration.id).toBe(base.id);
    expect(Date.parse(channel.iteration.revoke_at)).toBeLessThanOrEqual(Date.now());
    const inherited = ok(await call('GET', `/images/child-21/iteration?iteration_id=${child.id}`));
    expect(inherited.iteration).toMatchObject({
      revocation_type: 'INHERITED',
      revocation_inherited_from: expect.objectContaining({
        bucket_slug: 'base-21',
        iteration_id: base.id,
        iteration_incremental_version: 1,
      }),
    });
    expect(Date.parse(inherited.iteration.revoke_at)).toBeLessThanOrEqual(Date.now());
    // 2023-01-01 sees the same revocation.
    const { version } = ok(
      await registry.request(
        'GET',
        `${registry.base}/buckets/base-21/versions/${base.fingerprint}`,
      ),
    );
    expect(version.status).toBe('VERSION_REVOKED');
  });

  it('restores with Go’s zero revoke_at in the body (year 1 = not set)', async () => {
    const restored = ok(
      await call('PATCH', `/iterations/${base.id}`, {
        bucket_slug: 'base-21',
        revoke_at: '0001-01-01T00:00:00.000Z',
        restore: true,
      }),
    );
    expect(restored.iteration).not.toHaveProperty('revoke_at');
    const inherited = ok(await call('GET', `/images/child-21/iteration?iteration_id=${child.id}`));
    expect(inherited.iteration).not.toHaveProperty('revoke_at');
  });

  it('moves the channel through 2021-04-30: the child is OUT_OF_DATE', async () => {
    const base2 = await packerBuild('base-21', 'base-image-2.txt');
    expect(base2).toMatchObject({ complete: true, incremental_version: 2 });
    const moved = ok(
      await call('PATCH', '/images/base-21/channels/production', { incremental_version: 2 }),
    );
    expect(moved.channel.iteration).toMatchObject({ id: base2.id, incremental_version: 2 });
    const { relations } = ok(await call('GET', '/images/child-21/ancestry?type=parents'));
    expect(relations[0]).toMatchObject({
      status: 'OUT_OF_DATE',
      parent: { iteration_id: base.id, channel_iteration: { id: base2.id } },
    });
  });

  it('revokes through 2023-01-01 (channels roll back) and 2021-04-30 sees it', async () => {
    const { channel: before } = ok(await call('GET', '/images/base-21/channels/production'));
    const base2 = before.iteration;
    ok(
      await registry.request(
        'PATCH',
        `${registry.base}/buckets/base-21/versions/${base2.fingerprint}`,
        { body: { revoke_in: '0s' } },
      ),
    );
    const { channel } = ok(await call('GET', '/images/base-21/channels/production'));
    expect(channel.iteration).toMatchObject({ id: base.id, incremental_version: 1 });
    const { iteration } = ok(await call('GET', '/images/base-21/iteration?incremental_version=2'));
    expect(iteration.id).toBe(base2.id);
    expect(Date.parse(iteration.revoke_at)).toBeLessThanOrEqual(Date.now());
  });

  it('resumes a failed build with the same fingerprint until the iteration completes', async () => {
    const fp = fingerprint('resume');
    await initBucket('json-21', '');
    const iteration = await initIteration('json-21', fp);
    const build = await createBuild('json-21', iteration, 'file', 'run-1');
    await running(build.id, 'run-1');
    ok(
      await call('PATCH', `/builds/${build.id}`, {
        updates: { images: null, packer_run_uuid: 'run-1', status: 'FAILED' },
      }),
    );
    // Second run: GetIteration answers 200 (incomplete), ListBuilds lists the FAILED build.
    const again = await initIteration('json-21', fp);
    expect(again).toMatchObject({ id: iteration.id, complete: false, incremental_version: 0 });
    const { builds } = ok(await call('GET', `/images/json-21/iterations/${iteration.id}/builds`));
    expect(builds).toEqual([expect.objectContaining({ id: build.id, status: 'FAILED' })]);
    await running(build.id, 'run-2');
    await done(build.id, 'run-2', {
      cloud_provider: 'packer.file',
      images: [{ image_id: 'out.txt', region: '.' }],
    });
    const finished = await initIteration('json-21', fp);
    expect(finished).toMatchObject({ complete: true, incremental_version: 1 });
  });
});
