import { join } from 'node:path';
import { REPO_ROOT, runToEnd, tempDirs, useRegistry, writeJson } from '../helpers/bin';
import { quickTemplate } from './build-templates';

jest.setTimeout(60_000);

const dirs = tempDirs();
const registry = useRegistry(dirs, 'imprint-cli-json-');

describe('imprint build --json (built bin, real registry)', () => {
  it('12.5 prints one JSON document on stdout, with registry ids and artifacts, and the progress on stderr', async () => {
    const dir = await dirs.make();
    const file = await writeJson(
      dir,
      'base.pkr.json',
      quickTemplate('json-base', join(dir, 'out')),
    );
    const { code, stdout, stderr } = await runToEnd(
      ['build', file, '--plugin-dir', REPO_ROOT, '--json'],
      { IMPRINT_REGISTRY_URL: registry.server.url },
    );
    expect({ code, stderr }).toMatchObject({ code: 0 });

    const doc = JSON.parse(stdout);
    expect(stdout).not.toMatch(/builderIdValue|stateData|^\d{4}-\d\d-\d\dT/m);
    const fp: string = doc.registry.fingerprint;
    const [stored] = (await registry.client.listBuilds('json-base', fp)).builds;
    expect(doc).toEqual({
      status: 'done',
      cancelled: false,
      runId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      builds: [
        {
          name: 'docker-like.base',
          status: 'done',
          registryStatus: 'BUILD_DONE',
          registryBuildId: stored.id,
          artifacts: [
            {
              builderId: expect.any(String),
              id: expect.any(String),
              string: expect.any(String),
              files: expect.any(Array),
              images: [
                {
                  imageId: stored.artifacts![0].external_identifier,
                  providerName: 'docker',
                  providerRegion: stored.artifacts![0].region,
                  sourceImageId: expect.any(String),
                  labels: expect.any(Object),
                },
              ],
            },
          ],
          images: [expect.objectContaining({ imageId: stored.artifacts![0].external_identifier })],
          withoutMetadata: [],
          // docker-like states a CycloneDX SBOM of the image: uploaded with the build.
          sboms: [
            {
              name: expect.stringMatching(/^[A-Za-z0-9_-]{3,36}$/),
              format: 'cyclonedx',
              documentBytes: expect.any(Number),
              compressedBytes: expect.any(Number),
              outcome: 'uploaded',
            },
          ],
        },
      ],
      registry: {
        bucket: 'json-base',
        fingerprint: expect.stringMatching(/^[0-9A-Z]{26}$/),
        versionName: 'v1',
        versionComplete: true,
        channels: ['production'],
        buildIds: { 'docker-like.base': stored.id },
        resumeHint: null,
        spoolFile: null,
      },
    });
    const artifact = doc.builds[0].artifacts[0];
    expect(artifact.string).toContain(artifact.images[0].imageId.slice(0, 12));
    expect((await registry.client.getVersion('json-base', fp)).name).toBe('v1');

    // The progress, timestamped and named after its build, went to stderr.
    expect(stderr).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \[docker-like\.base\] .+$/m);
    expect(stderr).toContain(`Tracking build on the registry with fingerprint ${fp}`);
  });
});
