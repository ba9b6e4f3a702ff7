import { runInNewContext } from 'node:vm';
import {
  ARTIFACT_SBOM_STATE_KEY,
  SbomDecodeError,
  UnsafeKeyError,
  decodeArtifactSbom,
  isArtifactSbom,
} from '@imprint/sdk';
import { TestArtifact } from './fixtures/artifacts';

const cyclonedx = { bomFormat: 'CycloneDX', specVersion: '1.6', version: 1, components: [] };
const spdx = { spdxVersion: 'SPDX-2.3', SPDXID: 'SPDXRef-DOCUMENT', packages: [] };

class SbomArtifact extends TestArtifact {}

describe('decodeArtifactSbom', () => {
  it('reads what an artifact states under imprint.sbom, keeping only the three fields', () => {
    const artifact = new SbomArtifact();
    artifact.stateData = {
      [ARTIFACT_SBOM_STATE_KEY]: {
        format: 'cyclonedx',
        name: 'app:1.0',
        document: cyclonedx,
        extra: 1,
      },
    };
    const sbom = decodeArtifactSbom(artifact.state(ARTIFACT_SBOM_STATE_KEY));
    expect(sbom).toEqual({ format: 'cyclonedx', name: 'app:1.0', document: cyclonedx });
    expect(sbom?.document).toBe(cyclonedx);
    expect(decodeArtifactSbom({ format: 'spdx', name: 'app', document: spdx })?.format).toBe(
      'spdx',
    );
  });

  it('gives undefined when the artifact states no SBOM', () => {
    expect(decodeArtifactSbom(new SbomArtifact().state(ARTIFACT_SBOM_STATE_KEY))).toBeUndefined();
    expect(decodeArtifactSbom(null)).toBeUndefined();
  });

  it.each([
    [
      'a string',
      '{"bomFormat":"CycloneDX"}',
      'state is string "{\\"bomFormat\\":\\"CycloneDX\\"}"; expected an object { format, name, document }',
    ],
    [
      'an unknown format',
      { format: 'swid', name: 'a', document: {} },
      'state.format is string "swid"; expected one of "cyclonedx", "spdx"',
    ],
    [
      'an empty name',
      { format: 'spdx', name: ' ', document: spdx },
      'state.name is string " "; expected a non-empty string',
    ],
    [
      'a document string',
      { format: 'spdx', name: 'a', document: JSON.stringify(spdx) },
      'state.document is string',
    ],
    [
      'a document array',
      { format: 'spdx', name: 'a', document: [] },
      'state.document is array []; expected the parsed JSON document',
    ],
    [
      'a format mismatch',
      { format: 'cyclonedx', name: 'a', document: spdx },
      'state.document has bomFormat undefined and specVersion undefined; a CycloneDX JSON document',
    ],
    [
      'an SPDX mismatch',
      { format: 'spdx', name: 'a', document: cyclonedx },
      'state.document has spdxVersion undefined; an SPDX JSON document',
    ],
    [
      'a NaN',
      { format: 'cyclonedx', name: 'a', document: { ...cyclonedx, version: Number.NaN } },
      'state.document.version is NaN; JSON numbers are finite',
    ],
    [
      'a Date deep inside',
      {
        format: 'cyclonedx',
        name: 'a',
        document: { ...cyclonedx, components: [{ at: new Date(0) }] },
      },
      'state.document.components[0].at is Date object',
    ],
    [
      'an undefined value',
      { format: 'cyclonedx', name: 'a', document: { ...cyclonedx, x: undefined } },
      'state.document.x is undefined',
    ],
  ])('refuses %s, naming the position', (_what, value, message) => {
    expect(() => decodeArtifactSbom(value)).toThrow(SbomDecodeError);
    expect(() => decodeArtifactSbom(value)).toThrow(
      `Cannot read the SBOM an artifact states under 'imprint.sbom': ${message}`,
    );
    expect(isArtifactSbom(value)).toBe(false);
  });

  it('reads documents made in another realm (vm context, structuredClone), but not class instances', () => {
    const foreign = runInNewContext(
      '({ bomFormat: "CycloneDX", specVersion: "1.6", components: [{ name: "a" }] })',
    );
    expect(
      decodeArtifactSbom({ format: 'cyclonedx', name: 'a', document: foreign })?.document,
    ).toBe(foreign);
    const cloned = structuredClone(cyclonedx);
    expect(isArtifactSbom({ format: 'cyclonedx', name: 'a', document: cloned })).toBe(true);
    class Component {
      name = 'a';
    }
    expect(() =>
      decodeArtifactSbom({
        format: 'cyclonedx',
        name: 'a',
        document: { ...cyclonedx, components: [new Component()] },
      }),
    ).toThrow('state.document.components[0] is Component object {"name":"a"}; expected JSON data');
  });

  it('refuses a cyclic document instead of overflowing the stack', () => {
    const document: Record<string, unknown> = { ...cyclonedx };
    document.self = document;
    expect(() => decodeArtifactSbom({ format: 'cyclonedx', name: 'a', document })).toThrow(
      'nests deeper than 64 levels',
    );
  });

  it('refuses unsafe keys at the top and inside the document', () => {
    expect(() => decodeArtifactSbom(JSON.parse('{"__proto__":1,"format":"spdx"}'))).toThrow(
      UnsafeKeyError,
    );
    const document = JSON.parse(
      '{"bomFormat":"CycloneDX","specVersion":"1.6","metadata":{"constructor":{}}}',
    );
    expect(() => decodeArtifactSbom({ format: 'cyclonedx', name: 'a', document })).toThrow(
      "Refusing key 'constructor' at state.document.metadata",
    );
  });

  it('isArtifactSbom is true only for a stated SBOM', () => {
    expect(isArtifactSbom({ format: 'cyclonedx', name: 'a', document: cyclonedx })).toBe(true);
    expect(isArtifactSbom(undefined)).toBe(false);
  });
});
