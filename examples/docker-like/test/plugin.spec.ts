import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PLUGIN_API_VERSION, PluginSet, isPluginSet } from '@imprint/sdk';
import * as example from '@imprint/example-docker-like';
import plugin, {
  DOCKER_LIKE_ERROR_CODES,
  DockerLikeError,
  PLUGIN_NAME,
  PLUGIN_VERSION,
} from '@imprint/example-docker-like';

const root = join(__dirname, '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
};
const readme = readFileSync(join(root, 'README.md'), 'utf8');

describe('the plugin package', () => {
  it('default-exports its PluginSet, also exported as `plugin`', () => {
    expect(plugin).toBeInstanceOf(PluginSet);
    expect(isPluginSet(plugin)).toBe(true);
    expect(example.plugin).toBe(plugin);
    expect(plugin.apiVersion).toBe(PLUGIN_API_VERSION);
  });

  it('is named and versioned as package.json says', () => {
    expect(plugin.info).toEqual({ name: pkg.name, version: pkg.version });
    expect(PLUGIN_NAME).toBe('@imprint/example-docker-like');
    expect(PLUGIN_VERSION).toBe('0.1.0');
  });

  it('offers the docker-like builder, its two post-processors and its data source', () => {
    expect(plugin.builderNames()).toEqual(['docker-like']);
    expect(plugin.postProcessorNames()).toEqual(['docker-like-tag', 'docker-like-push']);
    expect(plugin.dataSourceNames()).toEqual(['docker-like-layout']);
  });

  it("documents describe()'s output in the README, exactly", () => {
    const block = /<!-- describe:start -->\s*```json\n([\s\S]*?)```\s*<!-- describe:end -->/.exec(
      readme,
    );
    expect(block).not.toBeNull();
    expect(JSON.parse((block as RegExpExecArray)[1])).toEqual(
      JSON.parse(JSON.stringify(plugin.describe())),
    );
  });
});

describe('errors', () => {
  const samples: DockerLikeError[] = [
    new example.BaseNotFoundError('/b', 'gone'),
    new example.LayoutInvalidError('/b/index.json', 'bad'),
    new example.BlobMissingError('/b/blobs/sha256/x', 'sha256:x', 'layer 0'),
    new example.DigestMismatchError(
      '/f',
      { digest: 'sha256:a', size: 1 },
      { digest: 'sha256:b', size: 2 },
      'layer 0',
    ),
    new example.RefNotFoundError('/b/index.json', 'v1', ['latest']),
    new example.UnsupportedImageError('/f', 'odd', 'Fix it.'),
    new example.PlatformMismatchError('architecture', 'arm64', 'amd64', '/b'),
    new example.SourceNotFoundError('files[0].source', '/x', 'no such file or directory'),
    new example.SourceUnsupportedError('files[0].source', '/x', 'socket'),
    new example.PathConflictError('/a', 'file from files[0]', 'directory from files[1]'),
    new example.OutputNotWritableError('/o', 'permission denied'),
    new example.OutputConflictError('/o', 'taken'),
    new example.InputArtifactError('docker-like-tag', 'x', 'not an image'),
    new example.PushTargetError('/r', 'bad', 'Fix it.'),
    new example.ImageNotFoundError("docker-like-layout data 'b'", 'sha256:a', '/i', 4, 0),
    new example.AmbiguousImageError("docker-like-layout data 'b'", 'sha256:a', '/i', [
      '/i/x',
      '/i/y',
    ]),
    new example.UnnamedImageError("docker-like-layout data 'b'", 'sha256:a', '/i/x', 'sha256:m', 2),
  ];

  it('every exported error class has a sample here, with a distinct code', () => {
    const exported = Object.entries(example)
      .filter(
        ([name, value]) =>
          typeof value === 'function' && name.endsWith('Error') && name !== 'DockerLikeError',
      )
      .map(([name]) => name)
      .sort();
    expect(samples.map((e) => e.name).sort()).toEqual(exported);
    expect(new Set(samples.map((e) => e.code))).toEqual(
      new Set(Object.values(DOCKER_LIKE_ERROR_CODES)),
    );
    for (const error of samples) {
      expect(error).toBeInstanceOf(DockerLikeError);
      expect(error).toBeInstanceOf(Error);
    }
  });

  it('every error code is listed in the README', () => {
    const missing = Object.values(DOCKER_LIKE_ERROR_CODES).filter(
      (code) => !readme.includes(`\`${code}\``),
    );
    expect(missing).toEqual([]);
  });
});
