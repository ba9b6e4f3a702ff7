import * as pep440 from '@renovatebot/pep440';
import * as semver from 'semver';

/**
 * A version ordering. `normalise` returns the form `compare` takes, or
 * undefined when the text is not a version of this scheme; `compare` is only
 * ever called with normalised values.
 */
export interface Comparator {
  normalise(version: string): string | undefined;
  compare(a: string, b: string): number;
}

/** SemVer 2.0 (npm's reading of it); a leading 'v' is allowed, build metadata does not order. */
export const SEMVER: Comparator = {
  normalise: (version) => semver.valid(version) ?? undefined,
  compare: (a, b) => semver.compare(a, b),
};

/**
 * Go module versions are SemVer with a 'v' (pseudo-versions are pre-releases,
 * '+incompatible' is build metadata). Go toolchain and stdlib versions are
 * written 'go1.21' or '1.21': OSV's Go database spells those '1.21.0'.
 */
const GO: Comparator = {
  normalise(version) {
    const bare = version.replace(/^go(?=\d)/, '');
    return SEMVER.normalise(/^v?\d+\.\d+$/.test(bare) ? `${bare}.0` : bare);
  },
  compare: SEMVER.compare,
};

/** PEP 440 (PyPI): pre-releases such as 2.0rc1 sort before 2.0, post-releases after. */
const PEP440: Comparator = {
  normalise: (version) => pep440.valid(version) ?? undefined,
  compare: (a, b) => pep440.compare(a, b),
};

/** A Debian version split per Debian Policy 5.6.12. */
interface DebianVersion {
  epoch: string;
  upstream: string;
  revision: string;
}

/** dpkg refuses epochs that do not fit a C int. */
const MAX_EPOCH = 2147483647;

/**
 * Splits `[epoch:]upstream[-revision]`, or undefined when dpkg would refuse it
 * or warn about it (we treat a warning as "not a Debian version": OSV data and
 * SBOMs never need one, and guessing would hide bad input).
 */
export function parseDebianVersion(version: string): DebianVersion | undefined {
  let rest = version;
  let epoch = '0';
  const colon = rest.indexOf(':');
  if (colon >= 0) {
    epoch = rest.slice(0, colon);
    if (!/^\d+$/.test(epoch) || Number(epoch) > MAX_EPOCH) return undefined;
    rest = rest.slice(colon + 1);
  }
  // The revision is everything after the last hyphen; the upstream part may hold hyphens itself.
  const hyphen = rest.lastIndexOf('-');
  const upstream = hyphen >= 0 ? rest.slice(0, hyphen) : rest;
  const revision = hyphen >= 0 ? rest.slice(hyphen + 1) : '';
  if (hyphen >= 0 && !/^[A-Za-z0-9.+~]+$/.test(revision)) return undefined;
  // Colons are allowed in the upstream part only when an epoch makes the first one unambiguous.
  const upstreamChars = colon >= 0 ? /^[0-9][A-Za-z0-9.+~:-]*$/ : /^[0-9][A-Za-z0-9.+~-]*$/;
  if (!upstreamChars.test(upstream)) return undefined;
  return { epoch: String(Number(epoch)), upstream, revision };
}

/**
 * Sort weight of one character in a non-digit run: '~' before the end of the
 * string (so 1.0~rc1 < 1.0), the end before letters, letters (ASCII order)
 * before every other character.
 */
function weight(char: string | undefined): number {
  if (char === undefined) return 0;
  if (char === '~') return -1;
  const code = char.charCodeAt(0);
  if (/[A-Za-z]/.test(char)) return code;
  return code + 256;
}

const isDigit = (char: string | undefined): boolean =>
  char !== undefined && char >= '0' && char <= '9';

/**
 * dpkg's comparison of an upstream version or a revision: alternate runs of
 * non-digits (compared character by character with {@link weight}) and runs of
 * digits (compared as numbers, of any length, so leading zeros do not count).
 */
function compareFragment(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    while ((i < a.length && !isDigit(a[i])) || (j < b.length && !isDigit(b[j]))) {
      const diff =
        weight(isDigit(a[i]) ? undefined : a[i]) - weight(isDigit(b[j]) ? undefined : b[j]);
      if (diff !== 0) return Math.sign(diff);
      // A digit on one side weighs as "end of run"; only step past non-digits.
      if (i < a.length && !isDigit(a[i])) i++;
      if (j < b.length && !isDigit(b[j])) j++;
    }
    while (a[i] === '0') i++;
    while (b[j] === '0') j++;
    const startA = i;
    const startB = j;
    while (isDigit(a[i])) i++;
    while (isDigit(b[j])) j++;
    const numA = a.slice(startA, i);
    const numB = b.slice(startB, j);
    // Without leading zeros, the longer digit run is the larger number.
    if (numA.length !== numB.length) return numA.length < numB.length ? -1 : 1;
    if (numA !== numB) return numA < numB ? -1 : 1;
  }
  return 0;
}

/** Compares two parsed Debian versions: epoch, then upstream, then revision. */
function compareDebian(a: DebianVersion, b: DebianVersion): number {
  const epoch = Number(a.epoch) - Number(b.epoch);
  if (epoch !== 0) return Math.sign(epoch);
  return compareFragment(a.upstream, b.upstream) || compareFragment(a.revision, b.revision);
}

/**
 * Compares two Debian versions the way `dpkg --compare-versions` does: -1, 0
 * or 1, or undefined when either is not a valid Debian version.
 *
 * @example
 * ```ts
 * compareDebianVersions('1:2.30-1', '2.31-1'); // 1 (the epoch wins)
 * compareDebianVersions('1.0~rc1', '1.0'); // -1
 * ```
 */
export function compareDebianVersions(a: string, b: string): number | undefined {
  const left = parseDebianVersion(a);
  const right = parseDebianVersion(b);
  return left && right ? compareDebian(left, right) : undefined;
}

/** dpkg ordering, used by Debian and Ubuntu. */
const DPKG: Comparator = {
  normalise: (version) => (parseDebianVersion(version) ? version : undefined),
  compare: (a, b) => compareDebianVersions(a, b) ?? 0,
};

/** Ecosystems whose ECOSYSTEM ranges can be evaluated, with their ordering. */
const ECOSYSTEM_COMPARATORS = new Map<string, Comparator>([
  ['npm', SEMVER],
  ['crates.io', SEMVER],
  ['Hex', SEMVER],
  ['Pub', SEMVER],
  ['Go', GO],
  ['PyPI', PEP440],
  ['Debian', DPKG],
  ['Ubuntu', DPKG],
]);

/** The ordering of an ecosystem's versions, or undefined when Imprint has none (Alpine, Maven, …). */
export function ecosystemComparator(ecosystem: string): Comparator | undefined {
  return ECOSYSTEM_COMPARATORS.get(ecosystem);
}

/**
 * The ordering a range of `type` is read with, or undefined when Imprint has
 * none (GIT ranges; ECOSYSTEM ranges of Alpine, Maven, …). SEMVER ranges of Go
 * keep Go's spellings ('go1.21', 'v1.2.3').
 */
export function rangeComparator(type: string, ecosystem: string): Comparator | undefined {
  if (type === 'SEMVER') return ecosystem === 'Go' ? GO : SEMVER;
  if (type === 'ECOSYSTEM') return ecosystemComparator(ecosystem);
  return undefined;
}

/**
 * True when `evaluate` can judge ECOSYSTEM ranges of this ecosystem; the
 * others are matched by their explicit `versions` list only.
 */
export function hasComparator(ecosystem: string): boolean {
  return ECOSYSTEM_COMPARATORS.has(ecosystem);
}
