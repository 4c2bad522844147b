import { availableParallelism } from 'node:os';
import { natsConfigShape } from '@equihome/messaging';
import { outboxConfigShape } from '@equihome/outbox';
import type { Config } from '@equihome/platform';
import { DEFAULT_REDIS_URL, storageConfigShape } from '@equihome/storage';
import { z } from 'zod';

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/**
 * simulation-service's environment (API and worker read the same one), merged by platform's
 * `loadConfig` with the base config (PORT, HOST, LOG_LEVEL, JWT_*, …): storage's
 * `storageConfigShape` (DATABASE_URL — runs, snapshots, shards, results and series live in
 * PostgreSQL; DOCUMENT_STORE must be PostgreSQL —, DOCUMENT_COLLECTION_PREFIX prepended to
 * the collection `simulation_runs`), messaging's `natsConfigShape`, the outbox relay's
 * `outboxConfigShape`, and the service's own below. Durations in milliseconds. Empty
 * strings count as unset. Parsed ONCE, in main.ts / worker.ts.
 */
export const simulationServiceConfigShape = {
  /** HTTP port of the API (default 3003). */
  PORT: z.coerce.number().int().min(0).max(65535).default(3003),
  ...storageConfigShape,
  ...natsConfigShape,
  ...outboxConfigShape,
  /** Redis of the BullMQ queue (transport only: PostgreSQL is the record). */
  REDIS_URL: z.string().min(1).default(DEFAULT_REDIS_URL),
  /**
   * Key prefix of every BullMQ key, a Redis Cluster hash tag (`{…}`) so that all keys of the
   * queue land in one slot (BullMQ's scripts touch several keys at once).
   */
  BULLMQ_PREFIX: z.string().regex(/^\{[A-Za-z0-9_-]{1,60}\}$/, 'a hash tag such as {equihome}').default('{equihome}'),
  /** Queue name (shard and merge jobs share it). */
  SIM_QUEUE: z.string().regex(/^[a-z][a-z0-9-]{0,60}$/).default('simulations'),
  /**
   * Paths per shard (one child job): 10,000 ≈ 0.65 s of an idle core for the default fund
   * monthly (~64 µs/path here), ~1.3 s under the load seen on the shared dev machine; the
   * fixed cost of a shard (engine set-up, finalize, storing and merging its state) is ~15 ms,
   * ~2% of it. A run of more than 1,000 shards uses bigger ones.
   */
  SIM_SHARD_PATHS: int(100, 1_000_000).default(10_000),
  /** Port of a worker process's probe/metrics listener (worker-health.ts); unset → none (local runs). */
  WORKER_HEALTH_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  /** Worker threads per worker process, i.e. shards in parallel (default: the cores of the pod). */
  WORKER_THREADS: int(1, 256).default(availableParallelism()),
  /** BullMQ job lock; a killed worker's shard is retried after at most lockDuration + stalledInterval. */
  SIM_LOCK_DURATION_MS: int(1_000, 600_000).default(10_000),
  /** How often workers look for stalled jobs (locks that expired). */
  SIM_STALLED_INTERVAL_MS: int(500, 600_000).default(5_000),
  /** Times a shard may stall (its worker died) before it fails. */
  SIM_MAX_STALLED_COUNT: int(0, 100).default(3),
  /** Attempts of a job that throws (transient errors: database down…); input errors never retry. */
  SIM_JOB_ATTEMPTS: int(1, 20).default(3),
  /** How often the API's reconciler looks for runs without live jobs. */
  SIM_RECONCILE_INTERVAL_MS: int(100, 3_600_000).default(5_000),
  /** A run is re-enqueued only when its jobs have been missing for longer than this after its last enqueue. */
  SIM_RECONCILE_GRACE_MS: int(0, 3_600_000).default(10_000),
  /** Progress events per run at most every this long (≥ 250: at most 4 per second). */
  SIM_PROGRESS_INTERVAL_MS: int(250, 60_000).default(250),
  /** How often a worker process checks whether the runs of its active shards were cancelled. */
  SIM_CANCEL_POLL_MS: int(50, 60_000).default(250),
  /** Timeout of `equihome.rpc.fund.get` / `equihome.rpc.portfolio.get`. */
  FUND_RPC_TIMEOUT_MS: int(1, 60_000).default(3_000),
  PORTFOLIO_RPC_TIMEOUT_MS: int(1, 60_000).default(5_000),
  /** Base name of the durable consumers of `equihome.portfolio.generated|updated|deleted` (replicas share them). */
  PORTFOLIO_EVENTS_DURABLE: z.string().regex(/^[A-Za-z0-9_-]+$/).default('simulation-service-portfolios'),
  /** Refuse a Redis whose maxmemory-policy is not `noeviction` (default: only when NODE_ENV=production; else a warning). */
  REDIS_REQUIRE_NOEVICTION: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
} satisfies z.ZodRawShape;

export type SimulationServiceConfig = Config<typeof simulationServiceConfigShape>;
