import { ImprintError } from '@imprint/sdk';

/**
 * Every stable error code this plugin throws. Each is listed in the README's
 * "Errors" section; a test keeps the two lists equal. Match on `code`, not on
 * the message text.
 */
export const DOCKER_LIKE_ERROR_CODES = {
  BASE_NOT_FOUND: 'DOCKER_LIKE_ERR_BASE_NOT_FOUND',
  LAYOUT_INVALID: 'DOCKER_LIKE_ERR_LAYOUT_INVALID',
  BLOB_MISSING: 'DOCKER_LIKE_ERR_BLOB_MISSING',
  DIGEST_MISMATCH: 'DOCKER_LIKE_ERR_DIGEST_MISMATCH',
  REF_NOT_FOUND: 'DOCKER_LIKE_ERR_REF_NOT_FOUND',
  UNSUPPORTED_IMAGE: 'DOCKER_LIKE_ERR_UNSUPPORTED_IMAGE',
  PLATFORM_MISMATCH: 'DOCKER_LIKE_ERR_PLATFORM_MISMATCH',
  SOURCE_NOT_FOUND: 'DOCKER_LIKE_ERR_SOURCE_NOT_FOUND',
  SOURCE_UNSUPPORTED: 'DOCKER_LIKE_ERR_SOURCE_UNSUPPORTED',
  PATH_CONFLICT: 'DOCKER_LIKE_ERR_PATH_CONFLICT',
  OUTPUT_NOT_WRITABLE: 'DOCKER_LIKE_ERR_OUTPUT_NOT_WRITABLE',
  OUTPUT_CONFLICT: 'DOCKER_LIKE_ERR_OUTPUT_CONFLICT',
  INPUT_ARTIFACT: 'DOCKER_LIKE_ERR_INPUT_ARTIFACT',
  PUSH_TARGET: 'DOCKER_LIKE_ERR_PUSH_TARGET',
  IMAGE_NOT_FOUND: 'DOCKER_LIKE_ERR_IMAGE_NOT_FOUND',
  IMAGE_AMBIGUOUS: 'DOCKER_LIKE_ERR_IMAGE_AMBIGUOUS',
  IMAGE_UNNAMED: 'DOCKER_LIKE_ERR_IMAGE_UNNAMED',
} as const;

/** One of {@link DOCKER_LIKE_ERROR_CODES}. */
export type DockerLikeErrorCode =
  (typeof DOCKER_LIKE_ERROR_CODES)[keyof typeof DOCKER_LIKE_ERROR_CODES];

/**
 * Base class of every error this plugin throws (configuration errors excepted:
 * those are the SDK's `ConfigError`). Messages say what is wrong, where, and
 * how to fix it.
 *
 * @example
 * ```ts
 * try { await builder.run(context); } catch (error) {
 *   if (error instanceof DockerLikeError && error.code === DOCKER_LIKE_ERROR_CODES.BASE_NOT_FOUND) { ... }
 * }
 * ```
 */
export abstract class DockerLikeError extends ImprintError {
  /** Stable identifier of the condition, e.g. `DOCKER_LIKE_ERR_BASE_NOT_FOUND`. */
  abstract override readonly code: DockerLikeErrorCode;
}

/** The base image layout (the `base` setting) does not exist or is not an OCI image layout. */
export class BaseNotFoundError extends DockerLikeError {
  readonly code = DOCKER_LIKE_ERROR_CODES.BASE_NOT_FOUND;

  constructor(
    /** The resolved layout directory. */
    readonly dir: string,
    /** What is missing, e.g. `index.json does not exist`. */
    readonly problem: string,
    options?: ErrorOptions,
  ) {
    super(
      `Base image layout ${dir} not found: ${problem}. Set 'base' to "scratch" or to the directory of an OCI image layout (one holding oci-layout, index.json and blobs/), e.g. the output_dir of an earlier docker-like build or the result of \`skopeo copy docker://alpine:3 oci:DIR:latest\`.`,
      options,
    );
  }
}

/** A file of an OCI image layout (oci-layout, index.json, a manifest or config) is malformed. */
export class LayoutInvalidError extends DockerLikeError {
  readonly code = DOCKER_LIKE_ERROR_CODES.LAYOUT_INVALID;

  constructor(
    /** The offending file. */
    readonly file: string,
    readonly problem: string,
    fix = 'The layout is damaged or was not written by an OCI tool: rebuild it, or copy it again with `skopeo copy`.',
    options?: ErrorOptions,
  ) {
    super(`Invalid OCI image layout file ${file}: ${problem}. ${fix}`, options);
  }
}

/** A blob that a manifest or index refers to is absent from `blobs/`. */
export class BlobMissingError extends DockerLikeError {
  readonly code = DOCKER_LIKE_ERROR_CODES.BLOB_MISSING;

  constructor(
    /** Where the blob should be. */
    readonly file: string,
    readonly digest: string,
    /** What refers to it, e.g. `layer 1 of manifest sha256:…`. */
    readonly referencedBy: string,
  ) {
    super(
      `Blob ${digest} (${referencedBy}) is missing: ${file} does not exist. The layout is incomplete: copy the whole layout directory again (or rebuild it); layouts that rely on an external blob store are not supported.`,
    );
  }
}

/** A blob's content does not match the digest or size its descriptor gives. */
export class DigestMismatchError extends DockerLikeError {
  readonly code = DOCKER_LIKE_ERROR_CODES.DIGEST_MISMATCH;

  constructor(
    readonly file: string,
    /** The digest and size the descriptor promises. */
    readonly expected: { readonly digest: string; readonly size: number },
    /** The digest and size of the bytes on disk. */
    readonly actual: { readonly digest: string; readonly size: number },
    readonly referencedBy: string,
  ) {
    super(
      `Blob ${file} (${referencedBy}) is corrupt: expected ${expected.digest} (${expected.size} bytes) but its content is ${actual.digest} (${actual.size} bytes). Do not use this layout: rebuild it, or copy it again from a trusted source.`,
    );
  }
}

/** `base_ref` names no manifest in the base layout, or the layout holds several and none was chosen. */
export class RefNotFoundError extends DockerLikeError {
  readonly code = DOCKER_LIKE_ERROR_CODES.REF_NOT_FOUND;

  constructor(
    readonly indexFile: string,
    /** The ref asked for; undefined when none was given and the choice is ambiguous. */
    readonly ref: string | undefined,
    /** Ref names the index does hold. */
    readonly available: readonly string[],
  ) {
    const known =
      available.length > 0
        ? available.map((r) => `'${r}'`).join(', ')
        : 'none (no descriptor carries org.opencontainers.image.ref.name)';
    super(
      ref === undefined
        ? `${indexFile} lists several manifests; set 'base_ref' to pick one. Ref names in the index: ${known}.`
        : `No manifest named '${ref}' in ${indexFile}. Set 'base_ref' to one of: ${known}.`,
    );
  }
}

/** The image uses a feature this example does not handle (multi-platform index, non-OCI media type, non-sha256 digest). */
export class UnsupportedImageError extends DockerLikeError {
  readonly code = DOCKER_LIKE_ERROR_CODES.UNSUPPORTED_IMAGE;

  constructor(
    readonly file: string,
    readonly problem: string,
    readonly fix: string,
  ) {
    super(`Unsupported image in ${file}: ${problem}. ${fix}`);
  }
}

/** `architecture` or `os` contradicts the base image's platform. */
export class PlatformMismatchError extends DockerLikeError {
  readonly code = DOCKER_LIKE_ERROR_CODES.PLATFORM_MISMATCH;

  constructor(
    readonly field: 'architecture' | 'os',
    readonly configured: string,
    readonly base: string,
    readonly baseDir: string,
  ) {
    super(
      `'${field}' is '${configured}' but the base image in ${baseDir} is built for ${field} '${base}': its binaries would not run. Remove '${field}' to inherit '${base}', or pick a base image built for '${configured}'.`,
    );
  }
}

/** A `files[].source` path does not exist or cannot be read. */
export class SourceNotFoundError extends DockerLikeError {
  readonly code = DOCKER_LIKE_ERROR_CODES.SOURCE_NOT_FOUND;

  constructor(
    /** Template path of the setting, e.g. `files[2].source`. */
    readonly field: string,
    /** The resolved path. */
    readonly path: string,
    readonly reason: string,
    options?: ErrorOptions,
  ) {
    super(
      `${field}: cannot read ${path} (${reason}). Relative sources resolve against the directory the build runs from (${process.cwd()}); fix the path or create the file.`,
      options,
    );
  }
}

/** A `files[].source` is neither a regular file, a directory nor a symbolic link. */
export class SourceUnsupportedError extends DockerLikeError {
  readonly code = DOCKER_LIKE_ERROR_CODES.SOURCE_UNSUPPORTED;

  constructor(
    readonly field: string,
    readonly path: string,
    readonly kind: string,
  ) {
    super(
      `${field}: ${path} is a ${kind}; only regular files, directories and symbolic links can be copied into an image. Remove it from the source directory or copy a different path.`,
    );
  }
}

/** Two `files` entries need one image path to be both a file and a directory. */
export class PathConflictError extends DockerLikeError {
  readonly code = DOCKER_LIKE_ERROR_CODES.PATH_CONFLICT;

  constructor(
    /** The image path, e.g. `/app/config`. */
    readonly imagePath: string,
    readonly first: string,
    readonly second: string,
  ) {
    super(
      `${imagePath} is a ${first} and a ${second} at once in the new layer. Change one of the destinations so that no file sits where a directory is needed.`,
    );
  }
}

/** The layout directory cannot be created or written. */
export class OutputNotWritableError extends DockerLikeError {
  readonly code = DOCKER_LIKE_ERROR_CODES.OUTPUT_NOT_WRITABLE;

  constructor(
    readonly dir: string,
    readonly reason: string,
    options?: ErrorOptions,
  ) {
    super(
      `Cannot write the image layout to ${dir}: ${reason}. Set 'output_dir' to a directory you can write (relative paths resolve against the build's work directory).`,
      options,
    );
  }
}

/** The output directory already holds something this build must not overwrite. */
export class OutputConflictError extends DockerLikeError {
  readonly code = DOCKER_LIKE_ERROR_CODES.OUTPUT_CONFLICT;

  constructor(
    readonly dir: string,
    readonly problem: string,
  ) {
    super(
      `Refusing to write the image layout to ${dir}: ${problem}. Delete the directory, or choose another 'output_dir' or 'tag'.`,
    );
  }
}

/** A post-processor received an artifact that is not a docker-like image. */
export class InputArtifactError extends DockerLikeError {
  readonly code = DOCKER_LIKE_ERROR_CODES.INPUT_ARTIFACT;

  constructor(
    readonly postProcessor: string,
    readonly builderId: string,
    readonly problem: string,
  ) {
    super(
      `${postProcessor} cannot process the artifact of '${builderId}': ${problem}. Run it after the docker-like builder (or after another docker-like post-processor).`,
    );
  }
}

/** The push target (`registry_dir` / `repository`) cannot hold the pushed image. */
export class PushTargetError extends DockerLikeError {
  readonly code = DOCKER_LIKE_ERROR_CODES.PUSH_TARGET;

  constructor(
    readonly target: string,
    readonly problem: string,
    readonly fix: string,
    options?: ErrorOptions,
  ) {
    super(`Cannot push to ${target}: ${problem}. ${fix}`, options);
  }
}

/** A layout directory the `docker-like-layout` data source could not read while searching. */
export interface UnreadableLayout {
  readonly dir: string;
  /** Why, e.g. the message of a `LayoutInvalidError`. */
  readonly reason: string;
}

/** No OCI layout under `search_dir` holds the image the `docker-like-layout` data source looks for. */
export class ImageNotFoundError extends DockerLikeError {
  readonly code = DOCKER_LIKE_ERROR_CODES.IMAGE_NOT_FOUND;

  constructor(
    /** Where the data block is, e.g. `docker-like-layout data 'base'`. */
    readonly where: string,
    readonly imageId: string,
    readonly searchDir: string,
    /** How many directory levels below `searchDir` were searched. */
    readonly depth: number,
    /** How many layouts were found and read. */
    readonly layoutCount: number,
    readonly unreadable: readonly UnreadableLayout[] = [],
  ) {
    const skipped =
      unreadable.length === 0
        ? ''
        : ` ${unreadable.length} layout${unreadable.length === 1 ? '' : 's'} could not be read: ${unreadable.map((u) => `${u.dir} (${u.reason})`).join('; ')}.`;
    super(
      `${where}: no OCI image layout in ${searchDir} (searched ${depth} directory levels deep, ${layoutCount} layout${layoutCount === 1 ? '' : 's'} found) holds image ${imageId}.${skipped} Check that this machine has the image (build it, or copy its layout with \`skopeo copy\`) and that search_dir is a directory above its layout, at most ${depth} levels up.`,
    );
  }
}

/** Several OCI layouts (or manifests) under `search_dir` hold the image, and nothing says which to use. */
export class AmbiguousImageError extends DockerLikeError {
  readonly code = DOCKER_LIKE_ERROR_CODES.IMAGE_AMBIGUOUS;

  constructor(
    readonly where: string,
    readonly imageId: string,
    readonly searchDir: string,
    /** Each holder: `<layout dir> (manifest sha256:…)`. */
    readonly holders: readonly string[],
  ) {
    super(
      `${where}: ${holders.length} manifests under ${searchDir} hold image ${imageId}: ${holders.join(', ')}. Narrow search_dir to a directory holding only one of them (e.g. one of those layout directories), or delete the copies you do not need.`,
    );
  }
}

/** The image's manifest has no ref name in a layout that holds other images, so `base_ref` cannot pick it. */
export class UnnamedImageError extends DockerLikeError {
  readonly code = DOCKER_LIKE_ERROR_CODES.IMAGE_UNNAMED;

  constructor(
    readonly where: string,
    readonly imageId: string,
    /** The layout directory. */
    readonly dir: string,
    readonly manifestDigest: string,
    /** How many manifests the layout lists in all. */
    readonly manifestCount: number,
  ) {
    super(
      `${where}: image ${imageId} is in ${dir} under manifest ${manifestDigest}, which has no ref name (org.opencontainers.image.ref.name), and the layout lists ${manifestCount} manifests, so a build cannot pick it with base_ref. Tag it (the docker-like-tag post-processor, or \`skopeo copy oci:${dir}@${manifestDigest} oci:${dir}:NAME\`), or copy it into a layout of its own.`,
    );
  }
}
