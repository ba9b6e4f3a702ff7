import type { RegistryClient } from '@imprint/client';
import { type Build } from '@imprint/client';
import { EXIT, run } from '@imprint/cli';
import { exitWithin, start, tempDirs, useRegistry } from './helpers/bin';

jest.setTimeout(60_000);

/**
 * `imprint buckets|versions|builds|channels …`: the built bin as a child
 * process against one real registry on 127.0.0.1, seeded through
 * `@imprint/client` where a build is needed.
 */
const dirs = tempDirs();
const registry = useRegistry(dirs, 'imprint-cli-res-');

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** `imprint ...args --registry <the test registry>`, bounded. */
async function imprint(...args: string[]): Promise<Result> {
  const run = start([...args, '--registry', registry.server.url]);
  const code = await exitWithin(run, 30_000);
  return { code, stdout: run.stdout, stderr: run.stderr };
}

/**
 * `imprint ...args` in-process, with no registry at all: for what must fail
 * before any registry is contacted (a missing --yes, a bad flag).
 */
async function usage(...args: string[]): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const code = await run(args, {
    stdout: () => undefined,
    stderr: (t) => (stderr += t),
    env: { IMPRINT_REGISTRY_URL: 'http://127.0.0.1:9' },
  });
  return { code, stderr };
}

/** The exit code and, on failure, stderr: a failing expectation shows why. */
function outcome(r: Result): { code: number; stderr: string } {
  return { code: r.code, stderr: r.code === 0 ? '' : r.stderr };
}

/** A single `imprint: …` line on stderr. */
function oneErrorLine(r: Result): string {
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^imprint: /);
  return lines[0];
}

/** A build through its lifecycle: created, running, then `done` with what is given. */
async function seedBuild(
  bucket: string,
  fingerprint: string,
  component: string,
  done?: Parameters<RegistryClient['updateBuild']>[3],
): Promise<Build> {
  const build = await registry.client.createBuild(bucket, fingerprint, {
    component_type: component,
    status: 'BUILD_UNSET',
  });
  const running = await registry.client.updateBuild(bucket, fingerprint, build.id, {
    status: 'BUILD_RUNNING',
  });
  if (done === undefined) return running;
  return registry.client.updateBuild(bucket, fingerprint, build.id, {
    status: 'BUILD_DONE',
    ...done,
  });
}

describe('imprint buckets', () => {
  it('creates, shows, lists, updates, refuses to delete without --yes, then deletes', async () => {
    const created = await imprint(
      'buckets',
      'create',
      'res-bucket',
      '--description',
      'the resources bucket',
      '--label',
      'os=ubuntu',
      '--label',
      'team=platform',
    );
    expect(outcome(created)).toEqual({ code: 0, stderr: '' });
    expect(created.stdout).toContain('Name:        res-bucket');
    expect(created.stdout).toContain('Labels:      os=ubuntu, team=platform');

    const got = await imprint('buckets', 'get', 'res-bucket', '--json');
    expect(outcome(got)).toEqual({ code: 0, stderr: '' });
    expect(JSON.parse(got.stdout)).toMatchObject({
      name: 'res-bucket',
      description: 'the resources bucket',
      labels: { os: 'ubuntu', team: 'platform' },
      version_count: '0',
    });

    const list = await imprint('buckets', 'list');
    expect(outcome(list)).toEqual({ code: 0, stderr: '' });
    expect(list.stdout).toMatch(/^NAME\s+LATEST\s+VERSIONS\s+UPDATED$/m);
    expect(list.stdout).toMatch(/^res-bucket\s+-\s+0\s+\S+$/m);

    const updated = await imprint(
      'buckets',
      'update',
      'res-bucket',
      '--description',
      'changed',
      '--label',
      'os=debian',
    );
    expect(outcome(updated)).toEqual({ code: 0, stderr: '' });
    expect(updated.stdout).toContain('Description: changed');
    expect(updated.stdout).toContain('Labels:      os=debian');

    expect(await usage('buckets', 'update', 'res-bucket')).toEqual({
      code: EXIT.USAGE,
      stderr: 'imprint: nothing to update: pass --description and/or --label\n',
    });
    const badLabel = await usage('buckets', 'create', 'res-other', '--label', 'novalue');
    expect(badLabel.code).toBe(EXIT.USAGE);
    expect(badLabel.stderr).toContain('expected KEY=VALUE');
    const proto = await usage('buckets', 'create', 'res-other', '--label', '__proto__=x');
    expect(proto.code).toBe(EXIT.USAGE);
    expect(proto.stderr).toContain("'__proto__' is not a valid label key");

    const refused = await imprint('buckets', 'delete', 'res-bucket');
    expect(refused.code).toBe(2);
    expect(oneErrorLine(refused)).toBe(
      "imprint: deleting bucket 'res-bucket' also deletes all its versions, builds and channels; nothing was deleted. To confirm, run: imprint buckets delete res-bucket --yes",
    );
    expect((await registry.client.getBucket('res-bucket')).name).toBe('res-bucket');

    const deleted = await imprint('buckets', 'delete', 'res-bucket', '--yes');
    expect(outcome(deleted)).toEqual({ code: 0, stderr: '' });
    expect(deleted.stdout).toBe('Deleted bucket res-bucket.\n');

    const gone = await imprint('buckets', 'get', 'res-bucket', '--json');
    expect(gone.code).toBe(1);
    expect(gone.stdout).toBe('');
    expect(oneErrorLine(gone)).toContain('res-bucket');
  });
});

describe('imprint builds, channels and versions delete', () => {
  const bucket = 'res-builds';
  const fp = '01JRESOURCES00000000000001';
  const fpOpen = '01JRESOURCES00000000000002';
  let done: Build;

  beforeAll(async () => {
    await registry.client.createBucket({ name: bucket });
    await registry.client.createVersion(bucket, { fingerprint: fp, template_type: 'HCL2' });
    done = await seedBuild(bucket, fp, 'amazon-ebs.ubuntu', {
      platform: 'aws',
      source_external_identifier: 'ami-00000000000000base',
      labels: { git_sha: 'abc123' },
      artifacts: [
        { external_identifier: 'ami-0aaaaaaaaaaaaaaa1', region: 'eu-west-1' },
        { external_identifier: 'ami-0bbbbbbbbbbbbbbb2', region: 'us-east-1' },
      ],
      metadata: { packer: { version: '1.11.2' }, vcs: { branch: 'main' } },
    });
  });

  it('lists and shows builds with their artifacts, as tables and as JSON', async () => {
    expect((await registry.client.getVersion(bucket, fp)).name).toBe('v1');
    const [list, listJson, got, gotJson] = await Promise.all([
      imprint('builds', 'list', bucket, fp),
      imprint('builds', 'list', bucket, fp, '--json'),
      imprint('builds', 'get', bucket, fp, done.id),
      imprint('builds', 'get', bucket, fp, done.id, '--json'),
    ]);
    for (const r of [list, listJson, got, gotJson])
      expect(outcome(r)).toEqual({ code: 0, stderr: '' });

    expect(list.stdout).toMatch(/^ID\s+COMPONENT\s+PLATFORM\s+STATUS\s+ARTIFACTS$/m);
    expect(list.stdout).toContain(
      `${done.id}  amazon-ebs.ubuntu  aws       BUILD_DONE  ami-0aaaaaaaaaaaaaaa1 (eu-west-1), ami-0bbbbbbbbbbbbbbb2 (us-east-1)`,
    );
    const builds = JSON.parse(listJson.stdout) as Build[];
    expect(builds.map((b) => b.id)).toEqual([done.id]);
    expect(builds[0].artifacts.map((a) => a.external_identifier)).toEqual([
      'ami-0aaaaaaaaaaaaaaa1',
      'ami-0bbbbbbbbbbbbbbb2',
    ]);

    expect(got.stdout).toContain('Component:    amazon-ebs.ubuntu');
    expect(got.stdout).toContain('Platform:     aws');
    expect(got.stdout).toContain('Status:       BUILD_DONE');
    expect(got.stdout).toContain('Source image: ami-00000000000000base');
    expect(got.stdout).toContain('Labels:       git_sha=abc123');
    expect(got.stdout).toMatch(/^ {2}eu-west-1 {2}ami-0aaaaaaaaaaaaaaa1$/m);
    expect(got.stdout).toMatch(/^ {2}us-east-1 {2}ami-0bbbbbbbbbbbbbbb2$/m);
    expect(got.stdout).toContain('  packer.version: 1.11.2');
    expect(got.stdout).toContain('  vcs.branch: main');
    expect(JSON.parse(gotJson.stdout)).toMatchObject({
      id: done.id,
      status: 'BUILD_DONE',
      source_external_identifier: 'ami-00000000000000base',
      metadata: { packer: { version: '1.11.2' }, vcs: { branch: 'main' } },
    });
  });

  it('deletes a build of an incomplete version (--yes), and not one of a complete version', async () => {
    await registry.client.createVersion(bucket, { fingerprint: fpOpen, template_type: 'HCL2' });
    const stuck = await seedBuild(bucket, fpOpen, 'docker.stuck');
    const kept = await seedBuild(bucket, fpOpen, 'docker.kept', {
      artifacts: [{ external_identifier: 'sha256:kept', region: 'docker' }],
    });

    const refused = await usage('builds', 'delete', bucket, fpOpen, stuck.id);
    expect(refused.code).toBe(EXIT.USAGE);
    expect(refused.stderr).toContain(
      `To confirm, run: imprint builds delete ${bucket} ${fpOpen} ${stuck.id} --yes`,
    );

    const deleted = await imprint('builds', 'delete', bucket, fpOpen, stuck.id, '--yes');
    expect(outcome(deleted)).toEqual({ code: 0, stderr: '' });
    expect(deleted.stdout).toBe(`Deleted build ${stuck.id} of ${bucket} ${fpOpen}.\n`);
    expect((await registry.client.getVersion(bucket, fpOpen)).builds.map((b) => b.id)).toEqual([
      kept.id,
    ]);

    const complete = await imprint('builds', 'delete', bucket, fp, done.id, '--yes');
    expect(complete.code).toBe(1);
    oneErrorLine(complete);
    expect((await registry.client.getBuild(bucket, fp, done.id)).id).toBe(done.id);
  });

  it('creates, shows, lists the history of and deletes channels, restricted or not', async () => {
    const empty = await imprint('channels', 'create', bucket, 'staging');
    expect(outcome(empty)).toEqual({ code: 0, stderr: '' });
    expect(empty.stdout).toContain('Version:     - (unassigned)');
    expect(empty.stdout).toContain('Restricted:  no');

    const prod = await imprint(
      'channels',
      'create',
      bucket,
      'production',
      '--fingerprint',
      fp,
      '--restricted',
      '--json',
    );
    expect(outcome(prod)).toEqual({ code: 0, stderr: '' });
    expect(JSON.parse(prod.stdout)).toMatchObject({
      name: 'production',
      restricted: true,
      managed: false,
      version: { fingerprint: fp, name: 'v1' },
    });

    const [got, gotJson, history, historyJson] = await Promise.all([
      imprint('channels', 'get', bucket, 'production'),
      imprint('channels', 'get', bucket, 'production', '--json'),
      imprint('channels', 'history', bucket, 'production'),
      imprint('channels', 'history', bucket, 'production', '--json'),
    ]);
    expect(got.stdout).toContain('Channel:     production');
    expect(got.stdout).toContain(`Version:     v1 (${fp})`);
    expect(got.stdout).toContain('Restricted:  yes');
    expect(JSON.parse(gotJson.stdout)).toMatchObject({ restricted: true, bucket_name: bucket });
    expect(history.stdout).toMatch(/^ASSIGNED\s+VERSION\s+FINGERPRINT\s+AUTHOR$/m);
    expect(history.stdout).toMatch(new RegExp(`^\\S+\\s+v1\\s+${fp}\\s+\\S+$`, 'm'));
    const entries = JSON.parse(historyJson.stdout) as { version: { fingerprint: string } }[];
    expect(entries.map((e) => e.version.fingerprint)).toEqual([fp]);

    const refused = await usage('channels', 'delete', bucket, 'staging');
    expect(refused.code).toBe(EXIT.USAGE);
    expect(refused.stderr).toContain(`imprint channels delete ${bucket} staging --yes`);
    const deleted = await imprint('channels', 'delete', bucket, 'staging', '--yes');
    expect(outcome(deleted)).toEqual({ code: 0, stderr: '' });
    expect(deleted.stdout).toBe(`Deleted channel ${bucket}/staging.\n`);
    expect((await registry.client.listChannels(bucket)).channels.map((c) => c.name)).toEqual([
      'latest',
      'production',
    ]);

    const managed = await imprint('channels', 'delete', bucket, 'latest', '--yes');
    expect(managed.code).toBe(1);
    expect(oneErrorLine(managed)).toContain('managed');
  });

  it('deletes a version: refused without --yes, and while a channel points at it without --rollback-channels', async () => {
    const refused = await usage('versions', 'delete', bucket, fp, '--rollback-channels');
    expect(refused.code).toBe(EXIT.USAGE);
    expect(refused.stderr).toContain(
      `To confirm, run: imprint versions delete ${bucket} ${fp} --rollback-channels --yes`,
    );

    const assigned = await imprint('versions', 'delete', bucket, fp, '--yes');
    expect(assigned.code).toBe(1);
    expect(oneErrorLine(assigned)).toContain('production');
    expect((await registry.client.getVersion(bucket, fp)).fingerprint).toBe(fp);

    const deleted = await imprint('versions', 'delete', bucket, fp, '--rollback-channels', '--yes');
    expect(outcome(deleted)).toEqual({ code: 0, stderr: '' });
    expect(deleted.stdout).toBe(`Deleted version ${fp} of bucket ${bucket}.\n`);

    const gone = await imprint('versions', 'get', bucket, fp);
    expect(gone.code).toBe(1);
    oneErrorLine(gone);
    expect(await registry.client.getChannel(bucket, 'production')).toMatchObject({ version: null });
  });
});
