import { canonicalHash } from '@equihome/domain';

export { canonicalHash, canonicalJson } from '@equihome/domain';

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
