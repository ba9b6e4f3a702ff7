import {
  ARTIFACT_STATE_URI,
  ImageId,
  Label,
  SourceImageId,
  compileArtifactMetadata,
} from '@imprint/sdk';
import { TestArtifact } from '../fixtures/artifacts';

class Counted extends TestArtifact {
  @ImageId() ami = 'ami-1';
  @SourceImageId() source = 'ami-0';
  @Label() os = 'linux';
}

describe('class metadata is compiled once', () => {
  it('reads no reflection metadata after the first state() call', () => {
    const getOwnMetadata = jest.spyOn(Reflect, 'getOwnMetadata');
    const getMetadata = jest.spyOn(Reflect, 'getMetadata');
    try {
      const artifact = new Counted();
      artifact.state(ARTIFACT_STATE_URI);
      const afterFirst = getOwnMetadata.mock.calls.length;
      expect(afterFirst).toBeGreaterThan(0);
      for (let i = 0; i < 100; i += 1) artifact.state(ARTIFACT_STATE_URI);
      expect(getOwnMetadata.mock.calls.length).toBe(afterFirst);
      expect(getMetadata).not.toHaveBeenCalled();
    } finally {
      getOwnMetadata.mockRestore();
      getMetadata.mockRestore();
    }
  });

  it('caches one frozen shape per class', () => {
    const shape = compileArtifactMetadata(Counted);
    expect(compileArtifactMetadata(Counted)).toBe(shape);
    expect(Object.isFrozen(shape)).toBe(true);
    expect(Object.isFrozen(shape.labels)).toBe(true);
    expect(Object.isFrozen(shape.labels[0])).toBe(true);
  });
});
