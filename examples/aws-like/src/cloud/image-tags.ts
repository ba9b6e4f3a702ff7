import { isUnsafeKey } from '@imprint/sdk';
import { InvalidCloudRequestError } from '../errors';

/**
 * A copy of `tags` with every key and value checked. Tags come from templates
 * and from the state file, so a key such as `__proto__` is refused rather than
 * allowed to reach an object's prototype (the SDK's list of unsafe keys).
 */
export function checkedTags(
  operation: string,
  tags: Readonly<Record<string, string>>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(tags)) {
    if (key === '' || isUnsafeKey(key)) {
      throw new InvalidCloudRequestError(
        operation,
        `tag key ${JSON.stringify(key)} is not allowed`,
      );
    }
    if (typeof value !== 'string') {
      throw new InvalidCloudRequestError(operation, `tag '${key}' must be a string`);
    }
    out[key] = value;
  }
  return out;
}
