import { Expose, instanceToPlain } from 'class-transformer';
import { validateSync } from 'class-validator';
import { ImageValidationError } from '../errors/image-validation.error';
import { toValidationIssues } from '../errors/validation-issue';
import { imageOrigin } from './image-origin';
import { IsNonEmptyString, IsPlainString, IsStringMap } from './image.validators';

/** The fields of an {@link Image}, as plain data. */
export interface ImageFields {
  imageId: string;
  providerName: string;
  providerRegion: string;
  labels: Record<string, string>;
  sourceImageId: string;
}

/**
 * The wire form Packer core decodes from `state('par.artifact.metadata')`:
 * the Go SDK's field names.
 */
export interface ImageWire {
  ImageID: string;
  ProviderName: string;
  ProviderRegion: string;
  Labels: Record<string, string>;
  SourceImageID: string;
}

/**
 * Registry metadata of one image an artifact produced: the TypeScript form of
 * the Go SDK's `registryimage.Image`. `imageId`, `providerName` and
 * `sourceImageId` are mandatory; call {@link Image.validate} before storing it.
 *
 * @example
 * ```ts
 * const image = new Image({ imageId: 'ami-0abc', providerName: 'aws', sourceImageId: 'ami-0base' });
 * image.validate();
 * JSON.stringify(image); // {"ImageID":"ami-0abc","ProviderName":"aws",...}
 * ```
 */
export class Image implements ImageFields {
  /** Unique identifier of the built image in its provider, e.g. `ami-0abc…` or `sha256:…`. */
  @Expose({ name: 'ImageID' })
  @IsNonEmptyString()
  imageId = '';

  /** Cloud or service the image lives in: `aws`, `azure`, `docker`, `gcp`, `vsphere`, … */
  @Expose({ name: 'ProviderName' })
  @IsNonEmptyString()
  providerName = '';

  /** Location of the image: a cloud region or zone, or a path, datastore or cluster. */
  @Expose({ name: 'ProviderRegion' })
  @IsPlainString()
  providerRegion = '';

  /** Additional details, stored as build labels in the registry. */
  @Expose({ name: 'Labels' })
  @IsStringMap()
  labels: Record<string, string> = {};

  /** The image this one was built from; the registry links parent and child through it. */
  @Expose({ name: 'SourceImageID' })
  @IsNonEmptyString()
  sourceImageId = '';

  constructor(fields: Partial<ImageFields> = {}) {
    if (fields.imageId !== undefined) this.imageId = fields.imageId;
    if (fields.providerName !== undefined) this.providerName = fields.providerName;
    if (fields.providerRegion !== undefined) this.providerRegion = fields.providerRegion;
    if (fields.labels !== undefined) this.labels = { ...fields.labels };
    if (fields.sourceImageId !== undefined) this.sourceImageId = fields.sourceImageId;
  }

  /**
   * Checks the mandatory fields and the label map.
   *
   * @throws {@link ImageValidationError} listing every failing property, the
   *   artifact class the image came from (when known) and how to fix each.
   */
  validate(): void {
    const errors = validateSync(this, {
      forbidUnknownValues: true,
      validationError: { target: false, value: true },
    });
    if (errors.length > 0) {
      throw new ImageValidationError(toValidationIssues(errors), imageOrigin(this));
    }
  }

  /** `provider:<providerName>, image:<imageId>, region:<providerRegion>`, as the Go SDK prints it. */
  toString(): string {
    return `provider:${this.providerName}, image:${this.imageId}, region:${this.providerRegion}`;
  }

  /** The wire form, with the Go SDK's field names (see {@link ImageWire}). */
  toJSON(): ImageWire {
    // 'excludeAll' would also drop every key of the nested label map, so expose
    // all and then keep the wire fields only: extra properties never leak out.
    const plain = instanceToPlain(this) as Record<keyof ImageWire, unknown>;
    return {
      ImageID: plain.ImageID,
      ProviderName: plain.ProviderName,
      ProviderRegion: plain.ProviderRegion,
      Labels: plain.Labels,
      SourceImageID: plain.SourceImageID,
    } as ImageWire;
  }
}
