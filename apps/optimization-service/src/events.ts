import type { Actor, OptimizationStatus } from '@equihome/domain';
import type { ChangeTransaction } from '@equihome/outbox';
import type { Optimization } from './optimization-store.js';

/**
 * What optimization-service says on NATS — all through the transactional outbox, IN THE SAME
 * TRANSACTION as the job's change and its audit entry (relayed in order per job), data = the
 * domain `OptimizationStatus` `{ id, kind, state, progress, error }`:
 * - `equihome.optimization.queued` (+ `actor`) when a job is accepted (a mean-variance frontier,
 *   computed at once, is created `completed`: its `completed` event only);
 * - `equihome.optimization.progress` when a candidate finishes (at most every
 *   OPT_PROGRESS_INTERVAL_MS per job; `state: running`);
 * - exactly one of `equihome.optimization.completed | failed | cancelled` when it ends (only the
 *   compare-and-set change that moves a job out of a live state emits it).
 * The gateway's `optimization:<id>` channel follows these. It hears (live, core NATS) the
 * candidates' `equihome.simulation.completed | failed | cancelled` (see run-watcher.ts).
 */
export type JobChange = 'create' | 'progress' | 'complete' | 'fail' | 'cancel';

export const SERVICE_ACTOR: Actor = { sub: 'optimization-service', role: 'service' };

const TERMINAL = { completed: 'equihome.optimization.completed', failed: 'equihome.optimization.failed', cancelled: 'equihome.optimization.cancelled' } as const;

export function jobStatus(job: Optimization): OptimizationStatus {
  return { id: job.id, kind: job.kind, state: job.state, progress: job.progress, error: job.error };
}

/** The audit entry (not for progress) and the event of a job change, inside `tx`. */
export async function recordJobChange(tx: ChangeTransaction, change: JobChange, job: Optimization, actor: Actor, details: Record<string, unknown> = {}): Promise<void> {
  const status = jobStatus(job);
  if (change === 'progress') {
    await tx.emit('equihome.optimization.progress', status, { aggregate: job.id });
    return;
  }
  await tx.appendAudit({ actor: actor.sub, role: actor.role, action: change, resource: 'optimization', resource_id: job.id, version: job.version, details });
  if (change === 'create' && job.state === 'queued') {
    await tx.emit('equihome.optimization.queued', { ...status, actor: { sub: actor.sub, role: actor.role } }, { aggregate: job.id });
    return;
  }
  if (job.state === 'completed' || job.state === 'failed' || job.state === 'cancelled') await tx.emit(TERMINAL[job.state], status, { aggregate: job.id });
}
