import type { MemberDecorator } from '../create-member-decorator';
import { createMemberDecorator } from '../create-member-decorator';

/**
 * The member holds the id of the image this one was built from. Mandatory in
 * the registry: it links parent and child images for ancestry.
 */
export function SourceImageId(): MemberDecorator {
  return createMemberDecorator({ role: 'sourceImageId', name: '@SourceImageId()' });
}
