import { ConfigError } from '@imprint/sdk';
import plugin from '@imprint/example-docker-like';

async function configError(run: () => Promise<unknown>): Promise<ConfigError> {
  const error = await run().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConfigError);
  return error as ConfigError;
}

const builder = (raw: Record<string, unknown>) => () =>
  plugin.createBuilder('docker-like', raw, { name: 'app' });

describe('docker-like builder configuration', () => {
  it('accepts a minimal config and applies the defaults', async () => {
    const { config, warnings } = await plugin.createBuilder(
      'docker-like',
      { base: 'scratch', files: [{ content: 'x', destination: '/x' }] },
      { name: 'app' },
    );
    expect(config).toMatchObject({
      base: 'scratch',
      outputDir: 'image',
      tag: 'latest',
      env: {},
      labels: {},
    });
    expect(warnings).toEqual([]);
  });

  it("names the closest key for a misspelt one: unknown field 'x' in docker-like source 'app': did you mean 'y'?", async () => {
    const error = await configError(builder({ base: 'scratch', entry_point: ['/app'] }));
    expect(error.message).toBe(
      "unknown field 'entry_point' in docker-like source 'app': did you mean 'entrypoint'?",
    );
    expect(error.problems).toEqual([
      { path: 'entry_point', kind: 'unknown', suggestion: 'entrypoint' },
    ]);
  });

  it('reports unknown keys inside files blocks with their path', async () => {
    const error = await configError(
      builder({ base: 'scratch', files: [{ content: 'x', destination: '/x', destnation: '/y' }] }),
    );
    expect(error.message).toBe(
      "unknown field 'files[0].destnation' in docker-like source 'app': did you mean 'destination'?",
    );
  });

  it('requires base, and every destination', async () => {
    const error = await configError(builder({ files: [{ content: 'x' }] }));
    expect(error.problems.map((p) => `${p.kind} ${p.path}`).sort()).toEqual([
      'missing base',
      'missing files[0].destination',
    ]);
  });

  it('checks types with class-validator rules, all at once', async () => {
    const error = await configError(
      builder({
        base: 'scratch',
        cmd: 'run',
        env: ['A=1'],
        tag: 'not a tag',
        source_date_epoch: -1,
        files: [{ destination: '/x', content: 'x', mode: 'rwx' }],
      }),
    );
    const byPath = Object.fromEntries(error.problems.map((p) => [p.path, p.message]));
    expect(Object.keys(byPath).sort()).toEqual([
      'cmd',
      'env',
      'files[0].mode',
      'source_date_epoch',
      'tag',
    ]);
    expect(byPath['files[0].mode']).toContain(
      'must be an octal permission string such as "0644" or "0755"',
    );
    expect(byPath.tag).toContain('must be an OCI ref name');
  });

  it.each([
    [
      { destination: 'app/x', content: 'x' },
      'files[0].destination',
      'must be an absolute path in the image such as "/app/run.sh" (got "app/x")',
    ],
    [
      { destination: '/app/../../etc/passwd', content: 'x' },
      'files[0].destination',
      "must not contain '..'",
    ],
    [
      { destination: '/app/', content: 'x' },
      'files[0].destination',
      "names a directory (it ends with '/')",
    ],
    [{ destination: '/x' }, 'files[0]', 'set source (a path to copy) or content (text to write)'],
    [
      { destination: '/x', content: 'x', source: '/etc/hostname' },
      'files[0]',
      'set either source or content, not both',
    ],
  ])('rejects the file block %j at %s', async (file, path, message) => {
    const error = await configError(builder({ base: 'scratch', files: [file] }));
    expect(error.problems).toEqual([
      { path, kind: 'invalid', message: expect.stringContaining(message) },
    ]);
    expect(error.message).toContain(`invalid field '${path}' in docker-like source 'app': `);
  });

  it('checks env names, map values, workdir, base_ref and created in prepare()', async () => {
    const error = await configError(
      builder({
        base: 'scratch',
        base_ref: 'latest',
        env: { '1BAD': 'x', OK: 2 },
        labels: { a: 'b' },
        workdir: 'app',
        created: 'yesterday',
      }),
    );
    expect(error.problems.map((p) => p.path).sort()).toEqual([
      'base_ref',
      'created',
      'env.1BAD',
      'env.OK',
      'workdir',
    ]);
    expect(error.message).toContain("docker-like source 'app' has 5 configuration problems:");
  });

  it('refuses created and source_date_epoch together', async () => {
    const error = await configError(
      builder({ base: 'scratch', created: '2024-01-01T00:00:00Z', source_date_epoch: 1 }),
    );
    expect(error.problems).toEqual([
      { path: 'created', kind: 'invalid', message: 'set created or source_date_epoch, not both' },
    ]);
  });

  it('warns when the build changes nothing', async () => {
    const { warnings } = await plugin.createBuilder('docker-like', { base: 'scratch' });
    expect(warnings).toEqual([
      'no files and no config changes: the new image is the base image with a new creation time',
    ]);
  });
});

describe('post-processor configuration', () => {
  it('docker-like-tag needs a non-empty list of ref names', async () => {
    const missing = await configError(() => plugin.createPostProcessor('docker-like-tag', {}));
    expect(missing.message).toContain(
      "missing required field 'tags' in docker-like-tag post-processor",
    );
    const empty = await configError(() =>
      plugin.createPostProcessor('docker-like-tag', { tags: [] }),
    );
    expect(empty.problems[0]).toMatchObject({ path: 'tags', kind: 'invalid' });
    const bad = await configError(() =>
      plugin.createPostProcessor('docker-like-tag', { tags: ['ok', 'no spaces'] }),
    );
    expect(bad.problems[0].message).toContain('must hold OCI ref names');
  });

  it('docker-like-push needs registry_dir and a valid repository', async () => {
    const error = await configError(() =>
      plugin.createPostProcessor(
        'docker-like-push',
        { repository: 'Team/App', tag: '-x' },
        { name: 'publish' },
      ),
    );
    expect(error.problems.map((p) => `${p.kind} ${p.path}`).sort()).toEqual([
      'invalid repository',
      'invalid tag',
      'missing registry_dir',
    ]);
    expect(error.message).toContain(
      "docker-like-push post-processor 'publish' has 3 configuration problems",
    );
  });

  it('suggests the closest key in post-processors too', async () => {
    const error = await configError(() =>
      plugin.createPostProcessor('docker-like-push', {
        registry_dir: '/r',
        repository: 'app',
        repo: 'x',
      }),
    );
    expect(error.message).toMatch(/^unknown field 'repo' in docker-like-push post-processor/);
  });
});
