import { testEngines, useTestRegistry } from '@imprint/registry/testing';
import { completeVersion, expectStatus, ok } from '../helpers/http';
import { fingerprint } from '../helpers/fixtures';

/** Every packer route, driven over HTTP against real storage (embedded mode: anonymous admin). */
describe.each(testEngines())('registry HTTP API (%s)', (engine) => {
  const registry = useTestRegistry({ beforeAll, afterAll }, { engine });

  const bucketPath = (name: string) => `${registry.base}/buckets/${name}`;

  it('serves the registry and its resource-manager discovery', async () => {
    const { registry: reg } = ok(await registry.request('GET', `${registry.base}/registry`));
    expect(reg.location).toMatchObject({
      organization_id: registry.organizationId,
      project_id: registry.projectId,
    });
    expect(reg.config.activated).toBe(true);

    const orgs = ok(await registry.request('GET', '/resource-manager/2019-12-10/organizations'));
    expect(orgs.organizations).toHaveLength(1);
    expect(orgs.organizations[0].id).toBe(registry.organizationId);

    const projects = ok(
      await registry.request(
        'GET',
        `/resource-manager/2019-12-10/projects?scope.type=ORGANIZATION&scope.id=${registry.organizationId}`,
      ),
    );
    expect(projects.projects).toHaveLength(1);
    expect(projects.projects[0]).toMatchObject({
      id: registry.projectId,
      parent: { type: 'ORGANIZATION', id: registry.organizationId },
    });

    const project = ok(
      await registry.request('GET', `/resource-manager/2019-12-10/projects/${registry.projectId}`),
    );
    expect(project.project.id).toBe(registry.projectId);

    const org = ok(
      await registry.request(
        'GET',
        `/resource-manager/2019-12-10/organizations/${registry.organizationId}`,
      ),
    );
    expect(org.organization.id).toBe(registry.organizationId);
  });

  it('answers 404 / code 5 naming the existing ids for unknown organizations and projects', async () => {
    const wrongOrg = expectStatus(
      await registry.request(
        'GET',
        `/packer/2023-01-01/organizations/not-mine/projects/${registry.projectId}/buckets`,
      ),
      404,
      5,
    );
    expect(wrongOrg.message).toContain(registry.organizationId);
    expect(wrongOrg.message).toContain('not-mine');

    const wrongProject = expectStatus(
      await registry.request(
        'GET',
        `/packer/2023-01-01/organizations/${registry.organizationId}/projects/other/buckets`,
      ),
      404,
      5,
    );
    expect(wrongProject.message).toContain(registry.projectId);

    expectStatus(
      await registry.request(
        'GET',
        `/resource-manager/2019-12-10/projects?scope.type=ORGANIZATION&scope.id=someone-else`,
      ),
      404,
      5,
    );
    expectStatus(
      await registry.request('GET', '/resource-manager/2019-12-10/projects/someone-else'),
      404,
      5,
    );
  });

  it('creates, reads, updates, lists and deletes buckets', async () => {
    const created = ok(
      await registry.request('PUT', `${registry.base}/buckets`, {
        body: { name: 'crud-bucket', description: 'first', labels: { team: 'infra' } },
      }),
    );
    expect(created.bucket).toMatchObject({
      name: 'crud-bucket',
      description: 'first',
      labels: { team: 'infra' },
      version_count: '0',
      resource_name: `packer/project/${registry.projectId}/bucket/crud-bucket`,
    });

    const got = ok(await registry.request('GET', bucketPath('crud-bucket')));
    expect(got.bucket.id).toBe(created.bucket.id);

    const updated = ok(
      await registry.request('PATCH', bucketPath('crud-bucket'), {
        body: { description: 'second', labels: { team: 'platform' } },
      }),
    );
    expect(updated.bucket).toMatchObject({ description: 'second', labels: { team: 'platform' } });

    ok(await registry.request('PUT', `${registry.base}/buckets`, { body: { name: 'crud-other' } }));
    const page1 = ok(
      await registry.request(
        'GET',
        `${registry.base}/buckets?pagination.page_size=1&sorting.order_by=name`,
      ),
    );
    expect(page1.buckets).toHaveLength(1);
    expect(page1.pagination.next_page_token).toEqual(expect.any(String));
    const page2 = ok(
      await registry.request(
        'GET',
        `${registry.base}/buckets?pagination.page_size=1&sorting.order_by=name&pagination.next_page_token=${encodeURIComponent(page1.pagination.next_page_token)}`,
      ),
    );
    expect(page2.buckets).toHaveLength(1);
    expect(page2.buckets[0].name).not.toBe(page1.buckets[0].name);

    ok(await registry.request('DELETE', bucketPath('crud-other')));
    expectStatus(await registry.request('GET', bucketPath('crud-other')), 404, 5);

    const channels = ok(await registry.request('GET', `${bucketPath('crud-bucket')}/channels`));
    expect(channels.channels.map((c: any) => c.name)).toContain('latest');
  });

  it('ignores unknown body fields and treats null fields as absent', async () => {
    ok(await registry.request('PUT', `${registry.base}/buckets`, { body: { name: 'tolerant' } }));
    const channel = ok(
      await registry.request('POST', `${bucketPath('tolerant')}/channels`, {
        body: { name: 'tolerant', restricted: null, surprise: { nested: true } },
      }),
    ).channel;
    expect(channel).toMatchObject({ name: 'tolerant', restricted: false });
    expect(channel.surprise).toBeUndefined();
  });

  it('accepts location.region.* query params and ignores them', async () => {
    const body = ok(
      await registry.request(
        'GET',
        `${registry.base}/buckets?location.region.provider=aws&location.region.region=us-east-1`,
      ),
    );
    expect(Array.isArray(body.buckets)).toBe(true);
  });

  it('runs the Packer build flow: version v0 → builds done → v1 on latest', async () => {
    ok(await registry.request('PUT', `${registry.base}/buckets`, { body: { name: 'flow' } }));
    const fp = fingerprint();
    const created = ok(
      await registry.request('POST', `${bucketPath('flow')}/versions`, {
        body: { fingerprint: fp, template_type: 'HCL2' },
      }),
    );
    expect(created.version).toMatchObject({ fingerprint: fp, name: 'v0', bucket_name: 'flow' });

    const build = ok(
      await registry.request('POST', `${bucketPath('flow')}/versions/${fp}/builds`, {
        body: { component_type: 'amazon-ebs.ubuntu', status: 'BUILD_UNSET', packer_run_uuid: 'r1' },
      }),
    ).build;
    expect(build).toMatchObject({ component_type: 'amazon-ebs.ubuntu', status: 'BUILD_UNSET' });

    const listed = ok(await registry.request('GET', `${bucketPath('flow')}/versions/${fp}/builds`));
    expect(listed.builds.map((b: any) => b.id)).toEqual([build.id]);

    const buildPath = `${bucketPath('flow')}/versions/${fp}/builds/${build.id}`;
    ok(await registry.request('PATCH', buildPath, { body: { status: 'BUILD_RUNNING' } }));
    // A heartbeat: RUNNING again.
    ok(await registry.request('PATCH', buildPath, { body: { status: 'BUILD_RUNNING' } }));
    const done = ok(
      await registry.request('PATCH', buildPath, {
        body: {
          status: 'BUILD_DONE',
          platform: 'aws',
          // Go clients omit empty strings: no region at all.
          artifacts: [{ external_identifier: 'ami-flow-1' }],
          metadata: { packer: { version: '1.16.0' }, vcs: { type: 'git' } },
          unknown_field: 'ignored',
        },
      }),
    ).build;
    expect(done.status).toBe('BUILD_DONE');
    expect(done.artifacts).toEqual([
      expect.objectContaining({ external_identifier: 'ami-flow-1', region: '' }),
    ]);
    expect(done.metadata).toEqual({ packer: { version: '1.16.0' }, vcs: { type: 'git' } });

    const fetched = ok(await registry.request('GET', buildPath)).build;
    expect(fetched.metadata.packer.version).toBe('1.16.0');

    const version = ok(
      await registry.request('GET', `${bucketPath('flow')}/versions/${fp}`),
    ).version;
    expect(version).toMatchObject({ name: 'v1', status: 'VERSION_ACTIVE', template_type: 'HCL2' });
    expect(version.builds).toHaveLength(1);

    const latest = ok(
      await registry.request('GET', `${bucketPath('flow')}/channels/latest`),
    ).channel;
    expect(latest).toMatchObject({ managed: true, name: 'latest' });
    expect(latest.version.fingerprint).toBe(fp);

    const bucket = ok(await registry.request('GET', bucketPath('flow'))).bucket;
    expect(bucket.latest_version.fingerprint).toBe(fp);
    expect(bucket.version_count).toBe('1');
    expect(bucket.platforms).toEqual(['aws']);

    const versions = ok(await registry.request('GET', `${bucketPath('flow')}/versions`));
    expect(versions.versions.map((v: any) => v.fingerprint)).toEqual([fp]);
  });

  it('manages channels: create, assign, promote, history, unassign, delete', async () => {
    ok(await registry.request('PUT', `${registry.base}/buckets`, { body: { name: 'chan' } }));
    const v1 = await completeVersion(registry, 'chan', fingerprint('one'));
    const v2 = await completeVersion(registry, 'chan', fingerprint('two'));

    const staging = ok(
      await registry.request('POST', `${bucketPath('chan')}/channels`, {
        body: { name: 'staging', version_fingerprint: v1.fingerprint },
      }),
    ).channel;
    expect(staging).toMatchObject({ name: 'staging', managed: false });
    expect(staging.version.fingerprint).toBe(v1.fingerprint);

    ok(
      await registry.request('POST', `${bucketPath('chan')}/channels`, { body: { name: 'prod' } }),
    );

    const moved = ok(
      await registry.request('PATCH', `${bucketPath('chan')}/channels/staging`, {
        body: { version_fingerprint: v2.fingerprint, update_mask: 'versionFingerprint' },
      }),
    ).channel;
    expect(moved.version.fingerprint).toBe(v2.fingerprint);

    const promoted = ok(
      await registry.request('POST', `${bucketPath('chan')}/channels/assign`, {
        body: { source_channel: 'staging', target_channel: 'prod' },
      }),
    );
    expect(promoted.fingerprint).toBe(v2.fingerprint);
    expect(promoted.target_channel.name).toBe('prod');
    expect(promoted.source_channel.name).toBe('staging');
    expect(promoted.version.fingerprint).toBe(v2.fingerprint);

    const history = ok(
      await registry.request('GET', `${bucketPath('chan')}/channels/staging/history`),
    );
    expect(history.count).toBeGreaterThanOrEqual(2);
    expect(history.history.map((h: any) => h.version?.fingerprint)).toEqual(
      expect.arrayContaining([v1.fingerprint, v2.fingerprint]),
    );

    const unassigned = ok(
      await registry.request('PATCH', `${bucketPath('chan')}/channels/prod`, {
        body: { update_mask: 'versionFingerprint' },
      }),
    ).channel;
    expect(unassigned.version).toBeNull();

    ok(await registry.request('DELETE', `${bucketPath('chan')}/channels/prod`));
    expectStatus(await registry.request('GET', `${bucketPath('chan')}/channels/prod`), 404, 5);
  });

  it('refuses to change the managed latest channel', async () => {
    ok(await registry.request('PUT', `${registry.base}/buckets`, { body: { name: 'managed' } }));
    const v = await completeVersion(registry, 'managed', fingerprint());
    expectStatus(
      await registry.request('PATCH', `${bucketPath('managed')}/channels/latest`, {
        body: { version_fingerprint: v.fingerprint, update_mask: 'versionFingerprint' },
      }),
      400,
      9,
    );
    expectStatus(
      await registry.request('DELETE', `${bucketPath('managed')}/channels/latest`),
      400,
      3,
    );
    ok(
      await registry.request('POST', `${bucketPath('managed')}/channels`, {
        body: { name: 'qa-env' },
      }),
    );
    expectStatus(
      await registry.request('POST', `${bucketPath('managed')}/channels/assign`, {
        body: { source_channel: 'qa-env', target_channel: 'latest' },
      }),
      400,
      9,
    );
  });

  it('revokes, restores and deletes versions', async () => {
    ok(await registry.request('PUT', `${registry.base}/buckets`, { body: { name: 'revoke' } }));
    const v = await completeVersion(registry, 'revoke', fingerprint());
    const path = `${bucketPath('revoke')}/versions/${v.fingerprint}`;
    const revoked = ok(
      await registry.request('PATCH', path, {
        body: { revoke_in: '0s', revocation_message: 'CVE-2026-0001' },
      }),
    );
    expect(revoked.version).toMatchObject({
      status: 'VERSION_REVOKED',
      revocation_message: 'CVE-2026-0001',
      revocation_type: 'MANUAL',
    });
    const restored = ok(await registry.request('PATCH', path, { body: { restore: true } }));
    expect(restored.version.status).toBe('VERSION_ACTIVE');

    const scheduled = ok(
      await registry.request('PATCH', path, { body: { revoke_at: '2999-01-01T00:00:00Z' } }),
    );
    expect(scheduled.version.status).toBe('VERSION_REVOCATION_SCHEDULED');

    ok(await registry.request('DELETE', `${path}?rollback_channels=true`));
    expectStatus(await registry.request('GET', path), 409, 10);
  });

  it('lists ancestry and finds artifacts by external id', async () => {
    ok(await registry.request('PUT', `${registry.base}/buckets`, { body: { name: 'base-os' } }));
    ok(await registry.request('PUT', `${registry.base}/buckets`, { body: { name: 'app-image' } }));
    const parent = await completeVersion(registry, 'base-os', fingerprint('base'), {
      artifact: () => ({ external_identifier: 'ami-base-123', region: 'eu-west-1' }),
    });
    const latest = ok(
      await registry.request('GET', `${bucketPath('base-os')}/channels/latest`),
    ).channel;
    await completeVersion(registry, 'app-image', fingerprint('app'), {
      sourceExternalIdentifier: 'ami-base-123',
      parentVersionId: parent.id,
      parentChannelId: latest.id,
    });

    const children = ok(
      await registry.request(
        'GET',
        `${bucketPath('base-os')}/ancestry?type=ANCESTRY_TYPE_CHILDREN`,
      ),
    );
    expect(children.relations.length).toBeGreaterThanOrEqual(1);
    expect(children.relations[0].child.bucket_name).toBe('app-image');
    expect(typeof children.total_count).toBe('number');

    const parents = ok(
      await registry.request(
        'GET',
        `${bucketPath('app-image')}/ancestry?type=ANCESTRY_TYPE_PARENTS`,
      ),
    );
    expect(parents.relations[0].parent).toMatchObject({
      bucket_name: 'base-os',
      version_fingerprint: parent.fingerprint,
    });

    // depth (an Imprint extension): 'all' and 1..100 pass; anything else is 400 / 3.
    for (const depth of ['all', '1', '100']) {
      const deep = ok(
        await registry.request(
          'GET',
          `${bucketPath('app-image')}/ancestry?type=ANCESTRY_TYPE_PARENTS&depth=${depth}`,
        ),
      );
      expect(deep.relations).toEqual(parents.relations);
    }
    for (const depth of ['0', '101', 'every', '-1']) {
      expectStatus(
        await registry.request('GET', `${bucketPath('app-image')}/ancestry?depth=${depth}`),
        400,
        3,
      );
    }

    const found = ok(
      await registry.request('POST', `${registry.base}/_search/external_artifact`, {
        body: { external_identifier: 'ami-base-123', region: 'eu-west-1' },
      }),
    );
    expect(found.artifacts).toHaveLength(1);
    expect(found.artifacts[0]).toMatchObject({
      bucket: { name: 'base-os' },
      version: { fingerprint: parent.fingerprint },
    });
    expect(found.artifacts[0].build.artifacts[0].external_identifier).toBe('ami-base-123');
  });

  it('deletes builds', async () => {
    ok(await registry.request('PUT', `${registry.base}/buckets`, { body: { name: 'del-build' } }));
    const fp = fingerprint();
    ok(
      await registry.request('POST', `${bucketPath('del-build')}/versions`, {
        body: { fingerprint: fp },
      }),
    );
    const build = ok(
      await registry.request('POST', `${bucketPath('del-build')}/versions/${fp}/builds`, {
        body: { component_type: 'docker.app' },
      }),
    ).build;
    const path = `${bucketPath('del-build')}/versions/${fp}/builds/${build.id}`;
    ok(await registry.request('DELETE', path));
    expectStatus(await registry.request('GET', path), 404, 5);
  });

  it('serves health, readiness and request ids', async () => {
    const health = await registry.request('GET', '/healthz');
    expect(health.status).toBe(200);
    expect(health.body).toEqual({ status: 'ok' });
    expect(health.headers.get('x-request-id')).toBeTruthy();
    const ready = await registry.request('GET', '/readyz');
    expect(ready.body).toEqual({ status: 'ready', engine, read_cache: 'on' });
  });
});
