import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IsString } from 'class-validator';
import {
  Field,
  PLUGIN_API_VERSION,
  PluginApiVersionError,
  PluginLoadError,
  PluginNotFoundError,
  PluginSet,
  SDK_ERROR_CODES,
  loadPlugin,
} from '@imprint/sdk';
import { runDataSource } from '@imprint/sdk/testing';

// Fixture plugins are real packages on disk, loaded through Node's resolver.
// They stand in for a PluginSet structurally, so they do not need a built SDK.
let project: string;

function writePackage(name: string, main: string, pkg: Record<string, unknown> = {}): void {
  const dir = join(project, 'node_modules', name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name, version: '1.0.0', main: 'index.js', ...pkg }),
  );
  if (main !== '') writeFileSync(join(dir, 'index.js'), main);
}

const pluginSource = (apiVersion: number, exportStyle: 'module' | 'default' | 'named') => {
  const set = `{ apiVersion: ${apiVersion}, sdkVersion: '9.9.9', describe() { return { name: 'x' }; }, createBuilder() {}, createPostProcessor() {} }`;
  if (exportStyle === 'module') return `module.exports = ${set};`;
  if (exportStyle === 'default') return `exports.default = ${set};`;
  return `exports.plugin = ${set};`;
};

beforeAll(() => {
  project = mkdtempSync(join(tmpdir(), 'imprint-plugins-'));
  writePackage('plugin-cjs', pluginSource(PLUGIN_API_VERSION, 'module'));
  writePackage('plugin-default', pluginSource(PLUGIN_API_VERSION, 'default'));
  writePackage('plugin-named', pluginSource(PLUGIN_API_VERSION, 'named'));
  writePackage('plugin-future', pluginSource(PLUGIN_API_VERSION + 1, 'module'));
  writePackage('not-a-plugin', 'module.exports = { hello: "world" };');
  writePackage('throws-on-load', 'throw new Error("boom at load");');
  writePackage('unbuilt', '', { main: 'dist/index.js' });
  writePackage('data-only', 'module.exports = globalThis.__imprintDataOnlyPlugin;');
});

afterAll(() => rmSync(project, { recursive: true, force: true }));

describe('loadPlugin', () => {
  it.each(['plugin-cjs', 'plugin-default', 'plugin-named'])(
    'loads %s from the given directory',
    async (name) => {
      const plugin = await loadPlugin(name, project);
      expect(plugin.apiVersion).toBe(PLUGIN_API_VERSION);
      expect(plugin.describe()).toEqual({ name: 'x' });
    },
  );

  it('says which npm install to run when the package is missing', async () => {
    const attempt = loadPlugin('@acme/imprint-plugin-nope', project);
    await expect(attempt).rejects.toThrow(PluginNotFoundError);
    await expect(loadPlugin('@acme/imprint-plugin-nope', project)).rejects.toThrow(
      `Cannot find plugin package '@acme/imprint-plugin-nope' from ${project}. Install it there: cd ${project} && npm install @acme/imprint-plugin-nope`,
    );
  });

  it('refuses a package whose main export is not a PluginSet', async () => {
    await expect(loadPlugin('not-a-plugin', project)).rejects.toThrow(PluginLoadError);
    await expect(loadPlugin('not-a-plugin', project)).rejects.toThrow(
      /^Cannot load plugin 'not-a-plugin': its main export \(.*index\.js\) is object, not a PluginSet\./,
    );
  });

  it('reports a package that throws while loading', async () => {
    await expect(loadPlugin('throws-on-load', project)).rejects.toThrow(
      /Cannot load plugin 'throws-on-load': loading .*index\.js failed: boom at load/,
    );
  });

  it('reports an installed package whose entry point is missing', async () => {
    const error = await loadPlugin('unbuilt', project).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PluginLoadError);
    expect((error as PluginLoadError).code).toBe(SDK_ERROR_CODES.PLUGIN_LOAD);
    expect((error as Error).message).toContain(
      'is installed but its entry point cannot be resolved (is it built?)',
    );
  });

  it('refuses another plugin API version, naming both', async () => {
    await expect(loadPlugin('plugin-future', project)).rejects.toThrow(PluginApiVersionError);
    await expect(loadPlugin('plugin-future', project)).rejects.toThrow(
      `Plugin 'plugin-future' speaks plugin API version ${PLUGIN_API_VERSION + 1} (built with @imprint/sdk 9.9.9), but this runner speaks version ${PLUGIN_API_VERSION}`,
    );
  });
});

describe('loadPlugin with a plugin that has only data sources', () => {
  class EchoConfig {
    @Field({ doc: 'Value to echo.' }) @IsString() value!: string;
  }
  class Echo {
    static readonly configClass = EchoConfig;
    static readonly outputs = [
      { name: 'value', type: 'string', description: 'The value.' },
    ] as const;
    private config!: EchoConfig;
    prepare(config: EchoConfig) {
      this.config = config;
    }
    async execute() {
      return { value: this.config.value };
    }
  }

  // The fixture package exports a PluginSet built by this test (through a
  // global), so the real loader checks a real data-source-only set.
  beforeAll(() => {
    (globalThis as Record<string, unknown>).__imprintDataOnlyPlugin = new PluginSet({
      name: 'data-only',
      version: '1.0.0',
    }).registerDataSource('echo', Echo);
  });
  afterAll(() => {
    delete (globalThis as Record<string, unknown>).__imprintDataOnlyPlugin;
  });

  it('loads it, describes it and runs its data source', async () => {
    const plugin = await loadPlugin('data-only', project);
    expect(plugin.builderNames()).toEqual([]);
    expect(plugin.postProcessorNames()).toEqual([]);
    expect(plugin.describe().dataSources).toEqual([
      {
        name: 'echo',
        fields: [{ name: 'value', type: 'string', required: true, doc: 'Value to echo.' }],
        outputs: [{ name: 'value', type: 'string', description: 'The value.' }],
      },
    ]);
    const { outputs } = await runDataSource(plugin, 'echo', { value: 'hi' });
    expect(outputs).toEqual({ value: 'hi' });
  });
});

describe('loadPlugin with the example plugins', () => {
  // Loaded natively from their built output (npm test builds first), as the runner loads them.
  const repoRoot = join(__dirname, '..', '..', '..', '..');

  it.each([
    ['@imprint/example-aws-like', ['aws-like'], []],
    ['@imprint/example-docker-like', ['docker-like'], ['docker-like-tag', 'docker-like-push']],
  ])('loads %s from the repository root', async (name, builders, postProcessors) => {
    const plugin = await loadPlugin(name, repoRoot);
    const description = plugin.describe();
    expect(description.name).toBe(name);
    expect(description.apiVersion).toBe(PLUGIN_API_VERSION);
    expect(description.builders.map((b) => b.name)).toEqual(builders);
    expect(description.postProcessors.map((p) => p.name)).toEqual(postProcessors);
  });
});
