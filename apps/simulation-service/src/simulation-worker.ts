import { hostname } from 'node:os';
import { Worker, type Job } from 'bullmq';
import { CancelBoard } from './cancel-board.js';
import { recordRunChange, SERVICE_ACTOR } from './events.js';
import type { WorkerInfrastructure } from './infrastructure.js';
import type { ProcessorWorkerData } from './processor.js';
import { isTerminal } from './run-store.js';
import { jobIds, REMOVE_ON_COMPLETE, REMOVE_ON_FAIL } from './simulation-queue.js';

/** The running worker of a worker process. */
export interface SimulationWorker {
  readonly worker: Worker;
  /** Stops taking jobs, waits for the active ones (no stalled jobs on a clean stop), stops the cancel watcher. */
  close(): Promise<void>;
}

/**
 * The processor module and the file BullMQ's sandbox loads: built (`dist/*.js`) the
 * processor itself; from TypeScript sources a small `.mjs` bootstrap that registers tsx in
 * the thread first (Node 20 does not pass loader hooks to worker threads).
 */
function processorFiles(): { file: URL; processor: string } {
  const fromSource = import.meta.url.endsWith('.ts');
  const processor = new URL(fromSource ? './processor.ts' : './processor.js', import.meta.url);
  return { file: fromSource ? new URL('./processor-bootstrap.mjs', import.meta.url) : processor, processor: processor.href };
}

/**
 * Starts the BullMQ Worker of a worker process: sandboxed processors on WORKER_THREADS
 * worker threads (`concurrency` = threads: one shard per thread at a time), the job lock
 * SIM_LOCK_DURATION_MS renewed by this (idle) main thread, stalled jobs (a killed worker's)
 * looked for every SIM_STALLED_INTERVAL_MS and retried up to SIM_MAX_STALLED_COUNT times,
 * finished jobs trimmed (`removeOnComplete` / `removeOnFail`), errors logged. Two duties of
 * the main thread besides:
 * - the cancel watcher: every SIM_CANCEL_POLL_MS it reads (PostgreSQL) the runs of the
 *   shards it is running and marks the cancelled ones on the CancelBoard its threads read;
 * - a shard or merge that fails for good (input error, attempts exhausted) fails its run:
 *   compare-and-set to `failed` with its event (outbox), exactly once.
 */
export function startSimulationWorker(infrastructure: WorkerInfrastructure): SimulationWorker {
  const { config, runs, log } = infrastructure;
  const board = new CancelBoard();
  const { file, processor } = processorFiles();
  const workerData: ProcessorWorkerData & { processor: string } = { config, cancel: board.buffer, processor };
  const worker = new Worker(config.SIM_QUEUE, file, {
    connection: infrastructure.redis,
    prefix: config.BULLMQ_PREFIX,
    name: `${hostname()}:${process.pid}`,
    concurrency: config.WORKER_THREADS,
    useWorkerThreads: true,
    workerThreadsOptions: { workerData },
    lockDuration: config.SIM_LOCK_DURATION_MS,
    stalledInterval: config.SIM_STALLED_INTERVAL_MS,
    maxStalledCount: config.SIM_MAX_STALLED_COUNT,
    removeOnComplete: REMOVE_ON_COMPLETE,
    removeOnFail: REMOVE_ON_FAIL,
  });
  worker.on('error', (err) => log.error({ err: err.message }, 'bullmq worker error'));

  // Active runs of this process → number of its active jobs.
  const active = new Map<string, number>();
  const track = (job: Job | undefined, delta: number) => {
    const ids = job?.id === undefined ? null : jobIds.parse(job.id);
    if (ids === null) return;
    const n = (active.get(ids.runId) ?? 0) + delta;
    if (n > 0) active.set(ids.runId, n);
    else active.delete(ids.runId);
  };
  worker.on('active', (job) => track(job, 1));
  worker.on('completed', (job) => track(job, -1));
  worker.on('failed', (job, err) => {
    track(job, -1);
    if (job) void failRunIfFinal(job, err);
  });

  let watching = false;
  const watcher = setInterval(() => {
    if (watching || active.size === 0) return;
    watching = true;
    void (async () => {
      for (const runId of active.keys()) {
        const run = await runs.find(runId).catch(() => null);
        if (run?.state === 'cancelled') board.cancel(runId);
      }
    })().finally(() => {
      watching = false;
    });
  }, config.SIM_CANCEL_POLL_MS);
  watcher.unref();

  async function failRunIfFinal(job: Job, err: Error): Promise<void> {
    const ids = job.id === undefined ? null : jobIds.parse(job.id);
    if (ids === null) return;
    const final = err.name === 'UnrecoverableError' || job.attemptsMade >= (job.opts.attempts ?? 1);
    log.warn({ jobId: job.id, attemptsMade: job.attemptsMade, final, err: err.message }, 'simulation job failed');
    if (!final) return;
    try {
      const done = await infrastructure.results.finishedShards(ids.runId);
      await runs.change(
        ids.runId,
        (cur) =>
          isTerminal(cur.state)
            ? null
            : { state: 'failed', error: `${job.name} ${job.id} failed: ${err.message}`, completed_at: new Date().toISOString(), paths_done: done.reduce((s, d) => s + d.paths, 0) },
        (tx, updated) => recordRunChange(tx, 'fail', updated, SERVICE_ACTOR, { job: job.id, error: err.message }),
      );
    } catch (e) {
      // The reconciler fails the run later from the failed merge job.
      log.error({ err: (e as Error).message, runId: ids.runId }, 'could not mark the run failed');
    }
  }

  let closing: Promise<void> | undefined;
  return {
    worker,
    close: () =>
      (closing ??= (async () => {
        clearInterval(watcher);
        await worker.close();
      })()),
  };
}
