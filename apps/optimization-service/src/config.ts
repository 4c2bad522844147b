import { natsConfigShape } from '@equihome/messaging';
import { outboxConfigShape } from '@equihome/outbox';
import type { Config } from '@equihome/platform';
import { storageConfigShape } from '@equihome/storage';
import { z } from 'zod';

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/**
 * optimization-service's environment, merged by platform's `loadConfig` with the base config
 * (PORT, HOST, LOG_LEVEL, JWT_*, …): storage's `storageConfigShape` (DATABASE_URL,
 * DOCUMENT_STORE, DOCUMENT_COLLECTION_PREFIX — prepended to the collection `optimizations`),
 * messaging's `natsConfigShape`, the outbox relay's `outboxConfigShape`, and the service's own
 * below. Durations in milliseconds; empty strings count as unset. Parsed ONCE, in main.ts.
 */
export const optimizationServiceConfigShape = {
  /** HTTP port (default 3004). */
  PORT: z.coerce.number().int().min(0).max(65535).default(3004),
  ...storageConfigShape,
  ...natsConfigShape,
  ...outboxConfigShape,
  /** Timeout of `equihome.rpc.fund.get` / `equihome.rpc.portfolio.page`. */
  FUND_RPC_TIMEOUT_MS: int(1, 60_000).default(3_000),
  PORTFOLIO_RPC_TIMEOUT_MS: int(1, 60_000).default(5_000),
  /** Timeout of `equihome.rpc.simulation.submit | get | cancel` (simulation-service). */
  SIMULATION_RPC_TIMEOUT_MS: int(1, 120_000).default(10_000),
  /** Candidate runs are also polled this often (the runs' terminal events wake the waiters sooner). */
  OPT_POLL_INTERVAL_MS: int(50, 60_000).default(1_000),
  /** Progress events (and progress writes) of a job at most this often. */
  OPT_PROGRESS_INTERVAL_MS: int(100, 60_000).default(250),
  /** A replica drives a job under a lease of this length (renewed at a third of it); an expired lease is taken over. */
  OPT_LEASE_MS: int(1_000, 3_600_000).default(15_000),
  /** How often live jobs with an expired lease are looked for (and resumed). */
  OPT_SWEEP_INTERVAL_MS: int(100, 3_600_000).default(5_000),
  /** `?wait=true` waits at most this long for the job to end (then 202 as usual). */
  OPT_WAIT_MS: int(0, 120_000).default(30_000),
  /** Candidate runs submitted at once (the simulation queue orders the rest fairly anyway). */
  OPT_SUBMIT_CONCURRENCY: int(1, 64).default(4),
  /** Largest total of simulated paths of one job (candidates × paths). */
  OPT_MAX_TOTAL_PATHS: int(1, 1_000_000_000).default(20_000_000),
} satisfies z.ZodRawShape;

export type OptimizationServiceConfig = Config<typeof optimizationServiceConfigShape>;
