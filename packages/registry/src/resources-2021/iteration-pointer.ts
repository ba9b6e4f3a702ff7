import { NameSchema, UlidSchema } from '@imprint/client';
import type { RegistryService } from '../domain/registry-contract';

/** Path params of the 2021-04-30 routes, after the tenancy. */
export const SLUG_PARAM = { bucket_slug: NameSchema };
export const ITERATION_ID_PARAM = { iteration_id: UlidSchema };
export const BUILD_ID_PARAM = { build_id: UlidSchema };
export const CHANNEL_SLUG_PARAMS = { ...SLUG_PARAM, slug: NameSchema };

/** How 2021-04-30 requests name an iteration besides a path id. */
export interface IterationPointer {
  readonly iteration_id?: string;
  readonly fingerprint?: string;
  /** A number in bodies, a decimal string in queries. */
  readonly incremental_version?: number | string;
}

/** Whether the pointer names an iteration: protobuf's zero values ("" and 0) name none. */
export function namesIteration(pointer: IterationPointer): boolean {
  return Boolean(
    pointer.iteration_id || pointer.fingerprint || Number(pointer.incremental_version ?? 0) > 0,
  );
}

/**
 * The fingerprint of the iteration of `bucket` that `pointer` names: the
 * first non-empty of iteration_id, fingerprint and incremental_version (the
 * 2021-04-30 rule); `undefined` when it names none. An unknown id or
 * incremental version is 404 / code 5.
 */
export async function fingerprintOf(
  service: RegistryService,
  bucket: string,
  pointer: IterationPointer,
): Promise<string | undefined> {
  if (pointer.iteration_id) {
    return (await service.findVersion({ id: pointer.iteration_id, bucket })).fingerprint;
  }
  if (pointer.fingerprint) return pointer.fingerprint;
  const incrementalVersion = Number(pointer.incremental_version ?? 0);
  if (incrementalVersion > 0) {
    return (await service.findVersion({ bucket, incrementalVersion })).fingerprint;
  }
  return undefined;
}
