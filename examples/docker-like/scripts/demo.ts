/**
 * Builds the example chain into a directory you keep, so that you can look at
 * the layouts with OCI tools:
 *
 *   npm run build                      # once, from the repository root
 *   npx ts-node --transpile-only examples/docker-like/scripts/demo.ts /tmp/docker-like-demo
 *
 * It writes <dir>/base, <dir>/app and <dir>/registry/examples/app, and prints
 * each artifact's registry metadata and the commands that check the layouts.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { BuildContext } from '@imprint/sdk';
import { ARTIFACT_STATE_URI } from '@imprint/sdk';
import type { DockerLikeImageArtifact } from '@imprint/example-docker-like';
import plugin from '@imprint/example-docker-like';

async function main(): Promise<void> {
  const dir = resolve(process.argv[2] ?? 'docker-like-demo');
  mkdirSync(dir, { recursive: true });
  const fixtures = join(__dirname, '..', 'test', 'fixtures');
  const context: BuildContext = {
    ui: {
      say: (m) => console.log(`==> ${m}`),
      message: (m) => console.log(`    ${m}`),
      error: (m) => console.error(`!!! ${m}`),
      progress: () => undefined,
    },
    signal: new AbortController().signal,
    workDir: dir,
    buildName: 'demo',
  };

  const base = await plugin.createBuilder('docker-like', {
    base: 'scratch',
    output_dir: 'base',
    tag: 'base',
    files: [{ source: join(fixtures, 'base-rootfs'), destination: '/' }],
    env: { PATH: '/usr/local/bin:/usr/bin:/bin' },
    created: '2024-01-01T00:00:00Z',
  });
  const baseImage = (await base.component.run(context)) as DockerLikeImageArtifact;

  const app = await plugin.createBuilder('docker-like', {
    base: baseImage.layoutDir,
    output_dir: 'app',
    tag: '1.0',
    files: [{ source: join(fixtures, 'app'), destination: '/srv/app' }],
    entrypoint: ['/bin/cat', '/srv/app/static/index.html'],
    created: '2024-02-01T00:00:00Z',
  });
  const appImage = await app.component.run(context);
  const tag = await plugin.createPostProcessor('docker-like-tag', { tags: ['stable'] });
  const tagged = await tag.component.postProcess(context, appImage);
  const push = await plugin.createPostProcessor('docker-like-push', {
    registry_dir: join(dir, 'registry'),
    repository: 'examples/app',
    tag: '1.0',
  });
  const pushed = await push.component.postProcess(context, tagged.artifact);

  for (const artifact of [baseImage, appImage, tagged.artifact, pushed.artifact]) {
    console.log(JSON.stringify(artifact.state(ARTIFACT_STATE_URI)));
  }
  console.log(`
Check the layouts:
  skopeo inspect oci:${join(dir, 'base')}:base
  skopeo inspect oci:${join(dir, 'app')}:stable
  skopeo inspect oci:${join(dir, 'registry', 'examples', 'app')}:1.0
  umoci stat --image ${join(dir, 'app')}:1.0
  umoci unpack --rootless --image ${join(dir, 'app')}:1.0 ${join(dir, 'bundle')}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
