/** Most shards of one run: bigger runs get bigger shards (BullMQ flows stay small, merges quick). */
export const MAX_SHARDS = 1_000;

/** A contiguous path range [start, end) of a run: one child job. */
export interface Shard {
  index: number;
  start: number;
  end: number;
}

/** Paths per shard of a run of `paths` paths: `shardPaths`, or more when that would give over MAX_SHARDS shards. */
export function shardSize(paths: number, shardPaths: number): number {
  return Math.max(shardPaths, Math.ceil(paths / MAX_SHARDS));
}

/**
 * The shards of a run: [0, paths) cut into contiguous ranges of `size` paths (the last one
 * shorter). Shard i covers [i·size, min((i+1)·size, paths)). The engine's result does not
 * depend on the cut (bit-identical merges), only the work per job does.
 */
export function planShards(paths: number, size: number): Shard[] {
  if (!Number.isInteger(paths) || paths < 1) throw new RangeError(`paths must be a positive integer, got ${paths}`);
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`shard size must be a positive integer, got ${size}`);
  const shards: Shard[] = [];
  for (let start = 0, index = 0; start < paths; start += size, index++) shards.push({ index, start, end: Math.min(start + size, paths) });
  return shards;
}
