import type { Kysely, Transaction } from 'kysely';

/*
 * Row types of the registry database, shared by both engines.
 * Portable encodings: timestamps are epoch milliseconds (bigint columns, read
 * back as JS numbers on both engines); booleans are 0/1 integers; maps and
 * free-form JSON are text.
 */

/** The single registry record (organization + project identity). */
export interface RegistryTable {
  singleton: number;
  id: string;
  organization_id: string;
  project_id: string;
  created_at: number;
  updated_at: number;
  /** HMAC key of GetSbom's download URLs (hex); set on first open after migration 0004. */
  url_signing_key: string | null;
}

/** A bucket. */
export interface BucketTable {
  id: string;
  name: string;
  description: string;
  /** JSON object of string values. */
  labels: string;
  /** JSON array of strings: platforms of the version on `latest` (or set by UpdateBucket). */
  platforms: string;
  /** Last `vN` number handed out in this bucket. */
  version_seq: number;
  created_at: number;
  updated_at: number;
}

/** A version (`v0` while seq = 0) with its effective and own revocation. */
export interface VersionTable {
  id: string;
  bucket_id: string;
  fingerprint: string;
  /** 0 while the version is incomplete (`v0`), then N of `vN`. */
  seq: number;
  template_type: string;
  author_id: string;
  created_at: number;
  updated_at: number;
  completed_at: number | null;
  revoke_at: number | null;
  revocation_message: string | null;
  revocation_author: string | null;
  /** `MANUAL` | `INHERITED` | null. */
  revocation_type: string | null;
  /** JSON snapshot of `revocation_inherited_from` (survives deletion of the source). */
  revocation_inherited_from: string | null;
  /** The manually revoked version an inherited revocation comes from. No FK on purpose. */
  inherited_from_version_id: string | null;
  /** 1 when a manual revocation cascades to descendants. */
  revocation_cascade: number;
  /** 1 when channels pointing here roll back once the revocation takes effect. */
  revocation_rollback: number;
  /** 1 once the rollback side effects of a due revocation were applied. */
  revocation_applied: number;
  /*
   * The version's own (manual) revocation, kept apart from the effective one
   * above: an earlier inherited revocation may hide it, and it comes back
   * when that ancestor is restored (or moves later than it).
   */
  own_revoke_at: number | null;
  own_message: string | null;
  own_author: string | null;
  own_cascade: number;
  own_rollback: number;
  /** Moves with every change to the version's builds and its completion (migration 0003). */
  revision: number;
}

/** A build; parent ids are kept as sent (they make relations only when they resolve). */
export interface BuildTable {
  id: string;
  version_id: string;
  component_type: string;
  platform: string;
  status: string;
  packer_run_uuid: string;
  labels: string;
  source_external_identifier: string;
  metadata: string;
  parent_version_id: string;
  parent_channel_id: string;
  heartbeat_at: number | null;
  created_at: number;
  updated_at: number;
}

/** An artifact of a build. */
export interface ArtifactTable {
  id: string;
  build_id: string;
  external_identifier: string;
  region: string;
  created_at: number;
}

/** A channel; `managed` = 1 only for `latest`. */
export interface ChannelTable {
  id: string;
  bucket_id: string;
  name: string;
  managed: number;
  restricted: number;
  version_id: string | null;
  author_id: string;
  created_at: number;
  updated_at: number;
}

/** One channel assignment change (append-only). */
export interface ChannelHistoryTable {
  id: string;
  channel_id: string;
  assigned_at: number;
  author_id: string;
  /** Snapshot of the assigned version; null entries record an unassignment. No FK on purpose. */
  version_id: string | null;
  version_fingerprint: string | null;
  version_name: string | null;
}

/** One parent → child ancestry relation between complete versions. */
export interface VersionLinkTable {
  id: string;
  child_version_id: string;
  parent_version_id: string;
  parent_channel_id: string | null;
  /** 1 when inferred from a source external identifier rather than declared. */
  inferred: number;
  created_at: number;
}

/** A service principal; only a scrypt hash of its secret is stored. */
export interface PrincipalTable {
  id: string;
  name: string;
  role: string;
  secret_hash: string;
  secret_salt: string;
  created_at: number;
}

/** A bearer token, stored as its SHA-256 hash. */
export interface TokenTable {
  token_hash: string;
  principal_id: string;
  expires_at: number;
  created_at: number;
}

/**
 * A stored SBOM document, content-addressed: identical documents are stored
 * once. `data` holds the compressed bytes on PostgreSQL (bytea) and in an
 * in-memory SQLite database; a SQLite database on disk keeps them in
 * `<data dir>/sboms/<2 hex>/<sha256>` and `data` is NULL (see sbom-blobs.ts).
 */
export interface SbomBlobTable {
  /** Hex sha256 of the compressed bytes. */
  sha256: string;
  size: number;
  data: Uint8Array | null;
  created_at: number;
}

/** An SBOM of a build: a name, a format and the blob of its document. */
export interface SbomTable {
  id: string;
  build_id: string;
  name: string;
  format: string;
  blob_sha256: string;
  created_at: number;
  /** 1 once its packages are in `packages` (0: stored before migration 0005, parsed at open). */
  packages_indexed: number;
}

/** One package of one SBOM (see migration 0005). */
export interface PackageTable {
  id: string;
  sbom_id: string;
  build_id: string;
  /** Hex sha256 of the JSON of [name, version, purl]: the package's identity. */
  package_key: string;
  name: string;
  /** `name` lower-cased, for case-insensitive search. */
  name_lower: string;
  /** '' when the SBOM gives none (also `purl`, `type`). */
  version: string;
  purl: string;
  /** CycloneDX component type (`library`, `operating-system`, …), SPDX primaryPackagePurpose lower-cased. */
  type: string;
  /** JSON array of licence ids, names or expressions. */
  licenses: string;
  created_at: number;
  /** OSV ecosystem of the purl (`Debian`, `npm`, …); '' none; NULL not derived yet (migration 0006). */
  osv_ecosystem: string | null;
  /** The ecosystem's release (`12` of `Debian:12`), '' when the purl names none. */
  osv_release: string;
  /** The name OSV records use, normalised for matching. */
  osv_name: string;
  /** The version OSV ranges are compared with when not `version` (a binary's source version), else ''. */
  osv_version: string;
}

/** One imported OSV record (migration 0006). */
export interface VulnerabilityTable {
  /** The OSV id. */
  id: string;
  summary: string;
  details: string;
  /** JSON arrays of identifiers. */
  aliases: string;
  related: string;
  /** CRITICAL, HIGH, MEDIUM, LOW or UNKNOWN. */
  severity: string;
  /** One of CRITICALITIES; `criticality_rank` is its index (0 = worst). */
  criticality: string;
  criticality_rank: number;
  score: number | null;
  published_at: number | null;
  modified_at: number;
  withdrawn_at: number | null;
  imported_at: number;
}

/** The id and each alias of a vulnerability, lower-cased. */
export interface VulnerabilityAliasTable {
  vulnerability_id: string;
  alias_lower: string;
}

/** One `affected[]` entry of an OSV record. */
export interface VulnerabilityAffectedTable {
  id: string;
  vulnerability_id: string;
  ecosystem: string;
  release: string;
  name: string;
  /** JSON `{ ranges, versions }`. */
  affected: string;
}

/** A package identity a vulnerability affects. */
export interface PackageVulnerabilityTable {
  package_key: string;
  vulnerability_id: string;
  /** '' when no fix is known. */
  fixed_version: string;
  first_seen_at: number;
}

/** One `vulns import` run. */
export interface VulnerabilityImportTable {
  id: string;
  /** The file or directory imported. */
  source: string;
  started_at: number;
  finished_at: number;
  /** JSON of the import's counts. */
  summary: string;
}

/**
 * One audit log entry (migration 0007): a mutating request or a failed
 * authentication. Append-only; `status`, `outcome` and `error_reason` are set
 * once, after the response, while `outcome` is `unknown`.
 */
export interface AuditEventTable {
  /** ULID: sorts by time. */
  id: string;
  at: number;
  /** NULL when nobody was authenticated (a failed authentication). */
  principal_id: string | null;
  principal_name: string | null;
  role: string | null;
  method: string;
  /** The route pattern, e.g. `/packer/2023-01-01/.../buckets/:bucket_name`. */
  route: string;
  /** The route's operationId. */
  operation: string;
  /** What the path names, e.g. `bucket/base/version/abc`; '' for none. */
  resource: string;
  /** The HTTP status; NULL while `outcome` is `unknown`. */
  status: number | null;
  /** `ok` | `denied` | `error` | `unknown` (in flight, or the process stopped before it was recorded). */
  outcome: string;
  /** The error's stable reason (`REGISTRY_ERR_...`), when there was one. */
  error_reason: string | null;
  request_id: string;
  client_address: string;
  /** Truncated (see AUDIT_USER_AGENT_MAX). */
  user_agent: string;
}

/** A webhook subscription (migration 0008). */
export interface WebhookTable {
  id: string;
  name: string;
  url: string;
  /** JSON array of event names; `[]` subscribes to every event. */
  events: string;
  /** Signs deliveries (HMAC-SHA512); shown once, at create. */
  secret: string;
  enabled: number;
  created_at: number;
  created_by: string;
}

/** One event for one subscription, written with the change it reports. */
export interface WebhookOutboxTable {
  id: string;
  webhook_id: string;
  event: string;
  /** The JSON body, exactly as sent (so every attempt signs the same bytes). */
  payload: string;
  created_at: number;
  attempts: number;
  next_attempt_at: number;
  /** A deliverer's lease: other processes skip the row until then. */
  locked_until: number | null;
  locked_by: string | null;
  delivered_at: number | null;
  failed_at: number | null;
  last_error: string | null;
  last_status: number | null;
}

/** The whole database, as Kysely sees it. */
export interface Database {
  registry: RegistryTable;
  buckets: BucketTable;
  versions: VersionTable;
  builds: BuildTable;
  artifacts: ArtifactTable;
  channels: ChannelTable;
  channel_history: ChannelHistoryTable;
  version_links: VersionLinkTable;
  principals: PrincipalTable;
  tokens: TokenTable;
  sbom_blobs: SbomBlobTable;
  sboms: SbomTable;
  packages: PackageTable;
  vulnerabilities: VulnerabilityTable;
  vulnerability_aliases: VulnerabilityAliasTable;
  vulnerability_affected: VulnerabilityAffectedTable;
  package_vulnerabilities: PackageVulnerabilityTable;
  vulnerability_imports: VulnerabilityImportTable;
  audit_events: AuditEventTable;
  webhooks: WebhookTable;
  webhook_outbox: WebhookOutboxTable;
}

/** Every table of {@link Database}, by name (the compiler checks none is missing). */
export const REGISTRY_TABLES = [
  'registry',
  'buckets',
  'versions',
  'builds',
  'artifacts',
  'channels',
  'channel_history',
  'version_links',
  'principals',
  'tokens',
  'sbom_blobs',
  'sboms',
  'packages',
  'vulnerabilities',
  'vulnerability_aliases',
  'vulnerability_affected',
  'package_vulnerabilities',
  'vulnerability_imports',
  'audit_events',
  'webhooks',
  'webhook_outbox',
] as const satisfies readonly (keyof Database)[];
const everyTableListed: Exclude<keyof Database, (typeof REGISTRY_TABLES)[number]> extends never
  ? true
  : never = true;
void everyTableListed;

/** A connection or transaction over {@link Database}. */
export type Db = Kysely<Database> | Transaction<Database>;
