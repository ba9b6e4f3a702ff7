import { join } from 'node:path';
import { closedPort, startTestRegistry } from '@imprint/registry/testing';
import { REPO_ROOT, runToEnd, tempDirs, writeJson } from '../helpers/bin';
import { freshTmp, quickTemplate, tree } from './build-templates';

jest.setTimeout(60_000);

const dirs = tempDirs();
afterAll(() => dirs.cleanup());

describe('imprint build with the registry unreachable (built bin)', () => {
  it('12.13 says only what is true: built locally, metadata spooled at PATH, and the push that publishes it', async () => {
    const dir = await dirs.make();
    const tmp = await freshTmp(dirs);
    const file = await writeJson(
      dir,
      'base.pkr.json',
      quickTemplate('offline-base', join(dir, 'out')),
    );
    const port = await closedPort();
    const url = `http://127.0.0.1:${port}`;
    const built = await runToEnd(['build', file, '--plugin-dir', REPO_ROOT], {
      IMPRINT_REGISTRY_URL: url,
      TMPDIR: tmp,
    });
    expect({ code: built.code, stderr: built.stderr }).toMatchObject({ code: 3 });

    const lines = built.stdout.slice(built.stdout.indexOf('Build ')).trimEnd().split('\n');
    expect(lines[0]).toBe('Build done locally; the registry was unreachable.');
    expect(lines[2]).toMatch(/^docker-like\.base\s+done\s+spooled\s+sha256:/);
    const spooled =
      /^Registry metadata spooled at (\S+) \(bucket offline-base, fingerprint ([0-9A-Z]{26})\)\.$/.exec(
        lines[3],
      );
    expect(spooled).not.toBeNull();
    const [, spool, fp] = spooled!;
    expect(lines.slice(4)).toEqual([`Push it with: imprint push ${spool} --registry ${url}`]);
    // No resume hint for a fingerprint no registry has seen, no API wording.
    expect(built.stdout + built.stderr).not.toMatch(
      /Build done\.|Resume|IMPRINT_BUILD_FINGERPRINT|pushSpool/,
    );
    // The spool file is all the run left in the temp dir.
    const relative = spool.slice(tmp.length + 1);
    expect(await tree(tmp)).toEqual([relative.split('/')[0], relative]);

    // Once the registry is up, the command shown works exactly as printed.
    const registry = await startTestRegistry({ server: { port } });
    try {
      const [, ...args] = lines[4].slice('Push it with: '.length).split(' ');
      const pushed = await runToEnd(args);
      expect({ code: pushed.code, stderr: pushed.stderr }).toEqual({ code: 0, stderr: '' });
      expect(pushed.stdout).toContain(`Pushed 1 build(s) to offline-base ${fp}`);
      expect((await registry.client.getVersion('offline-base', fp)).name).toBe('v1');
    } finally {
      await registry.close();
    }
  });
});
