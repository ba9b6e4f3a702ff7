import {
  ARTIFACT_STATE_URI,
  Artifact,
  Image,
  ImageId,
  RegistryMetadataAssertionError,
  SDK_ERROR_CODES,
  SourceImageId,
} from '@imprint/sdk';
import { MockArtifact, expectRegistryMetadata } from '@imprint/sdk/testing';

describe('@imprint/sdk/testing', () => {
  it('MockArtifact has configurable id, builder id, files and state', () => {
    const wire = { ImageID: 'i', ProviderName: 'p', SourceImageID: 's' };
    const artifact = new MockArtifact({
      id: 'mock-1',
      builderId: 'mock.builder',
      files: ['/tmp/a'],
      state: { [ARTIFACT_STATE_URI]: wire, other: 1 },
    });
    expect([artifact.id(), artifact.builderId(), artifact.files()]).toEqual([
      'mock-1',
      'mock.builder',
      ['/tmp/a'],
    ]);
    expect(artifact.state(ARTIFACT_STATE_URI)).toBe(wire);
    expect(artifact.state('other')).toBe(1);
    artifact.destroy();
    expect(artifact.destroyCalls).toBe(1);
  });

  it('MockArtifact can be subclassed with decorators', () => {
    class Decorated extends MockArtifact {
      @ImageId() ami = 'ami-9';
      @SourceImageId() source = 'ami-0';
    }
    expect((new Decorated().state(ARTIFACT_STATE_URI) as Image).imageId).toBe('ami-9');
  });

  it('expectRegistryMetadata returns the decoded, validated images', () => {
    const artifact = new MockArtifact({
      state: { [ARTIFACT_STATE_URI]: [{ ImageID: 'a', ProviderName: 'p', SourceImageID: 's' }] },
    });
    const images = expectRegistryMetadata(artifact);
    expect(images).toHaveLength(1);
    expect(images[0]).toBeInstanceOf(Image);
  });

  it('expectRegistryMetadata fails listing the validation issues', () => {
    class Incomplete extends Artifact {
      builderId() {
        return '';
      }
      id() {
        return 'i';
      }
    }
    let error: unknown;
    try {
      expectRegistryMetadata(new Incomplete());
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(RegistryMetadataAssertionError);
    expect((error as RegistryMetadataAssertionError).code).toBe(SDK_ERROR_CODES.METADATA_ASSERTION);
    expect((error as RegistryMetadataAssertionError).issues).toEqual([
      'providerName: must be a non-empty string, got ""',
      'sourceImageId: must be a non-empty string, got ""',
    ]);
    expect((error as Error).message).toMatch(
      /^Expected Incomplete to state valid registry metadata, but:\n {2}- providerName: must be a non-empty string, got ""\n {2}- sourceImageId/,
    );
  });

  it('expectRegistryMetadata fails when there is no metadata at all', () => {
    const artifact = new MockArtifact({ state: { [ARTIFACT_STATE_URI]: null } });
    expect(() => expectRegistryMetadata(artifact)).toThrow(
      "Expected MockArtifact to state registry metadata under 'par.artifact.metadata', but it stated none.",
    );
  });

  it('expectRegistryMetadata fails on undecodable state', () => {
    const artifact = new MockArtifact({ state: { [ARTIFACT_STATE_URI]: 'ami-1' } });
    expect(() => expectRegistryMetadata(artifact)).toThrow(
      'Expected MockArtifact to state valid registry metadata, but: Cannot decode registry metadata: state is string "ami-1"',
    );
  });
});
