import type { Actor, SimulationStatus } from '@equihome/domain';
import type { EventConsumer, Messaging, MessagingLogger } from '@equihome/messaging';
import type { ChangeTransaction } from '@equihome/outbox';
import type { ResultStore } from './result-store.js';
import type { Run } from './run-store.js';

/**
 * What simulation-service says and hears on NATS.
 *
 * Announced through the transactional outbox (written IN THE SAME TRANSACTION as the run's
 * state change and its audit entry, relayed to JetStream in order per run), data = the
 * domain `SimulationStatus`:
 * - `equihome.simulation.queued` (+ `actor`) when a run is accepted;
 * - exactly one of `equihome.simulation.completed | failed | cancelled` when it ends (only
 *   the compare-and-set change that moves a run out of a live state emits it).
 * Published directly (not stored by the outbox: a lost one is superseded by the next):
 * - `equihome.simulation.progress` at most every SIM_PROGRESS_INTERVAL_MS (≥ 250 ms) per
 *   run, with `paths_done`, `eta_seconds` and `partial` (LP net IRR and TVPI percentiles
 *   of the shards finished so far). See progress.ts.
 * Consumed (durable, shared by replicas): `equihome.portfolio.generated | updated | deleted`,
 * to know each fund's most recent portfolio (a run without `portfolio_id` uses it).
 */
export type RunChange = 'create' | 'complete' | 'fail' | 'cancel';

/** The service's own actor, for changes no user made (a worker completing a run). */
export const SERVICE_ACTOR: Actor = { sub: 'simulation-service', role: 'service' };

const TERMINAL_SUBJECT = {
  completed: 'equihome.simulation.completed',
  failed: 'equihome.simulation.failed',
  cancelled: 'equihome.simulation.cancelled',
} as const;

/** The status of a run as stored (progress of a live run comes from progress.ts). */
export function storedStatus(run: Run, pathsDone = run.paths_done ?? 0, etaSeconds: number | null = null): SimulationStatus {
  return {
    id: run.id,
    state: run.state,
    paths_done: pathsDone,
    paths_total: run.paths_total,
    eta_seconds: etaSeconds,
    started_at: run.started_at,
    error: run.error,
  };
}

/**
 * The audit entry and (for a creation or an end) the event of a run change, inside `tx`.
 * `actor` is the caller's `{ sub, role }`, or SERVICE_ACTOR for a worker's change.
 */
export async function recordRunChange(tx: ChangeTransaction, change: RunChange, run: Run, actor: Actor, details: Record<string, unknown> = {}): Promise<void> {
  await tx.appendAudit({ actor: actor.sub, role: actor.role, action: change, resource: 'simulation', resource_id: run.id, version: run.version, details });
  const status = storedStatus(run);
  if (change === 'create') {
    if (run.state === 'queued') await tx.emit('equihome.simulation.queued', { ...status, actor: { sub: actor.sub, role: actor.role } }, { aggregate: run.id });
    else if (run.state === 'completed') await tx.emit(TERMINAL_SUBJECT.completed, status, { aggregate: run.id });
    return;
  }
  if (run.state === 'completed' || run.state === 'failed' || run.state === 'cancelled') await tx.emit(TERMINAL_SUBJECT[run.state], status, { aggregate: run.id });
}

export interface PortfolioEventConsumersOptions {
  messaging: Messaging;
  results: ResultStore;
  log: MessagingLogger;
  /** Base durable name; the three consumers are `<durable>-generated|updated|deleted`. */
  durable: string;
}

/**
 * Durable consumers of portfolio-service's events, recording per fund which portfolios exist
 * and when each was last generated or updated (idempotent upserts: a redelivery changes
 * nothing). One consumer per subject (nats-server 2.9: one filter subject per consumer).
 */
export async function consumePortfolioEvents(options: PortfolioEventConsumersOptions): Promise<EventConsumer[]> {
  const { messaging, results, log, durable } = options;
  const consumers: EventConsumer[] = [];
  try {
    for (const kind of ['generated', 'updated'] as const) {
      consumers.push(
        await messaging.consume({
          durable: `${durable}-${kind}`,
          subject: `equihome.portfolio.${kind}`,
          maxDeliver: -1,
          handler: async (event) => {
            const { id, fund_id, loan_count } = event.data.portfolio;
            await results.notePortfolio(fund_id, id, loan_count, event.time);
            log.info({ fundId: fund_id, portfolioId: id, eventId: event.id }, `portfolio ${kind}: noted`);
          },
        }),
      );
    }
    consumers.push(
      await messaging.consume({
        durable: `${durable}-deleted`,
        subject: 'equihome.portfolio.deleted',
        maxDeliver: -1,
        handler: async (event) => {
          await results.forgetPortfolio(event.data.id);
        },
      }),
    );
  } catch (err) {
    await Promise.all(consumers.map((c) => c.stop().catch(() => undefined)));
    throw err;
  }
  return consumers;
}
