import { matchName, osvPackageOf, splitOsvEcosystem } from './ecosystems';
import {
  MAX_TEXT,
  Problems,
  object,
  string,
  strings,
  timestamp,
  truncateDetails,
  type Json,
} from './json-reader';
import type { Criticality } from '@imprint/client';
import { severityOf, type OsvSeverityEntry, type SeverityWord } from './severity';

/** One range event: exactly one of these keys. */
export type OsvEvent =
  { introduced: string } | { fixed: string } | { last_affected: string } | { limit: string };

/** One `affected[]` entry of an OSV record, validated and reduced to what matching needs. */
export interface OsvAffected {
  ecosystem: string;
  release: string;
  /** Already {@link matchName}-normalised. */
  name: string;
  ranges: { type: 'SEMVER' | 'ECOSYSTEM' | 'GIT'; events: OsvEvent[] }[];
  versions: string[];
}

/** An OSV record, validated and reduced to what the registry stores and matches. */
export interface OsvRecord {
  id: string;
  summary: string;
  details: string;
  aliases: string[];
  related: string[];
  publishedMs?: number;
  modifiedMs: number;
  withdrawnMs?: number;
  /** CVSS base score used (highest CVSS version present: V4 > V3.1/3.0 > V2). */
  score?: number;
  severity: SeverityWord;
  criticality: Criticality;
  affected: OsvAffected[];
}

/** OSV ids: GHSA-…, CVE-…, DSA-1234-1, GO-2024-0001, ALPINE-CVE-…, RUSTSEC-…, PYSEC-…, UBUNTU-CVE-…. */
const ID_PATTERN = /^[A-Za-z0-9._:-]{1,100}$/;
/** Longest summary: OSV summaries are one line; a longer one is a malformed record. */
const MAX_SUMMARY = 1024;
const EVENT_KEYS = ['introduced', 'fixed', 'last_affected', 'limit'] as const;
const RANGE_TYPES = new Set(['SEMVER', 'ECOSYSTEM', 'GIT']);

function event(value: unknown, path: string, problems: Problems): OsvEvent | undefined {
  const item = object(value, path, problems);
  if (!item) return undefined;
  const keys = EVENT_KEYS.filter((key) => item[key] !== undefined);
  if (keys.length !== 1) {
    return problems.add(
      path,
      'an event needs exactly one of introduced, fixed, last_affected, limit',
    );
  }
  const key = keys[0]!;
  const version = string(item[key], `${path}.${key}`, problems, MAX_TEXT);
  if (version === '')
    return problems.add(`${path}.${key}`, 'must not be empty; write "0" for "from the start"');
  return version === undefined ? undefined : ({ [key]: version } as OsvEvent);
}

function range(
  value: unknown,
  path: string,
  problems: Problems,
): OsvAffected['ranges'][number] | undefined {
  const item = object(value, path, problems);
  if (!item) return undefined;
  const type = item.type;
  if (typeof type !== 'string' || !RANGE_TYPES.has(type)) {
    return problems.add(`${path}.type`, 'must be one of SEMVER, ECOSYSTEM, GIT');
  }
  if (!Array.isArray(item.events) || item.events.length === 0) {
    return problems.add(
      `${path}.events`,
      'must be a non-empty array of events such as {"introduced": "0"}',
    );
  }
  const events = item.events.map((e: unknown, i) => event(e, `${path}.events[${i}]`, problems));
  return {
    type: type as 'SEMVER' | 'ECOSYSTEM' | 'GIT',
    events: events.filter((e) => e !== undefined),
  };
}

/** Severity words an affected entry carries (GHSA, Debian, Ubuntu and Alpine put them in different places). */
function affectedWords(item: Json, path: string, problems: Problems): string[] {
  const words: string[] = [];
  for (const key of ['ecosystem_specific', 'database_specific'] as const) {
    if (item[key] === undefined) continue;
    const specific = object(item[key], `${path}.${key}`, problems);
    for (const field of ['severity', 'urgency'] as const) {
      const word = specific?.[field];
      if (typeof word === 'string') words.push(word);
    }
  }
  return words;
}

function severityEntries(value: unknown, path: string, problems: Problems): OsvSeverityEntry[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) return problems.add(path, 'must be an array of {type, score}') ?? [];
  const entries: OsvSeverityEntry[] = [];
  value.forEach((raw: unknown, i) => {
    const item = object(raw, `${path}[${i}]`, problems);
    const type = item && string(item.type, `${path}[${i}].type`, problems, MAX_TEXT);
    const score = item && string(item.score, `${path}[${i}].score`, problems, MAX_TEXT);
    if (type !== undefined && score !== undefined) entries.push({ type, score });
    else if (item && (item.type === undefined || item.score === undefined)) {
      problems.add(`${path}[${i}]`, 'needs a type and a score, both strings');
    }
  });
  return entries;
}

interface AffectedParts {
  affected?: OsvAffected;
  severity: OsvSeverityEntry[];
  words: string[];
}

function affected(value: unknown, path: string, problems: Problems): AffectedParts {
  const item = object(value, path, problems);
  if (!item) return { severity: [], words: [] };
  const parts: AffectedParts = {
    severity: severityEntries(item.severity, `${path}.severity`, problems),
    words: affectedWords(item, path, problems),
  };
  // A bad package is reported, and the rest of the entry still checked, so every problem shows at once.
  const pkg =
    (item.package === undefined ? {} : object(item.package, `${path}.package`, problems)) ?? {};
  const written = string(pkg.ecosystem, `${path}.package.ecosystem`, problems, MAX_TEXT);
  const name = string(pkg.name, `${path}.package.name`, problems, MAX_TEXT);
  const purl = string(pkg.purl, `${path}.package.purl`, problems, MAX_TEXT);
  const fromPurl = purl ? osvPackageOf(purl) : undefined;
  const split = written ? splitOsvEcosystem(written) : fromPurl;
  const ranges = item.ranges === undefined ? [] : item.ranges;
  if (!Array.isArray(ranges)) {
    problems.add(`${path}.ranges`, 'must be an array of ranges');
    return parts;
  }
  const parsedRanges = ranges.map((r: unknown, i) => range(r, `${path}.ranges[${i}]`, problems));
  const versions = strings(item.versions, `${path}.versions`, problems);
  const packageName = name || fromPurl?.name;
  // An entry that names no package (OSV allows that) can never match one: skipped, not refused.
  if (!split || !packageName) return parts;
  parts.affected = {
    ecosystem: split.ecosystem,
    release: split.release,
    name: matchName(split.ecosystem, packageName),
    ranges: parsedRanges.filter((r) => r !== undefined),
    versions,
  };
  return parts;
}

/**
 * Validates one parsed JSON value as an OSV record (schema 1.x). Never throws:
 * returns the record or every problem found, each naming the JSON path and
 * the fix.
 *
 * @example
 * ```ts
 * const parsed = parseOsvRecord(JSON.parse(text));
 * if ('problems' in parsed) console.error(parsed.problems.join('\n'));
 * ```
 */
export function parseOsvRecord(value: unknown): { record: OsvRecord } | { problems: string[] } {
  const problems = new Problems();
  const root = object(value, '$', problems);
  if (!root) return { problems: problems.list };
  const id = string(root.id, 'id', problems, 100);
  if (id === undefined && root.id === undefined) {
    problems.add('id', 'is required: the OSV id, e.g. GHSA-xxxx-xxxx-xxxx');
  } else if (id !== undefined && !ID_PATTERN.test(id)) {
    problems.add('id', 'must be 1-100 characters of letters, digits, ".", "_", ":" and "-"');
  }
  const modifiedMs = timestamp(root.modified, 'modified', problems, true);
  const publishedMs = timestamp(root.published, 'published', problems, false);
  const withdrawnMs = timestamp(root.withdrawn, 'withdrawn', problems, false);
  const summary = string(root.summary, 'summary', problems, MAX_SUMMARY) ?? '';
  const details = string(root.details, 'details', problems, Number.MAX_SAFE_INTEGER) ?? '';
  const aliases = strings(root.aliases, 'aliases', problems);
  const related = strings(root.related, 'related', problems);
  const severity = severityEntries(root.severity, 'severity', problems);
  const words: string[] = [];
  if (root.database_specific !== undefined) {
    const specific = object(root.database_specific, 'database_specific', problems);
    if (typeof specific?.severity === 'string') words.push(specific.severity);
  }
  const affectedList: OsvAffected[] = [];
  if (root.affected !== undefined && !Array.isArray(root.affected)) {
    problems.add('affected', 'must be an array of affected packages');
  } else {
    (root.affected ?? []).forEach((item: unknown, i: number) => {
      const parts = affected(item, `affected[${i}]`, problems);
      if (parts.affected) affectedList.push(parts.affected);
      severity.push(...parts.severity);
      words.push(...parts.words);
    });
  }
  if (problems.list.length > 0 || id === undefined || modifiedMs === undefined) {
    return { problems: problems.list };
  }
  const graded = severityOf({ entries: severity, words });
  return {
    record: {
      id,
      summary,
      details: truncateDetails(details),
      aliases,
      related,
      ...(publishedMs === undefined ? {} : { publishedMs }),
      modifiedMs,
      ...(withdrawnMs === undefined ? {} : { withdrawnMs }),
      ...(graded.score === undefined ? {} : { score: graded.score }),
      severity: graded.severity,
      criticality: graded.criticality,
      affected: affectedList,
    },
  };
}
