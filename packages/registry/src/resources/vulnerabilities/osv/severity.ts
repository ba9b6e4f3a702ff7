import { CRITICALITIES, SEVERITIES, type Criticality, type Severity } from '@imprint/client';
import { Cvss2, Cvss3P0, Cvss3P1, Cvss4P0 } from 'ae-cvss-calculator';

/** The severity word HCP Packer pairs with each criticality (the contract's). */
export type SeverityWord = Severity;

/** What a record's severity comes to. */
export interface SeverityResult {
  /** The CVSS base score used, when a valid vector was found. */
  score?: number;
  criticality: Criticality;
  severity: SeverityWord;
}

/** One entry of an OSV `severity` array, as found in the record. */
export interface OsvSeverityEntry {
  type: string;
  score: string;
}

/** The inputs severity is derived from, in order of preference. */
export interface SeveritySources {
  /** Record-level and affected-level `severity[]` entries. */
  entries: OsvSeverityEntry[];
  /** Words from `database_specific.severity`, `ecosystem_specific.severity`, `database_specific.urgency`, … */
  words: string[];
}

/**
 * Base metrics each CVSS version needs: the calculator silently scores an
 * incomplete vector as 0 or undefined, so completeness is checked first.
 */
const REQUIRED_METRICS = {
  2: ['AV', 'AC', 'Au', 'C', 'I', 'A'],
  3: ['AV', 'AC', 'PR', 'UI', 'S', 'C', 'I', 'A'],
  4: ['AV', 'AC', 'AT', 'PR', 'UI', 'VC', 'VI', 'VA', 'SC', 'SI', 'SA'],
} as const;

/** A CVSS vector's version rank (4 > 3 > 2) and base score, or undefined when it is not a complete vector. */
function scoreVector(vector: string): { rank: 2 | 3 | 4; score: number } | undefined {
  const text = vector.trim();
  const prefix = /^CVSS:(2\.0|3\.0|3\.1|4\.0)\//.exec(text)?.[1];
  const rank = prefix === undefined ? 2 : (Number(prefix[0]) as 2 | 3 | 4);
  const metrics = new Set(
    text
      .replace(/^CVSS:[\d.]+\//, '')
      .split('/')
      .map((part) => part.split(':')[0]),
  );
  if (!REQUIRED_METRICS[rank].every((metric) => metrics.has(metric))) return undefined;
  try {
    const calculator =
      prefix === '4.0'
        ? new Cvss4P0(text)
        : prefix === '3.1'
          ? new Cvss3P1(text)
          : prefix === '3.0'
            ? new Cvss3P0(text)
            : new Cvss2(text.replace(/^CVSS:2\.0\//, ''));
    const score = Number(calculator.calculateScores().base);
    return Number.isFinite(score) && score >= 0 && score <= 10 ? { rank, score } : undefined;
  } catch {
    // The calculator throws on unknown metrics or values: such a vector is not usable.
    return undefined;
  }
}

/** CVSS v3 qualitative scale; a 0.0 score ("None") has no HCP criticality, so it is Unknown. */
export function criticalityOfScore(score: number): Criticality {
  if (score >= 9) return 'Critical';
  if (score >= 7) return 'High';
  if (score >= 4) return 'Medium';
  if (score > 0) return 'Low';
  return 'Unknown';
}

/**
 * Severity words of GHSA (`database_specific.severity`), Debian (`urgency`)
 * and Ubuntu (`severity` type 'Ubuntu'). Debian's 'unimportant' and Ubuntu's
 * 'negligible' still name a flaw, so they are Low rather than Unknown.
 */
const WORDS = new Map<string, Criticality>([
  ['critical', 'Critical'],
  ['high', 'High'],
  ['important', 'High'],
  ['medium', 'Medium'],
  ['moderate', 'Medium'],
  ['low', 'Low'],
  ['negligible', 'Low'],
  ['unimportant', 'Low'],
]);

/** The criticality a severity word names, or undefined ('not yet assigned', 'end-of-life', …). */
export function criticalityOfWord(word: string): Criticality | undefined {
  // Debian appends '*' to urgencies it inherited rather than assessed ('low*').
  return WORDS.get(word.trim().toLowerCase().replace(/\*+$/, ''));
}

const result = (criticality: Criticality, score?: number): SeverityResult => ({
  ...(score === undefined ? {} : { score }),
  criticality,
  severity: SEVERITIES[CRITICALITIES.indexOf(criticality)],
});

/**
 * A record's criticality: from the highest CVSS version present (V4 over
 * V3.1/3.0 over V2; the highest score among vectors of that version), else
 * the worst severity word, else Unknown.
 */
export function severityOf(sources: SeveritySources): SeverityResult {
  let best: { rank: number; score: number } | undefined;
  for (const entry of sources.entries) {
    if (!entry.type.startsWith('CVSS_')) continue;
    const scored = scoreVector(entry.score);
    if (!scored) continue;
    if (
      !best ||
      scored.rank > best.rank ||
      (scored.rank === best.rank && scored.score > best.score)
    ) {
      best = scored;
    }
  }
  if (best) return result(criticalityOfScore(best.score), best.score);
  const words = [
    ...sources.entries
      .filter((entry) => !entry.type.startsWith('CVSS_'))
      .map((entry) => entry.score),
    ...sources.words,
  ];
  const found = words.map(criticalityOfWord).filter((c): c is Criticality => c !== undefined);
  // CRITICALITIES is worst first, so the lowest index is the worst word.
  const worst = found.sort((a, b) => CRITICALITIES.indexOf(a) - CRITICALITIES.indexOf(b))[0];
  return result(worst ?? 'Unknown');
}
