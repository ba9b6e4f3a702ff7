import { SDK_ERROR_CODES } from './error-codes';
import { ImprintError } from './imprint.error';
import type { ValidationIssue } from './validation-issue';
import { flattenErrors } from './validation-issue';

const HOW_TO_FIX: Readonly<Record<string, string>> = {
  imageId:
    'add @ImageId() to a field or getter, or pass withId(...) to fromArtifact(); by default the image id is artifact.id()',
  providerName:
    "add @Provider('name') to the class or @ProviderName() to a field or getter, or pass withProvider(...); by default it is artifact.builderId()",
  providerRegion: 'add @ProviderRegion() to a field or getter, or pass withRegion(...)',
  sourceImageId:
    'add @SourceImageId() to a field or getter, or pass withSourceId(...) to fromArtifact()',
  labels:
    'labels must map strings to strings: use @Label()/@Labels() with string values, or setLabels(...), which keeps only string values',
};

/**
 * Registry metadata failed validation: a mandatory field is empty, or a field
 * has the wrong type. `issues` lists every failing property.
 */
export class ImageValidationError extends ImprintError {
  readonly code = SDK_ERROR_CODES.IMAGE_INVALID;

  constructor(
    /** Every failing property, with its dotted path and constraint messages. */
    readonly issues: readonly ValidationIssue[],
    /** Name of the artifact class the metadata came from, when known. */
    readonly artifactClass?: string,
  ) {
    super(ImageValidationError.format(issues, artifactClass));
  }

  private static format(issues: readonly ValidationIssue[], artifactClass?: string): string {
    const origin = artifactClass ? `of ${artifactClass} ` : '';
    const lines = [`Registry metadata ${origin}is invalid (${countOf(issues)}):`];
    for (const issue of issues) {
      // A region's image id comes from @ImagesByRegion, where the @ImageId hint would mislead.
      const fix =
        issue.path === issue.property || issue.property !== 'imageId'
          ? HOW_TO_FIX[issue.property]
          : undefined;
      for (const line of flattenErrors([issue])) {
        lines.push(`  - ${line}${fix ? `. To fix: ${fix}.` : ''}`);
      }
    }
    return lines.join('\n');
  }
}

function countOf(issues: readonly ValidationIssue[]): string {
  const n = flattenErrors(issues).length;
  return n === 1 ? '1 problem' : `${n} problems`;
}
