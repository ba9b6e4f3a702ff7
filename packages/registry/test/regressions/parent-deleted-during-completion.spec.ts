import { Client } from 'pg';
import { describeIfPostgres, useStorage } from '../helpers/storage';
import { ALICE, fingerprint, publishVersion, uniqueName } from '../helpers/fixtures';

/*
 * Regression: on PostgreSQL, UpdateBuild reads a version (and its parents)
 * without locks and writes in one statement. A parent deleted in between
 * made the link insert fail its foreign key, answered 500. The write now
 * reads again and completes without the parent.
 */
describeIfPostgres('a parent deleted while its child completes (%s)', (engine) => {
  const h = useStorage(engine);

  it('completes the child without the relation', async () => {
    const base = uniqueName('base');
    const app = uniqueName('app');
    await h.service.createBucket(ALICE, { name: base });
    await h.service.createBucket(ALICE, { name: app });
    const parent = await publishVersion(h.service, base);
    const fp = fingerprint();
    await h.service.createVersion(ALICE, app, { fingerprint: fp });
    const build = await h.service.createBuild(ALICE, app, fp, { component_type: 'x' });

    // Another session deletes the parent and holds its row until we say so.
    const other = new Client({ connectionString: h.options.databaseUrl });
    await other.connect();
    try {
      await other.query('begin');
      await other.query('delete from versions where id = $1', [parent.id]);
      const done = h.service.updateBuild(ALICE, app, fp, build.id, {
        status: 'BUILD_DONE',
        parent_version_id: parent.id,
        artifacts: [{ external_identifier: 'ami-child', region: 'us-east-1' }],
      });
      await new Promise((resolve) => setTimeout(resolve, 300));
      await other.query('commit');
      expect((await done).status).toBe('BUILD_DONE');
    } finally {
      await other.end();
    }
    const version = await h.service.getVersion(app, fp);
    expect(version.name).toBe('v1');
    expect((await h.service.listBucketAncestry(app)).relations).toEqual([]);
  });
});
