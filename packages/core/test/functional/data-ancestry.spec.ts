import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RegistryClient } from '@imprint/client';
import type { RunEvent } from '@imprint/core';
import { DataSourceFailedError, runBuild } from '@imprint/core';
import { testEngines, useTestRegistry } from '@imprint/registry/testing';
import { tempDirs, writeTemplate } from '../helpers/fixtures';
import { FROM_PLUGINS, useFromPlugin } from '../helpers/from-plugin';

jest.setTimeout(30_000);

/*
 * Built-in registry data sources against a real registry: Packer-named blocks
 * reading a bucket pushed by a run, parents declared on the wire (captured
 * from the requests the runner sends, read back as ancestry), UP_TO_DATE →
 * OUT_OF_DATE after the parent channel moves, revoked and scheduled parents.
 */
const dirs = tempDirs();
afterAll(() => dirs.cleanup());
const plugin = useFromPlugin(dirs);

describe.each(testEngines())('on %s', (engine) => {
  const registry = useTestRegistry(
    { beforeAll, afterAll },
    { engine, database: { prefix: 'imprint-core-data' } },
  );

  /** Runs a template that publishes image `id` to `bucket`, assigned to `production`. */
  async function pushBase(bucket: string, id: string, fingerprint: string): Promise<void> {
    const work = await dirs.make();
    const file = await writeTemplate(work, 'base.pkr.json', {
      required_plugins: FROM_PLUGINS,
      sources: { 'from.base': { id } },
      build: { sources: ['from.base'] },
      registry: { bucket_name: bucket, channels: ['production'] },
    });
    const result = await runBuild({
      template: file,
      env: {},
      pluginDir: plugin.dir,
      registry: registry.client,
      fingerprint,
      runDir: join(work, 'run'),
    });
    expect(result.registry?.channels).toEqual(['production']);
  }

  /** An HCL2 child template with Packer's data blocks, built FROM the base's production channel. */
  function childHcl(base: string, child: string, select = 'channel_name = "production"'): string {
    return `packer {
  required_plugins {
    from = { source = "imprint-plugin-from" }
  }
}

data "hcp-packer-version" "base" {
  bucket_name  = "${base}"
  channel_name = "production"
}

data "hcp-packer-artifact" "base" {
  bucket_name  = "${base}"
  ${select}
  platform     = "plainland"
  region       = "r1"
}

source "from" "app" {
  id           = "${child}-\${data.hcp-packer-version.base.name}"
  source_image = data.hcp-packer-artifact.base.external_identifier
}

build {
  sources = ["source.from.app"]
}

hcp_packer_registry {
  bucket_name = "${child}"
  build_labels = {
    base_version = data.hcp-packer-artifact.base.version_fingerprint
  }
}
`;
  }

  /** A client of the test registry that records every UpdateBuild body it sends. */
  function capturingClient(): { client: RegistryClient; updates: Record<string, unknown>[] } {
    const updates: Record<string, unknown>[] = [];
    const client = new RegistryClient({
      baseUrl: registry.url,
      retries: false,
      fetch: async (input, init) => {
        if (init?.method === 'PATCH' && /\/builds\/[^/]+$/.test(String(input))) {
          updates.push(JSON.parse(String(init.body)) as Record<string, unknown>);
        }
        return fetch(input, init);
      },
    });
    return { client, updates };
  }

  async function runChild(
    text: string,
    client: RegistryClient,
    events: RunEvent[] = [],
  ): Promise<Awaited<ReturnType<typeof runBuild>>> {
    const work = await dirs.make();
    const file = join(work, 'app.pkr.hcl');
    await writeFile(file, text);
    return runBuild({
      template: file,
      env: {},
      pluginDir: plugin.dir,
      registry: client,
      runDir: join(work, 'run'),
      onEvent: (e) => events.push(e),
    });
  }

  describe('Packer-named registry data sources', () => {
    it('read a bucket pushed by a run, declare the parent on the wire, and track its channel', async () => {
      await pushBase('core-ds-base', 'img-base-1', 'base-fp-1');
      const baseVersion = await registry.client.getVersion('core-ds-base', 'base-fp-1');
      const production = await registry.client.getChannel('core-ds-base', 'production');
      const { client, updates } = capturingClient();

      const result = await runChild(childHcl('core-ds-base', 'core-ds-app'), client);
      expect(result.status).toBe('done');
      expect(result.builds[0].images.map((i) => [i.imageId, i.sourceImageId])).toEqual([
        ['core-ds-app-v1', 'img-base-1'],
      ]);
      const done = updates.find((u) => u.status === 'BUILD_DONE');
      expect(done).toMatchObject({
        source_external_identifier: 'img-base-1',
        parent_version_id: baseVersion.id,
        parent_channel_id: production.id,
        labels: { base_version: 'base-fp-1' },
      });

      // One relation (declared; the inferred one from the same source image is not added), up to date.
      const ancestry = await registry.client.listBucketAncestry('core-ds-app', {
        type: 'ANCESTRY_TYPE_PARENTS',
      });
      expect(ancestry.relations).toHaveLength(1);
      expect(ancestry.relations[0]).toMatchObject({
        status: 'UP_TO_DATE',
        inferred: false,
        parent: {
          bucket_name: 'core-ds-base',
          channel_name: 'production',
          version_id: baseVersion.id,
        },
      });

      // A new base moves production: the child is now out of date.
      await pushBase('core-ds-base', 'img-base-2', 'base-fp-2');
      const after = await registry.client.listBucketAncestry('core-ds-app', {
        type: 'ANCESTRY_TYPE_PARENTS',
      });
      expect(after.relations.map((a) => a.status)).toEqual(['OUT_OF_DATE']);
    });

    it('declare the version without a channel when the artifact is read by fingerprint', async () => {
      await pushBase('core-ds-fp-base', 'img-fp-1', 'fp-base-1');
      const baseVersion = await registry.client.getVersion('core-ds-fp-base', 'fp-base-1');
      const { client, updates } = capturingClient();
      const result = await runChild(
        childHcl('core-ds-fp-base', 'core-ds-fp-app', 'version_fingerprint = "fp-base-1"'),
        client,
      );
      expect(result.status).toBe('done');
      const done = updates.find((u) => u.status === 'BUILD_DONE')!;
      expect(done.parent_version_id).toBe(baseVersion.id);
      expect(done).not.toHaveProperty('parent_channel_id');
    });

    it('refuse a revoked parent, naming the version, the message and who revoked it', async () => {
      await pushBase('core-ds-revoked', 'img-rev-1', 'rev-fp-1');
      await registry.client.revokeVersion('core-ds-revoked', 'rev-fp-1', {
        message: 'CVE-2026-0001',
      });
      const version = await registry.client.getVersion('core-ds-revoked', 'rev-fp-1');
      const error = await runChild(
        childHcl('core-ds-revoked', 'core-ds-rev-app'),
        registry.client,
      ).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DataSourceFailedError);
      expect((error as Error).message).toContain(
        `version v1 (fingerprint rev-fp-1) of bucket 'core-ds-revoked' is revoked: CVE-2026-0001 (revoked by ${version.revocation_author})`,
      );
      // Nothing was built or published for the child.
      await expect(registry.client.getBucket('core-ds-rev-app')).rejects.toThrow(
        'REGISTRY_ERR_BUCKET_NOT_FOUND',
      );
    });

    it('warn about a scheduled revocation with its date, and build', async () => {
      await pushBase('core-ds-scheduled', 'img-sch-1', 'sch-fp-1');
      await registry.client.revokeVersion('core-ds-scheduled', 'sch-fp-1', { revokeIn: '7d' });
      const version = await registry.client.getVersion('core-ds-scheduled', 'sch-fp-1');
      expect(version.revoke_at).toBeDefined();
      const events: RunEvent[] = [];
      const result = await runChild(
        childHcl('core-ds-scheduled', 'core-ds-sch-app'),
        registry.client,
        events,
      );
      expect(result.status).toBe('done');
      const warnings = events.filter((e) => e.kind === 'warning').map((e) => e.message);
      expect(warnings.find((w) => w.includes('hcp-packer-artifact data'))).toContain(
        `version v1 (fingerprint sch-fp-1) of bucket 'core-ds-scheduled' is scheduled to be revoked at ${version.revoke_at}`,
      );
    });

    it('name the block when the channel does not exist', async () => {
      await pushBase('core-ds-nochan', 'img-nc-1', 'nc-fp-1');
      const text = childHcl('core-ds-nochan', 'core-ds-nc-app').replace(
        /"production"/g,
        '"staging"',
      );
      const error = (await runChild(text, registry.client).catch((e: unknown) => e)) as Error;
      expect(error).toBeInstanceOf(DataSourceFailedError);
      // Independent blocks are read in the order hcl2json gives them: the artifact block first.
      expect(error.message).toMatch(/^hcp-packer-artifact data 'base' \(.*app\.pkr\.hcl\): /);
      expect(error.message).toContain(
        'Channel "staging" does not exist in bucket "core-ds-nochan"',
      );
    });
  });
});
