import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Spec } from '@cyclonedx/cyclonedx-library';
import type { PackerArtifact } from '@imprint/sdk';
import { ARTIFACT_SBOM_STATE_KEY } from '@imprint/sdk';
import type { DockerLikeImageArtifact } from '@imprint/example-docker-like';
import { InputArtifactError } from '@imprint/example-docker-like';
import { build, postProcess } from './helpers/build';
import { cycloneDxSchemaErrors } from './helpers/cyclonedx-schema';
import { failure } from './helpers/failure';
import { packagePurls, sbomOf } from './helpers/sbom';
import { tempDirs } from './helpers/temp-dirs';

/**
 * The SBOM every docker-like image states under `imprint.sbom`, read from a
 * stack of layers built with the plugin itself: a stale base, a layer that
 * replaces the dpkg database and whites out the apk one, and an app layer that
 * brings the apk database back with the app's files.
 */

jest.setTimeout(60_000);

const osRootfs = join(__dirname, 'fixtures', 'os-rootfs');
const dpkgStatus = join(osRootfs, 'var', 'lib', 'dpkg', 'status');
const apkInstalled = join(osRootfs, 'lib', 'apk', 'db', 'installed');
const dirs = tempDirs();
afterAll(() => dirs.cleanup());

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

const DEBIAN_PURLS = [
  'pkg:deb/debian/base-files@12.4+deb12u5?arch=amd64',
  'pkg:deb/debian/libc6@2.36-9+deb12u4?arch=amd64&upstream=glibc',
];
const ALPINE_PURLS = [
  'pkg:apk/alpine/ca-certificates-bundle@20240226-r0?arch=x86_64&upstream=ca-certificates',
  'pkg:apk/alpine/musl@1.2.4-r2?arch=x86_64',
];

const text = (destination: string, content: string) => ({ destination, content });

/** The images of the stack, bottom first; each is built FROM the one before. */
const STACK = [
  [
    'stale',
    'stale',
    '2024-01-01T00:00:00Z',
    [
      text(
        '/var/lib/dpkg/status',
        'Package: stale-deb\nStatus: install ok installed\nVersion: 0.1\n',
      ),
      text('/lib/apk/db/installed', 'P:stale-apk\nV:0.1\nA:x86_64\n'),
    ],
  ],
  // Replaces the dpkg database; the whiteout removes /lib/apk of the layers below.
  [
    'os',
    'os',
    '2024-01-15T00:00:00Z',
    [{ source: dpkgStatus, destination: '/var/lib/dpkg/status' }, text('/lib/.wh.apk', '')],
  ],
  [
    'app',
    '1.0',
    '2024-02-01T12:30:00Z',
    [
      { source: apkInstalled, destination: '/lib/apk/db/installed' },
      { ...text('/srv/app/run.sh', 'echo hello\n'), mode: '0755' },
      { source: join(__dirname, 'fixtures', 'app'), destination: '/srv/app/' },
    ],
  ],
] as const;

async function buildStack(work: string): Promise<Record<string, DockerLikeImageArtifact>> {
  const built: Record<string, DockerLikeImageArtifact> = {};
  let base = 'scratch';
  for (const [name, tag, created, files] of STACK) {
    const config = { base, output_dir: name, tag, created, files };
    built[name] = (await build(config, work, name)).artifact;
    base = built[name].layoutDir;
  }
  return built;
}

let images: Record<string, DockerLikeImageArtifact>;
beforeAll(async () => {
  images = await buildStack(await dirs.make('sbom'));
});

describe('the SBOM of a built image (imprint.sbom)', () => {
  it('lists the installed OS packages of the merged filesystem, whiteouts applied', () => {
    expect(packagePurls(images.stale)).toEqual([
      'pkg:apk/alpine/stale-apk@0.1?arch=x86_64',
      'pkg:deb/debian/stale-deb@0.1',
    ]);
    // The dpkg database is replaced (vim-tiny is deinstalled), the apk one whited out.
    expect(packagePurls(images.os)).toEqual(DEBIAN_PURLS);
    expect(packagePurls(images.app)).toEqual([...ALPINE_PURLS, ...DEBIAN_PURLS]);
  });

  it('an opaque whiteout empties a directory of what the layers below put there', async () => {
    const work = await dirs.make('opaque');
    const child = (
      await build(
        {
          base: images.app.layoutDir,
          output_dir: 'child',
          files: [{ content: '', destination: '/var/lib/dpkg/.wh..wh..opq' }],
        },
        work,
        'child',
      )
    ).artifact;
    expect(packagePurls(child)).toEqual(ALPINE_PURLS);
  });

  it('states each package with its version, licence and database', () => {
    const byName = new Map((sbomOf(images.app).document.components ?? []).map((c) => [c.name, c]));
    expect(byName.get('libc6')).toEqual({
      type: 'library',
      name: 'libc6',
      version: '2.36-9+deb12u4',
      purl: 'pkg:deb/debian/libc6@2.36-9+deb12u4?arch=amd64&upstream=glibc',
      'bom-ref': 'pkg:deb/debian/libc6@2.36-9+deb12u4?arch=amd64&upstream=glibc',
      licenses: [{ license: { id: 'LGPL-2.1-or-later' } }],
      properties: [
        { name: 'imprint:docker-like:package_database', value: '/var/lib/dpkg/status' },
        { name: 'imprint:docker-like:source_package', value: 'glibc' },
      ],
    });
    expect(byName.get('musl')?.licenses).toEqual([{ license: { id: 'MIT' } }]);
    expect(byName.get('ca-certificates-bundle')?.licenses).toEqual([
      { expression: 'MPL-2.0 AND MIT' },
    ]);
    expect(byName.get('base-files')?.licenses).toBeUndefined();
    expect(byName.has('vim-tiny')).toBe(false);
  });

  it('lists every file the build added, with its sha256, and nothing from the base', () => {
    const files = (sbomOf(images.app).document.components ?? []).filter((c) => c.type === 'file');
    const fixture = (...path: string[]) => readFileSync(join(__dirname, 'fixtures', ...path));
    expect(files.map((f) => [f.name, f.hashes])).toEqual([
      ['/lib/apk/db/installed', [{ alg: 'SHA-256', content: sha256(readFileSync(apkInstalled)) }]],
      ['/srv/app/app.json', [{ alg: 'SHA-256', content: sha256(fixture('app', 'app.json')) }]],
      ['/srv/app/run.sh', [{ alg: 'SHA-256', content: sha256('echo hello\n') }]],
      [
        '/srv/app/static/index.html',
        [{ alg: 'SHA-256', content: sha256(fixture('app', 'static', 'index.html')) }],
      ],
    ]);
  });

  it('describes the image itself in the metadata, with its digest, and the time it was created', () => {
    const { name, format, document } = sbomOf(images.app);
    expect({ name, format }).toEqual({ name: 'app:1.0', format: 'cyclonedx' });
    const manifestHex = images.app.manifestDigest.slice('sha256:'.length);
    expect(document).toMatchObject({
      bomFormat: 'CycloneDX',
      specVersion: '1.7',
      version: 1,
      metadata: {
        timestamp: '2024-02-01T12:30:00.000Z',
        component: {
          type: 'container',
          name: 'app',
          version: '1.0',
          'bom-ref': images.app.manifestDigest,
          purl: `pkg:oci/app@sha256:${manifestHex}?arch=amd64&tag=1.0`,
          hashes: [{ alg: 'SHA-256', content: manifestHex }],
          properties: [
            { name: 'imprint:docker-like:image_id', value: images.app.imageId },
            { name: 'imprint:docker-like:os', value: 'linux' },
          ],
        },
        tools: { components: [{ type: 'application', name: '@imprint/example-docker-like' }] },
      },
    });
    expect(document.serialNumber).toMatch(
      /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(sbomOf(images.os).document.serialNumber).not.toBe(document.serialNumber);
  });

  it('validates against the CycloneDX 1.7 JSON schema', async () => {
    for (const image of Object.values(images)) {
      const json = JSON.stringify(sbomOf(image).document);
      expect(await cycloneDxSchemaErrors(json, Spec.Version.v1dot7)).toEqual([]);
    }
    const broken = { ...sbomOf(images.app).document, serialNumber: 'not-a-urn' };
    expect(await cycloneDxSchemaErrors(JSON.stringify(broken), Spec.Version.v1dot7)).not.toEqual(
      [],
    );
  });

  it('is byte-identical when the same build runs again elsewhere', async () => {
    const again = await buildStack(await dirs.make('sbom-again'));
    for (const key of Object.keys(images)) {
      expect(JSON.stringify(sbomOf(again[key]).document)).toBe(
        JSON.stringify(sbomOf(images[key]).document),
      );
    }
  });

  it('is frozen: a consumer cannot change what the next one reads', () => {
    const { document } = sbomOf(images.app);
    expect(() => {
      (document.metadata.component as { name: string }).name = 'changed';
    }).toThrow(TypeError);
    expect(sbomOf(images.app).document.metadata.component.name).toBe('app');
  });

  it('lists no packages for an image without package databases', async () => {
    const work = await dirs.make('bare');
    const bare = (await build({ base: 'scratch', env: { A: '1' } }, work, 'bare')).artifact;
    expect(sbomOf(bare).document.components ?? []).toEqual([]);
    expect(sbomOf(bare).document.metadata.component.name).toBe('image');
  });
});

describe('post-processors and imprint.sbom', () => {
  /** The app image, except that it states `sbom` under imprint.sbom. */
  const withSbom = (sbom: unknown): PackerArtifact => {
    const app = images.app;
    return {
      builderId: () => app.builderId(),
      id: () => app.id(),
      files: () => app.files(),
      toString: () => app.toString(),
      destroy: () => undefined,
      state: (name) => (name === ARTIFACT_SBOM_STATE_KEY ? sbom : app.state(name)),
    };
  };

  it('refuse an input whose imprint.sbom is not an SBOM, naming the problem', async () => {
    const work = await dirs.make('forged');
    const error = await failure(
      postProcess('docker-like-tag', { tags: ['x'] }, withSbom('<bom/>'), work),
    );
    expect(error).toBeInstanceOf(InputArtifactError);
    expect(error.message).toContain(
      `docker-like-tag cannot process the artifact of 'imprint.docker-like': its 'imprint.sbom' state is not an SBOM (Cannot read the SBOM an artifact states under 'imprint.sbom': state is string "<bom/>"`,
    );
  });

  it('carry no SBOM forward when the input states none', async () => {
    const work = await dirs.make('without');
    const { artifact } = await postProcess(
      'docker-like-tag',
      { tags: ['nosbom'] },
      withSbom(undefined),
      work,
    );
    expect(artifact.state(ARTIFACT_SBOM_STATE_KEY)).toBeUndefined();
  });
});
