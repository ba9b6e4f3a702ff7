import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isInvalidArgument } from '@imprint/client';
import {
  TemplateInvalidError,
  UnknownSourceError,
  UnknownVariableError,
  loadTemplate,
} from '@imprint/core';
import { lineContaining, tempDirs, useRegistry, writeTemplate } from './helpers/fixtures';

jest.setTimeout(60_000);

const dirs = tempDirs();
const registry = useRegistry(dirs);

const PLUGINS = { 'docker-like': '@imprint/example-docker-like' };

/** The error `loadTemplate` rejects with (the assertions that follow check that it is one). */
const rejection = (promise: Promise<unknown>): Promise<any> =>
  promise.then(
    () => undefined,
    (e) => e,
  );

/** The `  - …` lines after the first line of a message: the other problems. */
function problemLines(message: string): string[] {
  return message.split('\n');
}

describe('the registry block, checked with the registry’s own rules', () => {
  it('12.6 a JSON template reports every problem of every kind at once, each with file:line (field)', async () => {
    const dir = await dirs.make();
    const file = await writeTemplate(dir, 'bad.pkr.json', {
      required_plugins: PLUGINS,
      variables: { tag: { default: 'latest', type: 'string' } },
      sources: { 'docker-like.base': { base: 'scratch', tag: '${var.nope}' } },
      build: { name: 'b', sources: ['docker-like.base', 'docker-like.gone'] },
      registry: {
        bucket_name: 'Bad_Bucket Name',
        description: 'd'.repeat(300),
        bucket_labels: { team: 'web', '': 'empty key' },
        build_labels: { ok: 'v'.repeat(5000) },
        channels: ['production', 'no'],
      },
    });
    const text = await readFile(file, 'utf8');
    const error = await rejection(loadTemplate(file, { env: {} }));
    // The first in line order is the error itself; the others follow in its message.
    expect(error).toBeInstanceOf(UnknownVariableError);
    const lines = problemLines(error.message);
    const at = (needle: string, field: string) =>
      `${file}:${lineContaining(text, needle)} (${field}): `;
    expect(lines[0]).toContain(at('"tag": "${var.nope}"', 'sources.docker-like.base.tag'));
    const expected = [
      [at('"docker-like.gone"', 'build.sources.1'), "source 'docker-like.gone'"],
      [at('"bucket_name"', 'registry.bucket_name'), "'Bad_Bucket Name' is not a valid bucket name"],
      [at('"bucket_name"', 'registry.bucket_name'), '3-36 letters, digits or hyphens'],
      [at('"description"', 'registry.description'), 'must NOT have more than 255 characters'],
      [
        at('"": "empty key"', 'registry.bucket_labels.'),
        "label key '' is not valid for the registry: must NOT have fewer than 1 characters",
      ],
      [at('"ok": "vvv', 'registry.build_labels.ok'), 'must NOT have more than 4096 characters'],
      [
        at('"no"', 'registry.channels.1'),
        "'no' is not a valid channel name for the registry: expected 3-36 letters, digits or hyphens",
      ],
    ];
    for (const [where, what] of expected) {
      expect(lines.some((l) => l.startsWith(`  - ${where}`) && l.includes(what))).toBe(true);
    }
    expect(lines).toHaveLength(7);
    expect(error.message).toContain("'dddddddddddddddddddddddddddddddddddddddd… (300 characters)'");
    // 'production' is a valid channel name: not reported.
    expect(error.message).not.toContain('production');
  });

  it('12.6 a JSON template whose schema fails also gets its registry fields checked', async () => {
    const dir = await dirs.make();
    const file = await writeTemplate(dir, 'both.pkr.json', {
      required_plugins: PLUGINS,
      sources: { 'docker-like.base': { base: 'scratch' } },
      build: { sources: ['docker-like.base'], post_procesors: [] },
      registry: { bucket_name: 'Bad_Bucket Name', channels: 'prod' },
    });
    const error = await rejection(loadTemplate(file, { env: {} }));
    expect(error).toBeInstanceOf(TemplateInvalidError);
    expect(error.message).toContain("(build.post_procesors): unknown field 'post_procesors'");
    expect(error.message).toContain(
      "(registry.bucket_name): 'Bad_Bucket Name' is not a valid bucket name",
    );
    expect(error.message).toContain('(registry.channels): must be array');
  });

  it('12.6 an HCL template reports the registry block’s problems with the line of each attribute', async () => {
    const dir = await dirs.make();
    const file = join(dir, 'bad.pkr.hcl');
    const text = `packer {
  required_plugins {
    docker-like = "@imprint/example-docker-like"
  }
}

source "docker-like" "base" {
  base = "scratch"
}

build {
  sources = ["source.docker-like.base", "source.docker-like.gone"]
}

registry {
  bucket_name = "Bad_Bucket Name"
  description = "${'d'.repeat(300)}"
  bucket_labels = {
    team = "web"
  }
  channels = ["production", "x"]
}
`;
    await writeFile(file, text);
    const error = await rejection(loadTemplate(file, { env: {} }));
    expect(error).toBeInstanceOf(UnknownSourceError);
    const lines = problemLines(error.message);
    expect(lines[0]).toContain(`${file}:${lineContaining(text, 'build {')} (build.0.sources.1)`);
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringContaining(
          `${file}:${lineContaining(text, 'bucket_name =')} (registry.bucket_name): 'Bad_Bucket Name' is not a valid bucket name`,
        ),
        expect.stringContaining(
          `${file}:${lineContaining(text, 'description =')} (registry.description): `,
        ),
        expect.stringContaining(
          `${file}:${lineContaining(text, 'channels =')} (registry.channels.1): 'x' is not a valid channel name`,
        ),
      ]),
    );
    expect(lines).toHaveLength(4);
  });

  it('12.6 validation accepts exactly the bucket and channel names the registry accepts', async () => {
    const dir = await dirs.make();
    const names = ['ok-name', 'Bad_Bucket Name', 'ab', 'a'.repeat(36), 'a'.repeat(37), 'x-1-Y'];
    for (const [i, name] of names.entries()) {
      const file = await writeTemplate(dir, `n${i}.pkr.json`, {
        required_plugins: PLUGINS,
        sources: { 'docker-like.base': { base: 'scratch' } },
        build: { sources: ['docker-like.base'] },
        registry: { bucket_name: name, channels: [name] },
      });
      const templateOk = await loadTemplate(file, { env: {} }).then(
        () => true,
        () => false,
      );
      const registryOk = await registry.client.createBucket({ name }).then(
        () => true,
        (error: unknown) => {
          if (!isInvalidArgument(error)) throw error;
          return false;
        },
      );
      expect({ name, templateOk }).toEqual({ name, templateOk: registryOk });
      if (registryOk) {
        const channelOk = await registry.client.createChannel(name, { name }).then(
          () => true,
          (error: unknown) => {
            if (!isInvalidArgument(error)) throw error;
            return false;
          },
        );
        expect(channelOk).toBe(true);
      }
    }
  });
});
