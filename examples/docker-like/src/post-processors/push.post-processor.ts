import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type {
  BuildContext,
  ComponentLocation,
  PackerArtifact,
  PostProcessor,
  PostProcessResult,
} from '@imprint/sdk';
import { PushedImageArtifact } from '../artifact/pushed-image.artifact';
import { PUSH_POST_PROCESSOR_ID } from '../artifact/state-keys';
import { DockerLikePushConfig } from '../config/push.config';
import { OutputConflictError, OutputNotWritableError, PushTargetError } from '../errors';
import { OciLayout } from '../oci/oci-layout';
import { retargetImageSbom } from '../sbom/image-sbom';
import { readInputImage } from './input-image';

/**
 * The `docker-like-push` post-processor: copies an image into a directory
 * registry, one OCI image layout per repository at
 * `<registry_dir>/<repository>`, and tags it there. Every blob is hashed while
 * it is copied and only renamed into place when it matches its digest; the
 * pushed manifest is read back and checked before the tag is written.
 *
 * The returned artifact's registry metadata: image ID = config digest (the
 * image is unchanged), `sourceImageId` = the input's source, region =
 * `<registry_dir>/<repository>`, labels `pushed_ref` (`repository:tag`) and
 * `manifest_digest`. It states the input's SBOM (`imprint.sbom`) with the
 * image component renamed to `repository` and `tag`. The input is kept.
 */
export class DockerLikePushPostProcessor implements PostProcessor<DockerLikePushConfig> {
  /** Describes and validates the configuration. */
  static readonly configClass = DockerLikePushConfig;
  private config!: DockerLikePushConfig;

  /** Stores the validated configuration. */
  prepare(config: DockerLikePushConfig, _location: ComponentLocation): void {
    this.config = config;
  }

  /**
   * Pushes the image the input artifact describes.
   *
   * @throws {@link PushTargetError} when the registry directory cannot hold the image.
   * @throws {@link InputArtifactError} when the input is not a docker-like image.
   */
  async postProcess(context: BuildContext, artifact: PackerArtifact): Promise<PostProcessResult> {
    const { ui, signal } = context;
    const { repository, tag } = this.config;
    const registryDir = resolve(this.config.registryDir);
    const repositoryDir = join(registryDir, ...repository.split('/'));
    const input = await readInputImage(artifact, 'docker-like-push', signal);
    const { image } = input;

    signal.throwIfAborted();
    const target = await openRepository(registryDir, repositoryDir);
    const blobs = [
      ...image.manifest.layers.map((l, i) => ({ ref: l, what: `layer ${i}` })),
      { ref: image.manifest.config, what: 'config' },
      { ref: image.descriptor, what: 'manifest' },
    ];
    ui.say(`Pushing ${image.descriptor.digest} to ${repository}:${tag} (${repositoryDir})`);
    let copied = 0;
    for (const [i, blob] of blobs.entries()) {
      signal.throwIfAborted();
      ui.progress({ step: `pushing ${repository}:${tag}`, completed: i, total: blobs.length });
      if (
        await input.layout.blobs.copyTo(
          target.blobs,
          blob.ref,
          `${blob.what} of the pushed image`,
          signal,
        )
      )
        copied += 1;
    }
    ui.progress({
      step: `pushing ${repository}:${tag}`,
      completed: blobs.length,
      total: blobs.length,
    });

    // Read back what the repository now holds before publishing the tag.
    const pushed = await target.loadImage(image.descriptor, signal);
    await target.setRef(image.descriptor, tag);
    ui.say(
      `Pushed ${repository}:${tag}@${image.descriptor.digest} (${copied} blob(s) copied, ${blobs.length - copied} already present)`,
    );

    const result = new PushedImageArtifact({
      builderId: PUSH_POST_PROCESSOR_ID,
      layoutDir: repositoryDir,
      repositoryDir,
      repository,
      tag,
      imageId: pushed.configDigest,
      sourceImageId: input.sourceImageId,
      manifestDigest: pushed.descriptor.digest,
      blobDigests: blobs.map((b) => b.ref.digest),
      ownRefs: [tag],
      ...(input.sbom === undefined
        ? {}
        : {
            sbom: retargetImageSbom(input.sbom, {
              name: repository,
              repository,
              tag,
              manifestDigest: pushed.descriptor.digest,
              imageId: pushed.configDigest,
              architecture: pushed.config.architecture,
              os: pushed.config.os,
            }),
          }),
    });
    return { artifact: result, keepInput: true };
  }
}

async function openRepository(registryDir: string, repositoryDir: string): Promise<OciLayout> {
  try {
    const info = await stat(registryDir);
    if (!info.isDirectory()) {
      throw new PushTargetError(
        registryDir,
        'registry_dir is a file, not a directory',
        "Set 'registry_dir' to a directory (it is created if missing).",
      );
    }
  } catch (error) {
    if (error instanceof PushTargetError) throw error;
    if ((error as NodeJS.ErrnoException).code === 'ENOTDIR') {
      throw new PushTargetError(
        registryDir,
        'a parent of registry_dir is a file',
        "Set 'registry_dir' to a directory path.",
        { cause: error },
      );
    }
    // Missing is fine: openOrCreate creates it.
  }
  try {
    return await OciLayout.openOrCreate(repositoryDir);
  } catch (error) {
    if (error instanceof OutputNotWritableError) {
      throw new PushTargetError(
        repositoryDir,
        error.reason,
        "Set 'registry_dir' to a directory you can write.",
        { cause: error },
      );
    }
    if (error instanceof OutputConflictError) {
      throw new PushTargetError(
        repositoryDir,
        `${error.problem}`,
        "Pick another 'repository', or move the files away: each repository directory of a registry holds one OCI image layout.",
        { cause: error },
      );
    }
    throw error;
  }
}
