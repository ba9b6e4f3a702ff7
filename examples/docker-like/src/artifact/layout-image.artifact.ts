import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ArtifactSbom } from '@imprint/sdk';
import {
  ARTIFACT_SBOM_STATE_KEY,
  Artifact,
  ImageId,
  Label,
  Provider,
  SourceImageId,
} from '@imprint/sdk';
import { OciLayout } from '../oci/oci-layout';
import { DOCKER_LIKE_STATE_KEYS } from './state-keys';

/** What every docker-like artifact knows about its image. */
export interface LayoutImageFields {
  /** Returned by `builderId()`. */
  readonly builderId: string;
  /** Absolute path of the OCI image layout. */
  readonly layoutDir: string;
  /** Config digest (the image ID). */
  readonly imageId: string;
  /** Image ID of the base image, or `scratch`. */
  readonly sourceImageId: string;
  readonly manifestDigest: string;
  /** Digests of the manifest, config and layer blobs. */
  readonly blobDigests: readonly string[];
  /** Ref names this artifact created; `destroy()` removes them. */
  readonly ownRefs: readonly string[];
  /** The image's SBOM, stated under `imprint.sbom`; absent when none is known. */
  readonly sbom?: ArtifactSbom;
}

/**
 * Common base of the docker-like artifacts: an image in an OCI image layout.
 * The registry metadata it declares: provider `docker`, the image ID (config
 * digest) as image id, the base's image ID as source, and the manifest digest
 * as the `manifest_digest` label. Subclasses add the region and more labels.
 * Besides the `docker-like.*` keys, `state('imprint.sbom')` returns the
 * image's CycloneDX SBOM ({@link ArtifactSbom}), when it has one.
 */
@Provider('docker')
export abstract class LayoutImageArtifact extends Artifact {
  /** The config digest, `sha256:…`: what `docker images` calls the image ID. */
  @ImageId() readonly imageId: string;
  /** The base image's ID, or {@link SCRATCH_SOURCE_IMAGE_ID}. */
  @SourceImageId() readonly sourceImageId: string;
  /** Digest of the image manifest, what `docker pull NAME@DIGEST` takes. */
  @Label('manifest_digest') readonly manifestDigest: string;
  /** Absolute path of the OCI image layout holding the image. */
  readonly layoutDir: string;
  /** Ref names this artifact created in the layout. */
  readonly ownRefs: readonly string[];
  private readonly builderIdValue: string;
  private readonly blobDigests: readonly string[];

  constructor(fields: LayoutImageFields) {
    super();
    this.builderIdValue = fields.builderId;
    this.layoutDir = fields.layoutDir;
    this.imageId = fields.imageId;
    this.sourceImageId = fields.sourceImageId;
    this.manifestDigest = fields.manifestDigest;
    this.blobDigests = [...fields.blobDigests];
    this.ownRefs = [...fields.ownRefs];
    this.stateData = {
      [DOCKER_LIKE_STATE_KEYS.layoutDir]: this.layoutDir,
      [DOCKER_LIKE_STATE_KEYS.manifestDigest]: this.manifestDigest,
      [DOCKER_LIKE_STATE_KEYS.imageId]: this.imageId,
      [DOCKER_LIKE_STATE_KEYS.refs]: [...this.ownRefs],
      ...(fields.sbom === undefined ? {} : { [ARTIFACT_SBOM_STATE_KEY]: fields.sbom }),
    };
  }

  /** The builder or post-processor that produced the artifact. */
  builderId(): string {
    return this.builderIdValue;
  }

  /** The image ID (config digest). */
  id(): string {
    return this.imageId;
  }

  /** The layout's `oci-layout` and `index.json`, and the image's blobs. */
  override files(): string[] {
    const blobs = new Set(this.blobDigests);
    return [
      join(this.layoutDir, 'oci-layout'),
      join(this.layoutDir, 'index.json'),
      ...[...blobs].map((d) => join(this.layoutDir, 'blobs', 'sha256', d.slice('sha256:'.length))),
    ];
  }

  /**
   * Removes the refs this artifact created. Blobs stay (other images may
   * share them, and unreferenced blobs are allowed); a layout left with no
   * image at all is deleted.
   */
  override async destroy(): Promise<void> {
    let layout: OciLayout;
    try {
      layout = await OciLayout.open(this.layoutDir);
    } catch {
      return; // already gone
    }
    let remaining = Number.POSITIVE_INFINITY;
    for (const ref of this.ownRefs) remaining = await layout.removeRef(ref, this.manifestDigest);
    if (remaining === 0) await rm(this.layoutDir, { recursive: true, force: true });
  }
}
