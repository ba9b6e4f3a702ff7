import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLIENT_ERROR_CODES } from '@imprint/client';
import { CORE_ERROR_CODES } from '@imprint/core';
import { HTTP_ERROR_REASONS, RegistryErrorReason } from '@imprint/registry';
import { CONDITIONS, documentedCells } from '../errors/docs-table';

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

  describe('shows the registry error table', () => {
    /** The rows of the page's error table, by condition: its cells, trimmed. */
    const documented = new Map<string, string[]>();
    const section = errorsDoc.slice(errorsDoc.indexOf('### The error table'));
    for (const line of section.slice(0, section.indexOf('\n## ')).split('\n')) {
      const cells = line
        .split(/(?<!\\)\|/)
        .slice(1, -1)
        .map((c) => c.trim());
      if (cells.length === 5 && /^`[A-Z]/.test(cells[0])) documented.set(cells[0], cells);
    }

    it.each(CONDITIONS)('%s: code, gRPC code, HTTP status and message', (condition) => {
      expect(documented.get(`\`${condition}\``)).toEqual(documentedCells(condition));
    });

    it('has no row for a condition the table does not have', () => {
      const known = new Set(CONDITIONS.map((c) => `\`${c}\``));
      expect([...documented.keys()].filter((c) => !known.has(c))).toEqual([]);
    });
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
