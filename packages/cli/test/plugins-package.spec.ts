import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { requiredGo } from '@imprint/packer-bridge';
import { REPO_ROOT, runToEnd, tempDirs } from './helpers/bin';

// A cold Go build cache compiles packer-plugin-sdk: minutes, not seconds.
jest.setTimeout(300_000);

const dirs = tempDirs();

function imprint(args: string[], env: Record<string, string> = {}) {
  return runToEnd(args, env, 280_000);
}

describe('imprint plugins package (built bin, child process)', () => {
  it('builds the Packer plugin binary, prints where and how to install it, and reuses it', async () => {
    const out = join(await dirs.make(), 'plugins');
    const args = [
      'plugins',
      'package',
      '@imprint/example-aws-like',
      '--from',
      REPO_ROOT,
      '--output',
      out,
    ];
    const first = await imprint(args);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const [binary] = (await readdir(out)).filter((f) =>
      /^packer-plugin-aws-like_v0\.1\.0_x5\.0_[a-z0-9]+_[a-z0-9]+$/.test(f),
    );
    expect(binary).toBeDefined();
    const path = join(out, binary);
    expect(first.stdout).toContain(
      `Built: the Packer plugin 'aws-like' 0.1.0 of @imprint/example-aws-like\n  ${path}\n  ${path}_SHA256SUM\n`,
    );
    expect(first.stdout).toContain('  builder      source "aws-like" "NAME" { … }\n');
    expect(first.stdout).toContain('  data-source  data "aws-like-ami" "NAME" { … }\n');
    expect(first.stdout).toContain(
      `packer plugins install --path ${path} github.com/imprint-dev/aws-like`,
    );

    const described = JSON.parse(execFileSync(path, ['describe'], { encoding: 'utf8' })) as Record<
      string,
      unknown
    >;
    expect(described).toMatchObject({
      version: '0.1.0',
      api_version: 'x5.0',
      builders: ['-packer-default-plugin-name-'],
      post_processors: [],
      datasources: ['ami'],
    });
    const digest = createHash('sha256')
      .update(await readFile(path))
      .digest('hex');
    expect(await readFile(`${path}_SHA256SUM`, 'utf8')).toBe(digest);

    const second = await imprint(args);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/^Up to date: the Packer plugin 'aws-like'/);
  });

  it('says which flag to fix: a bad --name (exit 2), a package not found from --from (exit 1)', async () => {
    const out = join(await dirs.make(), 'plugins');
    const badName = await imprint([
      'plugins',
      'package',
      '@imprint/example-aws-like',
      '--from',
      REPO_ROOT,
      '--name',
      'AWS',
      '--output',
      out,
    ]);
    expect(badName.code).toBe(2);
    expect(badName.stderr).toBe(
      "imprint: --name: 'AWS' cannot be a Packer plugin name: use lower-case letters and digits, in words joined by single '-' (e.g. 'docker-like')\n",
    );
    const dir = await dirs.make();
    const missing = await imprint([
      'plugins',
      'package',
      '@imprint/no-such-plugin',
      '--from',
      dir,
      '--output',
      out,
    ]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(
      `Cannot find plugin package '@imprint/no-such-plugin' from ${dir}`,
    );
    expect(missing.stderr).toContain('(or point --from at the directory it is installed in)');
    const noGo = await imprint(
      ['plugins', 'package', '@imprint/example-aws-like', '--from', REPO_ROOT, '--output', out],
      {
        PATH: dir,
      },
    );
    expect(noGo.code).toBe(1);
    expect(noGo.stderr).toContain(
      `'go' was not found on PATH; install Go ${requiredGo(join(REPO_ROOT, 'packages/packer-bridge/go'))} or later: https://go.dev/dl/`,
    );
  });

  it('documents itself with an example', async () => {
    const help = await imprint(['plugins', 'package', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--name <name>');
    expect(help.stdout).toContain(
      '$ imprint plugins package @imprint/example-docker-like --from . --output ./packer-plugins',
    );
  });
});
