import { rawQuery } from '@imprint/registry/testing';
import { describeIfPostgres, useStorage } from '../helpers/storage';
import { ALICE, fingerprint, uniqueName } from '../helpers/fixtures';

/*
 * The registry prepares its statements on each pooled PostgreSQL connection,
 * and a prepared statement keeps its plan until the planner statistics of
 * its tables change, which autovacuum does a minute or more after they grew.
 * A registry started on an empty database planned over "no rows": unaware
 * that one bucket holds all the versions, the planner took a scan of the
 * bucket's index (or of the table) for as cheap as the unique key, and every
 * CreateBuild and UpdateBuild read the whole bucket, slower with each version
 * (bench (b): 1,146 buffer hits per CreateBuild; here, before the fix, about
 * 1,300 versions read per completion while the bucket grew to 1,000). The
 * registry analyzes its tables while they are young (whenever one holds twice
 * the rows its statistics describe), which also makes the connections plan
 * again.
 */
const GROWN = 1_000;
const THEN = 2_000;
const CONCURRENCY = 10;

describeIfPostgres('planner statistics as the tables grow (%s)', (engine) => {
  const h = useStorage(engine, { readCache: false });

  const completeVersions = async (bucket: string, count: number) => {
    let started = 0;
    const worker = async () => {
      while (started < count) {
        started += 1;
        const fp = fingerprint();
        await h.service.createVersion(ALICE, bucket, { fingerprint: fp, template_type: 'HCL2' });
        const build = await h.service.createBuild(ALICE, bucket, fp, {
          component_type: 'amazon-ebs.ubuntu',
          status: 'BUILD_RUNNING',
        });
        await h.service.updateBuild(ALICE, bucket, fp, build.id, {
          status: 'BUILD_DONE',
          platform: 'aws',
          artifacts: [{ external_identifier: `ami-${fp}`, region: 'us-east-1' }],
        });
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  };

  const versionsStats = async () => {
    const [row] = await rawQuery(
      h.options,
      `select s.analyze_count + s.autoanalyze_count as analyzed, s.n_live_tup as live,
              c.reltuples as described,
              coalesce(s.seq_tup_read, 0) + coalesce(s.idx_tup_fetch, 0) as read
         from pg_stat_user_tables s join pg_class c on c.oid = s.relid
        where s.relname = 'versions'`,
    );
    return {
      analyzed: Number(row?.['analyzed'] ?? 0),
      /** Rows the table holds, and rows its statistics describe (-1: never analyzed). */
      live: Number(row?.['live'] ?? 0),
      described: Number(row?.['described'] ?? -1),
      read: Number(row?.['read'] ?? 0),
    };
  };

  /**
   * The versions table's counters, once every pooled connection reported its
   * own: a backend reports when a transaction ends at least a second after
   * its last report (an idle one only ten seconds later), so each connection
   * runs one statement after a second's pause.
   */
  const reportedStats = async () => {
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await Promise.all(Array.from({ length: CONCURRENCY }, () => h.service.listBuckets()));
    return versionsStats();
  };

  it('are brought up to date by the registry, so a completion reads versions by key', async () => {
    // No autovacuum during the test: only the registry may analyze.
    await rawQuery(
      h.options,
      `alter table versions set (autovacuum_enabled = off);
       alter table builds set (autovacuum_enabled = off);
       alter table artifacts set (autovacuum_enabled = off)`,
    );
    const bucket = uniqueName('growth');
    await h.service.createBucket(ALICE, { name: bucket });

    await completeVersions(bucket, GROWN);
    // Until the registry's statistics describe at least half the rows (its
    // rule), and once more so that every connection reported what it read
    // before the measured part.
    let before = await reportedStats();
    for (let turn = 0; turn < 30 && before.described * 2 < before.live; turn += 1) {
      before = await reportedStats();
    }
    expect(before.analyzed).toBeGreaterThan(0);
    expect(before.described * 2).toBeGreaterThanOrEqual(before.live);
    before = await reportedStats();

    await completeVersions(bucket, THEN);
    expect((await h.service.getChannel(bucket, 'latest')).version?.name).toBe(`v${GROWN + THEN}`);

    // A backend flushes its statistics as it ends, before it leaves pg_stat_activity.
    await h.storage.close();
    const [{ database }] = await rawQuery(h.options, 'select current_database() as database');
    for (let waited = 0; waited < 10_000; waited += 50) {
      const [{ backends }] = await rawQuery(
        h.options,
        `select count(*)::integer as backends from pg_stat_activity
          where datname = '${String(database)}' and pid <> pg_backend_pid()`,
      );
      if (backends === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    // Plans kept from the first rows read the whole bucket per statement
    // (1,000 to 3,000 versions per completion here); planned with
    // statistics, a completion reads a few versions by key.
    const after = await versionsStats();
    const perCompletion = (after.read - before.read) / THEN;
    expect(perCompletion).toBeGreaterThan(0);
    expect(perCompletion).toBeLessThan(20);
  }, 120_000);
});
