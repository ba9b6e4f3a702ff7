#!/usr/bin/env node
// Runs at `npm pack` / `npm publish` (prepack): copies the web console's
// build (the private workspace package @imprint/console) into this package's
// `console/` folder, which `files` ships and the server serves when the
// console package itself is not installed (any install from a tarball or a
// registry). Fails, saying how to fix it, when the console is not built.
// `--clean` (postpack) removes the copy again.
/* eslint-disable @typescript-eslint/no-require-imports */
/* global require, __dirname, process */
'use strict';
const { cpSync, existsSync, rmSync } = require('node:fs');
const path = require('node:path');

const target = path.join(__dirname, '..', 'console');
if (process.argv.includes('--clean')) {
  rmSync(target, { recursive: true, force: true });
  process.exit(0);
}
let source;
try {
  source = path.join(path.dirname(require.resolve('@imprint/console/package.json')), 'dist');
} catch {
  process.stderr.write(
    'bundle-console: @imprint/console is not installed; run `npm ci` at the repository root.\n',
  );
  process.exit(1);
}
if (!existsSync(path.join(source, 'index.html'))) {
  process.stderr.write(
    `bundle-console: ${source} holds no console build; run \`npm run build -w @imprint/console\` first.\n`,
  );
  process.exit(1);
}
rmSync(target, { recursive: true, force: true });
cpSync(source, target, { recursive: true });
process.stdout.write(`bundle-console: copied ${source} to ${target}\n`);
