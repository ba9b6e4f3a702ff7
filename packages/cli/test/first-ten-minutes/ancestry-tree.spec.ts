import { runToEnd, tempDirs, useRegistry } from '../helpers/bin';
import { publishVersion as publish } from './registry-versions';

jest.setTimeout(60_000);

/**
 * `imprint ancestry` (built bin, real registry): each line of the tree shows
 * the version's own status and, on parent and child lines, the link's
 * status, both labelled.
 */
const dirs = tempDirs();
const registry = useRegistry(dirs, 'imprint-cli-ancestry-');

describe('imprint ancestry (tree)', () => {
  it('12.12 shows the version status and the link status, labelled, for a revoked parent', async () => {
    const { client, url } = { client: registry.client, url: registry.server.url };
    const base = await publish(client, 'tree-base', 'tree-base-1');
    const channel = await client.createChannel('tree-base', {
      name: 'release',
      version_fingerprint: base.fingerprint,
    });
    const app = await publish(client, 'tree-app', 'tree-app-1', {
      version: base,
      channelId: channel.id,
    });

    const before = await runToEnd(['ancestry', 'tree-app', '--registry', url]);
    expect({ code: before.code, stderr: before.stderr }).toEqual({ code: 0, stderr: '' });
    expect(before.stdout.split('\n')).toEqual([
      `└─ parent tree-base v1 (tree-base-1) status: VERSION_ACTIVE · link: UP_TO_DATE`,
      `● tree-app v1 (tree-app-1) status: VERSION_ACTIVE`,
      '(no children)',
      '',
    ]);

    await client.revokeVersion('tree-base', base.fingerprint, {
      message: 'CVE-2026-0012',
      skipDescendantsRevocation: true,
    });
    const [relation] = (await client.listBucketAncestry('tree-app')).relations;
    const after = await runToEnd(['ancestry', 'tree-app', '--registry', url]);
    expect(after.code).toBe(0);
    const lines = after.stdout.split('\n');
    // The parent's own status is the revocation; the link's is what the registry says of the link.
    expect(lines[0]).toBe(
      `└─ parent tree-base v1 (tree-base-1) status: VERSION_REVOKED · link: ${relation.status}`,
    );
    expect(lines[1]).toBe(`● tree-app v1 (${app.fingerprint}) status: VERSION_ACTIVE`);
    expect(after.stdout).not.toMatch(/\[[A-Z_]+\]/);
  });

  it("12.12 from the parent (--version FP): its own status on the version line, the child's on the child line", async () => {
    // The versions of the test above: tree-base v1 revoked, tree-app v1 its child.
    const { client, url } = { client: registry.client, url: registry.server.url };
    const [relation] = (await client.listBucketAncestry('tree-app')).relations;
    const down = await runToEnd([
      'ancestry',
      'tree-base',
      '--version',
      'tree-base-1',
      '--registry',
      url,
    ]);
    expect(down.code).toBe(0);
    expect(down.stdout.split('\n')).toEqual([
      '(no parents)',
      `● tree-base v1 (tree-base-1) status: VERSION_REVOKED`,
      `└─ child tree-app v1 (tree-app-1) status: VERSION_ACTIVE · link: ${relation.status}`,
      '',
    ]);
  });
});
