import { CRITICALITIES } from '@imprint/client';
import { parseOsvRecord, type OsvRecord } from '../../../src/resources/vulnerabilities/osv';

/** A minimal valid record with `extra` fields, parsed through the real validator. */
function record(extra: Record<string, unknown>): OsvRecord {
  const parsed = parseOsvRecord({ id: 'TEST-1', modified: '2024-01-01T00:00:00Z', ...extra });
  if ('problems' in parsed) throw new Error(parsed.problems.join('; '));
  return parsed.record;
}

const graded = (r: OsvRecord) => ({
  score: r.score,
  severity: r.severity,
  criticality: r.criticality,
});
/** The grade expected: a score (or none) and a criticality, with its upper-case severity word. */
const grade = (score: number | undefined, criticality: string) => ({
  score,
  severity: criticality.toUpperCase(),
  criticality,
});

const V31_CRITICAL = 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H';
const V40_CRITICAL = 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N';
// Scores as GHSA advisories publish them (FIRST's calculator): a typical XSS and a typical DoS.
const V40_MEDIUM = 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:P/VC:N/VI:N/VA:N/SC:L/SI:L/SA:N';
const V40_HIGH = 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:H/SC:N/SI:N/SA:N';
const V2_HIGH = 'AV:N/AC:L/Au:N/C:P/I:P/A:P';

describe('severity of OSV records', () => {
  it('lists HCP criticalities worst first', () => {
    expect(CRITICALITIES).toEqual(['Critical', 'High', 'Medium', 'Low', 'Unknown']);
  });

  it('scores a CVSS 3.1 vector of 9.8 as Critical', () => {
    expect(graded(record({ severity: [{ type: 'CVSS_V3', score: V31_CRITICAL }] }))).toEqual(
      grade(9.8, 'Critical'),
    );
  });

  it('scores CVSS 3.0 and CVSS 2 vectors', () => {
    const v30 = record({
      severity: [{ type: 'CVSS_V3', score: 'CVSS:3.0/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:N/A:N' }],
    });
    expect(graded(v30)).toEqual(grade(3.1, 'Low'));
    expect(graded(record({ severity: [{ type: 'CVSS_V2', score: V2_HIGH }] }))).toEqual(
      grade(7.5, 'High'),
    );
  });

  it('prefers the CVSS 4.0 vector over 3.1 and 2, even when it scores lower', () => {
    const r = record({
      severity: [
        { type: 'CVSS_V2', score: V2_HIGH },
        { type: 'CVSS_V3', score: V31_CRITICAL },
        { type: 'CVSS_V4', score: V40_MEDIUM },
      ],
    });
    expect(graded(r)).toEqual(grade(5.3, 'Medium'));
    expect(graded(record({ severity: [{ type: 'CVSS_V4', score: V40_CRITICAL }] })).score).toBe(
      9.3,
    );
    expect(graded(record({ severity: [{ type: 'CVSS_V4', score: V40_HIGH }] }))).toEqual(
      grade(8.7, 'High'),
    );
  });

  it('takes affected-level vectors too', () => {
    const r = record({
      affected: [
        {
          package: { ecosystem: 'npm', name: 'x' },
          severity: [{ type: 'CVSS_V3', score: V31_CRITICAL }],
        },
      ],
    });
    expect(r.criticality).toBe('Critical');
  });

  it('ignores incomplete or garbled vectors and falls back to the word', () => {
    const r = record({
      severity: [
        { type: 'CVSS_V3', score: 'CVSS:3.1/AV:N' },
        { type: 'CVSS_V4', score: 'CVSS:4.0/AV:N' },
        { type: 'CVSS_V3', score: 'garbage' },
        { type: 'CVSS_V2', score: 'AV:Q/AC:L/Au:N/C:P/I:P/A:P' },
      ],
      database_specific: { severity: 'LOW' },
    });
    expect(graded(r)).toEqual(grade(undefined, 'Low'));
  });

  it.each([
    ['CRITICAL', 'Critical'],
    ['HIGH', 'High'],
    ['MODERATE', 'Medium'],
    ['LOW', 'Low'],
  ])('reads GHSA database_specific.severity %s as %s', (word, criticality) => {
    const r = record({ database_specific: { severity: word } });
    expect([r.criticality, r.severity, r.score]).toEqual([
      criticality,
      criticality.toUpperCase(),
      undefined,
    ]);
  });

  it.each([
    [{ database_specific: { urgency: 'high' } }, 'High'],
    [{ database_specific: { urgency: 'unimportant' } }, 'Low'],
    [{ database_specific: { urgency: 'low*' } }, 'Low'],
    [{ database_specific: { urgency: 'not yet assigned' } }, 'Unknown'],
    [{ ecosystem_specific: { severity: 'medium' } }, 'Medium'],
    [{ ecosystem_specific: { severity: 'negligible' } }, 'Low'],
  ])('reads the Debian/Ubuntu word of %j as %s', (specific, criticality) => {
    const r = record({
      affected: [{ package: { ecosystem: 'Debian:12', name: 'curl' }, ...specific }],
    });
    expect(r.criticality).toBe(criticality);
  });

  it('reads Ubuntu severity entries and takes the worst word', () => {
    const r = record({
      severity: [{ type: 'Ubuntu', score: 'medium' }],
      affected: [
        {
          package: { ecosystem: 'Ubuntu:22.04:LTS', name: 'curl' },
          ecosystem_specific: { severity: 'high' },
        },
      ],
    });
    expect([r.criticality, r.severity]).toEqual(['High', 'HIGH']);
  });

  it('is Unknown without a vector or a word, and for a 0.0 score', () => {
    expect(graded(record({}))).toEqual(grade(undefined, 'Unknown'));
    const none = record({
      severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N' }],
    });
    expect(graded(none)).toEqual(grade(0, 'Unknown'));
  });
});
