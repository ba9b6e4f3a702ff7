/*
 * Internal limits that tests check from the outside. They are tuning, not a
 * promise to users, so they stay out of `@imprint/registry`; tests import
 * them from here instead of reaching into the sources.
 */

/** The SQLite WAL size a checkpoint brings the file back under (tests write past it). */
export { WAL_LIMIT_BYTES } from '../storage/sqlite-checkpointer';

/** The post-commit event channel and the SQLite group commit it runs over (tests pair them). */
export { DomainEventChannel } from '../domain/domain-events';
export { SqliteWriteBatcher } from '../storage/sqlite-write-batcher';
