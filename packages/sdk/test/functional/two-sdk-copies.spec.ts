import 'reflect-metadata';
import * as sdk from '@imprint/sdk';

type Sdk = typeof sdk;

function loadSeparateCopy(): Sdk {
  let copy: Sdk | undefined;
  jest.isolateModules(() => {
    copy = jest.requireActual<Sdk>('@imprint/sdk');
  });
  if (copy === undefined) throw new Error('could not load a second copy of @imprint/sdk');
  return copy;
}

describe('two copies of @imprint/sdk in one process', () => {
  const plugin = loadSeparateCopy();

  it('are really two copies', () => {
    expect(plugin.Artifact).not.toBe(sdk.Artifact);
    expect(plugin.Image).not.toBe(sdk.Image);
  });

  // A plugin bundles its own copy, decorates with it; the runner reads with its own.
  @plugin.Provider('aws')
  class PluginArtifact extends plugin.Artifact {
    @plugin.ImageId() ami = 'ami-1';
    @plugin.SourceImageId() sourceAmi = 'ami-0';
    @plugin.Label('os') os = 'linux';
    builderId() {
      return 'plugin.builder';
    }
    id() {
      return 'ami-1';
    }
  }

  it("keep working: the runner's copy reads metadata declared with the plugin's copy", () => {
    const runnerView = sdk.buildRegistryMetadata(new PluginArtifact()) as sdk.Image;
    expect(runnerView).toBeInstanceOf(sdk.Image);
    expect(runnerView.toJSON()).toEqual({
      ImageID: 'ami-1',
      ProviderName: 'aws',
      ProviderRegion: '',
      Labels: { os: 'linux' },
      SourceImageID: 'ami-0',
    });
  });

  it("keep working: the runner decodes the plugin copy's Image", () => {
    const state = new PluginArtifact().state(sdk.ARTIFACT_STATE_URI);
    expect(state).not.toBeInstanceOf(sdk.Image);
    const [image] = sdk.decodeImages(state);
    expect(image).toBeInstanceOf(sdk.Image);
    expect(image.imageId).toBe('ami-1');
    expect(() => image.validate()).not.toThrow();
  });

  it('mixing decorators of both copies in one class works', () => {
    class Mixed extends sdk.Artifact {
      @plugin.ImageId() ami = 'ami-2';
      @sdk.SourceImageId() source = 'ami-0';
      builderId() {
        return 'b';
      }
      id() {
        return 'i';
      }
    }
    expect((new Mixed().state(sdk.ARTIFACT_STATE_URI) as sdk.Image).imageId).toBe('ami-2');
  });

  it('fails with an error naming both versions when the record format differs', () => {
    class FromFuture extends sdk.Artifact {
      builderId() {
        return 'b';
      }
      id() {
        return 'i';
      }
    }
    // What a future SDK with another record format would leave on the class.
    Reflect.defineMetadata(
      sdk.METADATA_KEYS.members,
      [
        {
          formatVersion: 2,
          sdkVersion: '9.0.0',
          declaredBy: '@ImageId()',
          role: 'imageId',
          member: 'ami',
        },
      ],
      FromFuture,
    );
    const attempt = () => new FromFuture().state(sdk.ARTIFACT_STATE_URI);
    expect(attempt).toThrow(sdk.SdkVersionConflictError);
    expect(attempt).toThrow(
      `FromFuture.prototype.ami was decorated by @imprint/sdk 9.0.0 (metadata format 2), whose metadata format @imprint/sdk ${sdk.SDK_VERSION} (metadata format 1) cannot read.`,
    );
    expect(attempt).toThrow('declare @imprint/sdk as a peerDependency of the plugin');
  });
});
