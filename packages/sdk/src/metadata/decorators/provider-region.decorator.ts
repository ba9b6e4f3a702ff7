import type { MemberDecorator } from '../create-member-decorator';
import { createMemberDecorator } from '../create-member-decorator';

/** The member holds the provider region (a cloud region, zone, path or cluster). Defaults to `''`. */
export function ProviderRegion(): MemberDecorator {
  return createMemberDecorator({ role: 'providerRegion', name: '@ProviderRegion()' });
}
