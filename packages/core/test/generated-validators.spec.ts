import { readFileSync } from 'node:fs';
import { GENERATED_VALIDATORS_FILE, validatorsSource } from '../scripts/validators-source';

/*
 * generated/validators.js is derived from schema/template.schema.json and the
 * API contract of @imprint/client; when either changes, the committed file must
 * be regenerated, or `imprint validate` would check templates by stale rules.
 */
describe('generated/validators.js', () => {
  it('is what the template schema and the API contract compile to today', () => {
    const committed = readFileSync(GENERATED_VALIDATORS_FILE, 'utf8');
    const fresh = validatorsSource();
    if (committed !== fresh) {
      throw new Error(
        `${GENERATED_VALIDATORS_FILE} is out of date: run \`npm run build && npm run generate -w @imprint/core\` and commit it`,
      );
    }
  });
});
