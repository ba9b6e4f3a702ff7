import { BUILD_STATUSES, type BuildStatus, type VersionStatus } from '@imprint/client';
import { RegistryErrors } from '../errors/registry-errors';

/** Every build status, in wire spelling (the API contract's list). */
export { BUILD_STATUSES };

/**
 * Allowed build status changes (`from` → set of `to`). Setting the current
 * status again is always allowed (RUNNING → RUNNING is the heartbeat).
 * - UNSET → RUNNING | DONE | FAILED | CANCELLED (a client may report a
 *   finished build in one request; DONE still needs an artifact).
 * - RUNNING → DONE | FAILED | CANCELLED.
 * - FAILED / CANCELLED → RUNNING (a retry, e.g. Packer resuming with the
 *   same fingerprint) or to each other (a late cancel of a failed run).
 *   Going straight to DONE is refused: the retry must run first.
 * - DONE → nothing: a finished build is immutable.
 * - Nothing goes back to UNSET.
 */
const TRANSITIONS: Readonly<Record<BuildStatus, readonly BuildStatus[]>> = {
  BUILD_UNSET: ['BUILD_RUNNING', 'BUILD_DONE', 'BUILD_FAILED', 'BUILD_CANCELLED'],
  BUILD_RUNNING: ['BUILD_DONE', 'BUILD_FAILED', 'BUILD_CANCELLED'],
  BUILD_FAILED: ['BUILD_RUNNING', 'BUILD_CANCELLED'],
  BUILD_CANCELLED: ['BUILD_RUNNING', 'BUILD_FAILED'],
  BUILD_DONE: [],
};

/** Throws code 9 unless `from → to` is an allowed build status change. */
export function checkBuildTransition(from: BuildStatus, to: BuildStatus, buildId: string): void {
  if (from === to) return;
  if (from === 'BUILD_DONE') throw new RegistryErrors.BuildDone({ build_id: buildId });
  if (!TRANSITIONS[from].includes(to)) {
    throw new RegistryErrors.BuildStatusTransition({
      build_id: buildId,
      from,
      to,
      next: TRANSITIONS[from],
    });
  }
}

/**
 * The status of a version, computed at read time (so a scheduled revocation
 * takes effect at `revoke_at` without any job):
 * 1. `revoke_at` set: ≤ now → VERSION_REVOKED, later → VERSION_REVOCATION_SCHEDULED.
 * 2. Complete (`vN`, N ≥ 1) → VERSION_ACTIVE.
 * 3. Otherwise from its builds: none, or all UNSET → VERSION_UNSET; any
 *    RUNNING → VERSION_RUNNING; else any FAILED → VERSION_FAILED; else any
 *    CANCELLED → VERSION_CANCELLED; else (some DONE, some UNSET) →
 *    VERSION_INCOMPLETE.
 */
export function versionStatus(
  seq: number,
  buildStatuses: readonly string[],
  revokeAt: number | null,
  now: number,
): VersionStatus {
  if (revokeAt !== null)
    return revokeAt <= now ? 'VERSION_REVOKED' : 'VERSION_REVOCATION_SCHEDULED';
  if (seq > 0) return 'VERSION_ACTIVE';
  if (buildStatuses.length === 0 || buildStatuses.every((s) => s === 'BUILD_UNSET'))
    return 'VERSION_UNSET';
  if (buildStatuses.includes('BUILD_RUNNING')) return 'VERSION_RUNNING';
  if (buildStatuses.includes('BUILD_FAILED')) return 'VERSION_FAILED';
  if (buildStatuses.includes('BUILD_CANCELLED')) return 'VERSION_CANCELLED';
  return 'VERSION_INCOMPLETE';
}

/** True when a revocation is in effect at `now`. */
export function isRevoked(revokeAt: number | null, now: number): boolean {
  return revokeAt !== null && revokeAt <= now;
}
