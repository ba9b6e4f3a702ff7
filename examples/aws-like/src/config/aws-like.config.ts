import {
  IsArray,
  IsBoolean,
  IsNotEmpty,
  IsOptional,
  IsString,
  Length,
  Matches,
} from 'class-validator';
import { Field } from '@imprint/sdk';
import { CloudDirField } from './cloud-dir';
import { IsStringMap } from './is-string-map.validator';
import { ProvisionStepConfig } from './provision-step.config';
import { SourceAmiFilterConfig } from './source-ami-filter.config';

/**
 * Configuration of the `aws-like` builder. Template keys are the snake_case
 * forms of the properties (`amiRegions` → `ami_regions`); initial values are
 * the defaults. Rules that span several fields (exactly one of `source_ami` /
 * `source_ami_filter`, what each provisioning step needs, known regions) are
 * checked by the builder's `prepare()`.
 */
export class AwsLikeConfig {
  @Field({ doc: 'Region to build in: the instance runs and the image is created there.' })
  @IsString()
  @IsNotEmpty()
  region!: string;

  @Field({ doc: 'Id of the image to build from. Set this or source_ami_filter.' })
  @IsOptional()
  @IsString()
  @Matches(/^ami-([0-9a-f]{8}|[0-9a-f]{17})$/, {
    message: 'must be an image id such as ami-0123456789abcdef0',
  })
  sourceAmi?: string;

  @Field({
    doc: 'Find the image to build from by name and owner. Set this or source_ami.',
    type: SourceAmiFilterConfig,
  })
  @IsOptional()
  sourceAmiFilter?: SourceAmiFilterConfig;

  @Field({ doc: 'Instance type of the build instance.' })
  @IsOptional()
  @IsString()
  @Matches(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, { message: 'must be an instance type such as t3.micro' })
  instanceType = 't3.micro';

  @Field({ doc: 'Name of the new image; unique per region among your images.' })
  @IsString()
  @Length(3, 128)
  @Matches(/^[A-Za-z0-9()[\] ./'@_-]+$/, {
    message: "may contain only letters, digits, spaces and ( ) [ ] . / - ' @ _",
  })
  amiName!: string;

  @Field({ doc: 'Description of the new image.' })
  @IsOptional()
  @IsString()
  amiDescription = '';

  @Field({
    doc: 'Other regions to copy the new image to; the artifact holds one image per region.',
  })
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  amiRegions: string[] = [];

  @Field({
    doc: 'Tags set on the image in every region; also stored as registry labels.',
    type: 'map(string)',
  })
  @IsOptional()
  @IsStringMap()
  tags: Record<string, string> = {};

  @Field({
    doc: 'Steps run on the build instance, in order, before the image is taken.',
    type: [ProvisionStepConfig],
  })
  @IsOptional()
  provision: ProvisionStepConfig[] = [];

  @Field({
    doc: 'Deregister your existing images named ami_name (in every target region) before building.',
  })
  @IsOptional()
  @IsBoolean()
  forceDeregister = false;

  @CloudDirField()
  cloudDir?: string;
}
