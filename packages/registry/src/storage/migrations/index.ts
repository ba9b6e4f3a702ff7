import type { Migration, MigrationProvider } from 'kysely';
import type { Engine } from '../sql-helpers';
import { initialMigration } from './0001-initial';
import { changeNotifyTriggerMigration } from './0002-change-notify-trigger';
import { versionRevisionMigration } from './0003-version-revision';
import { sbomsMigration } from './0004-sboms';
import { packagesMigration } from './0005-packages';
import { vulnerabilitiesMigration } from './0006-vulnerabilities';
import { auditMigration } from './0007-audit';
import { webhooksMigration } from './0008-webhooks';

/**
 * Every schema migration for `engine`, keyed by a name that sorts in
 * application order. Forward-only: add a new `000N-*.ts` file and list it
 * here; never edit or remove a migration that has shipped. A migration that
 * only concerns one engine is a no-op on the other (and still recorded).
 */
export function migrationsFor(engine: Engine): Readonly<Record<string, Migration>> {
  return Object.freeze({
    '0001-initial': initialMigration,
    '0002-change-notify-trigger': changeNotifyTriggerMigration(engine),
    '0003-version-revision': versionRevisionMigration,
    '0004-sboms': sbomsMigration(engine),
    '0005-packages': packagesMigration,
    '0006-vulnerabilities': vulnerabilitiesMigration,
    '0007-audit': auditMigration(engine),
    '0008-webhooks': webhooksMigration,
  });
}

/** A static, in-code provider: no file-system scanning, so it works from a bundle too. */
export function migrationProvider(engine: Engine): MigrationProvider {
  return { getMigrations: () => Promise.resolve({ ...migrationsFor(engine) }) };
}
