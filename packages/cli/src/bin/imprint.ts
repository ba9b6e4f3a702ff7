#!/usr/bin/env node
import { run } from '../cli';

// `imprint … | head` closes the pipe early: stop quietly, as Unix tools do,
// rather than dying on an unhandled EPIPE with a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

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
