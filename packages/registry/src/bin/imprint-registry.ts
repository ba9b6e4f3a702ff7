#!/usr/bin/env node
import { main } from './cli';

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `imprint-registry: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(1);
  },
);
