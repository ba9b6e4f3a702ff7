import { IsArray, IsBoolean, IsNotEmpty, IsOptional, IsString } from 'class-validator';
import { Field } from '@imprint/sdk';

/**
 * The `source_ami_filter` block: picks the source image by name and owner,
 * as Packer's amazon builder does.
 *
 * @example
 * ```hcl
 * source_ami_filter {
 *   name        = "ubuntu/images/*-22.04-amd64-*"
 *   owners      = ["099720109477"]
 *   most_recent = true
 * }
 * ```
 */
export class SourceAmiFilterConfig {
  @Field({
    doc: 'Image name pattern: `*` matches any characters (including `/`), `?` one character.',
  })
  @IsString()
  @IsNotEmpty()
  name!: string;

  @Field({ doc: 'Owner account ids (or `self`) the image must belong to; empty means any owner.' })
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  owners: string[] = [];

  @Field({
    doc: 'When several images match, take the newest instead of failing.',
  })
  @IsOptional()
  @IsBoolean()
  mostRecent = false;
}
