import {
  ARTIFACT_STATE_URI,
  Artifact,
  DecoratorUsageError,
  InvalidArgumentError,
  compileArtifactMetadata,
  createMemberDecorator,
  defineArtifactMetadata,
} from '@imprint/sdk';
import type { MemberDecorator, Image } from '@imprint/sdk';

class TarArtifact extends Artifact {
  digest = 'sha256:aa';
  baseDigest = 'sha256:bb';
  osName = 'alpine';
  size = 1024;
  extra = { arch: 'arm64' };
  builderId() {
    return 'imprint.tar';
  }
  id() {
    return this.digest;
  }
}

defineArtifactMetadata(TarArtifact, {
  provider: 'file',
  imageId: 'digest',
  sourceImageId: 'baseDigest',
  labels: { os: 'osName', bytes: { member: 'size', stringify: true } },
  labelMaps: ['extra'],
});

describe('defineArtifactMetadata (no decorators)', () => {
  it('feeds the same compiled metadata as decorators', () => {
    expect((new TarArtifact().state(ARTIFACT_STATE_URI) as Image).toJSON()).toEqual({
      ImageID: 'sha256:aa',
      ProviderName: 'file',
      ProviderRegion: '',
      Labels: { arch: 'arm64', os: 'alpine', bytes: '1024' },
      SourceImageID: 'sha256:bb',
    });
    expect(compileArtifactMetadata(TarArtifact).labels.map((l) => l.declaredBy)).toEqual([
      'defineArtifactMetadata(labels.os)',
      'defineArtifactMetadata(labels.bytes)',
    ]);
  });

  it('runs the same checks as decorators', () => {
    class Again extends Artifact {
      digest = 'x';
      builderId() {
        return 'b';
      }
      id() {
        return 'i';
      }
      digestOf() {
        return 'y';
      }
    }
    expect(() => defineArtifactMetadata(Again, { imageId: 'digestOf' })).toThrow(
      'defineArtifactMetadata(imageId) on Again.prototype.digestOf: methods are not read for registry metadata.',
    );
    defineArtifactMetadata(Again, { imageId: 'digest' });
    expect(() => defineArtifactMetadata(Again, { imageId: 'digest' })).toThrow(DecoratorUsageError);
    expect(() => defineArtifactMetadata(Again, { sourceImageId: '' })).toThrow(
      InvalidArgumentError,
    );
    expect(() => defineArtifactMetadata(Again, { provider: 'a' })).not.toThrow();
    expect(() => defineArtifactMetadata(Again, { provider: 'b' })).toThrow(
      'the class already declares a provider',
    );
  });
});

describe('createMemberDecorator (a plugin author writes a decorator)', () => {
  const AmiName = (): MemberDecorator =>
    createMemberDecorator({ role: 'label', name: '@AmiName()', labelKey: 'ami_name' });

  it('records like the built-in decorators and names itself in errors', () => {
    class Named extends Artifact {
      @AmiName() name: unknown = 'golden-2026';
      sourceAmi = 's';
      builderId() {
        return 'b';
      }
      id() {
        return 'i';
      }
    }
    defineArtifactMetadata(Named, { sourceImageId: 'sourceAmi' });
    const artifact = new Named();
    expect((artifact.state(ARTIFACT_STATE_URI) as Image).labels).toEqual({
      ami_name: 'golden-2026',
    });
    artifact.name = 7;
    expect(() => artifact.state(ARTIFACT_STATE_URI)).toThrow(
      'Named.name (@AmiName()) must hold a string',
    );
  });
});
