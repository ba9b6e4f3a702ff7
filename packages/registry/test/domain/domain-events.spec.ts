import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import type { DomainEvent } from '@imprint/registry';
import { DomainEventChannel, SqliteWriteBatcher } from '@imprint/registry/testing';

/*
 * The post-commit channel over the SQLite group commit: transactions of one
 * group share a COMMIT, but each one's events reach listeners only once its
 * own promise resolves (after that COMMIT), and a failing one's never.
 */
describe('domain events after commit (SQLite group commit)', () => {
  let db: Kysely<any>;
  const statements: string[] = [];

  beforeAll(async () => {
    db = new Kysely<any>({
      dialect: new SqliteDialect({ database: new BetterSqlite3(':memory:') }),
      log: (event) => void statements.push(event.query.sql.toLowerCase()),
    });
    await sql`create table t (x integer not null)`.execute(db);
  });
  afterAll(() => db.destroy());

  it('delivers the events of the transaction that committed, not those of its failing neighbour', async () => {
    const batcher = new SqliteWriteBatcher(db as never);
    const channel = new DomainEventChannel();
    const heard: DomainEvent[] = [];
    channel.subscribe((event) => heard.push(event));
    const transaction = <T>(fn: (trx: Kysely<any>) => Promise<T>) =>
      channel.afterCommit(fn, (run) => batcher.run(run as never) as Promise<T>);
    statements.length = 0;

    let heardInside = -1;
    const committed = transaction(async (trx) => {
      await trx.insertInto('t').values({ x: 1 }).execute();
      channel.record(trx, { kind: 'version-completed' });
      await sql`select 1`.execute(trx);
      channel.record(trx, { kind: 'builds-cancelled', count: 2 });
      return 'ok';
    });
    const failing = transaction(async (trx) => {
      channel.record(trx, { kind: 'build-finished', status: 'BUILD_DONE' });
      await trx.insertInto('t').values({ x: 2 }).execute();
      heardInside = heard.length;
      throw new Error('rolled back');
    });

    await expect(failing).rejects.toThrow('rolled back');
    await expect(committed).resolves.toBe('ok');
    // One group: one COMMIT, each in a savepoint; nothing heard before it.
    expect(statements.filter((s) => s === 'commit')).toHaveLength(1);
    expect(statements.some((s) => s.startsWith('savepoint'))).toBe(true);
    expect(heardInside).toBe(0);
    expect(heard).toEqual([{ kind: 'version-completed' }, { kind: 'builds-cancelled', count: 2 }]);
    expect((await db.selectFrom('t').select('x').execute()).map((r) => r.x)).toEqual([1]);

    // Outside a write (the shared database: a statement that committed by itself): heard at once.
    channel.record(db, { kind: 'version-revoked', when: 'scheduled' });
    expect(heard).toHaveLength(3);
  });

  it('costs nothing and keeps nothing without a listener', async () => {
    const channel = new DomainEventChannel();
    const handle = {};
    const fn = async (trx: object) => {
      channel.record(trx, { kind: 'version-completed' });
      return 1;
    };
    // The function runs as is: no wrapper, nothing buffered.
    await expect(
      channel.afterCommit(fn, (run) => (run === fn ? run(handle) : (0 as never))),
    ).resolves.toBe(1);
    const heard: DomainEvent[] = [];
    channel.subscribe((event) => heard.push(event));
    expect(heard).toEqual([]);
  });
});
