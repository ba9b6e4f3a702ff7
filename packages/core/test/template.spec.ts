import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  CORE_ERROR_CODES,
  TemplateConfigError,
  TemplateError,
  TemplateInvalidError,
  TemplateSyntaxError,
  TemplateVariableError,
  UnknownPluginError,
  UnknownSourceError,
  UnknownVariableError,
  loadTemplate,
  validateTemplate,
} from '@imprint/core';
import { REPO_ROOT, lineContaining, tempDirs, writeTemplate } from './helpers/fixtures';

const dirs = tempDirs();
afterAll(() => dirs.cleanup());

const PLUGINS = { 'docker-like': '@imprint/example-docker-like' };

function template(overrides: Record<string, unknown> = {}) {
  return {
    required_plugins: PLUGINS,
    variables: { tag: { default: 'latest', type: 'string' } },
    sources: {
      'docker-like.base': { base: 'scratch', tag: '${var.tag}' },
    },
    build: { name: 'b', sources: ['docker-like.base'] },
    ...overrides,
  };
}

async function failure(promise: Promise<unknown>): Promise<any> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('loading a JSON template', () => {
  it('resolves sources, builds, chains and the registry block', async () => {
    const dir = await dirs.make();
    const file = await writeTemplate(dir, 'ok.pkr.json', {
      ...template(),
      build: [
        {
          name: 'b',
          sources: ['docker-like.base'],
          post_processors: [[{ type: 'docker-like-tag', tags: ['${var.tag}', 'x'] }]],
        },
      ],
      required_plugins: { ...PLUGINS, 'docker-like-tag': '@imprint/example-docker-like' },
      registry: { bucket_name: 'b-${var.tag}', channels: ['dev'] },
    });
    const loaded = await loadTemplate(file, { vars: { tag: 'v2' }, env: {} });
    expect(loaded.dir).toBe(dir);
    expect(loaded.sources.get('docker-like.base')).toMatchObject({
      type: 'docker-like',
      name: 'base',
      config: { base: 'scratch', tag: 'v2' },
      line: lineContaining(await readFile(file, 'utf8'), '"docker-like.base": {'),
    });
    expect(loaded.builds[0].postProcessors[0][0]).toMatchObject({
      type: 'docker-like-tag',
      config: { tags: ['v2', 'x'] },
    });
    expect(loaded.registry).toEqual({
      bucketName: 'b-v2',
      bucketLabels: {},
      buildLabels: {},
      channels: ['dev'],
    });
  });

  it('reports invalid JSON with the line', async () => {
    const dir = await dirs.make();
    const file = join(dir, 'bad.pkr.json');
    await writeFile(file, '{\n  "sources": {\n    "a.b": {,\n  }\n}\n');
    const error = await failure(loadTemplate(file));
    expect(error).toBeInstanceOf(TemplateSyntaxError);
    expect(error.code).toBe('IMPRINT_ERR_TEMPLATE_SYNTAX');
    expect(error.line).toBe(3);
    expect(error.message).toContain(`${file}:3:`);
  });

  it('names file, line and field of a schema violation', async () => {
    const dir = await dirs.make();
    const file = await writeTemplate(dir, 'invalid.pkr.json', {
      ...template(),
      build: { sources: ['docker-like.base'], post_procesors: [] },
    });
    const error = await failure(loadTemplate(file, { env: {} }));
    expect(error).toBeInstanceOf(TemplateInvalidError);
    expect(error).toBeInstanceOf(TemplateError);
    expect(error.code).toBe(CORE_ERROR_CODES.TEMPLATE_INVALID);
    const line = lineContaining(await readFile(file, 'utf8'), '"post_procesors"');
    expect(error.line).toBe(line);
    expect(error.field).toBe('build.post_procesors');
    expect(error.message).toBe(
      `${file}:${line} (build.post_procesors): unknown field 'post_procesors'`,
    );
  });

  it('rejects a bad source key and a wrong registry field type', async () => {
    const dir = await dirs.make();
    const file = await writeTemplate(dir, 'keys.pkr.json', {
      ...template(),
      sources: { base: {} },
    });
    const error = await failure(loadTemplate(file, { env: {} }));
    expect(error.code).toBe('IMPRINT_ERR_TEMPLATE_INVALID');
    expect(error.field).toBe('sources.base');
    expect(error.message).toContain('source keys are "<type>.<name>"');

    const file2 = await writeTemplate(dir, 'reg.pkr.json', {
      ...template(),
      registry: { bucket_name: 'xyz', channels: 'prod' },
    });
    const error2 = await failure(loadTemplate(file2, { env: {} }));
    expect(error2.field).toBe('registry.channels');
    expect(error2.line).toBe(lineContaining(await readFile(file2, 'utf8'), '"channels"'));
  });

  it('names an unknown variable with its line and field', async () => {
    const dir = await dirs.make();
    const file = await writeTemplate(dir, 'var.pkr.json', {
      ...template(),
      sources: { 'docker-like.base': { base: 'scratch', tag: 'v-${var.nope}' } },
    });
    const error = await failure(loadTemplate(file, { env: {} }));
    expect(error).toBeInstanceOf(UnknownVariableError);
    expect(error.code).toBe('IMPRINT_ERR_TEMPLATE_UNKNOWN_VARIABLE');
    expect(error.field).toBe('sources.docker-like.base.tag');
    expect(error.line).toBe(lineContaining(await readFile(file, 'utf8'), '"tag": "v-${var.nope}"'));
    expect(error.message).toContain("unknown variable 'var.nope' (declared: tag)");
  });

  it('applies default < IMPRINT_VAR_ env < var files < vars, converting typed values', async () => {
    const dir = await dirs.make();
    const file = await writeTemplate(dir, 'prec.pkr.json', {
      ...template(),
      variables: {
        a: { default: 'default' },
        b: { default: 'default' },
        c: { default: 'default' },
        d: { default: 'default' },
        n: { default: 1, type: 'number' },
        l: { type: 'list' },
      },
      sources: { 'docker-like.base': { base: 'scratch', files: '${var.l}', x: '${var.n}' } },
    });
    const varFile = join(dir, 'vars.json');
    await writeFile(varFile, JSON.stringify({ c: 'file', d: 'file' }));
    const loaded = await loadTemplate(file, {
      env: {
        IMPRINT_VAR_b: 'env',
        IMPRINT_VAR_c: 'env',
        IMPRINT_VAR_n: '42',
        IMPRINT_VAR_l: '[1]',
      },
      varFiles: [varFile],
      vars: { d: 'vars' },
    });
    expect(loaded.variables).toEqual({
      a: 'default',
      b: 'env',
      c: 'file',
      d: 'vars',
      n: 42,
      l: [1],
    });
    // A whole-string reference keeps the value's type.
    expect(loaded.sources.get('docker-like.base')?.config).toEqual({
      base: 'scratch',
      files: [1],
      x: 42,
    });
  });

  it('refuses undeclared overrides, missing values and wrong types', async () => {
    const dir = await dirs.make();
    const file = await writeTemplate(dir, 'v.pkr.json', {
      ...template(),
      variables: { n: { type: 'number' } },
    });
    const missing = await failure(loadTemplate(file, { env: {} }));
    expect(missing).toBeInstanceOf(TemplateVariableError);
    expect(missing.message).toContain("variable 'n' has no default and no value");
    expect(missing.line).toBe(lineContaining(await readFile(file, 'utf8'), '"n": {'));

    const undeclared = await failure(loadTemplate(file, { env: {}, vars: { n: 1, other: 2 } }));
    expect(undeclared.message).toContain(
      "sets variable 'other', which the template does not declare",
    );

    const wrong = await failure(loadTemplate(file, { env: { IMPRINT_VAR_n: 'abc' } }));
    expect(wrong.code).toBe('IMPRINT_ERR_TEMPLATE_VARIABLE');
    expect(wrong.message).toContain("'abc' is not a number");
  });

  it('names an unknown source referenced by a build', async () => {
    const dir = await dirs.make();
    const file = await writeTemplate(dir, 'src.pkr.json', {
      ...template(),
      build: [
        { sources: ['docker-like.base'] },
        { sources: ['docker-like.base', 'docker-like.app'] },
      ],
    });
    const error = await failure(loadTemplate(file, { env: {} }));
    expect(error).toBeInstanceOf(UnknownSourceError);
    expect(error.field).toBe('build.1.sources.1');
    expect(error.line).toBe(lineContaining(await readFile(file, 'utf8'), '"docker-like.app"'));
    expect(error.message).toContain(
      'build references source \'docker-like.app\', which is not defined in "sources" (defined: docker-like.base)',
    );
  });

  it('requires required_plugins for every component type', async () => {
    const dir = await dirs.make();
    const file = await writeTemplate(dir, 'plug.pkr.json', {
      ...template(),
      build: { sources: ['docker-like.base'], post_processors: [[{ type: 'docker-like-tag' }]] },
    });
    const error = await failure(loadTemplate(file, { env: {} }));
    expect(error).toBeInstanceOf(UnknownPluginError);
    expect(error.field).toBe('build.post_processors.0.0.type');
    expect(error.message).toContain(
      "post-processor type 'docker-like-tag' has no entry in required_plugins",
    );
  });
});

describe('validating a template (preparing every component)', () => {
  it('prepares the real example plugin', async () => {
    const dir = await dirs.make();
    const file = await writeTemplate(dir, 'ok.pkr.json', template());
    const prepared = await validateTemplate(await loadTemplate(file, { env: {} }), {
      pluginDir: REPO_ROOT,
    });
    expect(prepared.builds.map((b) => b.name)).toEqual(['docker-like.base']);
    expect(prepared.plugins).toEqual([{ name: '@imprint/example-docker-like', version: '0.1.0' }]);
  });

  it('reports every configuration problem of the template at once', async () => {
    const dir = await dirs.make();
    const file = await writeTemplate(dir, 'cfg.pkr.json', {
      ...template(),
      required_plugins: { ...PLUGINS, 'docker-like-tag': '@imprint/example-docker-like' },
      sources: { 'docker-like.a': { tag: 'x' }, 'docker-like.b': { base: 'scratch', colour: 1 } },
      build: {
        sources: ['docker-like.a', 'docker-like.b'],
        post_processors: [[{ type: 'docker-like-tag', tags: 'not-a-list' }]],
      },
    });
    const error = await failure(
      validateTemplate(await loadTemplate(file, { env: {} }), { pluginDir: REPO_ROOT }),
    );
    expect(error).toBeInstanceOf(TemplateConfigError);
    expect(error.code).toBe('IMPRINT_ERR_TEMPLATE_CONFIG');
    expect(error.problems).toHaveLength(3);
    expect(error.message).toContain("docker-like source 'a'");
    expect(error.message).toContain("docker-like source 'b'");
    expect(error.message).toContain('docker-like-tag post-processor');
  });

  it('says which npm install to run for a plugin that is not installed', async () => {
    const dir = await dirs.make();
    const file = await writeTemplate(dir, 'missing.pkr.json', {
      ...template(),
      required_plugins: { 'docker-like': '@imprint/not-installed-plugin' },
    });
    const error = await failure(
      validateTemplate(await loadTemplate(file, { env: {} }), { pluginDir: dir }),
    );
    expect(error).toBeInstanceOf(TemplateConfigError);
    expect(error.problems[0].code).toBe('IMPRINT_ERR_PLUGIN_NOT_FOUND');
    expect(error.message).toContain('npm install');
    expect(error.message).toContain('@imprint/not-installed-plugin');
  });
});

describe('error codes', () => {
  it('lists every code in the README', async () => {
    const readme = await readFile(join(__dirname, '..', 'README.md'), 'utf8');
    for (const code of Object.values(CORE_ERROR_CODES)) expect(readme).toContain(`\`${code}\``);
  });
});
