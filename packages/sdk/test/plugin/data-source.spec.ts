import { IsOptional, IsString } from 'class-validator';
import {
  ConfigError,
  DataSourceOutputError,
  Field,
  InvalidArgumentError,
  PluginRegistrationError,
  PluginSet,
  SDK_ERROR_CODES,
  UnknownComponentError,
  describeLocation,
  executeDataSource,
} from '@imprint/sdk';
import type { DataSource, DataSourceContext, DataSourceOutput } from '@imprint/sdk';
import { createTestDataSourceContext, runDataSource } from '@imprint/sdk/testing';

class LatestConfig {
  @Field({ doc: 'Channel to read.' }) @IsString() channel!: string;
  @Field({ doc: 'Bucket to read.' }) @IsOptional() @IsString() bucketName = 'golden';
}

/** Returns whatever the test puts in `result`, so that output checks can be exercised. */
class LatestVersion implements DataSource<LatestConfig> {
  static readonly configClass = LatestConfig;
  static readonly outputs: readonly DataSourceOutput[] = [
    { name: 'id', type: 'string', description: 'Version id.' },
    { name: 'build_count', type: 'number', description: 'Number of builds.' },
    { name: 'revoked', type: 'boolean', description: 'Whether it is revoked.' },
    { name: 'labels', type: 'map', description: 'Labels.' },
    { name: 'regions', type: 'list', description: 'Regions.' },
  ];
  static result: unknown;
  config!: LatestConfig;
  prepare(config: LatestConfig) {
    this.config = config;
    return config.channel === 'latest' ? ['latest moves often'] : undefined;
  }
  async execute(context: DataSourceContext): Promise<Record<string, unknown>> {
    context.signal.throwIfAborted();
    context.ui.say(`reading ${this.config.bucketName}/${this.config.channel}`);
    return (LatestVersion.result ?? good()) as Record<string, unknown>;
  }
}

const good = () => ({
  id: 'v-1',
  build_count: 2,
  revoked: false,
  labels: { os: 'ubuntu' },
  regions: ['us-east-1'],
});

const plugin = () =>
  new PluginSet({ name: '@acme/imprint-plugin-versions', version: '1.0.0' }).registerDataSource(
    'latest-version',
    LatestVersion,
  );

beforeEach(() => {
  LatestVersion.result = undefined;
});

describe('PluginSet data sources', () => {
  it('are listed by describe() with their fields and outputs', () => {
    const set = plugin();
    expect(set.dataSourceNames()).toEqual(['latest-version']);
    expect(set.builderNames()).toEqual([]);
    expect(set.describe().dataSources).toEqual([
      {
        name: 'latest-version',
        fields: [
          { name: 'channel', type: 'string', required: true, doc: 'Channel to read.' },
          {
            name: 'bucket_name',
            type: 'string',
            required: false,
            doc: 'Bucket to read.',
            default: 'golden',
          },
        ],
        outputs: LatestVersion.outputs,
      },
    ]);
    expect(set.describe().builders).toEqual([]);
  });

  it('are created with validated config, prepared, executed and their outputs checked', async () => {
    const set = plugin();
    const { component, config, warnings } = await set.createDataSource(
      'latest-version',
      { channel: 'latest' },
      { name: 'base', file: 'app.pkr.hcl' },
    );
    expect(config).toBeInstanceOf(LatestConfig);
    expect(warnings).toEqual(['latest moves often']);
    const context = createTestDataSourceContext();
    const outputs = await set.executeDataSource(component, context, {
      component: 'latest-version',
      name: 'base',
    });
    expect(outputs).toEqual(good());
    expect(context.ui.lines()).toEqual(['reading golden/latest']);
  });

  it('reports config problems like builders do, naming the data block', async () => {
    const error = await plugin()
      .createDataSource('latest-version', { chanel: 'x' }, { name: 'base' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).location).toEqual({
      kind: 'data',
      component: 'latest-version',
      name: 'base',
    });
    expect((error as Error).message).toBe(
      [
        "latest-version data 'base' has 2 configuration problems:",
        "  - unknown field 'chanel' in latest-version data 'base': did you mean 'channel'?",
        "  - missing required field 'channel' in latest-version data 'base' (Channel to read.)",
      ].join('\n'),
    );
    expect(describeLocation({ kind: 'data', component: 'imprint-artifact', name: 'base' })).toBe(
      "imprint-artifact data 'base'",
    );
  });

  it('says which data sources exist when asked for an unknown one', async () => {
    await expect(plugin().createDataSource('latest-versoin', {})).rejects.toThrow(
      UnknownComponentError,
    );
    await expect(plugin().createDataSource('latest-versoin', {})).rejects.toThrow(
      "Plugin @acme/imprint-plugin-versions has no data source named 'latest-versoin' (did you mean 'latest-version'?); it has: 'latest-version'.",
    );
    const { component } = await plugin().createDataSource('latest-version', { channel: 'x' });
    await expect(
      plugin().executeDataSource(component, createTestDataSourceContext(), { component: 'nope' }),
    ).rejects.toThrow("has no data source named 'nope'");
  });
});

describe('data source output checks', () => {
  const run = async (result: unknown) => {
    LatestVersion.result = result;
    return runDataSource(
      plugin(),
      'latest-version',
      { channel: 'prod' },
      {
        location: { name: 'base' },
      },
    ).catch((e: unknown) => e as DataSourceOutputError);
  };
  const FIX =
    "The data source's execute() must return exactly its declared outputs, each of its declared type; fix execute() or its static outputs.";

  it('refuses a missing output, naming the data source and the output', async () => {
    const { id: _id, ...rest } = good();
    const error = await run(rest);
    expect(error).toBeInstanceOf(DataSourceOutputError);
    expect((error as DataSourceOutputError).code).toBe('IMPRINT_ERR_DATA_SOURCE_OUTPUT');
    expect((error as DataSourceOutputError).code).toBe(SDK_ERROR_CODES.DATA_SOURCE_OUTPUT);
    expect((error as Error).message).toBe(
      `latest-version data 'base' returned invalid outputs: output 'id' (string) is missing. ${FIX}`,
    );
  });

  it('refuses wrong types and undeclared keys, listing every problem', async () => {
    const error = (await run({
      ...good(),
      build_count: Number.NaN,
      revoked: 'no',
      labels: ['a'],
      regions: 'us-east-1',
      extra: 1,
    })) as DataSourceOutputError;
    expect(error).toBeInstanceOf(DataSourceOutputError);
    expect(error.problems.map((p) => p.output)).toEqual([
      'build_count',
      'revoked',
      'labels',
      'regions',
      'extra',
    ]);
    expect(error.message.split('\n')).toEqual([
      "latest-version data 'base' returned invalid outputs (5 problems):",
      "  - output 'build_count' must be a finite number, got number NaN",
      '  - output \'revoked\' must be a boolean, got string "no"',
      '  - output \'labels\' must be a map (a plain object), got array ["a"]',
      '  - output \'regions\' must be a list (an array), got string "us-east-1"',
      "  - output 'extra' is not declared; declared outputs are 'id', 'build_count', 'revoked', 'labels', 'regions'",
      FIX,
    ]);
  });

  it('refuses a result that is not an object, and prototype keys in maps', async () => {
    const notObject = await run('v-1');
    expect((notObject as Error).message).toBe(
      `latest-version data 'base' returned invalid outputs: execute() must resolve to an object of outputs, got string "v-1". ${FIX}`,
    );
    const labels = JSON.parse('{"__proto__": {"polluted": true}}') as object;
    const unsafe = await run({ ...good(), labels });
    expect((unsafe as Error).message).toContain(
      "output 'labels' has the key '__proto__', which is not allowed in a map",
    );
  });

  it('returns only the declared outputs, as a copy', async () => {
    const result = good();
    const { outputs } = (await run(result)) as Awaited<ReturnType<typeof runDataSource>>;
    expect(outputs).toEqual(result);
    expect(outputs).not.toBe(result);
  });

  it('is also available without a PluginSet, reading the class outputs', async () => {
    const set = plugin();
    const { component } = await set.createDataSource('latest-version', { channel: 'x' });
    const location = { kind: 'data', component: 'latest-version', name: 'b' } as const;
    LatestVersion.result = { ...good(), id: 7 };
    await expect(
      executeDataSource(component, createTestDataSourceContext(), location),
    ).rejects.toThrow("output 'id' must be a string, got number 7");
    const bare = { execute: async () => ({}), prepare() {} };
    await expect(executeDataSource(bare, createTestDataSourceContext(), location)).rejects.toThrow(
      InvalidArgumentError,
    );
  });

  it('passes cancellation to execute()', async () => {
    const context = createTestDataSourceContext();
    context.abort(new Error('cancelled by user'));
    await expect(
      runDataSource(plugin(), 'latest-version', { channel: 'x' }, { context }),
    ).rejects.toThrow('cancelled by user');
  });
});

describe('data source registration', () => {
  const set = () => new PluginSet({ name: 'p', version: '1.0.0' });
  const withOutputs = (outputs: unknown) =>
    class Odd extends LatestVersion {
      static override readonly outputs = outputs as readonly DataSourceOutput[];
    };

  it('rejects bad names and duplicates across kinds', () => {
    expect(() => set().registerDataSource('', LatestVersion)).toThrow(
      "Cannot register '' in plugin p: a data source needs a non-empty name",
    );
    expect(() => set().registerDataSource('Latest', LatestVersion)).toThrow(
      "data source names use lower-case letters, digits, '.', '_' and '-' (e.g. 'aws-like'), got 'Latest'",
    );
    expect(() =>
      set().registerDataSource('x', LatestVersion).registerDataSource('x', LatestVersion),
    ).toThrow('the name is already registered as a data source; names are unique within a plugin');
    class Builder {
      static readonly configClass = LatestConfig;
      prepare() {}
      async run() {
        return undefined as never;
      }
    }
    expect(() =>
      set().registerBuilder('x', Builder).registerDataSource('x', LatestVersion),
    ).toThrow('already registered as a builder');
    expect(() =>
      set().registerDataSource('x', LatestVersion).registerBuilder('x', Builder),
    ).toThrow('already registered as a data source');
  });

  it('rejects classes that do not implement the contract', () => {
    class NoExecute {
      static readonly configClass = LatestConfig;
      static readonly outputs = LatestVersion.outputs;
      prepare() {}
    }
    expect(() => set().registerDataSource('x', NoExecute as never)).toThrow(
      "Cannot register 'x' in plugin p: NoExecute does not implement the data source contract: missing method execute()",
    );
    class NoConfig {
      static readonly outputs = LatestVersion.outputs;
      prepare() {}
      async execute() {
        return {};
      }
    }
    expect(() => set().registerDataSource('x', NoConfig as never)).toThrow(
      'NoConfig has no static configClass',
    );
    expect(() => set().registerDataSource('x', 'LatestVersion' as never)).toThrow(
      'expected a data source class, got string',
    );
  });

  it('rejects missing or invalid outputs, listing every problem', () => {
    expect(() => set().registerDataSource('x', withOutputs(undefined))).toThrow(
      PluginRegistrationError,
    );
    expect(() => set().registerDataSource('x', withOutputs(undefined))).toThrow(
      'static outputs must be a list of { name, type, description }, got undefined',
    );
    let message = '';
    try {
      set().registerDataSource(
        'x',
        withOutputs([
          { name: 'Id', type: 'string', description: 'x' },
          { name: 'id', type: 'text', description: '' },
          { name: 'id', type: 'map', description: 'again' },
          'name',
        ]),
      );
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message.split('\n')).toEqual([
      "Cannot register 'x' in plugin p: Odd declares invalid outputs (declare `static readonly outputs: readonly DataSourceOutput[] = [{ name, type, description }]`):",
      '  - outputs[0].name must be snake_case (lower-case letters, digits and \'_\', starting with a letter), got string "Id"',
      "  - outputs[1].type must be one of 'string', 'number', 'boolean', 'map', 'list', got string \"text\"",
      '  - outputs[1].description must be a sentence for describe() and the docs',
      "  - outputs[2].name 'id' is declared twice",
      '  - outputs[3] must be { name, type, description }, got string "name"',
    ]);
  });

  it('keeps the outputs as registered, even if the class array changes later', async () => {
    const outputs: DataSourceOutput[] = [{ name: 'id', type: 'string', description: 'Id.' }];
    const s = set().registerDataSource('x', withOutputs(outputs));
    outputs.push({ name: 'other', type: 'string', description: 'Other.' });
    expect(s.describe().dataSources[0].outputs).toEqual([
      { name: 'id', type: 'string', description: 'Id.' },
    ]);
  });
});
