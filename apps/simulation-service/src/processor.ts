/**
 * The sandboxed BullMQ processor: runs in the worker threads of a worker process (one job
 * at a time per thread), so a worker pod computes on every core while its main thread keeps
 * the job locks renewed. `workerData` = { config, cancel } (the parsed config and the
 * CancelBoard's buffer). Each thread opens its own connections on its first job and keeps
 * its snapshots (fund, portfolio) in memory: read from PostgreSQL once per run per thread.
 *
 * - `shard`: simulates paths [start, end) of the run on its snapshots and stores the shard's
 *   summary (with the mergeable state) in PostgreSQL, reporting progress (paths done in the
 *   shard) every 1,000 paths. At every such checkpoint it reads the cancel board: a
 *   cancelled run's shard stops there, its partial work discarded. A run already ended, or a
 *   shard already stored (a retried or re-enqueued job), is skipped.
 * - `merge`: merges the run's stored shards (mergeSummaries: exact), stores the result and
 *   the series bands, then moves the run to `completed` with its event (outbox) in one
 *   transaction — a compare-and-set, so a concurrent cancel and a repeated merge cannot both
 *   end the run.
 * Engine input errors are `UnrecoverableError`s (never retried); anything else is retried.
 */
import { hostname } from 'node:os';
import { threadId, workerData } from 'node:worker_threads';
import { FinanceInputError, mergeSummaries, simulateFund, type Fund as EngineFund, type Portfolio as EnginePortfolio, type SimulationSummary } from '@equihome/finance';
import { createPool, documentStoreFromConfig } from '@equihome/storage';
import { UnrecoverableError, type SandboxedJob } from 'bullmq';
import { CancelBoard } from './cancel-board.js';
import type { SimulationServiceConfig } from './config.js';
import { recordRunChange, SERVICE_ACTOR } from './events.js';
import { envelopeFactory } from './envelopes.js';
import { SERVICE_NAME } from './service-name.js';
import { createResultStore, type FundSnapshot, type PortfolioSnapshot, type ResultStore } from './result-store.js';
import { createRunStore, isTerminal, runsCollectionName, type RunData, type RunStore } from './run-store.js';
import { planShards } from './shard-plan.js';
import { MERGE_JOB, SHARD_JOB, type MergeJobData, type ShardJobData, type ShardJobResult } from './simulation-queue.js';

/** What the worker process hands every thread. */
export interface ProcessorWorkerData {
  config: SimulationServiceConfig;
  cancel: SharedArrayBuffer;
}

/** Shards merged per step (bounded memory whatever the shard count). */
const MERGE_BATCH = 16;
/** Snapshots kept per thread. */
const SNAPSHOT_CACHE = 8;

interface ThreadContext {
  runs: RunStore;
  results: ResultStore;
  board: CancelBoard;
  snapshot<T>(hash: string): Promise<T>;
  worker: string;
}

let context: ThreadContext | undefined;

function threadContext(): ThreadContext {
  if (context) return context;
  const { config, cancel } = workerData as ProcessorWorkerData;
  const documents = documentStoreFromConfig(config);
  const collection = runsCollectionName(config);
  const pool = createPool(config.DATABASE_URL, { max: 2, applicationName: `${SERVICE_NAME}-thread` });
  const results = createResultStore(pool);
  const cache = new Map<string, unknown>();
  context = {
    runs: createRunStore(collection, documents.collection<RunData>(collection), { store: documents, events: envelopeFactory(config) }),
    results,
    board: new CancelBoard(cancel),
    worker: `${hostname()}/${process.pid}/${threadId}`,
    async snapshot<T>(hash: string): Promise<T> {
      if (cache.has(hash)) return cache.get(hash) as T;
      const body = await results.getSnapshot<T>(hash);
      if (body === null) throw new UnrecoverableError(`snapshot ${hash} is missing`);
      if (cache.size >= SNAPSHOT_CACHE) cache.delete(cache.keys().next().value as string);
      cache.set(hash, body);
      return body;
    },
  };
  return context;
}

/** Thrown from the engine's progress callback to stop a cancelled shard. */
class ShardCancelled extends Error {}

async function processShard(job: SandboxedJob<ShardJobData>, ctx: ThreadContext): Promise<ShardJobResult> {
  const { run_id: runId, shard, start, end } = job.data;
  const run = await ctx.runs.find(runId);
  if (run === null || isTerminal(run.state)) return { outcome: 'skipped', state: run?.state ?? 'missing' };
  if ((await ctx.results.finishedShards(runId)).some((s) => s.shard === shard)) return { outcome: 'skipped', state: 'stored' };
  if (run.state === 'queued') await ctx.runs.change(runId, (cur) => (cur.state === 'queued' ? { state: 'running', started_at: new Date().toISOString() } : null));
  const [fund, portfolio] = await Promise.all([ctx.snapshot<FundSnapshot>(run.fund_snapshot), ctx.snapshot<PortfolioSnapshot>(run.portfolio_snapshot)]);
  const t0 = performance.now();
  let summary: SimulationSummary;
  try {
    summary = simulateFund(fund as EngineFund, {
      paths: run.paths_total,
      seed: run.request.seed,
      granularity: run.request.granularity,
      path_range: [start, end],
      portfolio: portfolio as EnginePortfolio,
      onProgress: (done) => {
        // postMessage is synchronous: the main thread sees the progress while we compute.
        void job.updateProgress(done);
        if (ctx.board.isCancelled(runId)) throw new ShardCancelled();
      },
    });
  } catch (err) {
    if (err instanceof ShardCancelled) return { outcome: 'cancelled', state: 'cancelled' };
    if (err instanceof FinanceInputError) throw new UnrecoverableError(`the engine refused the run's input: ${err.field}: ${err.message}`);
    throw err;
  }
  const ms = performance.now() - t0;
  await ctx.results.putShard(runId, { index: shard, start, end }, summary, { durationMs: ms, worker: ctx.worker });
  return { outcome: 'stored', paths: end - start, ms: Math.round(ms) };
}

async function processMerge(job: SandboxedJob<MergeJobData>, ctx: ThreadContext): Promise<{ outcome: string }> {
  const runId = job.data.run_id;
  const run = await ctx.runs.find(runId);
  if (run === null || isTerminal(run.state)) return { outcome: 'skipped' };
  const plan = planShards(run.paths_total, run.shard_paths);
  const stored = new Set((await ctx.results.finishedShards(runId)).map((s) => s.shard));
  const missing = plan.filter((s) => !stored.has(s.index));
  if (missing.length > 0) {
    const now = await ctx.runs.find(runId);
    if (now === null || isTerminal(now.state)) return { outcome: 'skipped' };
    throw new Error(`run ${runId}: ${missing.length} shard(s) have no stored result (first: ${missing[0].index})`);
  }
  let merged: SimulationSummary | undefined;
  for (let i = 0; i < plan.length; i += MERGE_BATCH) {
    const rows = await ctx.results.readShards(
      runId,
      plan.slice(i, i + MERGE_BATCH).map((s) => s.index),
    );
    merged = mergeSummaries(merged ? [merged, ...rows.map((r) => r.summary)] : rows.map((r) => r.summary));
  }
  await ctx.results.putResult(runId, merged!);
  await ctx.runs.change(
    runId,
    (cur) => {
      if (isTerminal(cur.state)) return null;
      const completedAt = new Date();
      const startedAt = cur.started_at ?? completedAt.toISOString();
      return { state: 'completed', started_at: startedAt, completed_at: completedAt.toISOString(), duration_ms: completedAt.getTime() - Date.parse(startedAt), paths_done: cur.paths_total };
    },
    (tx, updated) => recordRunChange(tx, 'complete', updated, SERVICE_ACTOR, { job: job.id, shards: plan.length }),
  );
  return { outcome: 'completed' };
}

export default async function simulationProcessor(job: SandboxedJob): Promise<unknown> {
  const ctx = threadContext();
  if (job.name === SHARD_JOB) return processShard(job as SandboxedJob<ShardJobData>, ctx);
  if (job.name === MERGE_JOB) return processMerge(job as SandboxedJob<MergeJobData>, ctx);
  throw new UnrecoverableError(`unknown job name ${job.name}`);
}
