import {
  CompiledQuery,
  SqliteAdapter,
  SqliteDriver,
  SqliteIntrospector,
  SqliteQueryCompiler,
} from 'kysely';
import type {
  DatabaseConnection,
  DatabaseIntrospector,
  Dialect,
  DialectAdapter,
  Driver,
  Kysely,
  QueryCompiler,
  SqliteDatabase,
  SqliteDialectConfig,
  SqliteStatement,
} from 'kysely';

/**
 * Kysely's SQLite driver, except that transactions start with
 * `BEGIN IMMEDIATE`. Inside one process Kysely already serialises every
 * query on the single connection; IMMEDIATE also takes the write lock up
 * front, so a second process (an admin CLI next to the server) waits on
 * `busy_timeout` instead of failing with SQLITE_BUSY when a deferred read
 * transaction tries to upgrade to a write.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

/** {@link SqliteDialect} with {@link ImmediateSqliteDriver}. */
export class ImmediateSqliteDialect implements Dialect {
  constructor(private readonly config: SqliteDialectConfig) {}

  createDriver(): Driver {
    return new ImmediateSqliteDriver(this.config);
  }

  createQueryCompiler(): QueryCompiler {
    return new SqliteQueryCompiler();
  }

  createAdapter(): DialectAdapter {
    return new SqliteAdapter();
  }

  createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new SqliteIntrospector(db);
  }
}

/**
 * Wraps a better-sqlite3 database so repeated SQL text reuses its prepared
 * statement. Kysely prepares every query anew, which costs as much as running
 * it; the registry issues a small, fixed set of statements, so a bounded map
 * keyed by SQL text removes that cost. Safe because Kysely runs one query at
 * a time on the single SQLite connection.
 */
export function withStatementCache(database: SqliteDatabase, limit = 1000): SqliteDatabase {
  const cache = new Map<string, SqliteStatement>();
  return {
    prepare(sql: string) {
      let statement = cache.get(sql);
      if (statement === undefined) {
        statement = database.prepare(sql);
        if (cache.size >= limit) cache.delete(cache.keys().next().value as string);
        cache.set(sql, statement);
      }
      return statement;
    },
    close() {
      cache.clear();
      database.close();
    },
  };
}
