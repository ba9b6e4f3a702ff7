import type { MemberDecorator } from '../create-member-decorator';
import { createMemberDecorator } from '../create-member-decorator';

/**
 * The member holds the image id (e.g. `ami-0abc…`). Without it, the image id is
 * `artifact.id()`. Cannot be combined with {@link ImagesByRegion}.
 */
export function ImageId(): MemberDecorator {
  return createMemberDecorator({ role: 'imageId', name: '@ImageId()' });
}
