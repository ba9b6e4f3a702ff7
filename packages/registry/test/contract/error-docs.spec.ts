import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLIENT_ERROR_CODES } from '@imprint/client';
import { CORE_ERROR_CODES } from '@imprint/core';
import { HTTP_ERROR_REASONS, RegistryErrorReason } from '@imprint/registry';

const errorsDoc = readFileSync(
  join(__dirname, '..', '..', '..', '..', 'docs', 'reference', 'errors.md'),
  'utf8',
);

describe('docs/reference/errors.md', () => {
  it('lists every registry error reason', () => {
    const reasons = new Set([
      ...Object.values(RegistryErrorReason),
      ...Object.values(HTTP_ERROR_REASONS),
    ]);
    expect([...reasons].filter((reason) => !errorsDoc.includes(`\`${reason}\``))).toEqual([]);
  });

  it('lists every client error code', () => {
    expect(
      Object.values(CLIENT_ERROR_CODES).filter((code) => !errorsDoc.includes(`\`${code}\``)),
    ).toEqual([]);
  });

  it('lists every runner error code', () => {
    expect(
      Object.values(CORE_ERROR_CODES).filter((code) => !errorsDoc.includes(`\`${code}\``)),
    ).toEqual([]);
  });
});
