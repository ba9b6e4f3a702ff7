import {
  IsArray,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Min,
  ValidateIf,
} from 'class-validator';
import { Field } from '@imprint/sdk';
import { REF_NAME_PATTERN } from '../oci/media-types';
import { FileConfig } from './file.config';

const REF_MESSAGE =
  '$property must be an OCI ref name: letters and digits joined by any of -._:@+ or "--", with "/" between components (e.g. "latest", "1.0", "app/v2")';

/**
 * Configuration of the `docker-like` builder. Template keys are the
 * snake_case form of the property names (`outputDir` → `output_dir`).
 *
 * @example
 * ```hcl
 * source "docker-like" "app" {
 *   base       = "scratch"
 *   files { content = "hello\n" destination = "/hello.txt" }
 *   cmd        = ["/bin/cat", "/hello.txt"]
 *   tag        = "1.0"
 * }
 * ```
 */
export class DockerLikeConfig {
  /** `scratch`, or the path of an OCI image layout directory. */
  @Field({
    doc: 'The image to start from: "scratch" for an empty image, or the path of an OCI image layout directory (relative paths resolve against the directory the build runs from).',
  })
  @IsString()
  @IsNotEmpty()
  base!: string;

  /** Ref name of the base manifest, when the base layout holds several; `''` is the same as unset. */
  @Field({
    doc: "Ref name (org.opencontainers.image.ref.name) of the manifest to use in the base layout; required when it holds several images. An empty string is the same as unset (what the docker-like-layout data source's ref output holds for an image without a ref name).",
  })
  @IsOptional()
  // An empty ref comes from templates that pass a data source's `ref` output through as it is.
  @ValidateIf((config: DockerLikeConfig) => config.baseRef !== '')
  @IsString()
  @Matches(REF_NAME_PATTERN, { message: REF_MESSAGE })
  baseRef?: string;

  /** Where the OCI image layout is written. */
  @Field({
    doc: "Directory to write the OCI image layout to (created if missing; an existing layout gains the new image); relative paths resolve against the build's work directory.",
  })
  @IsString()
  @IsNotEmpty()
  outputDir = 'image';

  /** Files added to the image, as one new layer. */
  @Field({
    doc: 'Files to add to the image, as one new layer; later entries win over earlier ones.',
    type: [FileConfig],
  })
  @IsOptional()
  files: FileConfig[] = [];

  /** Environment variables, merged over the base image's. */
  @Field({
    doc: "Environment variables to set (name to value), merged over the base image's.",
    type: 'map(string)',
  })
  @IsOptional()
  @IsObject()
  env: Record<string, string> = {};

  /** Default arguments (`CMD`). */
  @Field({
    doc: "Default command and arguments (Docker's CMD); inherited from the base when unset.",
  })
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  cmd?: string[];

  /** Executable and arguments always run (`ENTRYPOINT`). */
  @Field({
    doc: "Entrypoint (Docker's ENTRYPOINT); inherited from the base when unset. Setting it without cmd clears the base's cmd, as Docker does.",
  })
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  entrypoint?: string[];

  /** Working directory of the container process. */
  @Field({
    doc: 'Absolute working directory of the container process; inherited from the base when unset.',
  })
  @IsOptional()
  @IsString()
  workdir?: string;

  /** Image labels, merged over the base image's. */
  @Field({
    doc: "Image labels (config.Labels) to set, merged over the base image's.",
    type: 'map(string)',
  })
  @IsOptional()
  @IsObject()
  labels: Record<string, string> = {};

  /** Ref name written in `index.json` for the new image. */
  @Field({ doc: "Ref name (tag) of the new image in the output layout's index.json." })
  @IsString()
  @Matches(REF_NAME_PATTERN, { message: REF_MESSAGE })
  tag = 'latest';

  /** CPU architecture, e.g. `amd64`, `arm64`. */
  @Field({
    doc: 'CPU architecture of the image; defaults to the base image\'s, or "amd64" for scratch.',
  })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  architecture?: string;

  /** Operating system, e.g. `linux`. */
  @Field({
    doc: 'Operating system of the image; defaults to the base image\'s, or "linux" for scratch.',
  })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  os?: string;

  /** Creation time (RFC 3339). */
  @Field({
    doc: 'Creation time written in the image config, history and file times, as RFC 3339 (e.g. "2024-01-01T00:00:00Z"). Defaults to source_date_epoch, then the SOURCE_DATE_EPOCH environment variable, then 1970-01-01T00:00:00Z, so that builds are reproducible.',
  })
  @IsOptional()
  @IsString()
  created?: string;

  /** Creation time in seconds since the Unix epoch. */
  @Field({
    doc: 'Creation time as seconds since 1970-01-01 UTC (the reproducible-builds SOURCE_DATE_EPOCH convention); use this or created.',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  sourceDateEpoch?: number;
}
