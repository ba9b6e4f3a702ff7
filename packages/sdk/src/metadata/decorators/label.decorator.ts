import { InvalidArgumentError } from '../../errors/sdk.errors';
import type { MemberDecorator } from '../create-member-decorator';
import { createMemberDecorator } from '../create-member-decorator';

/** Options of {@link Label}. */
export interface LabelOptions {
  /** Label key; defaults to the member's name. */
  readonly key?: string;
  /** Store numbers and booleans as strings instead of rejecting them. */
  readonly stringify?: boolean;
}

/**
 * The member's value is stored as one label. The value must be a string (or
 * `null`/`undefined`, which leaves the label out); numbers and booleans are
 * rejected unless `stringify: true`.
 *
 * @example
 * ```ts
 * @Label('os') osName = 'ubuntu';
 * @Label({ key: 'disk_gb', stringify: true }) diskSize = 20;
 * ```
 */
export function Label(keyOrOptions?: string | LabelOptions): MemberDecorator {
  const options: LabelOptions =
    typeof keyOrOptions === 'string' ? { key: keyOrOptions } : (keyOrOptions ?? {});
  if (options.key !== undefined && (typeof options.key !== 'string' || options.key === '')) {
    throw new InvalidArgumentError('@Label key', 'a non-empty string', options.key);
  }
  const shown = options.key === undefined ? '' : `'${options.key}'`;
  return createMemberDecorator({
    role: 'label',
    name: `@Label(${shown})`,
    labelKey: options.key,
    stringify: options.stringify === true,
  });
}
