import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, PluginSet, isPluginSet } from '@imprint/sdk';
import * as entry from '@imprint/example-aws-like';
import plugin, {
  AWS_LIKE_ERROR_CODES,
  AwsLikeBuilder,
  BuilderNotPreparedError,
  PLUGIN_NAME,
  PLUGIN_VERSION,
} from '@imprint/example-aws-like';
import { createTestBuildContext } from '@imprint/sdk/testing';
import { rejectionOf } from './helpers';

const packageDir = join(__dirname, '..');
const packageJson = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
};
const readme = readFileSync(join(packageDir, 'README.md'), 'utf8');

describe('the plugin entry point', () => {
  it('exports the PluginSet as default and as `plugin`, as loadPlugin looks for it', () => {
    expect(plugin).toBeInstanceOf(PluginSet);
    expect(entry.plugin).toBe(plugin);
    expect(isPluginSet(entry.default)).toBe(true);
  });

  it('is named and versioned as package.json says', () => {
    expect(plugin.info).toEqual({ name: packageJson.name, version: packageJson.version });
    expect([PLUGIN_NAME, PLUGIN_VERSION]).toEqual([packageJson.name, packageJson.version]);
  });

  it('registers the builder as aws-like', () => {
    expect(plugin.builderNames()).toEqual(['aws-like']);
    expect(plugin.postProcessorNames()).toEqual([]);
  });

  it('describes itself exactly as the README documents', () => {
    const section = readme.split('## `describe()` output')[1] ?? '';
    const block = /```json\n([\s\S]*?)\n```/.exec(section);
    expect(block).not.toBeNull();
    expect(plugin.describe()).toEqual(JSON.parse(block![1]));
  });

  it('lists every error code in the README', () => {
    const documented = [...readme.matchAll(/`(AWS_LIKE_ERR_[A-Z_]+)`/g)].map((m) => m[1]);
    expect(new Set(documented)).toEqual(new Set(Object.values(AWS_LIKE_ERROR_CODES)));
  });

  it('reports a misspelt key with the closest known one', async () => {
    const raw = { regoin: 'us-east-1', source_ami: 'ami-0123456789abcdef0', ami_name: 'web' };
    const error = await rejectionOf(plugin.createBuilder('aws-like', raw, { name: 'base' }));
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      { path: 'regoin', kind: 'unknown', suggestion: 'region' },
      { path: 'region', kind: 'missing', message: expect.any(String) },
    ]);
    expect(error.message).toBe(
      [
        "aws-like source 'base' has 2 configuration problems:",
        "  - unknown field 'regoin' in aws-like source 'base': did you mean 'region'?",
        "  - missing required field 'region' in aws-like source 'base' (Region to build in: the instance runs and the image is created there.)",
      ].join('\n'),
    );
    const alone = await rejectionOf(
      plugin.createBuilder('aws-like', { ...raw, region: 'us-east-1' }, { name: 'base' }),
    );
    expect(alone.message).toBe(
      "unknown field 'regoin' in aws-like source 'base': did you mean 'region'?",
    );
  });

  it('refuses to run a builder that was not prepared', async () => {
    const context = createTestBuildContext();
    try {
      const error = await new AwsLikeBuilder().run(context).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BuilderNotPreparedError);
      expect((error as BuilderNotPreparedError).code).toBe('AWS_LIKE_ERR_NOT_PREPARED');
      expect((error as Error).message).toBe(
        'AwsLikeBuilder.run() was called before prepare(). Create builders with plugin.createBuilder(), which prepares them, or call prepare(config, location) first.',
      );
    } finally {
      rmSync(context.workDir, { recursive: true, force: true });
    }
  });
});
