import type { UpdateVersionResponse } from '@imprint/client';
import { SYSTEM_AUTHOR, versionName } from '../../domain/context';
import type { ServiceContext } from '../../domain/context';
import { isRevoked } from '../../domain/lifecycle';
import type { Actor } from '../../domain/registry-contract';
import { RegistryErrors } from '../../errors/registry-errors';
import type { RegistryError } from '../../errors/registry-error';
import type { VersionRef } from '../../errors/registry-error-table';
import { checkNow, parseRfc3339, parseSignedDurationMs, toIso } from '../../domain/time';
import { checkActor, checkBody, optionalBoolean, optionalString } from '../../domain/validation';
import type { Body } from '../../domain/validation';
import { selectVersions } from '../../domain/wire';
import type { VersionRow } from '../../domain/wire';
import { requireBucket } from '../buckets/buckets.service';
import { applyDueRevocations } from '../channels/channel-assignment';
import { maybeCompleteVersion } from '../versions/completion';
import { lockedVersion, versionWire } from '../versions/versions.service';
import { restoreVersion, revokeVersion } from './revocation';

/** Longest accepted revocation message. */
const MAX_REVOCATION_MESSAGE = 2048;

/**
 * Revoke (`revoke_at` | `revoke_in`), restore, or complete a version.
 * - Exactly one of `revoke_at` / `revoke_in`; `revocation_message`,
 *   `skip_descendants_revocation` and `disable_rollback_channels` only go
 *   with them; `restore` and `complete` go alone (else code 3).
 * - Only complete versions can be revoked (9). A version already revoked
 *   (in effect) must be restored first (9); a scheduled one can be
 *   rescheduled, and one inheriting a scheduled revocation can only be
 *   brought forward (9 otherwise).
 * - Restoring a version that is not revoked → 9; restoring one whose
 *   revocation is inherited from a still-revoked ancestor → 9 (restore
 *   the ancestor).
 * The cascade runs synchronously in the transaction; the returned
 * operation is already DONE.
 */
export async function updateVersion(
  ctx: ServiceContext,
  actor: Actor,
  bucket: string,
  fingerprint: string,
  body: unknown,
): Promise<UpdateVersionResponse> {
  checkActor(actor);
  const input = checkBody(body, 'UpdateVersion body');
  const request = parseVersionUpdate(input);
  return ctx.transaction(async (trx) => {
    const bucketRow = await requireBucket(trx, bucket);
    const version = await lockedVersion(ctx, trx, bucketRow, fingerprint);
    const now = ctx.nowMs();
    const ref: VersionRef = {
      fingerprint: version.fingerprint,
      version: versionName(version.seq),
      bucket: bucketRow.name,
    };
    const revokedNow = version.revoke_at !== null && isRevoked(Number(version.revoke_at), now);

    if (request.kind === 'restore') {
      if (version.revoke_at === null) throw new RegistryErrors.VersionNotRevoked(ref);
      if (version.revocation_type === 'INHERITED' && version.inherited_from_version_id !== null) {
        const source = await selectVersions(trx)
          .where('versions.id', '=', version.inherited_from_version_id)
          .executeTakeFirst();
        if (source && source.revoke_at !== null) {
          throw new RegistryErrors.RevocationInheritedRestore({
            ...ref,
            source: {
              fingerprint: source.fingerprint,
              version: versionName(source.seq),
              bucket: source.bucket_name,
              id: source.id,
            },
          });
        }
      }
      await restoreVersion(ctx, trx, version, now);
    } else if (request.kind === 'complete') {
      if (revokedNow) throw revokedError(ref, version);
      if (version.seq === 0 && !(await maybeCompleteVersion(ctx, trx, version, now))) {
        throw new RegistryErrors.VersionIncompleteToComplete(ref);
      }
    } else {
      if (version.seq === 0) throw new RegistryErrors.VersionIncompleteToRevoke(ref);
      if (revokedNow) throw revokedError(ref, version);
      const revokeAt =
        request.revokeAt !== undefined
          ? parseRfc3339(request.revokeAt, 'revoke_at')
          : now + parseSignedDurationMs(request.revokeIn ?? '', 'revoke_in');
      if (
        version.revocation_type === 'INHERITED' &&
        version.revoke_at !== null &&
        revokeAt > Number(version.revoke_at)
      ) {
        throw new RegistryErrors.RevocationInheritedEarlier({
          ...ref,
          scheduledFor: toIso(Number(version.revoke_at)),
        });
      }
      await revokeVersion(
        ctx,
        trx,
        version,
        {
          revokeAt,
          message: request.message,
          author: actor.name,
          rollback: !request.disableRollback,
        },
        !request.skipDescendants,
        now,
      );
    }
    return {
      version: await versionWire(ctx, trx, version.id),
      operation: { id: ctx.newId(), state: 'DONE' },
    };
  });
}

/**
 * Applies the channel rollback of scheduled revocations that have come
 * due (the status flips at read time by itself; moving channels needs a
 * write). Run it periodically next to {@link cancelStaleBuilds}. Returns
 * how many versions were processed.
 */
export async function processDueRevocations(ctx: ServiceContext, now?: Date): Promise<number> {
  const at = checkNow(now) ?? ctx.nowMs();
  return ctx.transaction((trx) =>
    applyDueRevocations(ctx, trx, SYSTEM_AUTHOR, at, { kind: 'all' }),
  );
}

type VersionUpdate =
  | { kind: 'restore' }
  | { kind: 'complete' }
  | {
      kind: 'revoke';
      revokeAt?: string;
      revokeIn?: string;
      message: string;
      skipDescendants: boolean;
      disableRollback: boolean;
    };

/** Validates the field combination of an UpdateVersion body (proto3 zero values count as absent). */
function parseVersionUpdate(input: Body): VersionUpdate {
  const complete = optionalBoolean(input, 'complete') === true;
  const restore = optionalBoolean(input, 'restore') === true;
  const revokeAt = optionalString(input, 'revoke_at', 64) || undefined;
  const revokeIn = optionalString(input, 'revoke_in', 64) || undefined;
  const message = optionalString(input, 'revocation_message', MAX_REVOCATION_MESSAGE) || undefined;
  const skipDescendants = optionalBoolean(input, 'skip_descendants_revocation') === true;
  const disableRollback = optionalBoolean(input, 'disable_rollback_channels') === true;
  const revoke = revokeAt !== undefined || revokeIn !== undefined;
  const revokeOptions = message !== undefined || skipDescendants || disableRollback;
  if (restore && (revoke || revokeOptions || complete)) {
    throw new RegistryErrors.RestoreCombined();
  }
  if (revokeAt !== undefined && revokeIn !== undefined) {
    throw new RegistryErrors.RevokeAtAndRevokeIn();
  }
  if (complete && (revoke || revokeOptions)) {
    throw new RegistryErrors.CompleteCombined();
  }
  if (revokeOptions && !revoke) {
    throw new RegistryErrors.RevocationOptionsAlone();
  }
  if (restore) return { kind: 'restore' };
  if (complete) return { kind: 'complete' };
  if (!revoke) {
    throw new RegistryErrors.VersionUpdateEmpty();
  }
  return {
    kind: 'revoke',
    revokeAt,
    revokeIn,
    message: message ?? '',
    skipDescendants,
    disableRollback,
  };
}

function revokedError(ref: VersionRef, version: VersionRow): RegistryError {
  const source =
    version.revocation_type === 'INHERITED' && version.revocation_inherited_from !== null
      ? (JSON.parse(version.revocation_inherited_from) as {
          bucket_name: string;
          version_fingerprint: string;
        })
      : undefined;
  return new RegistryErrors.VersionRevoked({
    ...ref,
    inheritedFrom: source && {
      bucket: source.bucket_name,
      fingerprint: source.version_fingerprint,
    },
  });
}
