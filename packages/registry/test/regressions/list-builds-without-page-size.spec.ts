import { testEngines, useTestRegistry } from '@imprint/registry/testing';
import { ok } from '../helpers/http';

/**
 * Regression: ListBuilds answered 50 builds when no page size was sent, like
 * every list. Packer reads a version's builds with one ListBuilds and never
 * follows next_page_token, so in a template with more than 50 components it
 * took the missing ones for new and tracked them wrongly. Without
 * `pagination.page_size` ListBuilds now returns every build (at most
 * LIMITS.unpagedBuilds); with it, it pages as before.
 */
describe.each(testEngines())('ListBuilds without a page size (%s)', (engine) => {
  const registry = useTestRegistry({ beforeAll, afterAll }, { engine });
  const builds = () => `${registry.base}/buckets/many-parts/versions/v-many/builds`;
  const components = Array.from(
    { length: 60 },
    (_, i) => `null.part-${String(i).padStart(2, '0')}`,
  );

  beforeAll(async () => {
    ok(await registry.request('PUT', `${registry.base}/buckets`, { body: { name: 'many-parts' } }));
    ok(
      await registry.request('POST', `${registry.base}/buckets/many-parts/versions`, {
        body: { fingerprint: 'v-many', template_type: 'HCL2' },
      }),
    );
    for (const component_type of components) {
      ok(
        await registry.request('POST', builds(), {
          body: {
            component_type,
            status: 'BUILD_UNSET',
            packer_run_uuid: 'run-1',
            artifacts: null,
          },
        }),
      );
    }
  });

  it('returns all 60 builds of the version and no next_page_token, as Packer reads them', async () => {
    for (const query of ['', '?pagination.page_size=0']) {
      const body = ok(await registry.request('GET', `${builds()}${query}`));
      expect(body.builds.map((b: { component_type: string }) => b.component_type)).toEqual(
        components,
      );
      expect(body.pagination).toEqual({});
    }
  });

  it('pages as before when a page size is given', async () => {
    const first = ok(await registry.request('GET', `${builds()}?pagination.page_size=50`));
    expect(first.builds).toHaveLength(50);
    expect(first.pagination.next_page_token).toEqual(expect.any(String));
    const rest = ok(
      await registry.request(
        'GET',
        `${builds()}?pagination.page_size=50&pagination.next_page_token=${encodeURIComponent(first.pagination.next_page_token)}`,
      ),
    );
    expect(rest.builds).toHaveLength(10);
    expect(rest.pagination).toEqual({});
    expect(
      [...first.builds, ...rest.builds].map((b: { component_type: string }) => b.component_type),
    ).toEqual(components);
  });

  it('leaves the other lists at their default page of 50', async () => {
    for (let i = 0; i < 51; i += 1) {
      ok(
        await registry.request('POST', `${registry.base}/buckets/many-parts/versions`, {
          body: { fingerprint: `other-${i}` },
        }),
      );
    }
    const versions = ok(
      await registry.request('GET', `${registry.base}/buckets/many-parts/versions`),
    );
    expect(versions.versions).toHaveLength(50);
    expect(versions.pagination.next_page_token).toEqual(expect.any(String));
  });
});
