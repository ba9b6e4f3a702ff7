import type { PluginDescription } from '@imprint/sdk';
import awsLike from '@imprint/example-aws-like';
import dockerLike from '@imprint/example-docker-like';
import {
  PACKER_DEFAULT_NAME,
  createManifest,
  ctyOf,
  derivePackerName,
  renamingNotices,
} from '@imprint/packer-bridge';

const paths = { from: '/src/app', node: '/usr/bin/node', host: '/opt/bridge/dist/host/main.js' };

function description(overrides: Partial<PluginDescription> = {}): PluginDescription {
  return {
    name: '@acme/imprint-plugin-tar',
    version: '1.0.0',
    sdkVersion: '0.1.0',
    apiVersion: 1,
    builders: [],
    postProcessors: [],
    dataSources: [],
    ...overrides,
  };
}

const component = (name: string) => ({
  name,
  fields: [{ name: 'path', type: 'string', required: true, doc: 'A path.' }],
});

describe('createManifest', () => {
  it('maps docker-like: Packer names, field types, blocks and data source outputs', () => {
    const manifest = createManifest(dockerLike.describe(), {
      packageName: '@imprint/example-docker-like',
      ...paths,
    });
    expect(manifest).toEqual({
      manifestVersion: 1,
      packerName: 'docker-like',
      plugin: {
        package: '@imprint/example-docker-like',
        from: '/src/app',
        version: '0.1.0',
        sdkVersion: '0.1.0',
        apiVersion: 1,
      },
      node: '/usr/bin/node',
      host: '/opt/bridge/dist/host/main.js',
      components: [
        {
          kind: 'builder',
          imprintName: 'docker-like',
          packerName: PACKER_DEFAULT_NAME,
          fields: [
            { name: 'base', cty: 'string' },
            { name: 'base_ref', cty: 'string' },
            { name: 'output_dir', cty: 'string' },
            {
              name: 'files',
              block: 'list',
              fields: [
                { name: 'source', cty: 'string' },
                { name: 'content', cty: 'string' },
                { name: 'destination', cty: 'string' },
                { name: 'mode', cty: 'string' },
              ],
            },
            { name: 'env', cty: ['map', 'string'] },
            { name: 'cmd', cty: ['list', 'string'] },
            { name: 'entrypoint', cty: ['list', 'string'] },
            { name: 'workdir', cty: 'string' },
            { name: 'labels', cty: ['map', 'string'] },
            { name: 'tag', cty: 'string' },
            { name: 'architecture', cty: 'string' },
            { name: 'os', cty: 'string' },
            { name: 'created', cty: 'string' },
            { name: 'source_date_epoch', cty: 'number' },
          ],
        },
        {
          kind: 'post-processor',
          imprintName: 'docker-like-tag',
          packerName: 'tag',
          fields: [{ name: 'tags', cty: ['list', 'string'] }],
        },
        {
          kind: 'post-processor',
          imprintName: 'docker-like-push',
          packerName: 'push',
          fields: [
            { name: 'registry_dir', cty: 'string' },
            { name: 'repository', cty: 'string' },
            { name: 'tag', cty: 'string' },
          ],
        },
        {
          kind: 'data-source',
          imprintName: 'docker-like-layout',
          packerName: 'layout',
          fields: [
            { name: 'image_id', cty: 'string' },
            { name: 'search_dir', cty: 'string' },
          ],
          outputs: [
            { name: 'dir', cty: 'string' },
            { name: 'ref', cty: 'string' },
            { name: 'manifest_digest', cty: 'string' },
          ],
        },
      ],
    });
    // Docs stay out: the manifest goes through -ldflags.
    expect(JSON.stringify(manifest)).not.toContain('"doc"');
    expect(renamingNotices(manifest)).toEqual([]);
  });

  it('maps aws-like: a single block, string unions, booleans, map outputs as dynamic', () => {
    const manifest = createManifest(awsLike.describe(), {
      packageName: '@imprint/example-aws-like',
      ...paths,
    });
    expect(manifest.packerName).toBe('aws-like');
    expect(manifest.components).toEqual([
      {
        kind: 'builder',
        imprintName: 'aws-like',
        packerName: PACKER_DEFAULT_NAME,
        fields: [
          { name: 'region', cty: 'string' },
          { name: 'source_ami', cty: 'string' },
          {
            name: 'source_ami_filter',
            block: 'single',
            fields: [
              { name: 'name', cty: 'string' },
              { name: 'owners', cty: ['list', 'string'] },
              { name: 'most_recent', cty: 'bool' },
            ],
          },
          { name: 'instance_type', cty: 'string' },
          { name: 'ami_name', cty: 'string' },
          { name: 'ami_description', cty: 'string' },
          { name: 'ami_regions', cty: ['list', 'string'] },
          { name: 'tags', cty: ['map', 'string'] },
          {
            name: 'provision',
            block: 'list',
            fields: [
              { name: 'type', cty: 'string' },
              { name: 'inline', cty: ['list', 'string'] },
              { name: 'destination', cty: 'string' },
              { name: 'content', cty: 'string' },
            ],
          },
          { name: 'force_deregister', cty: 'bool' },
          { name: 'cloud_dir', cty: 'string' },
        ],
      },
      {
        kind: 'data-source',
        imprintName: 'aws-like-ami',
        packerName: 'ami',
        fields: [
          { name: 'name', cty: 'string' },
          { name: 'owners', cty: ['list', 'string'] },
          { name: 'most_recent', cty: 'bool' },
          { name: 'region', cty: 'string' },
          { name: 'tags', cty: ['map', 'string'] },
          { name: 'cloud_dir', cty: 'string' },
        ],
        outputs: [
          { name: 'id', cty: 'string' },
          { name: 'name', cty: 'string' },
          { name: 'region', cty: 'string' },
          { name: 'owner_id', cty: 'string' },
          { name: 'creation_date', cty: 'string' },
          { name: 'tags', cty: 'dynamic' },
        ],
      },
    ]);
  });

  it('maps every describe() type string to a go-cty type', () => {
    expect(
      Object.fromEntries(
        [
          'string',
          'integer',
          'number',
          'boolean',
          '"shell" | "file"',
          '1 | 2 | 3',
          'true | false',
          '"a" | 1',
          'integer[]',
          'any[]',
          'boolean[]',
          'map(string)',
          'map(integer[])',
          'object',
          'any',
          'duration',
        ].map((t) => [t, ctyOf(t)]),
      ),
    ).toEqual({
      string: 'string',
      integer: 'number',
      number: 'number',
      boolean: 'bool',
      '"shell" | "file"': 'string',
      '1 | 2 | 3': 'number',
      'true | false': 'bool',
      '"a" | 1': 'dynamic',
      'integer[]': ['list', 'number'],
      'any[]': ['list', 'dynamic'],
      'boolean[]': ['list', 'bool'],
      'map(string)': ['map', 'string'],
      'map(integer[])': ['map', ['list', 'number']],
      object: 'dynamic',
      any: 'dynamic',
      duration: 'dynamic',
    });
  });
});

describe('the Packer plugin name', () => {
  it('is the first builder when every component is it or starts with it', () => {
    expect(derivePackerName(dockerLike.describe(), '@imprint/example-docker-like')).toBe(
      'docker-like',
    );
    expect(derivePackerName(awsLike.describe(), '@imprint/example-aws-like')).toBe('aws-like');
  });

  it('is otherwise the package name without its prefixes, and other names get a notice', () => {
    const d = description({
      builders: [component('tar')],
      postProcessors: [component('compress'), component('tar-sign')],
    });
    for (const [pkg, name] of [
      ['@acme/imprint-plugin-archive', 'archive'],
      ['packer-plugin-archive', 'archive'],
      ['@imprint/example-archive', 'archive'],
    ]) {
      expect(derivePackerName(d, pkg)).toBe(name);
    }
    const manifest = createManifest(d, { packageName: '@acme/imprint-plugin-archive', ...paths });
    expect(manifest.components.map((c) => c.packerName)).toEqual(['tar', 'compress', 'tar-sign']);
    expect(renamingNotices(manifest)).toEqual([
      "builder 'tar': under Packer this is archive-tar",
      "post-processor 'compress': under Packer this is archive-compress",
      "post-processor 'tar-sign': under Packer this is archive-tar-sign",
    ]);
  });

  it('can be given; then components named after it keep their names', () => {
    const manifest = createManifest(dockerLike.describe(), {
      packageName: '@imprint/example-docker-like',
      name: 'oci',
      ...paths,
    });
    expect(manifest.packerName).toBe('oci');
    expect(renamingNotices(manifest)).toEqual([
      "builder 'docker-like': under Packer this is oci-docker-like",
      "post-processor 'docker-like-tag': under Packer this is oci-docker-like-tag",
      "post-processor 'docker-like-push': under Packer this is oci-docker-like-push",
      "data-source 'docker-like-layout': under Packer this is oci-docker-like-layout",
    ]);
  });

  it.each(['Docker', 'docker_like', 'docker--like', '-docker', 'docker-', '', 'docker like'])(
    'refuses %j with a code and the rule',
    (name) => {
      expect(() =>
        createManifest(dockerLike.describe(), { packageName: 'x', name, ...paths }),
      ).toThrow(
        expect.objectContaining({
          code: 'IMPRINT_ERR_BRIDGE_BAD_NAME',
          message: `'${name}' cannot be a Packer plugin name: use lower-case letters and digits, in words joined by single '-' (e.g. 'docker-like')`,
        }),
      );
    },
  );
});

describe('plugins Packer cannot take', () => {
  it('refuses a version that is not semver', () => {
    expect(() =>
      createManifest(description({ version: '1.0', builders: [component('tar')] }), {
        packageName: 'tar',
        ...paths,
      }),
    ).toThrow(expect.objectContaining({ code: 'IMPRINT_ERR_BRIDGE_BAD_VERSION' }));
  });

  it('lists every problem: clashing Packer names, dots, packer_ fields, relative paths', () => {
    const d = description({
      builders: [component('tar')],
      postProcessors: [component('sign'), component('tar-sign'), component('tar.gz')],
      dataSources: [
        {
          name: 'tar-latest',
          fields: [{ name: 'packer_build_name', type: 'string', required: false, doc: 'x' }],
          outputs: [],
        },
      ],
    });
    let error: Error & { code?: string } = new Error('not thrown');
    try {
      createManifest(d, { packageName: 'tar', ...paths, node: 'node' });
    } catch (e) {
      error = e as Error;
    }
    expect(error.code).toBe('IMPRINT_ERR_BRIDGE_UNMAPPABLE_PLUGIN');
    expect(error.message.split('\n')).toEqual([
      '@acme/imprint-plugin-tar cannot be packaged as a Packer plugin:',
      "  - node must be an absolute path, got 'node'",
      "  - post-processors 'sign' and 'tar-sign' would both be tar-sign under Packer; rename one, or package with another --name",
      "  - post-processor 'tar.gz': Packer cannot reference a name with '.'; rename it",
      "  - data-source 'tar-latest': field 'packer_build_name' starts with 'packer_', which Packer reserves; rename it",
    ]);
  });

  it('refuses a plugin without components', () => {
    expect(() => createManifest(description(), { packageName: 'tar', ...paths })).toThrow(
      /has no builder, post-processor or data source/,
    );
  });
});
