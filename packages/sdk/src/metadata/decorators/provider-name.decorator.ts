import type { MemberDecorator } from '../create-member-decorator';
import { createMemberDecorator } from '../create-member-decorator';

/**
 * The member holds the provider name (`aws`, `docker`, …). For a constant, use
 * the class decorator {@link Provider}. Without either, it is `artifact.builderId()`.
 */
export function ProviderName(): MemberDecorator {
  return createMemberDecorator({ role: 'providerName', name: '@ProviderName()' });
}
