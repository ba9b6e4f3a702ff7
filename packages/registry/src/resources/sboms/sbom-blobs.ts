import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, readdir, rename, rm } from 'node:fs/promises';
import * as path from 'node:path';
import type { Transaction } from 'kysely';
import type { Database, Db } from '../../storage/schema';
import type { Engine } from '../../storage/sql-helpers';
import type { SbomDocument } from './sbom-document';

/** Directory of SBOM files under a SQLite data directory. */
export const SBOM_DIR_NAME = 'sboms';

type WriteTransaction = <T>(fn: (trx: Transaction<Database>) => Promise<T>) => Promise<T>;

/**
 * Where SBOM documents are kept, content-addressed by the sha256 of their
 * compressed bytes (one row in `sbom_blobs` per distinct document). In the
 * database (`data`: PostgreSQL bytea, in-memory SQLite), or as files
 * `<data dir>/sboms/<2 hex>/<sha256>` beside a SQLite database on disk.
 * Files are written inside the upload's write transaction (so no other
 * writer, in this process or another, can remove them between the write and
 * the commit) and removed after the deleting transaction commits, by a write
 * transaction that re-checks the row; a crash in between leaves only files
 * without a row, which {@link SbomBlobStore.sweep} removes at start.
 */
export class SbomBlobStore {
  private constructor(
    private readonly engine: Engine,
    private readonly dir: string | undefined,
    private readonly transaction: WriteTransaction,
  ) {}

  /** `dataDir` undefined (PostgreSQL) or `:memory:` keeps documents in the database. */
  static open(engine: Engine, dataDir: string | undefined, transaction: WriteTransaction) {
    const dir =
      engine === 'sqlite' && dataDir !== undefined && dataDir !== ':memory:'
        ? path.join(dataDir, SBOM_DIR_NAME)
        : undefined;
    return new SbomBlobStore(engine, dir, transaction);
  }

  /** The file of a blob (files mode). */
  fileOf(sha256: string): string | undefined {
    return this.dir && path.join(this.dir, sha256.slice(0, 2), sha256);
  }

  /**
   * Inside the upload transaction: stores the document unless an identical
   * one is. On PostgreSQL the row is locked (FOR UPDATE, or the upsert's
   * lock), so a concurrent delete cannot drop it before this commits.
   */
  async put(trx: Db, document: SbomDocument, now: number): Promise<void> {
    const found =
      this.engine === 'postgres'
        ? (await this.lockRows(trx, [document.sha256])).length > 0
        : (await trx
            .selectFrom('sbom_blobs')
            .select('sha256')
            .where('sha256', '=', document.sha256)
            .executeTakeFirst()) !== undefined;
    if (found) return;
    const file = this.fileOf(document.sha256);
    if (file) await writeDurably(file, document.compressed);
    await trx
      .insertInto('sbom_blobs')
      .values({
        sha256: document.sha256,
        size: document.compressed.length,
        data: file ? null : document.compressed,
        created_at: now,
      })
      .onConflict((oc) => oc.column('sha256').doUpdateSet({ size: document.compressed.length }))
      .execute();
  }

  /** The compressed bytes of a blob, or undefined when it is gone. */
  async read(db: Db, sha256: string): Promise<Buffer | undefined> {
    const row = await db
      .selectFrom('sbom_blobs')
      .select('data')
      .where('sha256', '=', sha256)
      .executeTakeFirst();
    if (!row) return undefined;
    const file = this.fileOf(sha256);
    if (!file) return row.data ? Buffer.from(row.data) : Buffer.alloc(0);
    // A row without its file cannot be (files are written before rows commit), but say 404, not 500.
    return readFile(file).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
  }

  /**
   * Inside a deleting transaction, once the `sboms` rows are gone: deletes
   * the blobs among `candidates` nothing points at any more; returns their
   * sha256s (for {@link removeFiles} after the commit). On PostgreSQL the
   * rows are locked first, and the delete (a later statement, so it sees
   * what a concurrent upload committed meanwhile) re-checks references.
   */
  async dropUnreferenced(trx: Db, candidates: readonly string[]): Promise<string[]> {
    if (candidates.length === 0) return [];
    if (this.engine === 'postgres') await this.lockRows(trx, candidates);
    const rows = await trx
      .deleteFrom('sbom_blobs')
      .where('sha256', 'in', [...candidates])
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('sboms')
              .select('sboms.id')
              .whereRef('sboms.blob_sha256', '=', 'sbom_blobs.sha256'),
          ),
        ),
      )
      .returning('sha256')
      .execute();
    return rows.map((r) => r.sha256);
  }

  /**
   * After the deleting transaction committed: removes the files of `shas`
   * whose rows are still gone (an upload may have stored the same document
   * again meanwhile), inside a write transaction so no upload interleaves.
   * Never throws: a file left behind is removed by the next {@link sweep}.
   */
  async removeFiles(shas: readonly string[]): Promise<void> {
    if (!this.dir || shas.length === 0) return;
    await this.transaction(async (trx) => {
      const kept = new Set(
        (
          await trx
            .selectFrom('sbom_blobs')
            .select('sha256')
            .where('sha256', 'in', [...shas])
            .execute()
        ).map((r) => r.sha256),
      );
      for (const sha of shas)
        if (!kept.has(sha)) await rm(this.fileOf(sha) as string, { force: true });
    }).catch(() => undefined);
  }

  /**
   * At start: removes every file (and temporary file) under the SBOM
   * directory without a row, e.g. from an upload or a delete cut short by a
   * crash. Returns how many files it removed.
   */
  async sweep(): Promise<number> {
    const dir = this.dir;
    if (!dir) return 0;
    return this.transaction(async (trx) => {
      const known = new Set(
        (await trx.selectFrom('sbom_blobs').select('sha256').execute()).map((r) => r.sha256),
      );
      let removed = 0;
      const shards = await readdir(dir).catch(() => [] as string[]);
      for (const shard of shards) {
        const files = await readdir(path.join(dir, shard)).catch(() => [] as string[]);
        for (const file of files) {
          if (known.has(file) && file.startsWith(shard)) continue;
          await rm(path.join(dir, shard, file), { force: true, recursive: true });
          removed += 1;
        }
      }
      return removed;
    });
  }

  private lockRows(trx: Db, shas: readonly string[]): Promise<{ sha256: string }[]> {
    return trx
      .selectFrom('sbom_blobs')
      .select('sha256')
      .where('sha256', 'in', [...shas])
      .forUpdate()
      .execute();
  }
}

/** Temp name, write, fsync, rename, fsync the directory: the file is whole or absent. */
async function writeDurably(file: string, bytes: Buffer): Promise<void> {
  const dir = path.dirname(file);
  await mkdir(dir, { recursive: true });
  const temp = path.join(dir, `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temp, 'w');
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, file);
  const dirHandle = await open(dir, 'r');
  try {
    await dirHandle.sync();
  } finally {
    await dirHandle.close();
  }
}
