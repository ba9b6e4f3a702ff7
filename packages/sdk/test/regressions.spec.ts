import { existsSync } from 'node:fs';
import { IsObject, IsOptional, IsString, Matches } from 'class-validator';
import {
  ARTIFACT_STATE_URI,
  ArtifactMemberValueError,
  ConfigSchemaError,
  DecoratorUsageError,
  Field,
  Image,
  ImageValidationError,
  ImagesByRegion,
  InvalidArgumentError,
  PluginSet,
  SourceImageId,
  UnsafeKeyError,
  compileConfigSchema,
  parseConfig,
  createMemberDecorator,
  defineArtifactMetadata,
  fromArtifact,
  fromMappedData,
  setLabels,
  withId,
} from '@imprint/sdk';
import type { BuildContext, PackerArtifact } from '@imprint/sdk';
import { MockArtifact, createTestBuildContext, expectRegistryMetadata } from '@imprint/sdk/testing';
import { TestArtifact } from './fixtures/artifacts';

describe('regressions', () => {
  it('defineArtifactMetadata after the class was first used is refused, not silently ignored', () => {
    class Late extends TestArtifact {
      source = 's';
    }
    expect(() => new Late().state(ARTIFACT_STATE_URI)).toThrow(ImageValidationError);
    expect(() => defineArtifactMetadata(Late, { sourceImageId: 'source' })).toThrow(
      DecoratorUsageError,
    );
    expect(() => defineArtifactMetadata(Late, { sourceImageId: 'source' })).toThrow(
      "defineArtifactMetadata() on Late: the class's registry metadata was already compiled",
    );
  });

  it('a misspelt member name in defineArtifactMetadata is reported by name', () => {
    class Typo extends TestArtifact {
      digest = 'sha256:1';
    }
    defineArtifactMetadata(Typo, { sourceImageId: 'digst' });
    expect(() => new Typo().state(ARTIFACT_STATE_URI)).toThrow(ArtifactMemberValueError);
    expect(() => new Typo().state(ARTIFACT_STATE_URI)).toThrow(
      "The instance has no member 'digst': check the name given to defineArtifactMetadata",
    );
  });

  it('the stringify hint matches how the label was declared', () => {
    class Data extends TestArtifact {
      source = 's';
      cores = 4;
    }
    defineArtifactMetadata(Data, { sourceImageId: 'source', labels: { cores: 'cores' } });
    expect(() => new Data().state(ARTIFACT_STATE_URI)).toThrow(
      'opt in with { member, stringify: true } in defineArtifactMetadata.',
    );
    const Cores = () =>
      createMemberDecorator({ role: 'label', name: '@Cores()', labelKey: 'cores' });
    class Custom extends TestArtifact {
      @SourceImageId() source = 's';
      @Cores() cores = 4;
    }
    expect(() => new Custom().state(ARTIFACT_STATE_URI)).toThrow(
      'opt in with stringify: true in the definition of @Cores().',
    );
  });

  it('null and undefined are not printed twice in messages', () => {
    expect(() => fromArtifact(new MockArtifact(), null as never)).toThrow(
      'fromArtifact override #1 must be a function, but got null.',
    );
  });

  it('setLabels refuses prototype keys whatever their value', () => {
    const metadata = JSON.parse('{"__proto__": {"polluted": "yes"}}');
    expect(() => fromArtifact(new MockArtifact(), setLabels(metadata))).toThrow(UnsafeKeyError);
  });

  it('fromMappedData gives string keys for plain objects', () => {
    const images = fromMappedData({ 'us-east-1': 'ami-1' }, (region, ami) =>
      fromArtifact(
        new MockArtifact(),
        withId(ami),
        (image) => void (image.providerRegion = region.toUpperCase()),
      ),
    );
    expect(images[0].providerRegion).toBe('US-EAST-1');
  });

  it('expectRegistryMetadata names the class for fromArtifact-style artifacts and refuses null', () => {
    class Overriding extends MockArtifact {
      override state(name: string): unknown {
        return name === ARTIFACT_STATE_URI ? fromArtifact(this) : super.state(name);
      }
    }
    expect(() => expectRegistryMetadata(new Overriding())).toThrow(
      'Registry metadata of Overriding is invalid',
    );
    expect(() => expectRegistryMetadata(null as never)).toThrow(
      'Expected an artifact with a state() method, but got null.',
    );
  });

  it('Image.validate refuses a Map as labels', () => {
    const image = new Image({ imageId: 'i', providerName: 'p', sourceImageId: 's' });
    Object.assign(image, { labels: new Map([['os', 1]]) });
    expect(() => image.validate()).toThrow(
      'labels: must be a map of string to string, got Map object',
    );
  });

  it('custom label decorators cannot have an empty key', () => {
    expect(() => createMemberDecorator({ role: 'label', name: '@Empty()', labelKey: '' })).toThrow(
      'createMemberDecorator labelKey must be a non-empty string',
    );
  });

  it('an empty @ImagesByRegion member named like an image field gets no misleading hint', () => {
    class Named extends TestArtifact {
      @ImagesByRegion() labels = {};
      @SourceImageId() source = 's';
    }
    try {
      new Named().state(ARTIFACT_STATE_URI);
      throw new Error('expected state() to throw');
    } catch (error) {
      expect((error as Error).message).toContain(
        'Named.labels (@ImagesByRegion()) holds no images',
      );
      expect((error as Error).message).not.toContain('To fix: labels must map strings');
    }
  });

  it('a prepare() returning something other than warnings fails with a typed error', async () => {
    class Config {}
    class Odd {
      static readonly configClass = Config;
      prepare() {
        return 42 as never;
      }
      async run(_context: BuildContext): Promise<PackerArtifact> {
        return new MockArtifact();
      }
    }
    const set = new PluginSet({ name: 'p', version: '1.0.0' }).registerBuilder('odd', Odd);
    await expect(set.createBuilder('odd', {}, { name: 'x' })).rejects.toThrow(InvalidArgumentError);
    await expect(set.createBuilder('odd', {}, { name: 'x' })).rejects.toThrow(
      "odd source 'x': prepare() result must be nothing or a list of warning strings, but got number 42.",
    );
  });

  it('problems of a nested config class are listed one per line', () => {
    class Inner {
      @IsString() hidden = 'x';
    }
    class Outer {
      @Field({ doc: 'inner block', type: Inner }) inner?: Inner;
    }
    expect(() => compileConfigSchema(Outer)).toThrow(ConfigSchemaError);
    expect(() => compileConfigSchema(Outer)).toThrow(
      'Config class Outer is inconsistent (1 problem):\n  - in nested Inner: Inner.hidden has validation rules but no @Field({ doc }); add @Field so templates can set it',
    );
  });

  it('@Field used as a TC39 standard decorator says to turn on experimentalDecorators', () => {
    const decorator = Field({ doc: 'x' }) as unknown as (value: undefined, context: object) => void;
    expect(() => decorator(undefined, { kind: 'field', name: 'x' })).toThrow(
      '"experimentalDecorators": true',
    );
  });

  it('createTestBuildContext can remove the work directory it made', () => {
    const context = createTestBuildContext();
    expect(existsSync(context.workDir)).toBe(true);
    context.dispose();
    expect(existsSync(context.workDir)).toBe(false);
  });

  it('a rule given options without `each` still gives the field its type', () => {
    class Named {
      @Field({ doc: 'image name' })
      @Matches(/^[a-z]+$/, { message: 'lower-case letters only' })
      name = 'a';
    }
    expect(compileConfigSchema(Named).fields[0].type).toBe('string');
  });

  it('prototype keys inside a map-valued config field are refused', () => {
    class Tagged {
      @Field({ doc: 'tags' }) @IsOptional() @IsObject() tags: Record<string, unknown> = {};
    }
    const raw = JSON.parse('{"tags":{"team":"a","nested":{"__proto__":{"polluted":1}}}}');
    expect(() => parseConfig(Tagged, raw, { kind: 'source', component: 'c', name: 'n' })).toThrow(
      "invalid field 'tags.nested.__proto__' in c source 'n': keys '__proto__', 'constructor' and 'prototype' are not allowed",
    );
  });

  it('a required nested block given the wrong type is reported once, as invalid', () => {
    class Inner {
      @Field({ doc: 'name' }) @IsString() name = 'x';
    }
    class Outer {
      @Field({ doc: 'the block', type: Inner }) block!: Inner;
    }
    try {
      parseConfig(Outer, { block: 'oops' }, { kind: 'source', component: 'c', name: 'n' });
      throw new Error('expected a ConfigError');
    } catch (error) {
      expect((error as Error).message).toBe(
        "invalid field 'block' in c source 'n': must be an object of settings, got string \"oops\"",
      );
    }
  });
});
