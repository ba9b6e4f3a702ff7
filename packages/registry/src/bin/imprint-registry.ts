#!/usr/bin/env node
import { main } from './cli';

// `imprint-registry … | head` closes the pipe early: stop quietly.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `imprint-registry: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(1);
  },
);
