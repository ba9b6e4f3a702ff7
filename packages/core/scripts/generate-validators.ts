import { writeFileSync } from 'node:fs';
import { GENERATED_VALIDATORS_FILE, validatorsSource } from './validators-source';

// `npm run generate -w @imprint/core` (after `npm run build`, which it reads
// @imprint/client's contract from): rewrites generated/validators.js.
writeFileSync(GENERATED_VALIDATORS_FILE, validatorsSource());
process.stdout.write(`wrote ${GENERATED_VALIDATORS_FILE}\n`);
