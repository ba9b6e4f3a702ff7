import { IsNotEmpty, IsOptional, IsString, Matches } from 'class-validator';
import { Field } from '@imprint/sdk';

/**
 * One `files` block of the docker-like builder: a file or directory from the
 * build machine (`source`), or inline text (`content`), placed at
 * `destination` in the image.
 *
 * @example
 * ```hcl
 * files { source = "dist/" destination = "/app/" }
 * files { content = "#!/bin/sh\necho hi\n" destination = "/app/run.sh" mode = "0755" }
 * ```
 */
export class FileConfig {
  /** Path on the build machine: a file, or a directory whose contents are copied. */
  @Field({
    doc: 'File or directory on the build machine to copy (a directory is copied with its contents); relative paths resolve against the directory the build runs from. Set this or content.',
  })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  source?: string;

  /** Inline text written as a file (UTF-8). */
  @Field({ doc: 'Text to write as the file (UTF-8), instead of copying a source.' })
  @IsOptional()
  @IsString()
  content?: string;

  /** Absolute path in the image. */
  @Field({
    doc: "Absolute path in the image. A trailing '/' means 'into this directory' for a source file; a source directory's contents land in it.",
  })
  @IsString()
  @IsNotEmpty()
  destination!: string;

  /** Octal permission bits, e.g. `0755`. */
  @Field({
    doc: 'Permission bits of the files written, as an octal string such as "0755"; by default 0644, or 0755 for source files with an execute bit.',
  })
  @IsOptional()
  @IsString()
  @Matches(/^[0-7]{3,4}$/, {
    message: '$property must be an octal permission string such as "0644" or "0755"',
  })
  mode?: string;
}
