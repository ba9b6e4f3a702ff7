import type { MemberDecorator } from '../create-member-decorator';
import { createMemberDecorator } from '../create-member-decorator';

/**
 * The member holds a region → image id map (plain object or `Map`). The
 * artifact then states one Image per region, sharing provider, source image
 * and labels — the multi-region AMI case. `state()` returns `Image[]`.
 * Cannot be combined with {@link ImageId} or {@link ProviderRegion}.
 */
export function ImagesByRegion(): MemberDecorator {
  return createMemberDecorator({ role: 'imagesByRegion', name: '@ImagesByRegion()' });
}
