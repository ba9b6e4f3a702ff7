/** What migration 0008 (webhooks) added, taken away again: a database as it was before it. */
export const BEFORE_0008 = [
  'drop table webhook_outbox',
  'drop table webhooks',
  'drop index versions_due_idx',
  'create index versions_due_revocation_idx on versions (revoke_at) where revocation_rollback = 1 and revocation_applied = 0',
  "delete from kysely_migration where name = '0008-webhooks'",
];

/** What migration 0007 (the audit log) added, taken away again (and 0008 first; its triggers go with the table). */
export const BEFORE_0007 = [
  ...BEFORE_0008,
  'drop table audit_events',
  "delete from kysely_migration where name = '0007-audit'",
];

/**
 * What migration 0006 (vulnerabilities) added, taken away again (and the
 * later ones first): a database as it was before it. The specs of earlier
 * migrations undo this first.
 */
export const BEFORE_0006 = [
  ...BEFORE_0007,
  'drop table package_vulnerabilities',
  'drop table vulnerability_affected',
  'drop table vulnerability_aliases',
  'drop table vulnerability_imports',
  'drop table vulnerabilities',
  'drop index packages_osv_idx',
  'alter table packages drop column osv_ecosystem',
  'alter table packages drop column osv_release',
  'alter table packages drop column osv_name',
  'alter table packages drop column osv_version',
  "delete from kysely_migration where name = '0006-vulnerabilities'",
];
