import { GrpcCode } from '@imprint/client';
import { RegistryErrorReason as R } from './registry-error-codes';
import { quote } from './message-format';
import { row } from './registry-error-row';
import type { Field } from './registry-error-row';

const {
  INVALID_ARGUMENT,
  NOT_FOUND,
  ALREADY_EXISTS,
  FAILED_PRECONDITION,
  PERMISSION_DENIED,
  UNAVAILABLE,
} = GrpcCode;
/** A version as messages name it: `Version "fp" (v3) of bucket "b"` (the name only when known). */
export interface VersionRef {
  readonly fingerprint: string;
  readonly bucket: string;
  readonly version?: string;
}
const versionLabel = (v: VersionRef) =>
  `Version ${quote(v.fingerprint)}${v.version === undefined ? '' : ` (${v.version})`} of bucket ${quote(v.bucket)}`;
const fingerprintOnly = (v: VersionRef) => ({ fingerprint: v.fingerprint });
type Bucket = { bucket_name: string };
type Channel = { bucket_name: string; channel_name: string };
type BucketVersion = { bucket_name: string; fingerprint: string };
const versionNotFound = (p: BucketVersion) =>
  `Version with fingerprint ${quote(p.fingerprint)} does not exist in bucket ${quote(p.bucket_name)}. Check the fingerprint, or create the version with CreateVersion.`;
const channelManaged = (p: Channel, refused: string) =>
  `Channel ${quote(p.channel_name)} of bucket ${quote(p.bucket_name)} is managed by the registry (it follows the newest complete version) and cannot be ${refused}. Use a channel of your own.`;
/**
 * The rows of {@link REGISTRY_ERROR_TABLE} about stored resources: not found
 * (5), restricted (7), already there (6), refused in their current state (9),
 * and a database that cannot serve (14).
 */
export const RESOURCE_ERROR_ROWS = {
  // --- not found (5), restricted (7), already exists (6) --------------------------------------
  BucketNotFound: row<Bucket>(
    R.BUCKET_NOT_FOUND,
    NOT_FOUND,
    (p) =>
      `Bucket ${quote(p.bucket_name)} does not exist in this registry. Check the name, or create it with CreateBucket (PUT /buckets).`,
  ),
  VersionNotFound: row<BucketVersion>(R.VERSION_NOT_FOUND, NOT_FOUND, (p) => versionNotFound(p)),
  /** GetVersion's answer: code 10 (409), the one Packer creates the version on. */
  GetVersionNotFound: row<BucketVersion>(R.VERSION_NOT_FOUND, GrpcCode.ABORTED, (p) =>
    versionNotFound(p),
  ),
  BuildNotFound: row<BucketVersion & { build_id: string }>(
    R.BUILD_NOT_FOUND,
    NOT_FOUND,
    (p) =>
      `Build ${quote(p.build_id)} does not exist in version ${quote(p.fingerprint)} of bucket ${quote(p.bucket_name)}. List the version's builds to find its id.`,
  ),
  /** The 2021-04-30 API names versions (iterations) by id: `/iterations/{id}`, `?iteration_id=`. */
  VersionIdNotFound: row<{ version_id: string }>(
    R.VERSION_NOT_FOUND,
    NOT_FOUND,
    (p) =>
      `Version (iteration) with id ${quote(p.version_id)} does not exist in this registry. List the bucket's versions (iterations) to find its id.`,
  ),
  /** The 2021-04-30 API's `incremental_version`: N of a complete version's name vN. */
  VersionNameNotFound: row<{ bucket_name: string; version_name: string }>(
    R.VERSION_NOT_FOUND,
    NOT_FOUND,
    (p) =>
      `Bucket ${quote(p.bucket_name)} has no version ${p.version_name}. Only complete versions have an incremental version; list the bucket's versions to find one.`,
  ),
  /** The 2021-04-30 API names builds by id alone: `/builds/{build_id}`. */
  BuildIdNotFound: row<{ build_id: string }>(
    R.BUILD_NOT_FOUND,
    NOT_FOUND,
    (p) =>
      `Build ${quote(p.build_id)} does not exist in this registry. List the version's builds to find its id.`,
  ),
  ChannelNotFound: row<Channel>(
    R.CHANNEL_NOT_FOUND,
    NOT_FOUND,
    (p) =>
      `Channel ${quote(p.channel_name)} does not exist in bucket ${quote(p.bucket_name)}. Check the name with ListChannels, or create it with CreateChannel.`,
  ),
  PrincipalNotFound: row<{ id: string }>(
    R.PRINCIPAL_NOT_FOUND,
    NOT_FOUND,
    (p) => `Principal ${JSON.stringify(p.id)} does not exist. List principals to find its id.`,
  ),
  /** The principal was deleted between the credential check and the token. */
  TokenPrincipalGone: row<{ id: string }>(
    R.PRINCIPAL_NOT_FOUND,
    NOT_FOUND,
    (p) => `Principal ${JSON.stringify(p.id)} does not exist (deleted?); no token issued.`,
  ),
  ChannelRestricted: row<Channel & { principal: string }>(
    R.CHANNEL_RESTRICTED,
    PERMISSION_DENIED,
    (p) =>
      `Channel ${quote(p.channel_name)} of bucket ${quote(p.bucket_name)} is restricted: only contributors and admins can read it, and principal ${quote(p.principal)} is a viewer. Use a contributor's credentials, or make the channel unrestricted (UpdateChannel with restricted: false).`,
    { details: (p) => ({ bucket_name: p.bucket_name, channel_name: p.channel_name }) },
  ),
  BucketExists: row<Bucket>(
    R.BUCKET_EXISTS,
    ALREADY_EXISTS,
    (p) =>
      `Bucket ${quote(p.bucket_name)} already exists. Use GetBucket/UpdateBucket on it, or pick another name.`,
  ),
  VersionExists: row<BucketVersion>(
    R.VERSION_EXISTS,
    ALREADY_EXISTS,
    (p) =>
      `A version with fingerprint ${quote(p.fingerprint)} already exists in bucket ${quote(p.bucket_name)}. Continue it with GetVersion, or use a new fingerprint (e.g. a fresh ULID) for a new version.`,
  ),
  BuildExists: row<BucketVersion & { component_type: string }>(
    R.BUILD_EXISTS,
    ALREADY_EXISTS,
    (p) =>
      `Version ${quote(p.fingerprint)} of bucket ${quote(p.bucket_name)} already has a build for component_type ${quote(p.component_type)}. Update that build (UpdateBuild) instead of creating another.`,
  ),
  ChannelExists: row<Channel>(
    R.CHANNEL_EXISTS,
    ALREADY_EXISTS,
    (p) =>
      `Channel ${quote(p.channel_name)} already exists in bucket ${quote(p.bucket_name)}. Update it with UpdateChannel, or pick another name.`,
  ),
  PrincipalExists: row<{ name: string }>(
    R.PRINCIPAL_EXISTS,
    ALREADY_EXISTS,
    (p) =>
      `A principal named ${JSON.stringify(p.name)} already exists. Pick another name, or delete the old one first.`,
  ),
  /** 400 rather than the gateway's 409 for code 6: what HCP answers (a bad request, not a conflict). */
  BuildParentImmutable: row<Field & { build_id: string; stored: string }>(
    R.BUILD_PARENT_IMMUTABLE,
    ALREADY_EXISTS,
    (p) =>
      `${p.field} of build ${p.build_id} is already ${quote(p.stored)} and can be set only once. Record a different parent in a new version.`,
    { httpStatus: 400, details: (p) => ({ field: p.field, build_id: p.build_id }) },
  ),

  // --- refused in the current state (9), unavailable (14) -------------------------------------
  /** Code 3, unlike the other refusals on a managed channel (9). */
  ChannelManagedDelete: row<Channel>(
    R.CHANNEL_MANAGED_DELETE,
    INVALID_ARGUMENT,
    (p) =>
      `Channel ${quote(p.channel_name)} of bucket ${quote(p.bucket_name)} is managed by the registry and cannot be deleted. Delete the bucket to remove it.`,
  ),
  /** An UpdateChannel on `latest` whose update_mask names its version (restricted alone is allowed). */
  ChannelManagedUpdate: row<Channel>(R.CHANNEL_MANAGED, FAILED_PRECONDITION, (p) =>
    channelManaged(p, 'assigned a version (only its restricted flag can be updated)'),
  ),
  ChannelManagedAssignTarget: row<Channel>(R.CHANNEL_MANAGED, FAILED_PRECONDITION, (p) =>
    channelManaged(p, 'the target of an assignment'),
  ),
  ChannelUnassigned: row<Channel>(
    R.CHANNEL_UNASSIGNED,
    FAILED_PRECONDITION,
    (p) =>
      `Source channel ${quote(p.channel_name)} of bucket ${quote(p.bucket_name)} has no version to copy. Assign a version to it first.`,
    { details: (p) => ({ channel_name: p.channel_name }) },
  ),
  VersionComplete: row<Required<VersionRef>>(
    R.VERSION_COMPLETE,
    FAILED_PRECONDITION,
    (p) =>
      `Version ${quote(p.fingerprint)} of bucket ${quote(p.bucket)} is complete (${p.version}); its builds can no longer change. Build again under a new fingerprint.`,
    { details: fingerprintOnly },
  ),
  VersionIncompleteToAssign: row<VersionRef>(
    R.VERSION_INCOMPLETE,
    FAILED_PRECONDITION,
    (p) =>
      `${versionLabel(p)} is not complete (v0): only complete versions can be assigned to a channel. Finish its builds (all BUILD_DONE) first.`,
    { details: fingerprintOnly },
  ),
  VersionIncompleteToComplete: row<VersionRef>(
    R.VERSION_INCOMPLETE,
    FAILED_PRECONDITION,
    (p) =>
      `${versionLabel(p)} cannot be completed: it needs at least one build and every build must be BUILD_DONE.`,
    { details: fingerprintOnly },
  ),
  VersionIncompleteToRevoke: row<VersionRef>(
    R.VERSION_INCOMPLETE,
    FAILED_PRECONDITION,
    (p) =>
      `${versionLabel(p)} is not complete: only complete versions can be revoked. Delete an incomplete version instead.`,
    { details: fingerprintOnly },
  ),
  VersionRevokedToAssign: row<VersionRef>(
    R.VERSION_REVOKED,
    FAILED_PRECONDITION,
    (p) =>
      `${versionLabel(p)} is revoked and cannot be assigned to a channel. Restore it first, or assign another version.`,
    { details: fingerprintOnly },
  ),
  /** `inheritedFrom`: the ancestor whose revocation this version inherits, if any. */
  VersionRevoked: row<VersionRef & { inheritedFrom?: { bucket: string; fingerprint: string } }>(
    R.VERSION_REVOKED,
    FAILED_PRECONDITION,
    (p) =>
      `${versionLabel(p)} is revoked and cannot be changed until it is restored. ` +
      (p.inheritedFrom
        ? `Its revocation is inherited from version ${quote(p.inheritedFrom.fingerprint)} of bucket ${quote(p.inheritedFrom.bucket)}; restore that version first.`
        : 'Send {"restore": true} first.'),
    { details: fingerprintOnly },
  ),
  VersionNotRevoked: row<VersionRef>(
    R.VERSION_NOT_REVOKED,
    FAILED_PRECONDITION,
    (p) =>
      `${versionLabel(p)} is not revoked or scheduled for revocation; there is nothing to restore.`,
    { details: fingerprintOnly },
  ),
  RevocationInheritedRestore: row<VersionRef & { source: Required<VersionRef> & { id: string } }>(
    R.REVOCATION_INHERITED,
    FAILED_PRECONDITION,
    (p) =>
      `${versionLabel(p)} inherits its revocation from version ${quote(p.source.fingerprint)} (${p.source.version}) of bucket ${quote(p.source.bucket)}. Restore that version instead; its descendants are restored with it.`,
    { details: (p) => ({ fingerprint: p.fingerprint, inherited_from: p.source.id }) },
  ),
  RevocationInheritedEarlier: row<VersionRef & { scheduledFor: string }>(
    R.REVOCATION_INHERITED,
    FAILED_PRECONDITION,
    (p) =>
      `${versionLabel(p)} already inherits a revocation scheduled for ${p.scheduledFor}; a revocation of its own can only be earlier. Pick an earlier revoke_at, or change the ancestor's schedule.`,
    { details: fingerprintOnly },
  ),
  VersionAssigned: row<BucketVersion & { channels: readonly string[] }>(
    R.VERSION_ASSIGNED,
    FAILED_PRECONDITION,
    (p) =>
      `Version ${quote(p.fingerprint)} of bucket ${quote(p.bucket_name)} is assigned to channel(s) ${p.channels.map(quote).join(', ')}. Unassign it first, or delete with rollback_channels=true to roll those channels back to their previous valid version.`,
    { details: (p) => ({ fingerprint: p.fingerprint, channels: p.channels }) },
  ),
  /** `next`: where `from` may go instead. */
  BuildStatusTransition: row<{
    build_id: string;
    from: string;
    to: string;
    next: readonly string[];
  }>(
    R.BUILD_STATUS_TRANSITION,
    FAILED_PRECONDITION,
    (p) =>
      `Build ${p.build_id} cannot go from ${p.from} to ${p.to}.` +
      (p.to === 'BUILD_DONE'
        ? ' Set it to BUILD_RUNNING first (a retry), then to BUILD_DONE with its artifacts.'
        : ` From ${p.from} it can go to ${p.next.join(', ')}.`),
    { details: (p) => ({ build_id: p.build_id, from: p.from, to: p.to }) },
  ),
  BuildDone: row<{ build_id: string }>(
    R.BUILD_DONE,
    FAILED_PRECONDITION,
    (p) =>
      `Build ${p.build_id} is BUILD_DONE and can no longer change. To rebuild, create a new version with a new fingerprint.`,
  ),
  /** The 2021-04-30 API's CreateRegistry, UpdateRegistry and DeleteRegistry. */
  RegistryManaged: row<{ operation: string }>(
    R.REGISTRY_MANAGED,
    FAILED_PRECONDITION,
    (p) =>
      `${p.operation} is refused: this self-hosted registry always exists, is active and has every feature (feature_tier PLUS). Read it with GetRegistry; stop the server to take it down.`,
  ),
  LastAdmin: row<{ id: string; name: string }>(
    R.LAST_ADMIN,
    FAILED_PRECONDITION,
    (p) =>
      `Principal ${JSON.stringify(p.name)} is the last admin; deleting it would leave nobody who ` +
      `can manage principals. Create another admin first (POST /imprint/v1/principals with ` +
      `role admin, or imprint-registry principals create --name NAME --role admin), then delete this one.`,
  ),
  /** `engine`: the engine's label (SQLite, PostgreSQL); `retryAfterSeconds` goes to `Retry-After`. */
  DatabaseUnavailable: row<{ engine: string; why: string; retryAfterSeconds: number }>(
    R.DATABASE_UNAVAILABLE,
    UNAVAILABLE,
    (p) =>
      `the ${p.engine} database cannot serve this request right now (${p.why}); ` +
      `retry in ${p.retryAfterSeconds}s — /readyz reports when it is back`,
    { details: (p) => ({ retry_after_seconds: p.retryAfterSeconds }) },
  ),
  /** Start-up gave up waiting (`databaseWaitMs`); raised as a `DatabaseUnavailableError`. */
  DatabaseWaitExpired: row<{ engine: string; where: string; waitedMs: number; why: string }>(
    R.DATABASE_UNAVAILABLE,
    UNAVAILABLE,
    (p) =>
      `the ${p.engine} database at ${p.where} did not answer within ` +
      `${Math.round(p.waitedMs / 1000)}s (${p.why}); start it, check the database URL, or wait longer`,
    { details: (p) => ({ waited_ms: p.waitedMs }) },
  ),
} as const;
