import type { MessagingLogger } from '@equihome/messaging';
import { recordRunChange, SERVICE_ACTOR } from './events.js';
import type { ResultStore } from './result-store.js';
import { isTerminal, type Run, type RunStore } from './run-store.js';
import { planShards } from './shard-plan.js';
import type { SimulationQueue } from './simulation-queue.js';

export interface ReconcilerOptions {
  runs: RunStore;
  results: ResultStore;
  queue: SimulationQueue;
  log: MessagingLogger;
  intervalMs: number;
  /** A run is looked at only this long after its last enqueue (so a POST in progress is never doubled). */
  graceMs: number;
}

/** What one pass did. */
export interface ReconcileReport {
  /** Live runs looked at (queued or running, past the grace period). */
  checked: number;
  /** Runs whose missing shards were enqueued again (new generation). */
  reenqueued: string[];
  /** Runs failed because their merge job failed for good. */
  failed: string[];
}

export interface Reconciler {
  /** One pass now (tests; the timer runs them every `intervalMs`). */
  runOnce(): Promise<ReconcileReport>;
  stop(): Promise<void>;
}

/**
 * PostgreSQL is the record, Redis the transport: this loop makes Redis agree with the
 * record. Every `intervalMs`, for each run that is `queued` or `running` (past `graceMs`
 * since its flow was enqueued), it asks Redis for the run's current merge job:
 * - missing (Redis restarted without persistence, FLUSHALL, an enqueue that failed at POST
 *   because Redis was down) — or completed without the run being completed — → a new
 *   generation: the run's `generation` is bumped by compare-and-set (so of several API
 *   replicas only one re-enqueues) and a flow of the shards with no stored result is
 *   enqueued (just the merge when every shard is stored). Shards already computed are never
 *   computed again; the summary is the same as an undisturbed run's (deterministic shards);
 * - failed (a shard failed for good; the parent failed with it) → the run fails, with its
 *   event, unless a worker already failed it;
 * - anything else (waiting, active, waiting-children, prioritized, delayed) → nothing to do.
 */
export function startReconciler(options: ReconcilerOptions): Reconciler {
  const { runs, results, queue, log } = options;

  async function reenqueue(run: Run): Promise<boolean> {
    const { run: bumped, changed } = await runs.change(run.id, (cur) =>
      cur.generation === run.generation && !isTerminal(cur.state) ? { generation: cur.generation + 1, enqueued_at: new Date().toISOString() } : null,
    );
    if (!changed) return false;
    const stored = new Set((await results.finishedShards(run.id)).map((s) => s.shard));
    const missing = planShards(bumped.paths_total, bumped.shard_paths).filter((s) => !stored.has(s.index));
    await queue.enqueue(bumped, missing);
    log.warn({ runId: run.id, generation: bumped.generation, shards: missing.length }, 'reconciler: run had no live jobs; missing shards enqueued again');
    return true;
  }

  async function fail(run: Run, reason: string): Promise<boolean> {
    const { changed } = await runs.change(
      run.id,
      (cur) => (isTerminal(cur.state) ? null : { state: 'failed', error: reason, completed_at: new Date().toISOString() }),
      (tx, updated) => recordRunChange(tx, 'fail', updated, SERVICE_ACTOR, { by: 'reconciler', reason }),
    );
    return changed;
  }

  async function runOnce(): Promise<ReconcileReport> {
    const report: ReconcileReport = { checked: 0, reenqueued: [], failed: [] };
    const now = Date.now();
    for (const run of await runs.listInStates(['queued', 'running'])) {
      const since = Date.parse(run.enqueued_at ?? run.created_at);
      if (now - since < options.graceMs) continue;
      report.checked += 1;
      try {
        const { state, failedReason } = await queue.mergeState(run);
        if (state === 'failed') {
          if (await fail(run, `merge job failed: ${failedReason ?? 'unknown reason'}`)) report.failed.push(run.id);
        } else if (state === 'unknown' || state === 'completed') {
          if (await reenqueue(run)) report.reenqueued.push(run.id);
        }
      } catch (err) {
        // Redis or PostgreSQL is unavailable: one line per pass, the next pass tries again.
        log.warn({ err: (err as Error).message, runId: run.id }, 'reconciler: pass stopped (Redis or PostgreSQL unavailable?)');
        break;
      }
    }
    return report;
  }

  let running: Promise<unknown> | undefined;
  const timer = setInterval(() => {
    running ??= runOnce()
      .catch((err: Error) => log.warn({ err: err.message }, 'reconciler pass failed'))
      .finally(() => (running = undefined));
  }, options.intervalMs);
  timer.unref();

  return {
    runOnce,
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
