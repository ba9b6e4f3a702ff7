import { parseOsvRecord } from '../../../src/resources/vulnerabilities/osv';

const VALID = { id: 'GHSA-aaaa-bbbb-cccc', modified: '2024-03-01T18:14:29.562Z' };

/** The problems of `value`, failing the test when it was accepted. */
function problems(value: unknown): string[] {
  const parsed = parseOsvRecord(value);
  if ('record' in parsed) throw new Error(`accepted: ${JSON.stringify(parsed.record)}`);
  return parsed.problems;
}

const npmEntry = (events: unknown[]) => ({
  package: { ecosystem: 'npm', name: 'left-pad' },
  ranges: [{ type: 'SEMVER', events }],
});

describe('parseOsvRecord: what it keeps', () => {
  it('reduces a valid record to what matching and the API need', () => {
    const parsed = parseOsvRecord({
      ...VALID,
      schema_version: '1.6.0',
      published: '2021-05-06T16:05:51+02:00',
      withdrawn: '2024-04-01t00:00:00z',
      aliases: ['CVE-2021-0001'],
      related: ['GHSA-xxxx-yyyy-zzzz'],
      summary: 'Prototype pollution',
      details: 'Long text',
      references: [{ type: 'WEB', url: 'https://example.com' }],
      affected: [
        npmEntry([{ introduced: '0' }, { fixed: '1.3.0' }]),
        { package: { purl: 'pkg:pypi/Foo_Bar' }, versions: ['1.0'] },
        { package: { ecosystem: 'npm' }, versions: ['1.0.0'] },
        { ranges: [{ type: 'GIT', repo: 'https://x', events: [{ introduced: 'abc' }] }] },
      ],
    });
    expect(parsed).toEqual({
      record: {
        id: 'GHSA-aaaa-bbbb-cccc',
        summary: 'Prototype pollution',
        details: 'Long text',
        aliases: ['CVE-2021-0001'],
        related: ['GHSA-xxxx-yyyy-zzzz'],
        publishedMs: Date.UTC(2021, 4, 6, 14, 5, 51),
        modifiedMs: Date.UTC(2024, 2, 1, 18, 14, 29, 562),
        withdrawnMs: Date.UTC(2024, 3, 1),
        severity: 'UNKNOWN',
        criticality: 'Unknown',
        affected: [
          {
            ecosystem: 'npm',
            release: '',
            name: 'left-pad',
            ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '1.3.0' }] }],
            versions: [],
          },
          // A purl alone names the package; the entries without a name are skipped.
          { ecosystem: 'PyPI', release: '', name: 'foo-bar', ranges: [], versions: ['1.0'] },
        ],
      },
    });
  });

  it('splits ecosystem releases', () => {
    const parsed = parseOsvRecord({
      ...VALID,
      affected: [
        { package: { ecosystem: 'Ubuntu:22.04:LTS', name: 'curl' } },
        { package: { ecosystem: 'Alpine:v3.20', name: 'musl' } },
        { package: { ecosystem: 'Debian:12', name: 'bash' } },
      ],
    });
    expect(
      'record' in parsed && parsed.record.affected.map((a) => [a.ecosystem, a.release]),
    ).toEqual([
      ['Ubuntu', '22.04'],
      ['Alpine', 'v3.20'],
      ['Debian', '12'],
    ]);
  });

  it('cuts details beyond 64 KiB with an ellipsis, never inside a character', () => {
    const parsed = parseOsvRecord({ ...VALID, details: 'é'.repeat(40_000) });
    const details = 'record' in parsed ? parsed.record.details : '';
    expect(details.endsWith('é…')).toBe(true);
    expect(Buffer.byteLength(details)).toBeLessThanOrEqual(64 * 1024);
    expect(Buffer.byteLength(details)).toBeGreaterThan(64 * 1024 - 8);
  });
});

describe('parseOsvRecord: problems name the path and the fix', () => {
  it.each([
    [null, ['$: must be a JSON object']],
    [[VALID], ['$: must be a JSON object']],
    [{ modified: VALID.modified }, ['id: is required: the OSV id, e.g. GHSA-xxxx-xxxx-xxxx']],
    [{ ...VALID, id: 42 }, ['id: must be a string']],
    [
      { ...VALID, id: 'GHSA bad id' },
      ['id: must be 1-100 characters of letters, digits, ".", "_", ":" and "-"'],
    ],
    [{ ...VALID, id: 'X'.repeat(101) }, ['id: is longer than 100 characters; shorten it']],
    [{ id: 'A-1' }, ['modified: is required: an RFC 3339 time such as 2024-01-31T12:00:00Z']],
    [
      { ...VALID, modified: '2024-01-01' },
      ['modified: must be an RFC 3339 time such as 2024-01-31T12:00:00Z'],
    ],
    [
      { ...VALID, modified: '2024-02-30T00:00:00Z' },
      ['modified: must be an RFC 3339 time such as 2024-01-31T12:00:00Z'],
    ],
    [
      { ...VALID, published: 1700000000 },
      ['published: must be an RFC 3339 time such as 2024-01-31T12:00:00Z'],
    ],
    [
      { ...VALID, summary: 'x'.repeat(1025) },
      ['summary: is longer than 1024 characters; shorten it'],
    ],
    [{ ...VALID, aliases: 'CVE-1' }, ['aliases: must be an array of strings']],
    [{ ...VALID, aliases: ['CVE-1', 7] }, ['aliases[1]: must be a string']],
    [
      { ...VALID, related: ['x'.repeat(513)] },
      ['related[0]: is longer than 512 characters; shorten it'],
    ],
    [
      { ...VALID, details: 'a\u0000b' },
      ['details: contains a NUL character (U+0000), which cannot be stored; remove it.'],
    ],
    [{ ...VALID, affected: {} }, ['affected: must be an array of affected packages']],
    [{ ...VALID, affected: ['npm'] }, ['affected[0]: must be a JSON object']],
    [
      {
        ...VALID,
        affected: [npmEntry([{ introduced: '0' }, { fixed: '1.0.0', last_affected: '0.9.0' }])],
      },
      [
        'affected[0].ranges[0].events[1]: an event needs exactly one of introduced, fixed, last_affected, limit',
      ],
    ],
    [
      { ...VALID, affected: [npmEntry([{ introduced: '0' }, {}])] },
      [
        'affected[0].ranges[0].events[1]: an event needs exactly one of introduced, fixed, last_affected, limit',
      ],
    ],
    [
      { ...VALID, affected: [npmEntry([{ introduced: '' }])] },
      [
        'affected[0].ranges[0].events[0].introduced: must not be empty; write "0" for "from the start"',
      ],
    ],
    [
      { ...VALID, affected: [npmEntry([{ fixed: 1 }])] },
      ['affected[0].ranges[0].events[0].fixed: must be a string'],
    ],
    [
      { ...VALID, affected: [npmEntry([])] },
      [
        'affected[0].ranges[0].events: must be a non-empty array of events such as {"introduced": "0"}',
      ],
    ],
    [
      {
        ...VALID,
        affected: [
          { package: { ecosystem: 'npm', name: 'x' }, ranges: [{ type: 'RANGE', events: [] }] },
        ],
      },
      ['affected[0].ranges[0].type: must be one of SEMVER, ECOSYSTEM, GIT'],
    ],
    [
      { ...VALID, affected: [{ package: { ecosystem: 'npm', name: 'x'.repeat(513) } }] },
      ['affected[0].package.name: is longer than 512 characters; shorten it'],
    ],
    [
      {
        ...VALID,
        affected: [{ package: { ecosystem: 'npm', name: 'x' }, versions: ['1', 'v'.repeat(513)] }],
      },
      ['affected[0].versions[1]: is longer than 512 characters; shorten it'],
    ],
    [
      { ...VALID, severity: [{ type: 'CVSS_V3' }] },
      ['severity[0]: needs a type and a score, both strings'],
    ],
    [
      { ...VALID, severity: [{ type: 'CVSS_V3', score: 9.8 }] },
      ['severity[0].score: must be a string'],
    ],
  ])('%j', (value, expected) => {
    expect(problems(value)).toEqual(expected);
  });

  it('refuses __proto__, constructor and prototype keys wherever it reads', () => {
    expect(
      problems(JSON.parse(`{"id":"A-1","modified":"${VALID.modified}","__proto__":{"x":1}}`)),
    ).toEqual(['$: has the key "__proto__", which is refused; remove it']);
    const nested = JSON.parse(
      `{"id":"A-1","modified":"${VALID.modified}","affected":[{"package":{"ecosystem":"npm","name":"x","constructor":1},
        "ranges":[{"type":"SEMVER","events":[{"introduced":"0","__proto__":{}}]}],
        "database_specific":{"prototype":1}}],"database_specific":{"__proto__":{"severity":"HIGH"}}}`,
    );
    expect(problems(nested)).toEqual([
      'database_specific: has the key "__proto__", which is refused; remove it',
      'affected[0].database_specific: has the key "prototype", which is refused; remove it',
      'affected[0].package: has the key "constructor", which is refused; remove it',
      'affected[0].ranges[0].events[0]: has the key "__proto__", which is refused; remove it',
    ]);
  });

  it('reports every problem at once and never throws on odd values', () => {
    expect(
      problems({ id: '', modified: 'yesterday', affected: [null, { package: 'npm' }] }),
    ).toEqual([
      'id: must be 1-100 characters of letters, digits, ".", "_", ":" and "-"',
      'modified: must be an RFC 3339 time such as 2024-01-31T12:00:00Z',
      'affected[0]: must be a JSON object',
      'affected[1].package: must be a JSON object',
    ]);
    for (const odd of [
      undefined,
      0,
      'text',
      true,
      () => 1,
      Symbol('s'),
      new Map(),
      Object.create(null),
    ]) {
      expect(() => parseOsvRecord(odd)).not.toThrow();
    }
  });
});
