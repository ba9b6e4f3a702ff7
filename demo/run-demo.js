#!/usr/bin/env node
/* eslint-disable @typescript-eslint/no-require-imports */
/* global require, __dirname, process */
'use strict';

/**
 * The one-command demo: builds a docker-like base image, an app image FROM it, and an aws-like
 * image in two regions, publishing each to the embedded registry (SQLite in the data dir: no
 * server, no network, no credentials), then shows channels and the base → app ancestry.
 *
 * Usage (after `npx tsc -b tsconfig.json`): node demo/run-demo.js
 * Data dir: $IMPRINT_DEMO_DIR, else <repo>/.imprint/demo. Safe to run again: every run makes new
 * versions (new fingerprints) in the same registry.
 */

const { spawnSync } = require('node:child_process');
const { existsSync, mkdirSync } = require('node:fs');
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

/** Runs `imprint <args> --data-dir <registry>`, echoing its output; throws when it fails. */
function imprint(step, args) {
  const full = [...args, '--data-dir', REGISTRY_DIR];
  process.stdout.write(`$ imprint ${full.join(' ')}\n`);
  const res = spawnSync(process.execPath, [BIN, ...full], {
    cwd: REPO_ROOT,
    env: childEnv(),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (res.stdout) process.stdout.write(res.stdout);
  if (res.stderr) process.stderr.write(res.stderr);
  if (res.error) throw new StepError(`${step}: ${res.error.message}`);
  if (res.status !== 0) {
    const how = res.status === null ? `signal ${res.signal}` : `exit code ${res.status}`;
    throw new StepError(`${step}: imprint ${args[0]} failed (${how})`);
  }
  return res.stdout;
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

/** Seeds the aws-like local cloud with the source image, once per cloud directory. */
async function seedCloud() {
  let awsLike;
  try {
    awsLike = require('@imprint/example-aws-like');
  } catch (error) {
    throw new StepError(
      `seed aws-like cloud: cannot load @imprint/example-aws-like (${error.message}); ` +
        'run `npx tsc -b tsconfig.json` first',
    );
  }
  const cloud = new awsLike.LocalCloud({ dir: CLOUD_DIR });
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

  heading('4/6 Assign the production channels');
  imprint('assign demo-base production', ['channels', 'assign', 'demo-base', 'production', baseFp]);
  imprint('assign demo-app production', ['channels', 'assign', 'demo-app', 'production', appFp]);

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
