import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { closedPort } from '@imprint/registry/testing';
import { REPO_ROOT, runToEnd, tempDirs, writeJson } from '../helpers/bin';

jest.setTimeout(60_000);

/** `imprint validate` (built bin): the registry block by the registry's rules, every problem at once. */
const dirs = tempDirs();
afterAll(() => dirs.cleanup());

const PLUGINS = { 'docker-like': '@imprint/example-docker-like' };

function lineOf(text: string, needle: string): number {
  return text.split('\n').findIndex((l) => l.includes(needle)) + 1;
}

describe('imprint validate: the registry block', () => {
  it('12.6 a JSON template with a bad bucket name and other problems: every one with file:line (field), exit 2', async () => {
    const dir = await dirs.make();
    const file = await writeJson(dir, 'bad.pkr.json', {
      required_plugins: PLUGINS,
      sources: { 'docker-like.base': { base: 'scratch', output_dir: join(dir, 'out') } },
      build: { sources: ['docker-like.base', 'docker-like.gone'] },
      registry: {
        bucket_name: 'Bad_Bucket Name',
        description: 'the base image',
        channels: ['production', 'a b'],
      },
    });
    const text = await readFile(file, 'utf8');
    const res = await runToEnd(['validate', file, '--plugin-dir', REPO_ROOT]);
    expect(res.code).toBe(2);
    expect(res.stdout).toBe('');
    expect(res.stderr.split('\n')).toEqual([
      `imprint: ${file}:${lineOf(text, '"docker-like.gone"')} (build.sources.1): build references source 'docker-like.gone', which is not defined in "sources" (defined: docker-like.base)`,
      `  - ${file}:${lineOf(text, '"bucket_name"')} (registry.bucket_name): 'Bad_Bucket Name' is not a valid bucket name for the registry: expected 3-36 letters, digits or hyphens`,
      `  - ${file}:${lineOf(text, '"a b"')} (registry.channels.1): 'a b' is not a valid channel name for the registry: expected 3-36 letters, digits or hyphens`,
      '',
    ]);
  });

  it('12.6 build stops on the same problems before contacting the registry (exit 2, not 3)', async () => {
    const dir = await dirs.make();
    const file = await writeJson(dir, 'bad.pkr.json', {
      required_plugins: PLUGINS,
      sources: { 'docker-like.base': { base: 'scratch', output_dir: join(dir, 'out') } },
      build: { sources: ['docker-like.base'] },
      registry: { bucket_name: 'Bad_Bucket Name' },
    });
    const down = `http://127.0.0.1:${await closedPort()}`;
    const res = await runToEnd(['build', file, '--plugin-dir', REPO_ROOT, '--registry', down]);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(
      "(registry.bucket_name): 'Bad_Bucket Name' is not a valid bucket name for the registry",
    );
  });

  it('12.6 an HCL template (hcp_packer_registry block): the line of each registry attribute', async () => {
    const dir = await dirs.make();
    const file = join(dir, 'bad.pkr.hcl');
    const text = `packer {
  required_plugins {
    docker-like = { source = "@imprint/example-docker-like", version = ">= 0.1" }
  }
}
source "docker-like" "base" {
  base = "scratch"
}
build {
  sources = ["source.docker-like.base"]
}
hcp_packer_registry {
  bucket_name  = "Bad_Bucket Name"
  build_labels = { "os" = "linux" }
  channels     = [
    "ok-channel",
    "x",
  ]
}
`;
    await writeFile(file, text);
    const res = await runToEnd(['validate', file, '--plugin-dir', REPO_ROOT]);
    expect(res.code).toBe(2);
    expect(res.stderr.split('\n')).toEqual([
      `imprint: ${file}:${lineOf(text, 'bucket_name  =')} (registry.bucket_name): 'Bad_Bucket Name' is not a valid bucket name for the registry: expected 3-36 letters, digits or hyphens`,
      `  - ${file}:${lineOf(text, 'channels     =')} (registry.channels.1): 'x' is not a valid channel name for the registry: expected 3-36 letters, digits or hyphens`,
      '',
    ]);
  });
});
