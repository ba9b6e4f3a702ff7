#!/usr/bin/env node
/* eslint-disable @typescript-eslint/no-require-imports */
/* global require, __dirname, process */
'use strict';

/**
 * The one-command demo: builds a docker-like base image, then an app image FROM whatever the base's
 * `production` channel points at (read through data sources: `imprint-artifact` in the registry,
 * `docker-like-layout` on disk), and an aws-like image in two regions, publishing each to the
 * embedded registry (SQLite in the data dir: no server, no network, no credentials), the docker-like
 * images with their SBOMs (the app's listed with `imprint sbom list`), imports the demo OSV data
 * (demo/osv) and lists the app's known vulnerabilities with `imprint vulns version`. It revokes the
 * demo-aws versions whose AMIs a later run deregistered, shows the app's declared link to its base
 * (UP_TO_DATE), builds a new base (which moves `production`), shows the link OUT_OF_DATE with the
 * command that rebuilds the app, and lists the channels the templates assigned.
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

/** Builds demo-base with a run label of its own (so a new image, a new version) and returns its fingerprint. */
function buildBase(step, outputDir, runLabel) {
  return build(step, 'base.pkr.json', {
    output_dir: outputDir,
    files_dir: join(__dirname, 'files'),
    run_id: runLabel,
  });
}

/** The arguments that build demo-app FROM demo-base's production channel into `outputDir`. */
function appBuildArgs(outputDir) {
  return { images_dir: IMAGES_DIR, output_dir: outputDir };
}

/**
 * The link from demo-app's version to its demo-base parent, as `imprint ancestry --json` reports
 * it; fails unless the build declared it (through the imprint-artifact data block) rather than the
 * registry inferring it from image ids, and unless its status is `expected`.
 */
function parentLink(step, appFp, expected) {
  const { relations = [] } = imprintJson(step, ['ancestry', 'demo-app', '--version', appFp]);
  const link = relations.find((r) => r.parent && r.parent.bucket_name === 'demo-base');
  if (!link) throw new StepError(`${step}: demo-app ${appFp} has no demo-base parent`);
  const declared = link.inferred === false && link.parent.channel_name === 'production';
  if (!declared || link.status !== expected) {
    throw new StepError(
      `${step}: expected a link declared through demo-base's production channel with status ` +
        `${expected}, got ${JSON.stringify(link)}`,
    );
  }
  return link;
}

async function main() {
  if (!existsSync(BIN)) {
    throw new StepError(`find the CLI: ${BIN} is missing; run \`npx tsc -b tsconfig.json\` first`);
  }
  mkdirSync(DEMO_DIR, { recursive: true });
  process.stdout.write(`Imprint demo, data dir ${DEMO_DIR}\n`);

  // Each run writes its layouts to a directory of its own under IMAGES_DIR and labels each base
  // with a run id, so each base build is a distinct image: demo-app's data blocks find the layout
  // of the base production points at by its image id, searching IMAGES_DIR.
  const runId = new Date().toISOString().replace(/[-:.]/g, '').toLowerCase();
  const runImages = join(IMAGES_DIR, runId);

  heading('1/8 Build demo-base (docker-like, FROM scratch); production moves to it');
  const baseFp = buildBase('build demo-base', join(runImages, 'base'), runId);

  heading(
    "2/8 Build demo-app (docker-like, FROM demo-base's production channel, via data sources); " +
      'its SBOM and known vulnerabilities',
  );
  const appFp = build('build demo-app', 'app.pkr.json', appBuildArgs(join(runImages, 'app')));
  // docker-like states a CycloneDX SBOM per image; the build uploaded it with the registry build.
  const appBuilds = imprintJson('builds of demo-app', ['builds', 'list', 'demo-app', appFp]);
  if (appBuilds.length !== 1) {
    throw new StepError(
      `builds of demo-app: expected one build of ${appFp}, got ${appBuilds.length}`,
    );
  }
  const appSboms = imprint('sbom list demo-app', [
    'sbom',
    'list',
    'demo-app',
    appFp,
    appBuilds[0].id,
  ]);
  if (!/ CYCLONEDX /.test(appSboms)) {
    throw new StepError('sbom list demo-app: the app build has no CycloneDX SBOM');
  }
  // The SBOM lists the base's dpkg packages (demo/files/var/lib/dpkg/status). An operator imports
  // OSV data from disk (here the three demo records in demo/osv; real ones come from OSV's
  // exports), and the registry matches every stored package against it, offline.
  imprint('import the demo OSV data', ['registry', 'vulns', 'import', join(__dirname, 'osv')]);
  const vulns = imprint('vulns of demo-app', ['vulns', 'version', 'demo-app', appFp]);
  for (const id of ['DEMO-2026-0001', 'DEMO-2026-0002']) {
    if (!vulns.includes(id)) throw new StepError(`vulns of demo-app: ${id} is not listed`);
  }

  heading('3/8 Build demo-aws (aws-like, us-east-1 + eu-west-1)');
  try {
    await seedCloud();
  } catch (error) {
    if (error instanceof StepError) throw error;
    throw new StepError(`seed aws-like cloud: ${error.message}`);
  }
  const awsFp = build('build demo-aws', 'aws.pkr.json', { cloud_dir: CLOUD_DIR });

  heading('4/8 Keep demo-aws in step with the local cloud (revoke versions whose AMIs are gone)');
  await revokeVanishedAwsVersions();

  heading("5/8 Ancestry of demo-app: built from demo-base's production channel");
  imprint('ancestry demo-app', ['ancestry', 'demo-app', '--version', appFp]);
  parentLink('check the demo-app link', appFp, 'UP_TO_DATE');

  heading('6/8 Build a new demo-base (a new run label, so a new image); production moves to it');
  const newBaseFp = buildBase('build the new demo-base', join(runImages, 'base-2'), `${runId}-2`);

  heading('7/8 Ancestry of demo-app again: its base is no longer the one production points at');
  imprint('ancestry demo-app again', ['ancestry', 'demo-app', '--version', appFp]);
  const link = parentLink('check the demo-app link again', appFp, 'OUT_OF_DATE');
  const rebuild = [
    'node',
    BIN,
    'build',
    join(__dirname, 'app.pkr.json'),
    '--plugin-dir',
    REPO_ROOT,
    ...Object.entries(appBuildArgs(join(runImages, 'app-2'))).flatMap(([k, v]) => [
      '--var',
      `${k}=${v}`,
    ]),
    '--data-dir',
    REGISTRY_DIR,
  ];
  const { parent, child } = link;
  const now = parent.channel_version || {};
  process.stdout.write(
    `demo-app ${child.version_name} (${child.version_fingerprint}) is built from demo-base ` +
      `${parent.version_name} (${parent.version_fingerprint}); ${parent.channel_name} now points ` +
      `at ${now.name} (${now.fingerprint}). Rebuild demo-app (its data blocks read production ` +
      `again, so it builds FROM ${now.name}) with:\n  ${rebuild.map(shellWord).join(' ')}\n`,
  );
  if (now.fingerprint !== newBaseFp) {
    throw new StepError(`check the demo-app link again: production is not on ${newBaseFp}`);
  }

  heading('8/8 Channels');
  imprint('channels list demo-base', ['channels', 'list', 'demo-base']);
  imprint('channels list demo-app', ['channels', 'list', 'demo-app']);

  process.stdout.write(
    `\nDemo done. demo-base ${baseFp} then ${newBaseFp}, demo-app ${appFp}, demo-aws ${awsFp}\n` +
      `Explore: node packages/cli/dist/bin/imprint.js versions list demo-base --data-dir ${REGISTRY_DIR}\n`,
  );
}

main().catch((error) => {
  const message = error instanceof StepError ? error.message : (error && error.stack) || error;
  process.stderr.write(`\ndemo failed at step: ${message}\n`);
  process.exit(1);
});
