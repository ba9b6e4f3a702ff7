import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TemplateConfigError } from '@imprint/core';
import {
  RegistryNotConfiguredError,
  RunOptionsError,
  TemplateInvalidError,
  UnknownPluginError,
  loadTemplate,
  registryDataBlocks,
  runBuild,
  validateTemplate,
} from '@imprint/core';
import { lineContaining, tempDirs, writeTemplate } from './helpers/fixtures';
import { FROM_PLUGINS, useFromPlugin } from './helpers/from-plugin';

/*
 * Data blocks in templates, without a registry: parsing (JSON and HCL2),
 * dependency order, cycles and every reference problem `validate` reports
 * without executing anything; a plugin's data source executed by a run.
 */
const dirs = tempDirs();
afterAll(() => dirs.cleanup());
const plugin = useFromPlugin(dirs);

const ARTIFACT = {
  bucket_name: 'base',
  channel_name: 'production',
  platform: 'plainland',
  region: 'r1',
};

function childTemplate(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    required_plugins: FROM_PLUGINS,
    data: { 'imprint-artifact.base': ARTIFACT },
    sources: {
      'from.app': {
        id: 'app-1',
        source_image: '${data.imprint-artifact.base.external_identifier}',
      },
    },
    build: { sources: ['from.app'] },
    ...extra,
  };
}

async function configProblems(file: string): Promise<string[]> {
  const error = (await validateTemplate(await loadTemplate(file), {
    pluginDir: plugin.dir,
  }).catch((e: unknown) => e)) as TemplateConfigError;
  expect(error.code).toBe('IMPRINT_ERR_TEMPLATE_CONFIG');
  return error.problems.map((p) => p.message);
}

describe('data blocks in JSON templates', () => {
  it('are loaded in dependency order, with every reference and its line', async () => {
    const work = await dirs.make();
    const doc = {
      required_plugins: FROM_PLUGINS,
      data: {
        // Declared before the block it reads from: the order follows the references.
        'imprint-artifact.base': {
          ...ARTIFACT,
          bucket_name: '${data.imprint-version.bucket.bucket_name}',
          version_fingerprint: '${data.imprint-version.bucket.fingerprint}',
          channel_name: undefined,
        },
        'imprint-version.bucket': { bucket_name: 'base', channel_name: 'production' },
      },
      sources: {
        'from.app': {
          id: 'app',
          source_image: '${data.imprint-artifact.base.external_identifier}',
        },
      },
      build: { sources: ['from.app'] },
      registry: {
        bucket_name: 'app',
        build_labels: { base: '${data.imprint-artifact.base.version_id}' },
      },
    };
    const file = await writeTemplate(work, 'order.pkr.json', doc);
    const text = JSON.stringify(doc, null, 2);
    const template = await loadTemplate(file);
    expect([...template.data.keys()]).toEqual(['imprint-version.bucket', 'imprint-artifact.base']);
    expect(template.data.get('imprint-artifact.base')).toMatchObject({
      type: 'imprint-artifact',
      name: 'base',
      line: lineContaining(text, '"imprint-artifact.base"'),
    });
    expect(template.dataReferences.map((r) => [r.block, r.output, r.field, r.line])).toEqual([
      [
        'imprint-version.bucket',
        'bucket_name',
        'data.imprint-artifact.base.bucket_name',
        lineContaining(text, '"bucket_name": "${data'),
      ],
      [
        'imprint-version.bucket',
        'fingerprint',
        'data.imprint-artifact.base.version_fingerprint',
        lineContaining(text, '"version_fingerprint"'),
      ],
      [
        'imprint-artifact.base',
        'external_identifier',
        'sources.from.app.source_image',
        lineContaining(text, '"source_image"'),
      ],
      [
        'imprint-artifact.base',
        'version_id',
        'registry.build_labels.base',
        lineContaining(text, '"base": "${data'),
      ],
    ]);
    expect(registryDataBlocks(template)).toEqual([
      'imprint-version.bucket',
      'imprint-artifact.base',
    ]);
    // validate checks it all without a registry: nothing is executed.
    const prepared = await validateTemplate(template, { pluginDir: plugin.dir });
    expect(prepared.data.map((d) => d.definition.key)).toEqual([
      'imprint-version.bucket',
      'imprint-artifact.base',
    ]);
  });

  it('refuse a cycle, naming the blocks', async () => {
    const work = await dirs.make();
    const file = await writeTemplate(
      work,
      'cycle.pkr.json',
      childTemplate({
        data: {
          'imprint-version.a': { bucket_name: '${data.imprint-version.b.name}', channel_name: 'x' },
          'imprint-version.b': { bucket_name: '${data.imprint-version.a.name}', channel_name: 'x' },
          'imprint-artifact.base': ARTIFACT,
        },
      }),
    );
    const error = await loadTemplate(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TemplateInvalidError);
    expect((error as Error).message).toContain(
      'data blocks reference each other in a cycle: data.imprint-version.a → data.imprint-version.b → data.imprint-version.a',
    );
    const text = JSON.stringify(JSON.parse(await readFile(file, 'utf8')), null, 2);
    expect((error as TemplateInvalidError).line).toBe(lineContaining(text, '"imprint-version.a"'));
  });

  it('refuse a reference to an undeclared block and an unknown data source type', async () => {
    const work = await dirs.make();
    const file = await writeTemplate(
      work,
      'unknown.pkr.json',
      childTemplate({
        data: { 'imprint-artifact.base': ARTIFACT, 'nope-lookup.x': {} },
        sources: { 'from.app': { id: '${data.imprint-artifact.other.external_identifier}' } },
      }),
    );
    const error = (await loadTemplate(file).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(UnknownPluginError);
    expect(error.message).toMatch(
      /unknown\.pkr\.json:\d+ \(data\.nope-lookup\.x\): data source type 'nope-lookup' is not built in \(imprint-version, hcp-packer-version, imprint-artifact, hcp-packer-artifact\) and has no entry in required_plugins/,
    );
    expect(error.message).toMatch(
      /unknown\.pkr\.json:\d+ \(sources\.from\.app\.id\): 'data\.imprint-artifact\.other\.external_identifier' references the data block 'imprint-artifact\.other', which is not declared \(declared: data\.imprint-artifact\.base, data\.nope-lookup\.x\)/,
    );
  });

  it('validate reports unknown outputs, maps inside strings and bad arguments with file and line', async () => {
    const work = await dirs.make();
    const doc = childTemplate({
      data: {
        'imprint-artifact.base': { ...ARTIFACT, version_fingerprint: 'fp', colour: 'red' },
        'hcp-packer-version.v': { bucket_name: 'base' },
      },
      sources: {
        'from.app': {
          id: 'app-${data.imprint-artifact.base.labels}',
          source_image: '${data.imprint-artifact.base.ami_id}',
        },
      },
    });
    const file = await writeTemplate(work, 'outputs.pkr.json', doc);
    const text = JSON.stringify(doc, null, 2);
    const problems = await configProblems(file);
    expect(problems).toEqual(
      expect.arrayContaining([
        `${file}:${lineContaining(text, '"source_image"')} (sources.from.app.source_image): 'data.imprint-artifact.base.ami_id': imprint-artifact has no output 'ami_id' (outputs: external_identifier, region, platform, component_type, version_id, version_fingerprint, channel_id, build_id, labels, created_at)`,
        `${file}:${lineContaining(text, '"id": "app-')} (sources.from.app.id): 'data.imprint-artifact.base.labels' is a map and cannot be part of a string; use it as the whole value ("\${data.imprint-artifact.base.labels}")`,
        `unknown field 'colour' in imprint-artifact data 'base' (${file}): known arguments: bucket_name, channel_name, version_fingerprint, platform, region, component_type`,
        `missing required field 'channel_name' in hcp-packer-version data 'v' (${file}) (Channel whose version to read.)`,
      ]),
    );
    expect(problems).toHaveLength(4);
  });

  it('validate checks that channel_name and version_fingerprint are not both set', async () => {
    const work = await dirs.make();
    const file = await writeTemplate(
      work,
      'both.pkr.json',
      childTemplate({
        data: { 'imprint-artifact.base': { ...ARTIFACT, version_fingerprint: 'fp' } },
      }),
    );
    expect(await configProblems(file)).toEqual([
      `invalid field 'channel_name' in imprint-artifact data 'base' (${file}): set exactly one of channel_name and version_fingerprint`,
    ]);
  });

  it('registry data blocks are refused when the registry is off, and need one configured', async () => {
    const work = await dirs.make();
    const file = await writeTemplate(work, 'off.pkr.json', childTemplate());
    const off = await runBuild({
      template: file,
      env: {},
      pluginDir: plugin.dir,
      registry: 'off',
    }).catch((e: unknown) => e);
    expect(off).toBeInstanceOf(RunOptionsError);
    expect((off as Error).message).toBe(
      `runBuild option registry: the registry is off, but ${file} reads it through data.imprint-artifact.base; give a registry (a client, client options or IMPRINT_REGISTRY_URL) or remove those data blocks`,
    );
    const offByEnv = await runBuild({
      template: file,
      env: { IMPRINT_REGISTRY: 'off' },
      pluginDir: plugin.dir,
    }).catch((e: unknown) => e);
    expect(offByEnv).toBeInstanceOf(RunOptionsError);
    const none = await runBuild({ template: file, env: {}, pluginDir: plugin.dir }).catch(
      (e: unknown) => e,
    );
    expect(none).toBeInstanceOf(RegistryNotConfiguredError);
    expect((none as Error).message).toContain(
      `${file} reads the registry (data.imprint-artifact.base)`,
    );
  });
});

describe('the registry block with data outputs', () => {
  it("is checked by the registry's rules once the outputs are in, before anything is built", async () => {
    const work = await dirs.make();
    const file = await writeTemplate(work, 'bucket.pkr.json', {
      required_plugins: FROM_PLUGINS,
      data: { 'from-lookup.name': { prefix: 'Bad_Name' } },
      sources: { 'from.app': { id: 'app-1', source_image: 'img-0' } },
      build: { sources: ['from.app'] },
      registry: { bucket_name: '${data.from-lookup.name.image}' },
    });
    // validate cannot know the output yet, so it lets the reference through…
    await expect(
      validateTemplate(await loadTemplate(file), { pluginDir: plugin.dir }),
    ).resolves.toMatchObject({ deferred: [] });
    // …and the run refuses the value the data block gave, naming the field.
    const error = await runBuild({
      template: file,
      env: {},
      pluginDir: plugin.dir,
      registry: 'off',
      runDir: join(work, 'run'),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TemplateInvalidError);
    expect((error as Error).message).toMatch(
      /bucket\.pkr\.json \(registry\.bucket_name\): 'Bad_Name-found' is not a valid bucket name for the registry/,
    );
  });
});

describe('data blocks in HCL2 templates', () => {
  const hcl = `packer {
  required_plugins {
    from        = { source = "imprint-plugin-from" }
    from-lookup = { source = "imprint-plugin-from" }
  }
}

data "from-lookup" "second" {
  prefix = "\${data.from-lookup.first.image}"
}

data "from-lookup" "first" {
  prefix = "base"
}

source "from" "app" {
  id           = data.from-lookup.second.image
  source_image = "img-\${data.from-lookup.first.image}"
}

build {
  sources = ["source.from.app"]
}
`;

  it('map data blocks and references, in dependency order, and a run executes each block once', async () => {
    const work = await dirs.make();
    const file = join(work, 'app.pkr.hcl');
    await writeFile(file, hcl);
    const template = await loadTemplate(file);
    expect([...template.data.keys()]).toEqual(['from-lookup.first', 'from-lookup.second']);
    expect(template.data.get('from-lookup.second')?.line).toBe(
      lineContaining(hcl, 'data "from-lookup" "second"'),
    );
    expect(template.dataReferences.map((r) => [r.field, r.line])).toEqual([
      ['data.from-lookup.second.prefix', lineContaining(hcl, 'prefix = "${data')],
      ['sources.from.app.id', lineContaining(hcl, 'source "from" "app"')],
      ['sources.from.app.source_image', lineContaining(hcl, 'source "from" "app"')],
    ]);

    const before = (globalThis as { __fromLookups?: number }).__fromLookups ?? 0;
    const result = await runBuild({
      template: file,
      env: {},
      pluginDir: plugin.dir,
      registry: 'off',
      runDir: join(work, 'run'),
    });
    expect(result.status).toBe('done');
    expect((globalThis as { __fromLookups?: number }).__fromLookups).toBe(before + 2);
    // `second` read `first`'s output; the source got both.
    expect(result.builds[0].images.map((i) => [i.imageId, i.sourceImageId])).toEqual([
      ['base-found-found', 'img-base-found'],
    ]);
  });

  it('report an unknown plugin output and a list inside a string at the line of the block', async () => {
    const work = await dirs.make();
    const file = join(work, 'bad.pkr.hcl');
    const text = hcl
      .replace('data.from-lookup.second.image', 'data.from-lookup.second.images')
      .replace('img-${data.from-lookup.first.image}', 'img-${data.from-lookup.first.tags}');
    await writeFile(file, text);
    const line = lineContaining(text, 'source "from" "app"');
    expect(await configProblems(file)).toEqual([
      `${file}:${line} (sources.from.app.id): 'data.from-lookup.second.images': from-lookup has no output 'images' (outputs: image, tags)`,
      `${file}:${line} (sources.from.app.source_image): 'data.from-lookup.first.tags' is a list and cannot be part of a string; use it as the whole value ("\${data.from-lookup.first.tags}")`,
    ]);
  });
});
