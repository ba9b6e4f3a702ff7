import { IsNotEmpty, IsOptional, IsString } from 'class-validator';
import { Field } from '@imprint/sdk';
import { CloudDirField } from './cloud-dir';
import { IsStringMap } from './is-string-map.validator';
import { SourceAmiFilterConfig } from './source-ami-filter.config';

/**
 * Configuration of the `aws-like-ami` data source: the builder's
 * `source_ami_filter` fields (`name`, `owners`, `most_recent`, inherited, so
 * both match images the same way), plus the region, tags to match and the
 * cloud's directory.
 *
 * @example
 * ```hcl
 * data "aws-like-ami" "ubuntu" {
 *   region      = "us-east-1"
 *   name        = "ubuntu/images/*-22.04-amd64-*"
 *   owners      = ["099720109477"]
 *   most_recent = true
 * }
 * ```
 */
export class AwsLikeAmiConfig extends SourceAmiFilterConfig {
  @Field({ doc: 'Region to look in; image ids are per region.' })
  @IsString()
  @IsNotEmpty()
  region!: string;

  @Field({ doc: 'Tags the image must carry, with these values.', type: 'map(string)' })
  @IsOptional()
  @IsStringMap()
  tags: Record<string, string> = {};

  @CloudDirField()
  cloudDir?: string;
}
