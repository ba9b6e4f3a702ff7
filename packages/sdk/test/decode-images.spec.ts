import { Image, ImageDecodeError, UnsafeKeyError, decodeImages } from '@imprint/sdk';

const wire = {
  ImageID: 'ami-1',
  ProviderName: 'aws',
  ProviderRegion: 'eu-west-1',
  Labels: { os: 'debian' },
  SourceImageID: 'ami-0',
};

describe('decodeImages', () => {
  it('gives [] for null and undefined', () => {
    expect(decodeImages(null)).toEqual([]);
    expect(decodeImages(undefined)).toEqual([]);
  });

  it('decodes an Image', () => {
    const image = new Image({ imageId: 'i', providerName: 'p', sourceImageId: 's' });
    const [decoded] = decodeImages(image);
    expect(decoded).toBeInstanceOf(Image);
    expect(decoded).toEqual(image);
    expect(decoded).not.toBe(image);
  });

  it('decodes the wire form and the camelCase form alike', () => {
    const camel = {
      imageId: 'ami-1',
      providerName: 'aws',
      providerRegion: 'eu-west-1',
      labels: { os: 'debian' },
      sourceImageId: 'ami-0',
    };
    expect(decodeImages(wire)).toEqual(decodeImages(camel));
    expect(decodeImages(wire)[0].toJSON()).toEqual(wire);
  });

  it('matches keys case-insensitively, as weak decoding does', () => {
    const [image] = decodeImages({ imageid: 'a', PROVIDERNAME: 'b', sourceImageID: 'c' });
    expect([image.imageId, image.providerName, image.sourceImageId]).toEqual(['a', 'b', 'c']);
  });

  it('decodes arrays, in order', () => {
    const images = decodeImages([wire, { ...wire, ImageID: 'ami-2' }]);
    expect(images.map((i) => i.imageId)).toEqual(['ami-1', 'ami-2']);
  });

  it('reads known fields only', () => {
    const [image] = decodeImages({ ...wire, Extra: 'x', validate: 'not a function' });
    expect(Object.keys(image).sort()).toEqual([
      'imageId',
      'labels',
      'providerName',
      'providerRegion',
      'sourceImageId',
    ]);
    expect(typeof image.validate).toBe('function');
  });

  it('turns numbers and booleans into strings, and absent fields into empty ones', () => {
    const [image] = decodeImages({
      ImageID: 42,
      Labels: { debug: true, cores: 2 },
      SourceImageID: null,
    });
    expect(image.imageId).toBe('42');
    // Go's weak decoding writes booleans as 1 and 0 (compat/vectors).
    expect(image.labels).toEqual({ debug: '1', cores: '2' });
    expect(image.sourceImageId).toBe('');
    expect(image.providerName).toBe('');
  });

  it('does not validate', () => {
    expect(decodeImages({ Extra: 'x' })).toEqual([new Image()]);
    expect(decodeImages([null])).toEqual([new Image()]);
  });

  it('reads an empty object as no images, as mapstructure reads an empty map', () => {
    expect(decodeImages({})).toEqual([]);
  });

  it.each([
    [42, 'state is number 42'],
    ['ami-1', 'state is string "ami-1"'],
    [true, 'state is boolean true'],
    [new Map([['ImageID', 'x']]), 'state is Map object'],
    [[wire, 7], 'state[1] is number 7'],
    [[wire, [wire]], 'state[1] is array'],
  ])('rejects %p naming its type and position', (state, message) => {
    expect(() => decodeImages(state)).toThrow(ImageDecodeError);
    expect(() => decodeImages(state)).toThrow(`Cannot decode registry metadata: ${message}`);
  });

  it('rejects field values that cannot be strings', () => {
    expect(() => decodeImages({ ImageID: { id: 1 } })).toThrow(
      'Cannot decode registry metadata: state.ImageID is object {"id":1}; expected a string.',
    );
    expect(() => decodeImages([{ Labels: 'os=linux' }])).toThrow(
      'state[0].Labels is string "os=linux"; expected a map of string to string',
    );
    expect(() => decodeImages({ Labels: { os: ['a'] } })).toThrow(
      'state.Labels.os is array ["a"]; expected a string',
    );
  });

  it('takes the Go field name over a case-folded one, as mapstructure does', () => {
    expect(decodeImages({ ImageID: 'a', imageId: 'b' })[0].imageId).toBe('a');
  });

  it('rejects two case-folded keys naming the same field', () => {
    expect(() => decodeImages({ imageid: 'a', imageId: 'b' })).toThrow(
      "state has 'imageid' and 'imageId', which name the same field; keep one (or use 'ImageID')",
    );
  });

  it.each(['__proto__', 'constructor', 'prototype'])(
    'rejects the key %s at the top level and in labels',
    (key) => {
      const top = JSON.parse(`{"ImageID":"a","${key}":{"polluted":"yes"}}`);
      expect(() => decodeImages(top)).toThrow(UnsafeKeyError);
      expect(() => decodeImages(top)).toThrow(`Refusing key '${key}' at state`);
      const nested = JSON.parse(`[{"Labels":{"${key}":"x"}}]`);
      expect(() => decodeImages(nested)).toThrow(`Refusing key '${key}' at state[0].Labels`);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    },
  );
});
