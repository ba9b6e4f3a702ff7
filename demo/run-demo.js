#!/usr/bin/env node
/* eslint-disable @typescript-eslint/no-require-imports */
/* global require, __dirname, process */
'use strict';

/**
 * The one-command demo: builds a docker-like base image, an app image FROM it, and an aws-like
 * image in two regions, publishing each to the embedded registry (SQLite in the data dir: no
 * server, no network, no credentials), revokes the demo-aws versions whose AMIs a later run
 * deregistered, then shows the base → app ancestry and the channels the templates assigned.
 *
 * Usage (after `npx tsc -b tsconfig.json`): node demo/run-demo.js
 * Data dir: $IMPRINT_DEMO_DIR, else <repo>/.imprint/demo. Safe to run again: every run makes new
 * versions (new fingerprints) in the same registry.
 */

const { spawnSync } = require('node:child_process');
const {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
} = require('node:fs');
const { tmpdir } = require('node:os');
const { join, resolve } = require('node:path');

const REPO_ROOT = resolve(__dirname, '..');
const BIN = join(REPO_ROOT, 'packages', 'cli', 'dist', 'bin', 'imprint.js');
const DEMO_DIR = resolve(process.env.IMPRINT_DEMO_DIR || join(REPO_ROOT, '.imprint', 'demo'));
const REGISTRY_DIR = join(DEMO_DIR, 'registry');
const IMAGES_DIR = join(DEMO_DIR, 'images');
const CLOUD_DIR = join(DEMO_DIR, 'aws-like-cloud');

/** The vendor image the aws-like build starts from (see aws.pkr.json's source_ami_filter). */
const SEED = {
  region: 'us-east-1',
  name: 'demo/images/ubuntu-22.04-base',
  ownerId: '099720109477',
  os: 'ubuntu',
  description: 'Seed image for the Imprint demo',
  files: { '/etc/os-release': 'ID=ubuntu\nVERSION_ID="22.04"\n' },
};

class StepError extends Error {}

/** The environment of the child commands: never a remote registry, never a fixed fingerprint. */
function childEnv() {
  const env = { ...process.env };
  for (const key of [
    'IMPRINT_REGISTRY_URL',
    'IMPRINT_CLIENT_ID',
    'IMPRINT_CLIENT_SECRET',
    'IMPRINT_DATA_DIR',
    'IMPRINT_BUILD_FINGERPRINT',
    'IMPRINT_REGISTRY',
  ]) {
    delete env[key];
  }
  return env;
}

function heading(text) {
  process.stdout.write(`\n==> ${text}\n`);
}

/** An argument as a POSIX shell reads it, so that echoed commands can be pasted as they are. */
function shellWord(arg) {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/**
 * Runs `imprint <args> --data-dir <registry>` and returns its stdout and stderr as one text, in the
 * order the command wrote them: both go to the same file, which is then echoed to our stdout (two
 * pipes would be read in whatever order they arrive). Throws when the command fails.
 */
function imprint(step, args) {
  const full = [...args, '--data-dir', REGISTRY_DIR];
  process.stdout.write(`$ imprint ${full.map(shellWord).join(' ')}\n`);
  const tmp = mkdtempSync(join(tmpdir(), 'imprint-demo-step-'));
  const file = join(tmp, 'output');
  let res;
  let output;
  const fd = openSync(file, 'w+');
  try {
    res = spawnSync(process.execPath, [BIN, ...full], {
      cwd: REPO_ROOT,
      env: childEnv(),
      stdio: ['ignore', fd, fd],
    });
  } finally {
    closeSync(fd);
    output = readFileSync(file, 'utf8');
    rmSync(tmp, { recursive: true, force: true });
  }
  process.stdout.write(output);
  if (res.error) throw new StepError(`${step}: ${res.error.message}`);
  if (res.status !== 0) {
    const how = res.status === null ? `signal ${res.signal}` : `exit code ${res.status}`;
    throw new StepError(`${step}: imprint ${args[0]} failed (${how})`);
  }
  return output;
}

/** Runs `imprint <args> --json --data-dir <registry>` without echoing it; returns the parsed stdout. */
function imprintJson(step, args) {
  const res = spawnSync(process.execPath, [BIN, ...args, '--json', '--data-dir', REGISTRY_DIR], {
    cwd: REPO_ROOT,
    env: childEnv(),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (res.error) throw new StepError(`${step}: ${res.error.message}`);
  if (res.status !== 0) {
    process.stdout.write(res.stdout + res.stderr);
    throw new StepError(
      `${step}: imprint ${args.join(' ')} --json failed (exit code ${res.status})`,
    );
  }
  return JSON.parse(res.stdout);
}

/** Builds a template and returns the fingerprint of the version it published. */
function build(step, template, vars) {
  const args = ['build', join(__dirname, template), '--plugin-dir', REPO_ROOT];
  for (const [name, value] of Object.entries(vars)) args.push('--var', `${name}=${value}`);
  const out = imprint(step, args);
  const match = /^Registry: bucket (\S+), fingerprint (\S+), version complete/m.exec(out);
  if (!match) throw new StepError(`${step}: the build did not complete a registry version`);
  return match[2];
}

/** The aws-like example's local cloud in the demo's data dir. */
function localCloud(step) {
  let awsLike;
  try {
    awsLike = require('@imprint/example-aws-like');
  } catch (error) {
    throw new StepError(
      `${step}: cannot load @imprint/example-aws-like (${error.message}); ` +
        'run `npx tsc -b tsconfig.json` first',
    );
  }
  return new awsLike.LocalCloud({ dir: CLOUD_DIR });
}

/** Seeds the aws-like local cloud with the source image, once per cloud directory. */
async function seedCloud() {
  const cloud = localCloud('seed aws-like cloud');
  const existing = await cloud.describeImages({
    region: SEED.region,
    name: SEED.name,
    owners: [SEED.ownerId],
  });
  if (existing.length > 0) {
    process.stdout.write(`source image ${existing[0].imageId} (${SEED.name}) already seeded\n`);
    return;
  }
  const image = await cloud.registerImage(SEED);
  process.stdout.write(`seeded ${image.imageId} (${SEED.name}) in ${SEED.region}\n`);
}

/**
 * aws.pkr.json reuses one `ami_name` with `force_deregister`, so each run's build deregisters the
 * previous run's AMIs. A registry version whose images are gone must not stay active: this revokes
 * every active demo-aws version that lists an AMI the local cloud no longer holds.
 */
async function revokeVanishedAwsVersions() {
  const step = 'check demo-aws against the local cloud';
  const cloud = localCloud(step);
  const versions = imprintJson(step, ['versions', 'list', 'demo-aws']);
  let revoked = 0;
  for (const version of versions) {
    if (version.status !== 'VERSION_ACTIVE') continue;
    const gone = [];
    for (const artifact of (version.builds || []).flatMap((b) => b.artifacts || [])) {
      const { external_identifier: imageId, region } = artifact;
      const found = await cloud.describeImages({ region, imageIds: [imageId] });
      if (found.length === 0) gone.push(`${imageId} (${region})`);
    }
    if (gone.length === 0) continue;
    process.stdout.write(
      `demo-aws ${version.name} (${version.fingerprint}) lists ${gone.join(', ')}, which ` +
        'force_deregister removed from the local cloud when this run reused the AMI name: ' +
        'revoking it, so that the registry offers no image that is gone.\n',
    );
    imprint(`revoke demo-aws ${version.name}`, [
      'revoke',
      'demo-aws',
      version.fingerprint,
      '--message',
      `AMIs deregistered by force_deregister: ${gone.join(', ')}`,
    ]);
    revoked += 1;
  }
  if (revoked === 0) {
    process.stdout.write(
      'Every active demo-aws version lists only AMIs the local cloud holds: nothing to revoke.\n',
    );
  }
  imprint('versions list demo-aws', ['versions', 'list', 'demo-aws']);
}

async function main() {
  if (!existsSync(BIN)) {
    throw new StepError(`find the CLI: ${BIN} is missing; run \`npx tsc -b tsconfig.json\` first`);
  }
  mkdirSync(DEMO_DIR, { recursive: true });
  process.stdout.write(`Imprint demo, data dir ${DEMO_DIR}\n`);

  // Each run writes its layouts to a directory of its own and labels the base with the run id, so
  // each run's base is a distinct image and demo-app's ancestry points at this run's base only.
  const runId = new Date().toISOString().replace(/[-:.]/g, '').toLowerCase();
  const runImages = join(IMAGES_DIR, runId);

  heading('1/6 Build demo-base (docker-like, FROM scratch)');
  const baseOut = join(runImages, 'base');
  const baseFp = build('build demo-base', 'base.pkr.json', {
    output_dir: baseOut,
    files_dir: join(__dirname, 'files'),
    run_id: runId,
  });

  heading("2/6 Build demo-app (docker-like, FROM demo-base's OCI layout)");
  const appFp = build('build demo-app', 'app.pkr.json', {
    base_dir: baseOut,
    output_dir: join(runImages, 'app'),
  });

  heading('3/6 Build demo-aws (aws-like, us-east-1 + eu-west-1)');
  try {
    await seedCloud();
  } catch (error) {
    if (error instanceof StepError) throw error;
    throw new StepError(`seed aws-like cloud: ${error.message}`);
  }
  const awsFp = build('build demo-aws', 'aws.pkr.json', { cloud_dir: CLOUD_DIR });

  heading('4/6 Keep demo-aws in step with the local cloud (revoke versions whose AMIs are gone)');
  await revokeVanishedAwsVersions();

  heading('5/6 Ancestry of demo-app');
  imprint('ancestry demo-app', ['ancestry', 'demo-app', '--version', appFp]);

  heading('6/6 Channels');
  imprint('channels list demo-base', ['channels', 'list', 'demo-base']);
  imprint('channels list demo-app', ['channels', 'list', 'demo-app']);

  process.stdout.write(
    `\nDemo done. demo-base ${baseFp}, demo-app ${appFp}, demo-aws ${awsFp}\n` +
      `Explore: node packages/cli/dist/bin/imprint.js versions list demo-base --data-dir ${REGISTRY_DIR}\n`,
  );
}

main().catch((error) => {
  const message = error instanceof StepError ? error.message : (error && error.stack) || error;
  process.stderr.write(`\ndemo failed at step: ${message}\n`);
  process.exit(1);
});
