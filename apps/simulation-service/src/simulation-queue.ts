import { FlowProducer, Job, Queue, type JobsOptions, type KeepJobs } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Run } from './run-store.js';
import type { Shard } from './shard-plan.js';

/** Job names: one `shard` child per path range, one `merge` parent per run (one queue holds both). */
export const SHARD_JOB = 'shard';
export const MERGE_JOB = 'merge';

/** Payload of a shard job: ids and a range, never the fund or the portfolio (workers read the snapshots). */
export interface ShardJobData {
  run_id: string;
  generation: number;
  shard: number;
  start: number;
  end: number;
}

/** Payload of a merge job. */
export interface MergeJobData {
  run_id: string;
  generation: number;
  shard_count: number;
}

/** What a shard job returns. */
export type ShardJobResult = { outcome: 'stored'; paths: number; ms: number } | { outcome: 'skipped' | 'cancelled'; state: string };

/** Finished jobs kept in Redis (for inspection; PostgreSQL holds the results): an hour / 1,000 jobs. */
export const REMOVE_ON_COMPLETE: KeepJobs = { age: 3_600, count: 1_000 };
/** Failed jobs kept for a week / 5,000 jobs. */
export const REMOVE_ON_FAIL: KeepJobs = { age: 7 * 24 * 3_600, count: 5_000 };
/** BullMQ's largest priority (2^21); lower numbers go first. */
const MAX_PRIORITY = 2_097_152;

/**
 * Job ids, deterministic per (run, generation, shard): `sim-<run>-g<gen>` (merge) and
 * `sim-<run>-g<gen>-s<shard>` (BullMQ ids may not contain `:`). A re-enqueue bumps the
 * generation, so its ids never meet the jobs of an earlier flow.
 */
export const jobIds = {
  merge: (runId: string, generation: number) => `sim-${runId}-g${generation}`,
  shard: (runId: string, generation: number, shard: number) => `sim-${runId}-g${generation}-s${shard}`,
  /** Run, generation and shard (null for a merge job) of a job id; null for a foreign id. */
  parse(jobId: string): { runId: string; generation: number; shard: number | null } | null {
    const m = /^sim-(.+)-g(\d+)(?:-s(\d+))?$/.exec(jobId);
    return m === null ? null : { runId: m[1], generation: Number(m[2]), shard: m[3] === undefined ? null : Number(m[3]) };
  },
};

export interface QueueJobOptions {
  /** Attempts of a job that throws (input errors are unrecoverable and never retried). */
  attempts: number;
}

/**
 * The producer side of the queue: one `Queue` (lookups, removal) and one `FlowProducer`,
 * on a connection with `enableOfflineQueue: false` (a POST during a Redis outage fails at
 * once instead of queueing commands in memory; the run is then enqueued by the reconciler).
 */
export class SimulationQueue {
  readonly queue: Queue;
  readonly flows: FlowProducer;

  constructor(
    readonly name: string,
    readonly prefix: string,
    connection: Redis,
    private readonly options: QueueJobOptions,
    onError: (err: Error, source: string) => void,
  ) {
    this.queue = new Queue(name, { connection, prefix });
    this.flows = new FlowProducer({ connection, prefix });
    this.queue.on('error', (err) => onError(err, 'queue'));
    this.flows.on('error', (err) => onError(err, 'flow-producer'));
  }

  /**
   * Enqueues the flow of `run`'s current generation for `shards` (all shards at first; the
   * missing ones on a re-enqueue): a `merge` parent with one `shard` child per range. Fair
   * across runs: shard i of every run has priority i + 1, so the first shards of all
   * queued runs go before the second ones of any (FIFO among equal priorities); merges
   * have priority 1. A child that fails for good fails the parent (`failParentOnFailure`).
   * With no shard left, the merge job alone.
   */
  async enqueue(run: Run, shards: Shard[]): Promise<void> {
    const common: JobsOptions = {
      attempts: this.options.attempts,
      backoff: { type: 'exponential', delay: 1_000 },
      removeOnComplete: REMOVE_ON_COMPLETE,
      removeOnFail: REMOVE_ON_FAIL,
    };
    const merge: MergeJobData = { run_id: run.id, generation: run.generation, shard_count: run.shard_count };
    const mergeOpts: JobsOptions = { ...common, jobId: jobIds.merge(run.id, run.generation), priority: 1 };
    if (shards.length === 0) {
      await this.queue.add(MERGE_JOB, merge, mergeOpts);
      return;
    }
    await this.flows.add({
      name: MERGE_JOB,
      queueName: this.name,
      data: merge,
      opts: mergeOpts,
      children: shards.map((s) => ({
        name: SHARD_JOB,
        queueName: this.name,
        data: { run_id: run.id, generation: run.generation, shard: s.index, start: s.start, end: s.end } satisfies ShardJobData,
        opts: { ...common, jobId: jobIds.shard(run.id, run.generation, s.index), priority: Math.min(s.index + 1, MAX_PRIORITY), failParentOnFailure: true },
      })),
    });
  }

  /** State of the run's current merge job (`unknown` when Redis does not hold it: never enqueued, flushed, or removed). */
  async mergeState(run: Run): Promise<{ state: string; failedReason?: string }> {
    const id = jobIds.merge(run.id, run.generation);
    const state = await this.queue.getJobState(id);
    if (state !== 'failed') return { state };
    const job = await Job.fromId(this.queue, id);
    return { state, ...(job?.failedReason ? { failedReason: job.failedReason } : {}) };
  }

  /**
   * Removes the shards of the run's current flow that no worker holds (waiting or
   * prioritized); active ones stop at their next checkpoint. Best effort: false when the
   * flow is not in Redis.
   */
  async removePending(run: Run): Promise<boolean> {
    const job = await Job.fromId(this.queue, jobIds.merge(run.id, run.generation));
    if (!job) return false;
    await job.removeUnprocessedChildren();
    return true;
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.flows.close(), this.queue.close()]);
  }
}
