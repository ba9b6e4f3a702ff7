import { Client } from 'pg';
import { RegistryErrorReason } from '@imprint/registry';
import { describeIfPostgres, useStorage } from '../helpers/storage';
import { ALICE, uniqueName } from '../helpers/fixtures';

/*
 * PostgreSQL keeps the plans of the statements the registry prepared on
 * each connection. When another instance's migration changes a table's
 * columns, a plan of `select *` from it fails ("cached plan must not change
 * result type"). That is answered as 503 (retry), never as a 500, and the
 * connection prepares the statement afresh on the next use.
 */
describeIfPostgres('prepared plans across a schema change (%s)', (engine) => {
  const h = useStorage(engine, { readCache: false });

  it('answers 503 for a plan the schema change invalidated, then serves again', async () => {
    const bucket = uniqueName('plans');
    await h.service.createBucket(ALICE, { name: bucket });
    // Prepare `select buckets.*` on every pooled connection.
    await Promise.all(Array.from({ length: 10 }, () => h.service.listBuckets()));

    const admin = new Client({ connectionString: h.options.databaseUrl });
    await admin.connect();
    try {
      await admin.query('alter table buckets add column added_by_a_newer_instance integer');
    } finally {
      await admin.end();
    }

    const outcomes: string[] = [];
    for (let i = 0; i < 40; i += 1) {
      try {
        await h.service.listBuckets();
        outcomes.push('ok');
      } catch (error) {
        expect(error).toMatchObject({
          grpcCode: 14,
          reason: RegistryErrorReason.DATABASE_UNAVAILABLE,
        });
        expect((error as Error).message).toMatch(/another instance changed the schema/);
        outcomes.push('503');
      }
    }
    // The stale plans were met (once per pooled connection at most), then every call succeeds.
    expect(outcomes).toContain('503');
    expect(outcomes.filter((o) => o === '503').length).toBeLessThanOrEqual(10);
    expect(outcomes.slice(-20)).toEqual(Array.from({ length: 20 }, () => 'ok'));
    expect((await h.service.getBucket(bucket)).name).toBe(bucket);
  });
});
