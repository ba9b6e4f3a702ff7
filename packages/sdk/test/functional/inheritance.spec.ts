import type { Image } from '@imprint/sdk';
import {
  ARTIFACT_STATE_URI,
  Artifact,
  ArtifactMetadataConflictError,
  ImageId,
  Label,
  Provider,
  ProviderRegion,
  SourceImageId,
  compileArtifactMetadata,
} from '@imprint/sdk';
import { TestArtifact } from '../fixtures/artifacts';

@Provider('happy-cloud')
class BaseArtifact extends Artifact {
  @ImageId() imageName = 'base-image';
  @SourceImageId() source = 'source-image';
  @Label('os') os = 'linux';
  builderId() {
    return 'happy.builder';
  }
  id() {
    return 'id';
  }
}

describe('inheritance', () => {
  it('a subclass inherits every declaration of its parent', () => {
    class Child extends BaseArtifact {
      @ProviderRegion() region = 'zone-a';
    }
    expect((new Child().state(ARTIFACT_STATE_URI) as Image).toJSON()).toEqual({
      ImageID: 'base-image',
      ProviderName: 'happy-cloud',
      ProviderRegion: 'zone-a',
      Labels: { os: 'linux' },
      SourceImageID: 'source-image',
    });
  });

  it('a subclass may redeclare a member with new options', () => {
    class Child extends BaseArtifact {
      @Label('operating_system') override os = 'linux';
    }
    const image = new Child().state(ARTIFACT_STATE_URI) as Image;
    expect(image.labels).toEqual({ operating_system: 'linux' });
  });

  it('a subclass may redeclare a getter', () => {
    @Provider('happy-cloud')
    class WithGetter extends TestArtifact {
      @SourceImageId() get source() {
        return 'parent-source';
      }
    }
    expect((new WithGetter().state(ARTIFACT_STATE_URI) as Image).sourceImageId).toBe(
      'parent-source',
    );
    class Child extends WithGetter {
      @SourceImageId() override get source() {
        return 'child-source';
      }
    }
    expect((new Child().state(ARTIFACT_STATE_URI) as Image).sourceImageId).toBe('child-source');
  });

  it('a subclass may declare its own provider', () => {
    @Provider('other-cloud')
    class Child extends BaseArtifact {}
    expect((new Child().state(ARTIFACT_STATE_URI) as Image).providerName).toBe('other-cloud');
    expect((new BaseArtifact().state(ARTIFACT_STATE_URI) as Image).providerName).toBe(
      'happy-cloud',
    );
  });

  it("a subclass's declarations never change its parent's metadata", () => {
    const before = compileArtifactMetadata(BaseArtifact);
    class Child extends BaseArtifact {
      @Label('extra') extra = 'x';
    }
    new Child().state(ARTIFACT_STATE_URI);
    expect(compileArtifactMetadata(BaseArtifact)).toBe(before);
    expect(before.labels.map((l) => l.key)).toEqual(['os']);
    expect((new BaseArtifact().state(ARTIFACT_STATE_URI) as Image).labels).toEqual({ os: 'linux' });
  });

  it('a second @ImageId member in a subclass is a conflict that names both members', () => {
    class Child extends BaseArtifact {
      @ImageId() otherName = 'other';
    }
    expect(() => new Child().state(ARTIFACT_STATE_URI)).toThrow(ArtifactMetadataConflictError);
    expect(() => new Child().state(ARTIFACT_STATE_URI)).toThrow(
      'Registry metadata declared on Child is inconsistent (1 problem):\n  - 2 @ImageId members: Child.imageName (declared in BaseArtifact), Child.otherName; an image has one imageId, keep one (a subclass may redeclare the same member name)',
    );
  });

  it('a label key used by a parent member and a new subclass member is a conflict', () => {
    class Child extends BaseArtifact {
      @Label('os') osFamily = 'debian';
    }
    expect(() => compileArtifactMetadata(Child)).toThrow(
      "label 'os' is supplied by both Child.os (declared in BaseArtifact) and Child.osFamily; give one a different key",
    );
  });
});
