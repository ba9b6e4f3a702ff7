import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TemplateSyntaxError, loadTemplate, parseTemplate, runBuild } from '@imprint/core';
import type { Template } from '@imprint/core';
import { REPO_ROOT, tempDirs, writeTemplate } from './helpers/fixtures';

jest.setTimeout(60_000);

const dirs = tempDirs();
afterAll(() => dirs.cleanup());

function hcl(out: string): string {
  return `# An HCL2 template equivalent to json(out).
packer {
  required_plugins {
    docker-like = {
      source  = "@imprint/example-docker-like"
      version = ">= 0.1"
    }
    docker-like-tag = "@imprint/example-docker-like"
  }
}

variable "tag" {
  type    = string
  default = "base"
}

variable "extra" {
  type    = list(string)
  default = ["a", "b"]
}

source "docker-like" "base" {
  base    = "scratch"
  tag     = var.tag
  labels  = { v = "v-\${var.tag}" }
  output_dir = "${out}"
  created = "2024-01-01T00:00:00Z"
  files {
    content     = "base\\n"
    destination = "/etc/base"
  }
}

build {
  name    = "base"
  sources = ["source.docker-like.base"]

  post-processor "docker-like-tag" {
    tags = ["stable"]
  }

  post-processors {
    post-processor "docker-like-tag" {
      tags = var.extra
    }
    post-processor "docker-like-tag" {
      name = "second"
      tags = ["c"]
    }
  }
}

registry {
  bucket_name   = "hcl-base"
  description   = "the base image"
  bucket_labels = { team = "web" }
  channels      = ["production"]
}
`;
}

function json(out: string) {
  return {
    required_plugins: {
      'docker-like': '@imprint/example-docker-like',
      'docker-like-tag': '@imprint/example-docker-like',
    },
    variables: {
      tag: { type: 'string', default: 'base' },
      extra: { type: 'list', default: ['a', 'b'] },
    },
    sources: {
      'docker-like.base': {
        base: 'scratch',
        tag: '${var.tag}',
        labels: { v: 'v-${var.tag}' },
        output_dir: out,
        created: '2024-01-01T00:00:00Z',
        files: [{ content: 'base\n', destination: '/etc/base' }],
      },
    },
    build: [
      {
        name: 'base',
        sources: ['docker-like.base'],
        post_processors: [
          [{ type: 'docker-like-tag', tags: ['stable'] }],
          [
            { type: 'docker-like-tag', tags: '${var.extra}' },
            { type: 'docker-like-tag', name: 'second', tags: ['c'] },
          ],
        ],
      },
    ],
    registry: {
      bucket_name: 'hcl-base',
      description: 'the base image',
      bucket_labels: { team: 'web' },
      channels: ['production'],
    },
  };
}

/** A template without file paths and line numbers, for comparison. */
function shape(t: Template) {
  return {
    requiredPlugins: t.requiredPlugins,
    variables: t.variables,
    sources: [...t.sources.values()].map(({ line: _line, ...s }) => s),
    builds: t.builds.map((b) => ({
      ...b,
      postProcessors: b.postProcessors.map((c) => c.map(({ line: _line, ...p }) => p)),
    })),
    registry: t.registry,
  };
}

describe('HCL2 templates (*.pkr.hcl)', () => {
  it('loads to the same Template as the equivalent JSON template', async () => {
    const dir = await dirs.make();
    const out = join(dir, 'out');
    const hclFile = join(dir, 'base.pkr.hcl');
    await writeFile(hclFile, hcl(out));
    const jsonFile = await writeTemplate(dir, 'base.pkr.json', json(out));
    const fromHcl = await loadTemplate(hclFile, { vars: { tag: 'x' }, env: {} });
    const fromJson = await loadTemplate(jsonFile, { vars: { tag: 'x' }, env: {} });
    expect(shape(fromHcl)).toEqual(shape(fromJson));
    expect(fromHcl.sources.get('docker-like.base')).toMatchObject({
      config: { tag: 'x', labels: { v: 'v-x' } },
      line: 22,
    });
    expect(fromHcl.builds[0].postProcessors[1][0].config).toEqual({ tags: ['a', 'b'] });
    expect(fromHcl.builds[0].postProcessors[1][1].line).toBe(46);
  });

  it('keeps the source order of post-processors of different types', async () => {
    const text = `packer {
  required_plugins {
    a = "pkg"
    b = "pkg"
    s = "pkg"
  }
}
source "s" "x" {}
build {
  sources = ["source.s.x"]
  post-processors {
    post-processor "b" { n = 1 }
    post-processor "a" { n = 2 }
    post-processor "b" { n = 3 }
  }
  post-processor "a" { n = 4 }
}
`;
    const t = await parseTemplate(text, '/tmp/order.pkr.hcl', { env: {} });
    expect(
      t.builds[0].postProcessors.map((c) => c.map((p) => `${p.type}${String(p.config.n)}`)),
    ).toEqual([['b1', 'a2', 'b3'], ['a4']]);
  });

  it('reports an HCL syntax error as a TemplateSyntaxError with file:line', async () => {
    const text = 'source "docker-like" "base" {\n  base = "scratch"\n  tag = \n}\n';
    const error = await parseTemplate(text, '/tmp/bad.pkr.hcl').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TemplateSyntaxError);
    expect((error as TemplateSyntaxError).line).toBe(3);
    expect((error as Error).message).toMatch(/^\/tmp\/bad\.pkr\.hcl:3\b/);
  });

  it('reports schema problems of HCL templates with the block line', async () => {
    const text =
      'source "docker-like" "base" {\n  base = "scratch"\n}\n\nbuild {\n  sources = ["source.docker-like.base"]\n  bogus = 1\n}\n';
    const error = await parseTemplate(text, '/tmp/bad.pkr.hcl').catch((e: unknown) => e);
    expect((error as Error).message).toContain("unknown field 'bogus'");
    expect((error as TemplateSyntaxError).line).toBe(5);
  });

  it('runs a full build from an HCL template with the docker-like plugin (registry off)', async () => {
    const dir = await dirs.make();
    const file = join(dir, 'base.pkr.hcl');
    await writeFile(file, hcl(join(dir, 'out')));
    const result = await runBuild({
      template: file,
      env: {},
      pluginDir: REPO_ROOT,
      registry: 'off',
      runDir: join(dir, 'run'),
    });
    expect(result.status).toBe('done');
    expect(result.builds).toHaveLength(1);
    expect(result.builds[0]).toMatchObject({ name: 'docker-like.base', status: 'done' });
    expect(result.builds[0].images.length).toBeGreaterThan(0);
  });
});
