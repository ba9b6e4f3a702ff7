import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  appendFile,
  chmod,
  mkdtemp,
  readFile,
  readdir,
  rm,
  stat,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packagePlugin, requiredGo } from '@imprint/packer-bridge';
import { REPO_ROOT } from './helpers/host-process';

// A cold Go build cache compiles packer-plugin-sdk: minutes, not seconds.
jest.setTimeout(300_000);

const [GOOS, GOARCH] = execFileSync('go', ['env', 'GOOS', 'GOARCH'], { encoding: 'utf8' })
  .trim()
  .split('\n');
const BINARY = `packer-plugin-docker-like_v0.1.0_x5.0_${GOOS}_${GOARCH}`;
const docker = { packageName: '@imprint/example-docker-like', from: REPO_ROOT };

let out: string;
beforeEach(async () => {
  out = await mkdtemp(join(tmpdir(), 'imprint-packer-package-'));
});
afterEach(() => rm(out, { recursive: true, force: true }));

const sha256 = async (file: string) =>
  createHash('sha256')
    .update(await readFile(file))
    .digest('hex');

describe('packagePlugin', () => {
  it('builds a binary Packer can describe, with the checksum file Packer checks, and reuses it', async () => {
    const result = await packagePlugin({ ...docker, outputDir: out });
    expect(result.binary).toBe(join(out, BINARY));
    expect(result.checksumFile).toBe(join(out, `${BINARY}_SHA256SUM`));
    expect(result.reused).toBe(false);

    const described = JSON.parse(
      execFileSync(result.binary, ['describe'], { encoding: 'utf8' }),
    ) as Record<string, unknown>;
    expect(described).toMatchObject({ version: '0.1.0', api_version: 'x5.0' });
    expect(described.builders).toEqual(['-packer-default-plugin-name-']);
    expect([...(described.post_processors as string[])].sort()).toEqual(['push', 'tag']);
    expect(described.datasources).toEqual(['layout']);

    // Only the lower-case hex digest: what Packer writes beside binaries it installs.
    const checksum = await readFile(result.checksumFile, 'utf8');
    expect(checksum).toMatch(/^[0-9a-f]{64}$/);
    expect(checksum).toBe(await sha256(result.binary));
    expect(result.sha256).toBe(checksum);
    // Nothing else Packer would take for a plugin (it globs packer-plugin-*).
    expect((await readdir(out)).filter((f) => f.startsWith('packer-plugin-')).sort()).toEqual([
      BINARY,
      `${BINARY}_SHA256SUM`,
    ]);

    expect(result.components.map((c) => c.usage)).toEqual([
      'source "docker-like" "NAME" { … }',
      'post-processor "docker-like-tag" { … }',
      'post-processor "docker-like-push" { … }',
      'data "docker-like-layout" "NAME" { … }',
    ]);
    expect(result.install.join('\n')).toContain(
      `packer plugins install --path ${result.binary} github.com/imprint-dev/docker-like`,
    );
    expect(result.install.join('\n')).toContain(
      '~/.config/packer/plugins/github.com/imprint-dev/docker-like/',
    );

    const builtAt = (await stat(result.binary)).mtimeMs;
    const again = await packagePlugin({ ...docker, outputDir: out });
    expect(again.reused).toBe(true);
    expect(again.sha256).toBe(checksum);
    expect((await stat(result.binary)).mtimeMs).toBe(builtAt);

    // A binary that no longer matches its checksum is built again.
    await appendFile(result.binary, 'x');
    const rebuilt = await packagePlugin({ ...docker, outputDir: out });
    expect(rebuilt.reused).toBe(false);
    expect(await readFile(rebuilt.checksumFile, 'utf8')).toBe(await sha256(rebuilt.binary));
  });

  it('names the binary and the components after --name', async () => {
    const result = await packagePlugin({ ...docker, outputDir: out, name: 'oci' });
    expect(result.binary).toBe(join(out, `packer-plugin-oci_v0.1.0_x5.0_${GOOS}_${GOARCH}`));
    const described = JSON.parse(
      execFileSync(result.binary, ['describe'], { encoding: 'utf8' }),
    ) as {
      builders: string[];
    };
    expect(described.builders).toEqual(['docker-like']);
    expect(result.notices).toContain("builder 'docker-like': under Packer this is oci-docker-like");
  });

  it('fails with clear, coded errors', async () => {
    await expect(
      packagePlugin({ packageName: '@imprint/no-such-plugin', from: REPO_ROOT, outputDir: out }),
    ).rejects.toMatchObject({ code: 'IMPRINT_ERR_PLUGIN_NOT_FOUND' });
    await expect(
      packagePlugin({ ...docker, outputDir: out, name: 'Docker_Like' }),
    ).rejects.toMatchObject({
      code: 'IMPRINT_ERR_BRIDGE_BAD_NAME',
    });
    await expect(
      packagePlugin({ ...docker, outputDir: out, goBinary: join(out, 'no-go-here') }),
    ).rejects.toMatchObject({
      code: 'IMPRINT_ERR_BRIDGE_GO_MISSING',
      message: expect.stringContaining(
        `install Go ${requiredGo(join(REPO_ROOT, 'packages/packer-bridge/go'))} or later: https://go.dev/dl/`,
      ),
    });
    // A Go older than the bridge's go.mod asks for: a script answering `go env` as go1.21 does.
    const oldGoDir = await mkdtemp(join(tmpdir(), 'old-go-'));
    const oldGo = join(oldGoDir, 'go');
    await writeFile(oldGo, '#!/bin/sh\nprintf "linux\\namd64\\ngo1.21.13\\n"\n');
    await chmod(oldGo, 0o755);
    await expect(
      packagePlugin({ ...docker, outputDir: out, goBinary: oldGo }),
    ).rejects.toMatchObject({
      code: 'IMPRINT_ERR_BRIDGE_GO_MISSING',
      message: expect.stringMatching(
        /is go1\.21\.13, too old to build the bridge; install Go 1\.\d+/,
      ),
    });
    await rm(oldGoDir, { recursive: true, force: true });
    // go refuses -mod=vendor without a vendor directory: a real build failure, with go's words.
    const failed = packagePlugin({
      ...docker,
      outputDir: out,
      env: { ...process.env, GOFLAGS: '-mod=vendor' },
    });
    await expect(failed).rejects.toMatchObject({
      code: 'IMPRINT_ERR_BRIDGE_GO_BUILD_FAILED',
      message: expect.stringMatching(/go build of the bridge binary in .*go failed:\n.*vendor/s),
    });
    expect(await readdir(out)).toEqual([]);
  });
});
