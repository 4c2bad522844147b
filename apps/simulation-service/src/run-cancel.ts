import type { Actor } from '@equihome/domain';
import type { MessagingLogger } from '@equihome/messaging';
import { recordRunChange } from './events.js';
import type { ResultStore } from './result-store.js';
import { isTerminal, type Run, type RunStore } from './run-store.js';
import type { SimulationQueue } from './simulation-queue.js';

export interface CancelDeps {
  runs: RunStore;
  results: ResultStore;
  queue: SimulationQueue;
}

/**
 * Cancels a run (DELETE /api/simulations/:id and `equihome.rpc.simulation.cancel`): a
 * compare-and-set to `cancelled` with its event and audit entry (one transaction; `paths_done`
 * frozen at the stored shards), then the pending shards are removed from Redis (best effort:
 * running ones stop at their next checkpoint, leftovers are skipped). `changed: false` when
 * the run had already ended (nothing is written). 404 SIMULATION_NOT_FOUND for an unknown id.
 */
export async function cancelRun(deps: CancelDeps, id: string, actor: Actor, audit: Record<string, unknown>, log: MessagingLogger): Promise<{ run: Run; changed: boolean }> {
  const stored = (await deps.results.finishedShards(id)).reduce((s, r) => s + r.paths, 0);
  const outcome = await deps.runs.change(
    id,
    (cur) => (isTerminal(cur.state) ? null : { state: 'cancelled', completed_at: new Date().toISOString(), paths_done: stored }),
    (tx, updated) => recordRunChange(tx, 'cancel', updated, actor, audit),
  );
  if (outcome.changed) {
    await deps.queue.removePending(outcome.run).catch((err: Error) => log.warn({ err: err.message, runId: id }, 'pending shards not removed (Redis unavailable?): they will be skipped'));
  }
  return outcome;
}
