import { IsArray, IsIn, IsOptional, IsString } from 'class-validator';
import { Field } from '@imprint/sdk';

/** The kinds of provisioning step, in the order the docs list them. */
export const PROVISION_STEP_TYPES = ['shell', 'file'] as const;

/** One of {@link PROVISION_STEP_TYPES}. */
export type ProvisionStepType = (typeof PROVISION_STEP_TYPES)[number];

/**
 * One entry of `provision`: a `shell` step (`inline` commands) or a `file`
 * step (`destination` and `content`). Which fields a type needs is checked
 * by the builder's `prepare()`, which names the offending entry.
 *
 * @example
 * ```json
 * [
 *   { "type": "shell", "inline": ["mkdir -p opt/app", "echo ready > opt/app/state"] },
 *   { "type": "file", "destination": "/etc/motd", "content": "built by imprint\n" }
 * ]
 * ```
 */
export class ProvisionStepConfig {
  @Field({ doc: 'What the step does: `shell` runs commands, `file` writes a file.' })
  @IsIn(PROVISION_STEP_TYPES)
  type!: ProvisionStepType;

  @Field({
    doc: 'shell: commands run in order by /bin/sh in the instance root; the first failure stops the step.',
  })
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  inline?: string[];

  @Field({ doc: 'file: absolute path of the file inside the instance, e.g. /etc/motd.' })
  @IsOptional()
  @IsString()
  destination?: string;

  @Field({ doc: 'file: the content to write.' })
  @IsOptional()
  @IsString()
  content?: string;
}
