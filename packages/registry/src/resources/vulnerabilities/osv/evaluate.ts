import type { OsvAffected, OsvEvent } from './osv-record';
import { ecosystemComparator, rangeComparator, type Comparator } from './versions';

/**
 * Whether the version of a package falls in an affected entry. `evaluated`
 * is false when some range could not be judged (no comparator for the
 * ecosystem, or a version that does not parse under it), so the caller can
 * count what it could not decide rather than report "not affected".
 */
export type Evaluation =
  { affected: false; evaluated: boolean } | { affected: true; fixedVersion: string };

type Range = OsvAffected['ranges'][number];

/** An event with its version normalised for the range's comparator; `zero` is introduced '0'. */
interface Point {
  kind: 'introduced' | 'fixed' | 'last_affected';
  raw: string;
  version: string;
  zero: boolean;
}

const POINT_KINDS: ReadonlySet<string> = new Set(['introduced', 'fixed', 'last_affected']);

/**
 * A range's events in version order ('0' lowest), or undefined when one does
 * not parse (or is not one event: entries may come back from storage, not only
 * from `parseOsvRecord`).
 */
function sortedPoints(range: Range, comparator: Comparator): Point[] | undefined {
  const points: Point[] = [];
  for (const event of range.events as OsvEvent[]) {
    const entries = Object.entries(event) as [string, unknown][];
    const [kind, raw] = entries[0] ?? [];
    // `limit` only bounds GIT commit walks; the spec ignores it for version ranges.
    if (kind === 'limit' && entries.length === 1) continue;
    if (entries.length !== 1 || !POINT_KINDS.has(kind!) || typeof raw !== 'string')
      return undefined;
    const zero = kind === 'introduced' && raw === '0';
    const version = zero ? '' : comparator.normalise(raw);
    if (version === undefined) return undefined;
    points.push({ kind: kind as Point['kind'], raw, version, zero });
  }
  // Array#sort is stable: events at the same version keep the record's order.
  return points.sort((a, b) =>
    a.zero || b.zero ? Number(b.zero) - Number(a.zero) : comparator.compare(a.version, b.version),
  );
}

/** The lowest `fixed` event above `version` in sorted points, or ''. */
function nextFix(points: Point[], version: string, comparator: Comparator): string {
  const fix = points.find((p) => p.kind === 'fixed' && comparator.compare(p.version, version) > 0);
  return fix?.raw ?? '';
}

/**
 * The osv-schema "Evaluation" walk over one range: the version is affected
 * after an introduced event at or below it, and no longer after a fixed event
 * at or below it or a last_affected event below it. Undefined when the range
 * cannot be judged.
 */
function judgeRange(range: Range, version: string, ecosystem: string): Evaluation | undefined {
  const comparator = rangeComparator(range.type, ecosystem);
  const v = comparator?.normalise(version);
  const points = comparator && v !== undefined ? sortedPoints(range, comparator) : undefined;
  if (!comparator || v === undefined || !points) return undefined;
  let affected = false;
  for (const point of points) {
    const order = point.zero ? 1 : comparator.compare(v, point.version);
    if (point.kind === 'introduced' && order >= 0) affected = true;
    else if (point.kind === 'fixed' && order >= 0) affected = false;
    else if (point.kind === 'last_affected' && order > 0) affected = false;
  }
  return affected
    ? { affected, fixedVersion: nextFix(points, v, comparator) }
    : { affected, evaluated: true };
}

/** Whether `listed` (from `versions[]`) names `version`: the same text, or equal under the ecosystem's ordering. */
function sameVersion(listed: string, version: string, comparator: Comparator | undefined): boolean {
  if (listed === version) return true;
  const a = comparator?.normalise(listed);
  const b = comparator?.normalise(version);
  return a !== undefined && b !== undefined && comparator!.compare(a, b) === 0;
}

/** For a `versions[]` match: the lowest fixed event above the version in any judgeable range, or ''. */
function fixAbove(affected: OsvAffected, version: string): string {
  let best: { raw: string; version: string; comparator: Comparator } | undefined;
  for (const range of affected.ranges) {
    const comparator = rangeComparator(range.type, affected.ecosystem);
    const v = comparator?.normalise(version);
    const points = comparator && v !== undefined ? sortedPoints(range, comparator) : undefined;
    if (!comparator || v === undefined || !points) continue;
    const raw = nextFix(points, v, comparator);
    if (!raw) continue;
    const fixed = comparator.normalise(raw)!;
    // Fixes of ranges read with another ordering cannot be compared; the first one found stays.
    if (!best || (best.comparator === comparator && comparator.compare(fixed, best.version) < 0)) {
      best = { raw, version: fixed, comparator };
    }
  }
  return best?.raw ?? '';
}

/**
 * Whether `version` of a package falls in `affected`, per the OSV spec's
 * evaluation: an exact `versions[]` entry, or any SEMVER/ECOSYSTEM range.
 * GIT ranges are not evaluated: when the entry also lists `versions` (which
 * OSV derives from them) they are skipped, otherwise the answer is "not judged".
 *
 * @example
 * ```ts
 * evaluate(record.affected[0], '4.17.20'); // { affected: true, fixedVersion: '4.17.21' }
 * ```
 */
export function evaluate(affected: OsvAffected, version: string): Evaluation {
  // An SBOM entry without a version cannot be placed on any range or list.
  if (version === '') return { affected: false, evaluated: false };
  const comparator = ecosystemComparator(affected.ecosystem);
  if (affected.versions.some((listed) => sameVersion(listed, version, comparator))) {
    return { affected: true, fixedVersion: fixAbove(affected, version) };
  }
  let evaluated = true;
  for (const range of affected.ranges) {
    if (range.type === 'GIT' && affected.versions.length > 0) continue;
    const result = judgeRange(range, version, affected.ecosystem);
    if (result === undefined) evaluated = false;
    else if (result.affected) return result;
  }
  return { affected: false, evaluated };
}
