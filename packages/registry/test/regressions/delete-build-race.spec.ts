import { Client } from 'pg';
import { openRegistryStorage, type Actor } from '@imprint/registry';
import { createTestDatabase } from '@imprint/registry/testing';
import { POSTGRES_ONLY } from '../helpers/storage';

const ACTOR: Actor = { principalId: 'tester', name: 'tester', role: 'admin' };

(POSTGRES_ONLY.length > 0 ? it : it.skip)(
  'deleteBuild does not delete a build of a version completed while it waited for the lock',
  async () => {
    const database = await createTestDatabase('postgres');
    const storage = await openRegistryStorage(database.location);
    const admin = new Client({ connectionString: database.location.databaseUrl });
    await admin.connect();
    try {
      const s = storage.service;
      await s.createBucket(ACTOR, { name: 'race' });
      await s.createVersion(ACTOR, 'race', { fingerprint: 'fp1', template_type: 'HCL2' });
      const a = await s.createBuild(ACTOR, 'race', 'fp1', {
        component_type: 'a.a',
        status: 'BUILD_UNSET',
      });
      const b = await s.createBuild(ACTOR, 'race', 'fp1', {
        component_type: 'b.b',
        status: 'BUILD_UNSET',
      });
      const art = [{ external_identifier: 'ami-1', region: 'r' }];
      await s.updateBuild(ACTOR, 'race', 'fp1', a.id, { status: 'BUILD_DONE', artifacts: art });
      await s.updateBuild(ACTOR, 'race', 'fp1', b.id, { status: 'BUILD_RUNNING' });

      // Hold the version row so both calls below queue on it, in a known order.
      await admin.query('begin');
      await admin.query(`select id from versions where fingerprint = 'fp1' for update`);
      const waiting = async (n: number) => {
        for (let i = 0; i < 200; i += 1) {
          // pg_stat_activity is a snapshot per transaction: refresh it.
          await admin.query('select pg_stat_clear_snapshot()');
          const { rows } = await admin.query(
            `select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock' and datname = current_database()`,
          );
          if (rows[0].n >= n) return;
          await new Promise((r) => setTimeout(r, 10));
        }
        throw new Error('never blocked');
      };
      // 1. The last build completes the version (queued first) ...
      const complete = s.updateBuild(ACTOR, 'race', 'fp1', b.id, {
        status: 'BUILD_DONE',
        artifacts: art,
      });
      await waiting(1);
      // 2. ... while a DeleteBuild of the other build has already read the version as v0.
      const remove = s.deleteBuild(ACTOR, 'race', 'fp1', a.id).then(
        () => 'deleted',
        (e: { message: string }) => `refused: ${e.message}`,
      );
      await waiting(2);
      await admin.query('commit');
      await complete;
      const outcome = await remove;

      const version = await s.getVersion('race', 'fp1');
      const bucket = await s.getBucket('race');
      const history = await s.listChannelHistory('race', 'latest');
      // A complete version's builds are immutable: the delete must be refused (code 9),
      // the version stay v1 with both builds, and latest be assigned once.
      expect({
        outcome: outcome.startsWith('refused') ? 'refused' : outcome,
        name: version.name,
        builds: version.builds.length,
        latest: bucket.latest_version?.name,
        history: history.history.map((h) => h.version?.name),
      }).toEqual({ outcome: 'refused', name: 'v1', builds: 2, latest: 'v1', history: ['v1'] });
    } finally {
      await admin.end();
      await storage.close();
      await database.drop();
    }
  },
);
