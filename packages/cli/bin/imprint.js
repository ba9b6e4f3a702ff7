#!/usr/bin/env node
// The `imprint` command as npm links it. This file is committed (dist/ is not),
// so that `npm ci` in a fresh clone links the command before anything is built;
// it runs the compiled entry, or says how to build it.
/* eslint-disable @typescript-eslint/no-require-imports */
/* global require, __dirname, process */
'use strict';
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const entry = join(__dirname, '..', 'dist', 'bin', 'imprint.js');
if (!existsSync(entry)) {
  process.stderr.write(
    `imprint: not built yet (${entry} is missing): run \`npm run build\` first\n`,
  );
  process.exit(1);
}
require(entry);
