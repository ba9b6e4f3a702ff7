import { IsOptional, IsString } from 'class-validator';
import {
  ARTIFACT_STATE_URI,
  Artifact,
  ConfigError,
  Field,
  ImageId,
  PLUGIN_API_VERSION,
  PluginRegistrationError,
  PluginSet,
  Provider,
  SDK_VERSION,
  SourceImageId,
  UnknownComponentError,
  isPluginSet,
} from '@imprint/sdk';
import type {
  BuildContext,
  Builder,
  PackerArtifact,
  PostProcessResult,
  PostProcessor,
  Image,
} from '@imprint/sdk';
import { createTestBuildContext, expectRegistryMetadata } from '@imprint/sdk/testing';

class FileConfig {
  @Field({ doc: 'Content of the file.' }) @IsString() content!: string;
  @Field({ doc: 'File name.' }) @IsOptional() @IsString() fileName = 'out.txt';
}

@Provider('file')
class FileArtifact extends Artifact {
  @ImageId() path: string;
  @SourceImageId() source = 'none';
  constructor(path: string) {
    super();
    this.path = path;
  }
  builderId() {
    return 'test.file';
  }
  id() {
    return this.path;
  }
}

class FileBuilder implements Builder<FileConfig> {
  static readonly configClass = FileConfig;
  config!: FileConfig;
  prepare(config: FileConfig) {
    this.config = config;
    return config.content === '' ? ['content is empty'] : [];
  }
  async run(context: BuildContext): Promise<PackerArtifact> {
    context.signal.throwIfAborted();
    context.ui.say(`writing ${this.config.fileName}`);
    return new FileArtifact(`${context.workDir}/${this.config.fileName}`);
  }
}

class SuffixConfig {
  @Field({ doc: 'Suffix to add.' }) @IsString() suffix = '.bak';
}

@Provider('file')
class CopiedArtifact extends FileArtifact {}

class CopyPostProcessor implements PostProcessor<SuffixConfig> {
  static readonly configClass = SuffixConfig;
  suffix = '';
  prepare(config: SuffixConfig) {
    this.suffix = config.suffix;
  }
  async postProcess(_context: BuildContext, artifact: PackerArtifact): Promise<PostProcessResult> {
    const copied = new CopiedArtifact(`${artifact.id()}${this.suffix}`);
    copied.source = artifact.id();
    return { artifact: copied, keepInput: true };
  }
}

const plugin = () =>
  new PluginSet({ name: '@acme/imprint-plugin-file', version: '1.2.3' })
    .registerBuilder('file', FileBuilder)
    .registerPostProcessor('file-copy', CopyPostProcessor);

describe('PluginSet', () => {
  it('describes itself with every component and its config fields', () => {
    expect(plugin().describe()).toEqual({
      name: '@acme/imprint-plugin-file',
      version: '1.2.3',
      sdkVersion: SDK_VERSION,
      apiVersion: PLUGIN_API_VERSION,
      builders: [
        {
          name: 'file',
          fields: [
            { name: 'content', type: 'string', required: true, doc: 'Content of the file.' },
            {
              name: 'file_name',
              type: 'string',
              required: false,
              doc: 'File name.',
              default: 'out.txt',
            },
          ],
        },
      ],
      postProcessors: [
        {
          name: 'file-copy',
          fields: [
            {
              name: 'suffix',
              type: 'string',
              required: false,
              doc: 'Suffix to add.',
              default: '.bak',
            },
          ],
        },
      ],
      dataSources: [],
    });
    expect(isPluginSet(plugin())).toBe(true);
    expect(isPluginSet({ describe() {} })).toBe(false);
  });

  it('prepares and runs a builder, then a post-processor whose artifact states its own metadata', async () => {
    const set = plugin();
    const { component: builder, warnings } = await set.createBuilder(
      'file',
      { content: '' },
      { name: 'one' },
    );
    expect(warnings).toEqual(['content is empty']);
    const context = createTestBuildContext();
    const artifact = await builder.run(context);
    expect(context.ui.lines()).toEqual(['writing out.txt']);
    const [built] = expectRegistryMetadata(artifact);

    const { component: copy } = await set.createPostProcessor('file-copy', {});
    const result = await copy.postProcess(context, artifact);
    expect(result.keepInput).toBe(true);
    const [copied] = expectRegistryMetadata(result.artifact);
    expect(copied.sourceImageId).toBe(built.imageId);
    expect((result.artifact.state(ARTIFACT_STATE_URI) as Image).imageId).toBe(
      `${built.imageId}.bak`,
    );
  });

  it('passes cancellation to the component', async () => {
    const { component: builder } = await plugin().createBuilder('file', { content: 'x' });
    const context = createTestBuildContext();
    context.abort(new Error('cancelled by user'));
    await expect(builder.run(context)).rejects.toThrow('cancelled by user');
  });

  it('validates configuration before prepare, naming the source', async () => {
    await expect(plugin().createBuilder('file', { contnt: 'x' }, { name: 'one' })).rejects.toThrow(
      ConfigError,
    );
    await expect(plugin().createBuilder('file', { contnt: 'x' }, { name: 'one' })).rejects.toThrow(
      "unknown field 'contnt' in file source 'one': did you mean 'content'?",
    );
  });

  it('says which components exist when asked for an unknown one', async () => {
    await expect(plugin().createBuilder('fiel', {})).rejects.toThrow(UnknownComponentError);
    await expect(plugin().createBuilder('fiel', {})).rejects.toThrow(
      "Plugin @acme/imprint-plugin-file has no builder named 'fiel' (did you mean 'file'?); it has: 'file'.",
    );
    await expect(plugin().createPostProcessor('zip', {})).rejects.toThrow(
      "no post-processor named 'zip'; it has: 'file-copy'.",
    );
  });
});

describe('PluginSet registration', () => {
  const set = () => new PluginSet({ name: 'p', version: '1.0.0' });

  it.each([
    ['', "Cannot register '' in plugin p: a builder needs a non-empty name"],
    [
      'Has Space',
      "builder names use lower-case letters, digits, '.', '_' and '-' (e.g. 'aws-like'), got 'Has Space'",
    ],
  ])('rejects the name %p', (name, message) => {
    expect(() => set().registerBuilder(name, FileBuilder)).toThrow(PluginRegistrationError);
    expect(() => set().registerBuilder(name, FileBuilder)).toThrow(message);
  });

  it('rejects duplicate names across builders and post-processors', () => {
    expect(() =>
      set().registerBuilder('file', FileBuilder).registerBuilder('file', FileBuilder),
    ).toThrow(
      "Cannot register 'file' in plugin p: the name is already registered as a builder; names are unique within a plugin",
    );
    expect(() =>
      set().registerBuilder('file', FileBuilder).registerPostProcessor('file', CopyPostProcessor),
    ).toThrow('already registered as a builder');
  });

  it('rejects classes that do not implement the contract', () => {
    class NoRun {
      static readonly configClass = FileConfig;
      prepare() {}
    }
    expect(() => set().registerBuilder('x', NoRun as never)).toThrow(
      "Cannot register 'x' in plugin p: NoRun does not implement the builder contract: missing method run()",
    );
    expect(() => set().registerPostProcessor('x', FileBuilder as never)).toThrow(
      'FileBuilder does not implement the post-processor contract: missing method postProcess()',
    );
    class NoConfig {
      prepare() {}
      async run() {
        return undefined as never;
      }
    }
    expect(() => set().registerBuilder('x', NoConfig as never)).toThrow(
      'NoConfig has no static configClass; declare `static readonly configClass = MyConfig` (a class with @Field members)',
    );
    expect(() => set().registerBuilder('x', { run() {} } as never)).toThrow(
      'expected a builder class, got object',
    );
  });

  it('rejects a builder whose config class is inconsistent', () => {
    class BadConfig {
      @IsString() secret = 'x';
    }
    class BadBuilder extends FileBuilder {
      static override readonly configClass = BadConfig as never;
    }
    expect(() => set().registerBuilder('bad', BadBuilder)).toThrow(
      'BadConfig.secret has validation rules but no @Field',
    );
  });

  it('needs a name and a version', () => {
    expect(() => new PluginSet({ name: '', version: '1' })).toThrow(
      'PluginSet name must be the plugin package name',
    );
    expect(() => new PluginSet({ name: 'p', version: '' })).toThrow(
      'PluginSet version must be the plugin package version',
    );
  });
});
