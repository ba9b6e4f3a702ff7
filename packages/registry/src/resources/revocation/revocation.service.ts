import type { UpdateVersionResponse } from '@imprint/client';
import { lockRows } from '../../storage/sql-helpers';
import { SYSTEM_AUTHOR, versionName } from '../../domain/context';
import type { ServiceContext } from '../../domain/context';
import { isRevoked } from '../../domain/lifecycle';
import type { Actor } from '../../domain/registry-contract';
import {
  RegistryErrorReason,
  failedPrecondition,
  invalidArgument,
  quote,
} from '../../domain/registry.errors';
import type { RegistryError } from '../../domain/registry.errors';
import { checkNow, parseDuration, parseRfc3339, toIso } from '../../domain/time';
import { checkActor, checkBody, optionalBoolean, optionalString } from '../../domain/validation';
import type { Body } from '../../domain/validation';
import { selectVersions } from '../../domain/wire';
import type { VersionRow } from '../../domain/wire';
import { requireBucket } from '../buckets/buckets.service';
import { applyDueRevocations } from '../channels/channel-assignment';
import { maybeCompleteVersion } from '../versions/completion';
import { requireVersion, versionWire } from '../versions/versions.service';
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
    const found = await requireVersion(trx, bucketRow, fingerprint);
    await lockRows(trx, ctx.engine, 'versions', [found.id]);
    const version = await requireVersion(trx, bucketRow, fingerprint);
    const now = ctx.nowMs();
    const label = `Version ${quote(version.fingerprint)} (${versionName(version.seq)}) of bucket ${quote(bucketRow.name)}`;
    const revokedNow = version.revoke_at !== null && isRevoked(Number(version.revoke_at), now);

    if (request.kind === 'restore') {
      if (version.revoke_at === null) {
        throw failedPrecondition(
          RegistryErrorReason.VERSION_NOT_REVOKED,
          `${label} is not revoked or scheduled for revocation; there is nothing to restore.`,
          { fingerprint: version.fingerprint },
        );
      }
      if (version.revocation_type === 'INHERITED' && version.inherited_from_version_id !== null) {
        const source = await selectVersions(trx)
          .where('versions.id', '=', version.inherited_from_version_id)
          .executeTakeFirst();
        if (source && source.revoke_at !== null) {
          throw failedPrecondition(
            RegistryErrorReason.REVOCATION_INHERITED,
            `${label} inherits its revocation from version ${quote(source.fingerprint)} (${versionName(source.seq)}) of bucket ${quote(source.bucket_name)}. Restore that version instead; its descendants are restored with it.`,
            { fingerprint: version.fingerprint, inherited_from: source.id },
          );
        }
      }
      await restoreVersion(ctx, trx, version, now);
    } else if (request.kind === 'complete') {
      if (revokedNow) throw revokedError(label, version);
      if (version.seq === 0 && !(await maybeCompleteVersion(ctx, trx, version, now))) {
        throw failedPrecondition(
          RegistryErrorReason.VERSION_INCOMPLETE,
          `${label} cannot be completed: it needs at least one build and every build must be BUILD_DONE.`,
          { fingerprint: version.fingerprint },
        );
      }
    } else {
      if (version.seq === 0) {
        throw failedPrecondition(
          RegistryErrorReason.VERSION_INCOMPLETE,
          `${label} is not complete: only complete versions can be revoked. Delete an incomplete version instead.`,
          { fingerprint: version.fingerprint },
        );
      }
      if (revokedNow) throw revokedError(label, version);
      const revokeAt =
        request.revokeAt !== undefined
          ? parseRfc3339(request.revokeAt, 'revoke_at')
          : now + parseDuration(request.revokeIn ?? '', 'revoke_in');
      if (
        version.revocation_type === 'INHERITED' &&
        version.revoke_at !== null &&
        revokeAt > Number(version.revoke_at)
      ) {
        throw failedPrecondition(
          RegistryErrorReason.REVOCATION_INHERITED,
          `${label} already inherits a revocation scheduled for ${toIso(Number(version.revoke_at))}; a revocation of its own can only be earlier. Pick an earlier revoke_at, or change the ancestor's schedule.`,
          { fingerprint: version.fingerprint },
        );
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

function versionUpdateError(message: string): RegistryError {
  return invalidArgument(RegistryErrorReason.VERSION_UPDATE_INVALID, message);
}

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
    throw versionUpdateError(
      'restore cannot be combined with revoke_at, revoke_in, revocation_message, skip_descendants_revocation, disable_rollback_channels or complete. Send restore alone.',
    );
  }
  if (revokeAt !== undefined && revokeIn !== undefined) {
    throw versionUpdateError(
      'Send either revoke_at (a date-time) or revoke_in (a duration such as "12h"), not both.',
    );
  }
  if (complete && (revoke || revokeOptions)) {
    throw versionUpdateError('complete cannot be combined with revocation fields. Send it alone.');
  }
  if (revokeOptions && !revoke) {
    throw versionUpdateError(
      'revocation_message, skip_descendants_revocation and disable_rollback_channels need revoke_at or revoke_in. Add one of them (revoke_in "0s" revokes now).',
    );
  }
  if (restore) return { kind: 'restore' };
  if (complete) return { kind: 'complete' };
  if (!revoke) {
    throw versionUpdateError(
      'UpdateVersion needs one of: revoke_at or revoke_in (revoke), restore: true, or complete: true.',
    );
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

function revokedError(label: string, version: VersionRow): RegistryError {
  const source =
    version.revocation_type === 'INHERITED' && version.revocation_inherited_from !== null
      ? (JSON.parse(version.revocation_inherited_from) as {
          bucket_name: string;
          version_fingerprint: string;
        })
      : undefined;
  const fix = source
    ? `Its revocation is inherited from version ${quote(source.version_fingerprint)} of bucket ${quote(source.bucket_name)}; restore that version first.`
    : 'Send {"restore": true} first.';
  return failedPrecondition(
    RegistryErrorReason.VERSION_REVOKED,
    `${label} is revoked and cannot be changed until it is restored. ${fix}`,
    { fingerprint: version.fingerprint },
  );
}
