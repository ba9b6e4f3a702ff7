import {
  ARTIFACT_STATE_URI,
  Artifact,
  ArtifactMemberValueError,
  Image,
  ImageId,
  ImageValidationError,
  ImagesByRegion,
  Label,
  Labels,
  ProviderName,
  SourceImageId,
  UnsafeKeyError,
  fromArtifact,
  withSourceId,
} from '@imprint/sdk';
import { AmiArtifactBase, AwsLikeArtifact, TestArtifact } from './fixtures/artifacts';

class AmiArtifact extends AmiArtifactBase {
  @Label('os') osName = 'ubuntu';
  @Label() arch: string | undefined = 'x86_64';
  @Labels() tags: Record<string, string> = { team: 'platform', os: 'overridden-by-label' };
}

describe('Artifact.state(par.artifact.metadata)', () => {
  it('builds a validated Image from the decorated members', () => {
    const image = new AmiArtifact().state(ARTIFACT_STATE_URI);
    expect(image).toBeInstanceOf(Image);
    expect((image as Image).toJSON()).toEqual({
      ImageID: 'ami-0123456789abcdef0',
      ProviderName: 'aws',
      ProviderRegion: 'us-east-1',
      Labels: { team: 'platform', os: 'ubuntu', arch: 'x86_64' },
      SourceImageID: 'ami-0fedcba9876543210',
    });
  });

  it('reads the values current at call time', () => {
    const artifact = new AmiArtifact();
    artifact.ami = 'ami-0000000000000000a';
    artifact.arch = undefined;
    const image = artifact.state(ARTIFACT_STATE_URI) as Image;
    expect(image.imageId).toBe('ami-0000000000000000a');
    expect(image.labels).not.toHaveProperty('arch');
  });

  it('returns other state keys from stateData, and nothing from the prototype', () => {
    const artifact = new AmiArtifact();
    artifact.stateData = { generated_data: { SourceAMI: 'ami-0' } };
    expect(artifact.state('generated_data')).toEqual({ SourceAMI: 'ami-0' });
    expect(artifact.state('missing')).toBeUndefined();
    expect(artifact.state('__proto__')).toBeUndefined();
    expect(artifact.state('toString')).toBeUndefined();
  });

  it('has sensible defaults for files, toString and destroy', async () => {
    const artifact = new AmiArtifact();
    expect(artifact.files()).toEqual([]);
    expect(artifact.toString()).toBe('us-east-1:ami-0123456789abcdef0 (imprint.aws-like)');
    await expect(Promise.resolve(artifact.destroy())).resolves.toBeUndefined();
  });

  it('defaults to id() and builderId(), like fromArtifact', () => {
    class Plain extends Artifact {
      @SourceImageId() source = 'src-1';
      builderId() {
        return 'plain.builder';
      }
      id() {
        return 'plain-id';
      }
    }
    const image = new Plain().state(ARTIFACT_STATE_URI) as Image;
    expect({ ...image }).toEqual({
      ...fromArtifact(new Plain(), withSourceId('src-1')),
    });
    expect(image.toString()).toBe('provider:plain.builder, image:plain-id, region:');
  });

  it('takes the provider from a @ProviderName member', () => {
    class Dynamic extends TestArtifact {
      @ProviderName() get cloud() {
        return 'gcp';
      }
      @SourceImageId() source = 's';
    }
    expect((new Dynamic().state(ARTIFACT_STATE_URI) as Image).providerName).toBe('gcp');
  });

  it('throws ImageValidationError naming the class, property and fix, never returning null', () => {
    class NoSource extends TestArtifact {}
    const artifact = new NoSource();
    expect(() => artifact.state(ARTIFACT_STATE_URI)).toThrow(ImageValidationError);
    expect(() => artifact.state(ARTIFACT_STATE_URI)).toThrow(
      'Registry metadata of NoSource is invalid (1 problem):\n  - sourceImageId: must be a non-empty string, got "". To fix: add @SourceImageId() to a field or getter, or pass withSourceId(...) to fromArtifact().',
    );
  });

  it('reports an empty decorated image id', () => {
    const artifact = new AmiArtifact();
    artifact.ami = '';
    try {
      artifact.state(ARTIFACT_STATE_URI);
      throw new Error('expected state() to throw');
    } catch (error) {
      expect(error).toBeInstanceOf(ImageValidationError);
      expect((error as ImageValidationError).artifactClass).toBe('AmiArtifact');
      expect((error as ImageValidationError).issues.map((i) => i.path)).toEqual(['imageId']);
    }
  });
});

describe('@Label and @Labels values', () => {
  class Labelled extends TestArtifact {
    @SourceImageId() source = 's';
    @Label() cores: unknown = 'four';
  }

  it('rejects a number naming the class and member, and offers the opt-in', () => {
    const artifact = new Labelled();
    artifact.cores = 4;
    expect(() => artifact.state(ARTIFACT_STATE_URI)).toThrow(ArtifactMemberValueError);
    expect(() => artifact.state(ARTIFACT_STATE_URI)).toThrow(
      'Labelled.cores (@Label()) must hold a string, but holds number 4. Convert it to a string, or opt in with @Label({ stringify: true }).',
    );
  });

  it('rejects an object always', () => {
    const artifact = new Labelled();
    artifact.cores = { n: 4 };
    expect(() => artifact.state(ARTIFACT_STATE_URI)).toThrow(
      'Labelled.cores (@Label()) must hold a string, but holds object {"n":4}. Labels are strings',
    );
  });

  it('stringifies numbers and booleans on request', () => {
    class Opted extends TestArtifact {
      @SourceImageId() source = 's';
      @Label({ key: 'disk_gb', stringify: true }) disk = 20;
      @Label({ stringify: true }) encrypted = false;
      @Labels({ stringify: true }) extra = new Map<string, unknown>([['replicas', 3]]);
    }
    expect((new Opted().state(ARTIFACT_STATE_URI) as Image).labels).toEqual({
      replicas: '3',
      disk_gb: '20',
      encrypted: 'false',
    });
  });

  it('checks every entry of a @Labels map', () => {
    class Tagged extends TestArtifact {
      @SourceImageId() source = 's';
      @Labels() tags: unknown = { ok: 'yes', count: 2 };
    }
    const artifact = new Tagged();
    expect(() => artifact.state(ARTIFACT_STATE_URI)).toThrow(
      'Tagged.tags["count"] (@Labels()) must hold a string, but holds number 2. Convert it to a string, or opt in with @Labels({ stringify: true }).',
    );
    artifact.tags = 'team=platform';
    expect(() => artifact.state(ARTIFACT_STATE_URI)).toThrow(
      'Tagged.tags (@Labels()) must hold a map of labels (plain object or Map), but holds string "team=platform".',
    );
    artifact.tags = JSON.parse('{"__proto__":"x"}');
    expect(() => artifact.state(ARTIFACT_STATE_URI)).toThrow(UnsafeKeyError);
    artifact.tags = undefined;
    expect((artifact.state(ARTIFACT_STATE_URI) as Image).labels).toEqual({});
  });
});

describe('@ImagesByRegion', () => {
  class MultiRegion extends AwsLikeArtifact {
    @ImagesByRegion() amis: unknown = { 'us-east-1': 'ami-1', 'eu-west-1': 'ami-2' };
    @SourceImageId() sourceAmi = 'ami-0';
    @Label('os') os = 'ubuntu';
    id() {
      return 'us-east-1:ami-1,eu-west-1:ami-2';
    }
  }

  it('yields one Image per region sharing provider, source and labels', () => {
    const images = new MultiRegion().state(ARTIFACT_STATE_URI) as Image[];
    expect(images.map((i) => i.toJSON())).toEqual([
      {
        ImageID: 'ami-1',
        ProviderName: 'aws',
        ProviderRegion: 'us-east-1',
        Labels: { os: 'ubuntu' },
        SourceImageID: 'ami-0',
      },
      {
        ImageID: 'ami-2',
        ProviderName: 'aws',
        ProviderRegion: 'eu-west-1',
        Labels: { os: 'ubuntu' },
        SourceImageID: 'ami-0',
      },
    ]);
    images[0].labels.os = 'changed';
    expect(images[1].labels.os).toBe('ubuntu');
  });

  it('accepts a Map and always returns an array', () => {
    const artifact = new MultiRegion();
    artifact.amis = new Map([['ap-south-1', 'ami-9']]);
    expect(artifact.state(ARTIFACT_STATE_URI)).toEqual([expect.any(Image)]);
  });

  it('rejects an empty map', () => {
    const artifact = new MultiRegion();
    artifact.amis = {};
    expect(() => artifact.state(ARTIFACT_STATE_URI)).toThrow(ImageValidationError);
    expect(() => artifact.state(ARTIFACT_STATE_URI)).toThrow(
      'MultiRegion.amis (@ImagesByRegion()) holds no images; the artifact must state at least one region → image id entry',
    );
  });

  it('rejects non-string ids and non-map values', () => {
    const artifact = new MultiRegion();
    artifact.amis = { 'us-east-1': 5 };
    expect(() => artifact.state(ARTIFACT_STATE_URI)).toThrow(
      'MultiRegion.amis["us-east-1"] (@ImagesByRegion()) must hold a string image id, but holds number 5.',
    );
    artifact.amis = ['ami-1'];
    expect(() => artifact.state(ARTIFACT_STATE_URI)).toThrow(ArtifactMemberValueError);
  });

  it('names the failing region when an image is invalid', () => {
    const artifact = new MultiRegion();
    artifact.amis = { 'us-east-1': 'ami-1', 'eu-west-1': '' };
    try {
      artifact.state(ARTIFACT_STATE_URI);
      throw new Error('expected state() to throw');
    } catch (error) {
      expect((error as ImageValidationError).issues.map((i) => i.path)).toEqual([
        'amis[eu-west-1].imageId',
      ]);
      expect((error as Error).message).toContain(
        'amis[eu-west-1].imageId: must be a non-empty string, got ""',
      );
    }
  });
});

describe('member values of the wrong type', () => {
  it('names the class and member for a non-string @ImageId', () => {
    class Numeric extends TestArtifact {
      @ImageId() ami: unknown = 12;
      @SourceImageId() source = 's';
    }
    expect(() => new Numeric().state(ARTIFACT_STATE_URI)).toThrow(
      'Numeric.ami (@ImageId()) must hold a string, but holds number 12.',
    );
  });
});
