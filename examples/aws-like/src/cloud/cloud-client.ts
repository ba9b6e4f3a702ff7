/**
 * An image as the cloud describes it (EC2's `DescribeImages` entry, trimmed to
 * what a builder needs).
 */
export interface CloudImage {
  /** `ami-` followed by 17 lower-case hex digits. */
  readonly imageId: string;
  /** Region the image lives in; ids are only meaningful within it. */
  readonly region: string;
  /** Unique per owner and region. */
  readonly name: string;
  readonly description: string;
  /** Account that owns the image, e.g. `123456789012`. */
  readonly ownerId: string;
  /** ISO 8601 timestamp; `most_recent` picks the latest. */
  readonly creationDate: string;
  /** Operating system of the image, e.g. `ubuntu`, when known. */
  readonly os?: string;
  /** The image this one was built from; absent for base images. */
  readonly sourceImageId?: string;
  readonly tags: Readonly<Record<string, string>>;
}

/** What {@link CloudClient.describeImages} filters on. Every given criterion must match. */
export interface DescribeImagesQuery {
  readonly region: string;
  /** Only these ids. */
  readonly imageIds?: readonly string[];
  /** Name pattern with EC2 wildcards: `*` (any characters) and `?` (one character). */
  readonly name?: string;
  /** Owner account ids, or `self` for the caller's own account. Empty means any owner. */
  readonly owners?: readonly string[];
}

/** A running build instance. */
export interface CloudInstance {
  /** `i-` followed by 17 lower-case hex digits. */
  readonly instanceId: string;
  readonly region: string;
  /** The image the instance was launched from. */
  readonly imageId: string;
  readonly instanceType: string;
}

/** Options of {@link CloudClient.runCommand}. */
export interface RunCommandOptions {
  /** Cancels the command: the process is killed and the call rejects. */
  readonly signal?: AbortSignal;
  /** Receives each line of output as it arrives. */
  readonly onOutput?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** Extra environment variables for the command. */
  readonly env?: Readonly<Record<string, string>>;
}

/**
 * What the builder needs from the cloud. The example ships
 * {@link LocalCloud}; a real plugin implements this over its provider's API
 * (and its communicator, such as SSH, for `runCommand` and `uploadFile`).
 * Tests wrap an implementation to inject faults.
 */
export interface CloudClient {
  /** Regions of this cloud. */
  regions(): Promise<readonly string[]>;
  /**
   * Images in one region matching the query, in creation order.
   * @throws {@link UnknownRegionError}
   */
  describeImages(query: DescribeImagesQuery): Promise<CloudImage[]>;
  /**
   * Launches an instance from an image.
   * @throws {@link ImageNotFoundError}, {@link UnknownRegionError}
   */
  runInstance(request: {
    readonly region: string;
    readonly imageId: string;
    readonly instanceType: string;
  }): Promise<CloudInstance>;
  /** Runs a shell script on the instance; resolves with its exit code (non-zero is not an error here). */
  runCommand(
    instance: CloudInstance,
    script: string,
    options?: RunCommandOptions,
  ): Promise<{ exitCode: number }>;
  /**
   * Writes a file at an absolute path inside the instance.
   * @throws {@link PathOutsideInstanceError}
   */
  uploadFile(instance: CloudInstance, destination: string, content: string): Promise<void>;
  /**
   * Reads a file at an absolute path inside the instance, as UTF-8 text
   * (Packer's communicator `Download`): how the build lists the packages its
   * provisioners installed. Resolves with `undefined` when the instance has
   * no regular file there, or a link on the way leads outside it.
   * @throws {@link InstanceNotFoundError}, {@link InvalidCloudRequestError} for a relative path
   */
  downloadFile(instance: CloudInstance, path: string): Promise<string | undefined>;
  /** Terminates the instance; terminating one that is already gone succeeds. */
  terminateInstance(instance: CloudInstance): Promise<void>;
  /**
   * Snapshots the instance into a new image in its region; the new image's
   * source is the image the instance was launched from.
   * @throws {@link ImageNameInUseError}
   */
  createImage(request: {
    readonly instance: CloudInstance;
    readonly name: string;
    readonly description: string;
  }): Promise<CloudImage>;
  /**
   * Copies an image to another region under a new id, keeping its source image.
   * @throws {@link ImageNotFoundError}, {@link ImageNameInUseError}, {@link UnknownRegionError}
   */
  copyImage(request: {
    readonly sourceRegion: string;
    readonly imageId: string;
    readonly destinationRegion: string;
    readonly name: string;
    readonly description: string;
  }): Promise<CloudImage>;
  /**
   * Adds (or overwrites) tags on an image.
   * @throws {@link ImageNotFoundError}
   */
  createTags(
    region: string,
    imageId: string,
    tags: Readonly<Record<string, string>>,
  ): Promise<void>;
  /**
   * Deletes an image and its snapshot.
   * @throws {@link ImageNotFoundError}
   */
  deregisterImage(region: string, imageId: string): Promise<void>;
}
