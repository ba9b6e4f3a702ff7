import { IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, Min } from 'class-validator';
import {
  ConfigError,
  ConfigSchemaError,
  Field,
  InvalidArgumentError,
  SDK_ERROR_CODES,
  compileConfigSchema,
  parseConfig,
} from '@imprint/sdk';
import type { ComponentLocation } from '@imprint/sdk';

class FilterConfig {
  @Field({ doc: 'Glob matched against image names.' }) @IsString() name!: string;
  @Field({ doc: 'Accounts that may own the image.' })
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  owners: string[] = [];
  @Field({ doc: 'Pick the newest match.' }) @IsOptional() @IsBoolean() mostRecent = false;
}

class StepConfig {
  @Field({ doc: 'Step type.' }) @IsIn(['shell', 'file']) type!: string;
  @Field({ doc: 'Commands.' }) @IsOptional() @IsArray() @IsString({ each: true }) inline?: string[];
}

class BuilderConfig {
  @Field({ doc: 'Region to build in.' }) @IsString() region!: string;
  @Field({ doc: 'Source image id.' }) @IsOptional() @IsString() sourceAmi?: string;
  @Field({ doc: 'Source image filter.', type: FilterConfig })
  @IsOptional()
  sourceAmiFilter?: FilterConfig;
  @Field({ doc: 'Extra regions.' })
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  amiRegions: string[] = [];
  @Field({ doc: 'Root volume size in GiB.' }) @IsOptional() @IsInt() @Min(1) volumeSize = 8;
  @Field({ doc: 'Provisioning steps.', type: [StepConfig] }) @IsOptional() provision: StepConfig[] =
    [];
  @Field({ doc: 'Instance type.', key: 'instance', type: 'instance type name' })
  @IsOptional()
  @IsString()
  instanceType = 't3.micro';
}

const base: ComponentLocation = { kind: 'source', component: 'aws-like', name: 'base' };

function problemsOf(raw: unknown): string[] {
  try {
    parseConfig(BuilderConfig, raw, base);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).code).toBe(SDK_ERROR_CODES.CONFIG_INVALID);
    return (error as ConfigError).problems.map((p) => ConfigError.describeProblem(base, p));
  }
  throw new Error('expected parseConfig to throw');
}

describe('parseConfig', () => {
  it('makes an instance of the config class with defaults and nested blocks', () => {
    const config = parseConfig(
      BuilderConfig,
      {
        region: 'us-east-1',
        source_ami_filter: { name: 'ubuntu-*' },
        provision: [{ type: 'shell', inline: ['true'] }],
      },
      base,
    );
    expect(config).toBeInstanceOf(BuilderConfig);
    expect(config.region).toBe('us-east-1');
    expect(config.amiRegions).toEqual([]);
    expect(config.volumeSize).toBe(8);
    expect(config.instanceType).toBe('t3.micro');
    expect(config.sourceAmiFilter).toBeInstanceOf(FilterConfig);
    expect(config.sourceAmiFilter).toEqual(Object.assign(new FilterConfig(), { name: 'ubuntu-*' }));
    expect(config.provision[0]).toBeInstanceOf(StepConfig);
  });

  it('names an unknown key, the component and the closest known key', () => {
    expect(() => parseConfig(BuilderConfig, { region: 'r', regoin: 'x' }, base)).toThrow(
      "unknown field 'regoin' in aws-like source 'base': did you mean 'region'?",
    );
  });

  it('lists the known keys when nothing is close', () => {
    expect(problemsOf({ region: 'r', colour: 'blue' })).toEqual([
      "unknown field 'colour' in aws-like source 'base': known fields are 'region', 'source_ami', 'source_ami_filter', 'ami_regions', 'volume_size', 'provision', 'instance'",
    ]);
  });

  it('reports every problem of one config together', () => {
    const error = (() => {
      try {
        parseConfig(
          BuilderConfig,
          {
            regoin: 'us-east-1',
            ami_regions: 'eu-west-1',
            volume_size: 0,
            source_ami_filter: { name: 7, ownrs: ['me'] },
            provision: [{ type: 'ansible' }, 'echo hi'],
          },
          base,
        );
      } catch (thrown) {
        return thrown as ConfigError;
      }
      throw new Error('expected a ConfigError');
    })();
    expect(error.message.split('\n')).toEqual([
      "aws-like source 'base' has 8 configuration problems:",
      "  - unknown field 'regoin' in aws-like source 'base': did you mean 'region'?",
      "  - unknown field 'source_ami_filter.ownrs' in aws-like source 'base': did you mean 'owners'?",
      "  - invalid field 'source_ami_filter.name' in aws-like source 'base': must be a string (got 7)",
      "  - invalid field 'provision[0].type' in aws-like source 'base': must be one of the following values: shell, file (got \"ansible\")",
      "  - invalid field 'provision[1]' in aws-like source 'base': must be an object of settings, got string \"echo hi\"",
      "  - missing required field 'region' in aws-like source 'base' (Region to build in.)",
      "  - invalid field 'ami_regions' in aws-like source 'base': must be an array (got \"eu-west-1\")",
      "  - invalid field 'volume_size' in aws-like source 'base': must not be less than 1 (got 0)",
    ]);
  });

  it('treats null like an absent key', () => {
    expect(parseConfig(BuilderConfig, { region: 'r', volume_size: null }, base).volumeSize).toBe(8);
  });

  it('rejects a config that is not an object, and prototype keys', () => {
    expect(problemsOf('region=r')).toEqual([
      "invalid field '(root)' in aws-like source 'base': must be an object of settings, got string \"region=r\"",
    ]);
    expect(problemsOf(JSON.parse('{"region":"r","__proto__":{"polluted":1}}'))).toEqual([
      "unknown field '__proto__' in aws-like source 'base': this key is not allowed",
    ]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('names post-processors and files in messages', () => {
    class Empty {}
    expect(() =>
      parseConfig(
        Empty,
        { x: 1 },
        { kind: 'post-processor', component: 'docker-like-tag', file: 'app.pkr.json' },
      ),
    ).toThrow(
      "unknown field 'x' in docker-like-tag post-processor (app.pkr.json): this block takes no settings",
    );
  });
});

describe('compileConfigSchema', () => {
  it('derives keys, types, required flags and defaults', () => {
    const schema = compileConfigSchema(BuilderConfig);
    expect(schema.fields.map((f) => [f.key, f.type, f.required])).toEqual([
      ['region', 'string', true],
      ['source_ami', 'string', false],
      ['source_ami_filter', 'object', false],
      ['ami_regions', 'string[]', false],
      ['volume_size', 'integer', false],
      ['provision', 'object[]', false],
      ['instance', 'instance type name', false],
    ]);
    expect(compileConfigSchema(StepConfig).fields[0].type).toBe('"shell" | "file"');
    expect(compileConfigSchema(BuilderConfig)).toBe(schema);
  });

  it('refuses validated properties that are not fields, and clashing keys', () => {
    class Broken {
      @IsString() hidden = 'x';
      @Field({ doc: 'a' }) @IsString() amiName = 'a';
      @Field({ doc: 'b', key: 'ami_name' }) @IsString() name = 'b';
    }
    expect(() => compileConfigSchema(Broken)).toThrow(ConfigSchemaError);
    expect(() => compileConfigSchema(Broken)).toThrow(
      "Config class Broken is inconsistent (2 problems):\n  - Broken.hidden has validation rules but no @Field({ doc }); add @Field so templates can set it\n  - Broken.amiName and Broken.name both use the key 'ami_name'; set a distinct @Field({ key })",
    );
  });

  it('refuses bad @Field options at once', () => {
    expect(() => Field({ doc: '' })).toThrow(InvalidArgumentError);
    expect(() => Field({ doc: 'x', key: 'has space' })).toThrow(
      '@Field key must be an identifier such as ami_regions',
    );
  });
});
