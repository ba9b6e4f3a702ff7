import { ImprintError } from '@imprint/sdk';

/**
 * Every stable error code this plugin throws. Match on `code`, not on message
 * text. Each code is documented in the README's "Errors" table; a test keeps
 * the two lists equal.
 */
export const AWS_LIKE_ERROR_CODES = {
  SOURCE_NOT_FOUND: 'AWS_LIKE_ERR_SOURCE_NOT_FOUND',
  SOURCE_AMBIGUOUS: 'AWS_LIKE_ERR_SOURCE_AMBIGUOUS',
  UNKNOWN_REGION: 'AWS_LIKE_ERR_UNKNOWN_REGION',
  IMAGE_NOT_FOUND: 'AWS_LIKE_ERR_IMAGE_NOT_FOUND',
  IMAGE_NAME_IN_USE: 'AWS_LIKE_ERR_IMAGE_NAME_IN_USE',
  INSTANCE_NOT_FOUND: 'AWS_LIKE_ERR_INSTANCE_NOT_FOUND',
  PATH_OUTSIDE_INSTANCE: 'AWS_LIKE_ERR_PATH_OUTSIDE_INSTANCE',
  PROVISION_FAILED: 'AWS_LIKE_ERR_PROVISION_FAILED',
  COPY_FAILED: 'AWS_LIKE_ERR_COPY_FAILED',
  CANCELLED: 'AWS_LIKE_ERR_CANCELLED',
  DESTROY_FAILED: 'AWS_LIKE_ERR_DESTROY_FAILED',
  CLOUD_STATE: 'AWS_LIKE_ERR_CLOUD_STATE',
  INVALID_REQUEST: 'AWS_LIKE_ERR_INVALID_REQUEST',
  NOT_PREPARED: 'AWS_LIKE_ERR_NOT_PREPARED',
} as const;

/** One of {@link AWS_LIKE_ERROR_CODES}. */
export type AwsLikeErrorCode = (typeof AWS_LIKE_ERROR_CODES)[keyof typeof AWS_LIKE_ERROR_CODES];

/**
 * Base class of every error this plugin throws: an SDK `ImprintError` with
 * codes in this plugin's own namespace.
 */
export abstract class AwsLikeError extends ImprintError {
  /** Stable code, e.g. `AWS_LIKE_ERR_SOURCE_NOT_FOUND`. */
  abstract override readonly code: AwsLikeErrorCode;
}

/** The configured source image (by id or by filter) does not exist in the build region. */
export class SourceImageNotFoundError extends AwsLikeError {
  readonly code = AWS_LIKE_ERROR_CODES.SOURCE_NOT_FOUND;

  constructor(
    readonly region: string,
    readonly query: string,
    readonly where: string,
  ) {
    super(
      `${where}: no source image matches ${query} in region ${region}. Check the id or filter, check that the image lives in ${region} (images are per region), or seed it with LocalCloud.registerImage().`,
    );
  }
}

/** A filter (`source_ami_filter`, or the `aws-like-ami` data source's) without `most_recent` matched more than one image. */
export class AmbiguousSourceImageError extends AwsLikeError {
  readonly code = AWS_LIKE_ERROR_CODES.SOURCE_AMBIGUOUS;

  /** @param narrow - what the user narrows: `source_ami_filter`, or the data source's filter fields. */
  constructor(
    readonly region: string,
    readonly query: string,
    readonly imageIds: readonly string[],
    readonly where: string,
    narrow = 'source_ami_filter',
  ) {
    super(
      `${where}: ${imageIds.length} images in ${region} match ${query} (${imageIds.join(', ')}). Narrow ${narrow}, or set most_recent = true to take the newest.`,
    );
  }
}

/** The cloud does not have the region asked for. */
export class UnknownRegionError extends AwsLikeError {
  readonly code = AWS_LIKE_ERROR_CODES.UNKNOWN_REGION;

  constructor(
    readonly region: string,
    readonly knownRegions: readonly string[],
  ) {
    super(
      `Unknown region '${region}'. This cloud has: ${knownRegions.join(', ')}. Use one of them, or configure the cloud's regions (LocalCloud option \`regions\`).`,
    );
  }
}

/** An image id that the cloud does not know in that region. */
export class ImageNotFoundError extends AwsLikeError {
  readonly code = AWS_LIKE_ERROR_CODES.IMAGE_NOT_FOUND;

  constructor(
    readonly region: string,
    readonly imageId: string,
  ) {
    super(
      `Image ${imageId} does not exist in region ${region}; it was never created there or has been deregistered.`,
    );
  }
}

/** An image name is already taken in a region (names are unique per owner and region, as in EC2). */
export class ImageNameInUseError extends AwsLikeError {
  readonly code = AWS_LIKE_ERROR_CODES.IMAGE_NAME_IN_USE;

  constructor(
    readonly region: string,
    readonly imageName: string,
    readonly existingImageId: string,
  ) {
    super(
      `Image name '${imageName}' is already used by ${existingImageId} in region ${region}. Choose another ami_name, deregister ${existingImageId}, or set force_deregister = true to replace it.`,
    );
  }
}

/** An instance id that the cloud does not know (never launched, or terminated). */
export class InstanceNotFoundError extends AwsLikeError {
  readonly code = AWS_LIKE_ERROR_CODES.INSTANCE_NOT_FOUND;

  constructor(
    readonly region: string,
    readonly instanceId: string,
  ) {
    super(
      `Instance ${instanceId} does not exist in region ${region}; it was terminated or never launched.`,
    );
  }
}

/** A file destination resolves outside the instance's root filesystem. */
export class PathOutsideInstanceError extends AwsLikeError {
  readonly code = AWS_LIKE_ERROR_CODES.PATH_OUTSIDE_INSTANCE;

  constructor(
    readonly instanceId: string,
    readonly destination: string,
    reason: string,
  ) {
    super(
      `Cannot write '${destination}' on instance ${instanceId}: ${reason}. Destinations are absolute paths inside the instance (e.g. /etc/motd) and must not pass through links that lead outside it.`,
    );
  }
}

/** A provisioning step failed; the message names the step and shows the end of its output. */
export class ProvisionError extends AwsLikeError {
  readonly code = AWS_LIKE_ERROR_CODES.PROVISION_FAILED;

  constructor(
    readonly step: string,
    readonly instanceId: string,
    problem: string,
    /** The last lines the step printed, oldest first. */
    readonly output: readonly string[] = [],
    options?: ErrorOptions,
  ) {
    const reason = problem.replace(/\.$/, '');
    const tail =
      output.length > 0 ? `\nLast output:\n${output.map((l) => `  ${l}`).join('\n')}` : '';
    super(
      `Provisioning step ${step} failed on instance ${instanceId}: ${reason}. The instance is terminated and no image is created; fix the step and run the build again.${tail}`,
      options,
    );
  }
}

/** Copying the new image to one of `ami_regions` failed; the build's images are deregistered. */
export class ImageCopyError extends AwsLikeError {
  readonly code = AWS_LIKE_ERROR_CODES.COPY_FAILED;

  constructor(
    readonly imageId: string,
    readonly sourceRegion: string,
    readonly failedRegion: string,
    readonly madeImages: Readonly<Record<string, string>>,
    options?: ErrorOptions,
  ) {
    const made = Object.entries(madeImages)
      .map(([region, id]) => `${region}:${id}`)
      .join(', ');
    const cause = options?.cause instanceof Error ? options.cause.message : String(options?.cause);
    super(
      `Copying image ${imageId} from ${sourceRegion} to ${failedRegion} failed: ${cause}. The images this build made (${made}) are deregistered before this error is reported; fix the cause (or remove ${failedRegion} from ami_regions) and run the build again.`,
      options,
    );
  }
}

/** The build was cancelled; what it created is cleaned up before this error is thrown. */
export class BuildCancelledError extends AwsLikeError {
  readonly code = AWS_LIKE_ERROR_CODES.CANCELLED;

  constructor(
    readonly buildName: string,
    readonly step: string,
    options?: ErrorOptions,
  ) {
    super(
      `Build ${buildName} was cancelled during step '${step}'; its instance and images are cleaned up before this error is reported.`,
      options,
    );
  }
}

/** `artifact.destroy()` could not deregister some of the artifact's images. */
export class ArtifactDestroyError extends AwsLikeError {
  readonly code = AWS_LIKE_ERROR_CODES.DESTROY_FAILED;

  constructor(
    readonly failures: readonly { region: string; imageId: string; error: unknown }[],
    total: number,
  ) {
    const lines = failures.map(
      (f) =>
        `  - ${f.region}:${f.imageId}: ${f.error instanceof Error ? f.error.message : String(f.error)}`,
    );
    super(
      `Could not deregister ${failures.length} of ${total} images:\n${lines.join('\n')}\nThe others were deregistered. Call destroy() again once the cause is fixed; images already gone are skipped.`,
      { cause: failures[0]?.error },
    );
  }
}

/** The local cloud's state on disk is unreadable or locked. */
export class CloudStateError extends AwsLikeError {
  readonly code = AWS_LIKE_ERROR_CODES.CLOUD_STATE;

  constructor(
    readonly file: string,
    problem: string,
    options?: ErrorOptions,
  ) {
    super(`Local cloud state ${file}: ${problem}`, options);
  }
}

/** A cloud client call received arguments it cannot act on (a programming error in the caller). */
export class InvalidCloudRequestError extends AwsLikeError {
  readonly code = AWS_LIKE_ERROR_CODES.INVALID_REQUEST;

  constructor(
    readonly operation: string,
    problem: string,
  ) {
    super(`${operation}: ${problem}`);
  }
}

/**
 * `run()` was called on a builder (or `execute()` on a data source) that was
 * not prepared; the runner always prepares first.
 */
export class BuilderNotPreparedError extends AwsLikeError {
  readonly code = AWS_LIKE_ERROR_CODES.NOT_PREPARED;

  /** @param component - which component and call; the builder's `run()` by default. */
  constructor(
    component: { call: string; kind: string; factory: string } = {
      call: 'AwsLikeBuilder.run()',
      kind: 'builders',
      factory: 'plugin.createBuilder()',
    },
  ) {
    super(
      `${component.call} was called before prepare(). Create ${component.kind} with ${component.factory}, which prepares them, or call prepare(config, location) first.`,
    );
  }
}
