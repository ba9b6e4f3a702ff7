import type { MemberDecorator } from '../create-member-decorator';
import { createMemberDecorator } from '../create-member-decorator';

/** Options of {@link Labels}. */
export interface LabelsOptions {
  /** Store numbers and booleans as strings instead of rejecting them. */
  readonly stringify?: boolean;
}

/**
 * The member holds a map (plain object or `Map`) of labels, merged into the
 * image's labels. Labels from {@link Label} members win over map entries with
 * the same key.
 */
export function Labels(options: LabelsOptions = {}): MemberDecorator {
  return createMemberDecorator({
    role: 'labels',
    name: '@Labels()',
    stringify: options.stringify === true,
  });
}
