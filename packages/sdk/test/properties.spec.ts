import fc from 'fast-check';
import { Image, decodeImages, fromArtifact, fromMappedData, setLabels, withId } from '@imprint/sdk';
import { MockArtifact } from '@imprint/sdk/testing';

const UNSAFE = new Set(['__proto__', 'constructor', 'prototype']);
const safeKey = fc.string().filter((k) => !UNSAFE.has(k));
const anyValue = fc.oneof(
  fc.string(),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string()),
  fc.dictionary(safeKey, fc.string()),
);
const labelMap = fc.dictionary(safeKey, fc.string());
const artifact = new MockArtifact();

describe('properties', () => {
  it('setLabels keeps exactly the string entries and merges them over existing labels', () => {
    fc.assert(
      fc.property(labelMap, fc.dictionary(safeKey, anyValue), (existing, metadata) => {
        const image = fromArtifact(artifact, setLabels(existing), setLabels(metadata));
        const expected: Record<string, string> = { ...existing };
        for (const [k, v] of Object.entries(metadata)) if (typeof v === 'string') expected[k] = v;
        expect(image.labels).toEqual(expected);
        expect(Object.values(image.labels).every((v) => typeof v === 'string')).toBe(true);
      }),
    );
  });

  it('fromMappedData makes one image per entry, in entry order', () => {
    fc.assert(
      fc.property(fc.dictionary(safeKey, fc.string()), (data) => {
        const images = fromMappedData(data, (key, value) =>
          fromArtifact(artifact, withId(`${key}=${value}`)),
        );
        expect(images.map((i) => i.imageId)).toEqual(
          Object.entries(data).map(([k, v]) => `${k}=${v}`),
        );
      }),
    );
  });

  it('fromMappedData stops at the first entry whose callback throws', () => {
    fc.assert(
      fc.property(fc.uniqueArray(safeKey, { minLength: 1 }), fc.nat(), (keys, n) => {
        const failAt = n % keys.length;
        const data = new Map(keys.map((k, i) => [k, i]));
        let calls = 0;
        expect(() =>
          fromMappedData(data, (_k, i) => {
            calls += 1;
            if (i === failAt) throw new Error(`entry ${i}`);
            return new Image();
          }),
        ).toThrow(`entry ${failAt}`);
        expect(calls).toBe(failAt + 1);
      }),
    );
  });

  it('toJSON → JSON → decodeImages gives back the same images', () => {
    const image = fc.record({
      imageId: fc.string(),
      providerName: fc.string(),
      providerRegion: fc.string(),
      labels: labelMap,
      sourceImageId: fc.string(),
    });
    fc.assert(
      fc.property(fc.array(image), (fields) => {
        const images = fields.map((f) => new Image(f));
        const decoded = decodeImages(JSON.parse(JSON.stringify(images)));
        expect(decoded).toEqual(images);
        expect(decoded.map((i) => i.toJSON())).toEqual(images.map((i) => i.toJSON()));
      }),
    );
  });
});
