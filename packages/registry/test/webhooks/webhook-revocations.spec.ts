import { testEngines, useTestRegistry } from '@imprint/registry/testing';
import { completeVersion, ok } from '../helpers/http';
import { fingerprint } from '../helpers/fixtures';
import { WebhookReceiver, type ReceivedWebhook } from '../helpers/webhook-receiver';

/**
 * Revocation events over time and down the ancestry, as HCP Packer names
 * them: a descendant's inherited revocation, a schedule coming due (the
 * sweeper's), a restore reaching descendants, a cancelled schedule — each
 * announced once per version, with a real receiver on 127.0.0.1.
 */
describe.each(testEngines())('webhook events of revocations (%s)', (engine) => {
  const registry = useTestRegistry(
    { beforeAll, afterAll },
    {
      engine,
      server: {
        sweepIntervalMs: 100,
        webhooks: { allowPrivateTargets: true, allowHttpTargets: true, pollIntervalMs: 25 },
      },
    },
  );
  const receiver = new WebhookReceiver();
  beforeAll(() => receiver.start());
  afterAll(() => receiver.stop());

  const newBucket = async (name: string) => {
    ok(await registry.request('PUT', `${registry.base}/buckets`, { body: { name } }));
    return name;
  };
  const patchVersion = async (bucket: string, fp: string, body: Record<string, unknown>) =>
    ok(
      await registry.request('PATCH', `${registry.base}/buckets/${bucket}/versions/${fp}`, {
        body,
      }),
    );
  /** `action fingerprint` of each event received for `fps`, in arrival order. */
  const seen = (fps: readonly string[]) =>
    receiver
      .events()
      .filter((r: ReceivedWebhook) => fps.includes(r.json.event_payload.version?.fingerprint))
      .map(
        (r: ReceivedWebhook) =>
          `${r.json.event_action} ${r.json.event_payload.version.fingerprint}`,
      );
  const waitForCount = (fps: readonly string[], n: number) =>
    receiver.waitFor(() => seen(fps).length >= n, 10_000);
  /** Lets a duplicate arrive, were there one. */
  const settle = () => new Promise((resolve) => setTimeout(resolve, 400));

  /** A parent in one bucket and a child built from its image in another. */
  async function family(tag: string) {
    const base = await newBucket(`${tag}-base-${engine}`);
    const app = await newBucket(`${tag}-app-${engine}`);
    const parentFp = fingerprint(`${tag}p`);
    const childFp = fingerprint(`${tag}c`);
    const image = `ami-${tag}-${engine}`;
    const parent = await completeVersion(registry, base, parentFp, {
      artifact: () => ({ external_identifier: image, region: 'us-east-1' }),
    });
    await completeVersion(registry, app, childFp, {
      sourceExternalIdentifier: image,
      parentVersionId: parent.id,
    });
    return { base, app, parentFp, childFp };
  }

  beforeAll(async () => {
    ok(
      await registry.request('POST', '/imprint/v1/webhooks', {
        body: {
          name: 'revocations',
          url: receiver.url,
          events: [
            'version.revoke',
            'version.restore',
            'version.schedule-revocation',
            'version.cancel-revocation',
          ],
        },
      }),
    );
  });

  it('announces an immediate revocation of the parent and the one its descendant inherits', async () => {
    const f = await family('now');
    await patchVersion(f.base, f.parentFp, { revoke_at: new Date().toISOString() });
    await waitForCount([f.parentFp, f.childFp], 2);
    await settle();
    expect(seen([f.parentFp, f.childFp]).sort()).toEqual(
      [`revoke ${f.parentFp}`, `revoke ${f.childFp}`].sort(),
    );
    const inherited = receiver
      .events()
      .find((r) => r.json.event_payload.version?.fingerprint === f.childFp)!;
    expect(inherited.json.event_payload).toMatchObject({
      bucket: { name: f.app },
      version: {
        revocation_type: 'INHERITED',
        revocation_inherited_from: { version_fingerprint: f.parentFp, bucket_name: f.base },
      },
    });

    // Restoring the parent restores what the child inherited from it.
    await patchVersion(f.base, f.parentFp, { restore: true });
    await waitForCount([f.parentFp, f.childFp], 4);
    await settle();
    expect(seen([f.parentFp, f.childFp]).slice(2).sort()).toEqual(
      [`restore ${f.parentFp}`, `restore ${f.childFp}`].sort(),
    );
  });

  it('announces a schedule when it is made and, once, when the sweeper finds it due', async () => {
    const f = await family('due');
    await patchVersion(f.base, f.parentFp, { revoke_in: '1s' });
    await waitForCount([f.parentFp, f.childFp], 3);
    await settle();
    expect(seen([f.parentFp, f.childFp])[0]).toBe(`schedule-revocation ${f.parentFp}`);
    expect(seen([f.parentFp, f.childFp]).slice(1).sort()).toEqual(
      [`revoke ${f.parentFp}`, `revoke ${f.childFp}`].sort(),
    );
    // The sweeper keeps running: nothing more is announced.
    await settle();
    expect(seen([f.parentFp, f.childFp])).toHaveLength(3);
    // And /metrics counts what the sweep applied (the parent's and the inherited one).
    const scrape = await (await fetch(`${registry.url}/metrics`)).text();
    const came = /^imprint_revocations_applied_total (\d+)$/m.exec(scrape);
    expect(Number(came?.[1])).toBeGreaterThanOrEqual(2);
  });

  it('announces a schedule cancelled by a restore before it comes due', async () => {
    const f = await family('cancel');
    await patchVersion(f.base, f.parentFp, { revoke_in: '24h' });
    await patchVersion(f.base, f.parentFp, { restore: true });
    await waitForCount([f.parentFp, f.childFp], 3);
    await settle();
    const events = seen([f.parentFp, f.childFp]);
    expect(events[0]).toBe(`schedule-revocation ${f.parentFp}`);
    expect(events.slice(1).sort()).toEqual(
      [`cancel-revocation ${f.parentFp}`, `cancel-revocation ${f.childFp}`].sort(),
    );
  });
});
