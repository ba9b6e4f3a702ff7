import type { ChangeSource } from '../storage/change-tracking';

/** A loaded value and, when it changes by itself at some time (a scheduled revocation), that time. */
export interface Loaded<T> {
  readonly value: T;
  /** Epoch ms from which the value is no longer right, without any write. */
  readonly expiresAt?: number;
}

interface Entry {
  readonly value: unknown;
  readonly expiresAt: number;
}

/** Default bound on cached entries. */
export const DEFAULT_READ_CACHE_ENTRIES = 10_000;

/** How often reads were answered from memory (`hits`) or loaded (`misses`) while caching was on. */
export interface ReadCacheStats {
  hits: number;
  misses: number;
}

// Keyed by the change source because that is what one storage hands to its
// caches: the storage (and /metrics through it) reads the counts without
// reaching into the service that owns the cache.
const STATS = new WeakMap<ChangeSource, ReadCacheStats>();

/** The counts of every {@link ReadCache} over `changes` (plain numbers: the hot path only adds 1). */
export function readCacheStats(changes: ChangeSource): ReadCacheStats {
  let stats = STATS.get(changes);
  if (stats === undefined) {
    stats = { hits: 0, misses: 0 };
    STATS.set(changes, stats);
  }
  return stats;
}

/**
 * Answers hot reads (GetChannel, GetVersion: what Terraform and Packer ask
 * for on every run) from memory while the database has not changed.
 *
 * Every entry belongs to the generation of {@link ChangeSource} read before
 * it was loaded; any write in this process, or a commit by another process
 * or instance, moves the generation and empties the cache. Values that turn
 * stale on their own carry an expiry. Cached values are frozen, since every
 * later caller shares them.
 */
export class ReadCache {
  private entries = new Map<string, Entry>();
  private generation: number | undefined;
  private readonly stats: ReadCacheStats;

  constructor(
    private readonly changes: ChangeSource,
    private readonly nowMs: () => number,
    private readonly maxEntries = DEFAULT_READ_CACHE_ENTRIES,
  ) {
    this.stats = readCacheStats(changes);
  }

  async get<T>(key: string, load: () => Promise<Loaded<T>>): Promise<T> {
    const generation = this.changes.generation();
    if (generation === undefined) return (await load()).value;
    if (generation !== this.generation) {
      this.entries.clear();
      this.generation = generation;
    }
    const hit = this.entries.get(key);
    if (hit !== undefined && this.nowMs() < hit.expiresAt) {
      this.stats.hits += 1;
      return hit.value as T;
    }
    this.stats.misses += 1;
    const loaded = await load();
    // Only what was read in the generation still current is worth keeping.
    if (this.changes.generation() === generation && this.generation === generation) {
      if (this.entries.size >= this.maxEntries) {
        this.entries.delete(this.entries.keys().next().value as string);
      }
      this.entries.set(key, {
        value: deepFreeze(loaded.value),
        expiresAt: loaded.expiresAt ?? Number.POSITIVE_INFINITY,
      });
    }
    return loaded.value;
  }
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/**
 * The earliest `revoke_at` later than `now` anywhere in a wire object: the
 * moment a scheduled revocation makes its version (and the object) read
 * differently without a write.
 */
export function nextScheduledChange(wire: unknown, now: number): number | undefined {
  let earliest: number | undefined;
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) {
      for (const item of value) visit(item);
      return;
    }
    if (typeof value !== 'object' || value === null) return;
    for (const [key, child] of Object.entries(value)) {
      if (key === 'revoke_at' && typeof child === 'string') {
        const at = Date.parse(child);
        if (at > now && (earliest === undefined || at < earliest)) earliest = at;
      } else {
        visit(child);
      }
    }
  };
  visit(wire);
  return earliest;
}

/** `value`, with the moment a scheduled revocation inside it comes due. */
export function expiring<T>(value: T, now: number): Loaded<T> {
  return { value, expiresAt: nextScheduledChange(value, now) };
}
