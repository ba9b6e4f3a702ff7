import {
  ARTIFACT_STATE_URI,
  Artifact,
  Image,
  InvalidArgumentError,
  MissingArtifactError,
  NotAMapError,
  UnsafeKeyError,
  fromArtifact,
  fromMappedData,
  setLabels,
  withId,
  withProvider,
  withRegion,
  withSourceId,
} from '@imprint/sdk';
import type { PackerArtifact } from '@imprint/sdk';
import { MockArtifact } from '@imprint/sdk/testing';

const artifact = new MockArtifact({ id: 'happy-id', builderId: 'happy.builder' });

describe('fromArtifact', () => {
  it("defaults to the artifact's id and builder id", () => {
    const image = fromArtifact(artifact);
    expect(image).toBeInstanceOf(Image);
    expect({ ...image }).toEqual({
      imageId: 'happy-id',
      providerName: 'happy.builder',
      providerRegion: '',
      labels: {},
      sourceImageId: '',
    });
  });

  it('works with any PackerArtifact, not only subclasses of Artifact', () => {
    const plain: PackerArtifact = {
      builderId: () => 'b',
      id: () => 'i',
      files: () => [],
      state: () => undefined,
      destroy: () => undefined,
      toString: () => 'plain',
    };
    expect(fromArtifact(plain).toString()).toBe('provider:b, image:i, region:');
  });

  it("applies overrides in order, like the reference's 'Using overrides' example", () => {
    const image = fromArtifact(
      artifact,
      withId('ami-1'),
      withRegion('us-east-1'),
      withProvider('happy-cloud'),
      withSourceId('ami-0'),
      setLabels({ os: 'ubuntu' }),
      withId('ami-2'),
    );
    expect(image.toJSON()).toEqual({
      ImageID: 'ami-2',
      ProviderName: 'happy-cloud',
      ProviderRegion: 'us-east-1',
      Labels: { os: 'ubuntu' },
      SourceImageID: 'ami-0',
    });
    expect(() => image.validate()).not.toThrow();
  });

  it('lets a subclass override state() with fromArtifact and overrides (the reference form)', () => {
    class HappyArtifact extends Artifact {
      name = 'happy-image';
      region = 'happy-region-1';
      sourceId = 'happy-source';
      labels = { os: 'happy-os', size: 3 };
      builderId() {
        return 'happy.builder';
      }
      id() {
        return 'happy-id';
      }
      override state(name: string): unknown {
        if (name === ARTIFACT_STATE_URI) {
          return fromArtifact(
            this,
            withId(this.name),
            withRegion(this.region),
            withProvider('happy-cloud'),
            withSourceId(this.sourceId),
            setLabels(this.labels),
          );
        }
        return super.state(name);
      }
    }
    expect(String(new HappyArtifact().state(ARTIFACT_STATE_URI))).toBe(
      'provider:happy-cloud, image:happy-image, region:happy-region-1',
    );
  });
  it('does not validate', () => {
    expect(fromArtifact(artifact).sourceImageId).toBe('');
  });

  it('names the artifact class when the result fails validation', () => {
    class HappyArtifact extends MockArtifact {}
    expect(() => fromArtifact(new HappyArtifact()).validate()).toThrow(
      /^Registry metadata of HappyArtifact is invalid \(1 problem\):\n {2}- sourceImageId: must be a non-empty string, got ""/,
    );
  });

  it('aborts with the error of the first override that throws', () => {
    const calls: string[] = [];
    const failing = () => {
      calls.push('failing');
      throw new Error('region lookup failed');
    };
    expect(() =>
      fromArtifact(
        artifact,
        (i) => void calls.push(`first ${i.imageId}`),
        failing,
        () => void calls.push('never'),
      ),
    ).toThrow('region lookup failed');
    expect(calls).toEqual(['first happy-id', 'failing']);
  });

  it.each([
    [null, 'a null'],
    [undefined, 'an undefined'],
  ])('refuses a %p artifact', (missing, shown) => {
    expect(() => fromArtifact(missing)).toThrow(MissingArtifactError);
    expect(() => fromArtifact(missing)).toThrow(`Unable to create an Image from ${shown} artifact`);
  });

  it('refuses an override that is not a function', () => {
    expect(() => fromArtifact(artifact, withId('x'), 'ami-1' as never)).toThrow(
      InvalidArgumentError,
    );
    expect(() => fromArtifact(artifact, withId('x'), 'ami-1' as never)).toThrow(
      'fromArtifact override #2 must be a function, but got string "ami-1".',
    );
  });
});

describe('setLabels', () => {
  it('keeps string values only and merges into existing labels', () => {
    const image = fromArtifact(
      artifact,
      setLabels({ os: 'ubuntu', keep: 'me' }),
      setLabels({ os: 'debian', cores: 4, tags: ['a'], nested: { a: 'b' }, nothing: null }),
    );
    expect(image.labels).toEqual({ os: 'debian', keep: 'me' });
  });

  it('accepts a Map and ignores null', () => {
    const image = fromArtifact(
      artifact,
      setLabels(
        new Map<string, unknown>([
          ['os', 'alpine'],
          ['n', 1],
        ]),
      ),
      setLabels(null),
    );
    expect(image.labels).toEqual({ os: 'alpine' });
  });

  it('refuses something that is not a map', () => {
    expect(() => fromArtifact(artifact, setLabels('os=linux' as never))).toThrow(NotAMapError);
    expect(() => fromArtifact(artifact, setLabels(['os'] as never))).toThrow(
      'setLabels: the incoming data does not appear to be a map; found type to be array.',
    );
  });

  it('refuses prototype-polluting keys', () => {
    const metadata = JSON.parse('{"__proto__":"x"}');
    expect(() => fromArtifact(artifact, setLabels(metadata))).toThrow(UnsafeKeyError);
  });
});

describe('fromMappedData', () => {
  const toImage = (region: unknown, ami: unknown) =>
    fromArtifact(artifact, withId(String(ami)), withRegion(String(region)));

  it('makes one image per entry of a plain object, in order', () => {
    const images = fromMappedData({ 'us-east-1': 'ami-1', 'eu-west-1': 'ami-2' }, toImage);
    expect(images.map((i) => i.toString())).toEqual([
      'provider:happy.builder, image:ami-1, region:us-east-1',
      'provider:happy.builder, image:ami-2, region:eu-west-1',
    ]);
  });

  it('makes one image per entry of a Map, passing keys as they are', () => {
    const keys: unknown[] = [];
    const images = fromMappedData(
      new Map<number, string>([
        [1, 'a'],
        [2, 'b'],
      ]),
      (k, v) => {
        keys.push(k);
        return toImage(k, v);
      },
    );
    expect(keys).toEqual([1, 2]);
    expect(images).toHaveLength(2);
  });

  it('gives [] for an empty map', () => {
    expect(fromMappedData({}, toImage)).toEqual([]);
  });

  it('aborts the whole call when f throws', () => {
    let calls = 0;
    expect(() =>
      fromMappedData({ a: 1, b: 2, c: 3 }, (k) => {
        calls += 1;
        if (k === 'b') throw new Error('no image for b');
        return new Image();
      }),
    ).toThrow('no image for b');
    expect(calls).toBe(2);
  });

  it.each([
    ['ami-1', 'string'],
    [42, 'number'],
    [null, 'null'],
    [undefined, 'undefined'],
    [['a'], 'array'],
    [new Set(['a']), 'Set object'],
  ])('refuses %p, which is not a map', (data, type) => {
    expect(() => fromMappedData(data as never, toImage)).toThrow(NotAMapError);
    expect(() => fromMappedData(data as never, toImage)).toThrow(
      `fromMappedData: the incoming data does not appear to be a map; found type to be ${type}.`,
    );
  });

  it('refuses a callback that is not a function', () => {
    expect(() => fromMappedData({ a: 1 }, undefined as never)).toThrow(InvalidArgumentError);
  });
});
