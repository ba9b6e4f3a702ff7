#!/usr/bin/env node
import { run } from '../cli';

run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    // A build may leave plugin handles open; do not wait for them.
    setImmediate(() => process.exit(code));
  },
  (error: unknown) => {
    process.stderr.write(`imprint: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
