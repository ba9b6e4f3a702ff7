import { ARTIFACT_SBOM_STATE_KEY } from '../image/artifact-state-uri';
import { describeType, describeTypedValue } from './describe-value';
import { SDK_ERROR_CODES } from './error-codes';
import { ImprintError } from './imprint.error';

/** A value given to `decodeImages` is not registry metadata. */
export class ImageDecodeError extends ImprintError {
  readonly code = SDK_ERROR_CODES.IMAGE_DECODE;

  constructor(
    /** Where the offending value sits, e.g. `state[1]` or `state.Labels.os`. */
    readonly position: string,
    readonly problem: string,
  ) {
    super(`Cannot decode registry metadata: ${position} ${problem}.`);
  }
}

/** A value stated under `imprint.sbom` (`ARTIFACT_SBOM_STATE_KEY`) is not an `ArtifactSbom`. */
export class SbomDecodeError extends ImprintError {
  readonly code = SDK_ERROR_CODES.SBOM_DECODE;

  constructor(
    /** Where the offending value sits, e.g. `state.format` or `state.document.components[2]`. */
    readonly position: string,
    readonly problem: string,
  ) {
    super(
      `Cannot read the SBOM an artifact states under '${ARTIFACT_SBOM_STATE_KEY}': ${position} ${problem}.`,
    );
  }
}

/** Input used one of the keys `__proto__`, `constructor` or `prototype`. */
export class UnsafeKeyError extends ImprintError {
  readonly code = SDK_ERROR_CODES.UNSAFE_KEY;

  constructor(
    readonly position: string,
    readonly key: string,
  ) {
    super(
      `Refusing key '${key}' at ${position}: '__proto__', 'constructor' and 'prototype' cannot be used as metadata keys. Rename the key.`,
    );
  }
}

/** `fromArtifact` was given `null` or `undefined`. */
export class MissingArtifactError extends ImprintError {
  readonly code = SDK_ERROR_CODES.ARTIFACT_MISSING;

  constructor(given: null | undefined) {
    super(
      `Unable to create an Image from ${given === null ? 'a null' : 'an undefined'} artifact: pass the artifact whose metadata you want (usually \`this\` inside state()).`,
    );
  }
}

/** A function argument has the wrong type (e.g. an override that is not a function). */
export class InvalidArgumentError extends ImprintError {
  readonly code = SDK_ERROR_CODES.INVALID_ARGUMENT;

  constructor(
    readonly argument: string,
    readonly expected: string,
    readonly received: unknown,
  ) {
    super(`${argument} must be ${expected}, but got ${describeTypedValue(received)}.`);
  }
}

/** A map was expected (a `Map` or a plain object) and something else was given. */
export class NotAMapError extends ImprintError {
  readonly code = SDK_ERROR_CODES.NOT_A_MAP;

  constructor(
    readonly where: string,
    readonly received: unknown,
  ) {
    super(
      `${where}: the incoming data does not appear to be a map; found type to be ${describeType(received)}. Pass a Map or a plain object.`,
    );
  }
}

/** A decorator was applied where it cannot work; thrown when the class is defined. */
export class DecoratorUsageError extends ImprintError {
  readonly code = SDK_ERROR_CODES.DECORATOR_USAGE;

  constructor(
    /** `Class.prototype.member` (or `Class` for class decorators). */
    readonly location: string,
    readonly decorator: string,
    readonly problem: string,
    readonly fix: string,
  ) {
    super(`${decorator} on ${location}: ${problem}. ${fix}`);
  }
}

/** A class's decorated members contradict each other; lists every problem at once. */
export class ArtifactMetadataConflictError extends ImprintError {
  readonly code = SDK_ERROR_CODES.METADATA_CONFLICT;

  constructor(
    readonly artifactClass: string,
    readonly problems: readonly string[],
  ) {
    super(
      `Registry metadata declared on ${artifactClass} is inconsistent (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
  }
}

/** A decorated member holds a value of the wrong type at run time. */
export class ArtifactMemberValueError extends ImprintError {
  readonly code = SDK_ERROR_CODES.MEMBER_VALUE;

  constructor(
    readonly artifactClass: string,
    readonly member: string,
    readonly decorator: string,
    readonly expected: string,
    readonly received: unknown,
    hint?: string,
  ) {
    super(
      `${artifactClass}.${member} (${decorator}) must hold ${expected}, but holds ${describeTypedValue(received)}.${hint ? ` ${hint}` : ''}`,
    );
  }
}

/** Metadata was recorded by a copy of `@imprint/sdk` whose storage format this copy cannot read. */
export class SdkVersionConflictError extends ImprintError {
  readonly code = SDK_ERROR_CODES.SDK_VERSION_CONFLICT;

  constructor(
    readonly location: string,
    readonly recordedBy: string,
    readonly readBy: string,
  ) {
    super(
      `${location} was decorated by @imprint/sdk ${recordedBy}, whose metadata format @imprint/sdk ${readBy} cannot read. Two incompatible copies of the SDK are loaded: declare @imprint/sdk as a peerDependency of the plugin (not a dependency) so that one copy is shared, or align their versions.`,
    );
  }
}

/** `expectRegistryMetadata` found an artifact whose registry metadata is missing or invalid. */
export class RegistryMetadataAssertionError extends ImprintError {
  readonly code = SDK_ERROR_CODES.METADATA_ASSERTION;

  constructor(
    message: string,
    readonly issues: readonly string[] = [],
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
