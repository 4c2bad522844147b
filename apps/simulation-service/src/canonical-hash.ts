import { createHash } from 'node:crypto';

/**
 * Canonical JSON: object keys sorted by code point, `undefined` members dropped, no
 * whitespace; arrays keep their order; numbers as `JSON.stringify` writes them (the
 * shortest round-trip form, so a value read back from PostgreSQL JSONB hashes the same).
 * Two values that are equal as JSON have the same canonical text, whatever their key order.
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    const keys = Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** sha256 (hex) of the canonical JSON of `value`. */
export function canonicalHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}

/** What makes two runs compute the same summary (with ENGINE_VERSION, the result cache key). */
export interface CacheKeyInput {
  /** sha256 of the canonical fund snapshot. */
  fund: string;
  /** sha256 of the canonical portfolio snapshot. */
  portfolio: string;
  paths: number;
  seed: number;
  granularity: string;
  engineVersion: string;
}

/**
 * The result-cache key of a run: sha256 of the canonical `{ fund, portfolio, paths, seed,
 * granularity, engine_version }`, where fund and portfolio are the sha256 of their canonical
 * snapshots (a hash of hashes: as collision-resistant as hashing the documents themselves).
 * The engine is deterministic in exactly these inputs, so a hit is the same summary.
 */
export function cacheKey(input: CacheKeyInput): string {
  return canonicalHash({
    fund: input.fund,
    portfolio: input.portfolio,
    paths: input.paths,
    seed: input.seed,
    granularity: input.granularity,
    engine_version: input.engineVersion,
  });
}
