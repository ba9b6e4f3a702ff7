import { Image, ImageValidationError, SDK_ERROR_CODES, flattenErrors } from '@imprint/sdk';

const valid = {
  imageId: 'ami-0123456789abcdef0',
  providerName: 'aws',
  providerRegion: 'us-east-1',
  labels: { os: 'ubuntu' },
  sourceImageId: 'ami-0fedcba9876543210',
};

describe('Image', () => {
  it('prints provider, image and region like the Go SDK', () => {
    expect(new Image(valid).toString()).toBe(
      'provider:aws, image:ami-0123456789abcdef0, region:us-east-1',
    );
  });

  it('serialises to the wire form Packer core decodes', () => {
    expect(JSON.parse(JSON.stringify(new Image(valid)))).toEqual({
      ImageID: 'ami-0123456789abcdef0',
      ProviderName: 'aws',
      ProviderRegion: 'us-east-1',
      Labels: { os: 'ubuntu' },
      SourceImageID: 'ami-0fedcba9876543210',
    });
    expect(Object.keys(new Image(valid).toJSON()).sort()).toEqual([
      'ImageID',
      'Labels',
      'ProviderName',
      'ProviderRegion',
      'SourceImageID',
    ]);
  });

  it('copies the labels it is given', () => {
    const labels = { os: 'ubuntu' };
    const image = new Image({ ...valid, labels });
    labels.os = 'debian';
    expect(image.labels.os).toBe('ubuntu');
  });

  it('accepts complete metadata with an empty region', () => {
    expect(() => new Image({ ...valid, providerRegion: '' }).validate()).not.toThrow();
  });

  it.each([
    ['imageId', 'withId(...)'],
    ['providerName', 'withProvider(...)'],
    ['sourceImageId', 'withSourceId(...)'],
  ] as const)('rejects an empty %s and says how to fix it', (property, fix) => {
    const image = new Image({ ...valid, [property]: '' });
    let thrown: unknown;
    try {
      image.validate();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ImageValidationError);
    const error = thrown as ImageValidationError;
    expect(error.code).toBe(SDK_ERROR_CODES.IMAGE_INVALID);
    expect(error.issues.map((i) => i.property)).toEqual([property]);
    expect(error.issues[0].path).toBe(property);
    expect(error.message).toContain(`${property}: must be a non-empty string, got ""`);
    expect(error.message).toContain(fix);
  });

  it('reports every failing property at once', () => {
    const image = new Image();
    expect(() => image.validate()).toThrow(ImageValidationError);
    try {
      image.validate();
    } catch (error) {
      const issues = (error as ImageValidationError).issues;
      expect(issues.map((i) => i.property).sort()).toEqual([
        'imageId',
        'providerName',
        'sourceImageId',
      ]);
      expect((error as Error).message).toMatch(/^Registry metadata is invalid \(3 problems\):/);
      expect((error as Error).message).toContain(
        'add @SourceImageId() to a field or getter, or pass withSourceId(...)',
      );
    }
  });

  it('rejects wrong types put in by untyped code', () => {
    const image = new Image(valid);
    Object.assign(image, { providerRegion: 7, labels: { os: 'ubuntu', cores: 4 } });
    try {
      image.validate();
      throw new Error('expected validate() to throw');
    } catch (error) {
      const lines = flattenErrors((error as ImageValidationError).issues);
      expect(lines).toEqual([
        'providerRegion: must be a string, got 7',
        "labels: must be a map of string to string; not strings: 'cores'",
      ]);
    }
  });

  it('rejects labels that are not a map', () => {
    const image = new Image(valid);
    Object.assign(image, { labels: ['a'] });
    expect(() => image.validate()).toThrow(
      'labels: must be a map of string to string, got array ["a"]',
    );
  });
});
