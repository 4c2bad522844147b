import type { Actor, Portfolio } from '@equihome/domain';
import type { EventConsumer, MessagingLogger } from '@equihome/messaging';
import { commitChange, type ChangeTransaction } from '@equihome/outbox';
import type { AuthUser } from '@equihome/platform';
import type { PortfolioServiceInfrastructure } from './infrastructure.js';
import { createPortfolioStore, type StoredPortfolio } from './portfolio-store.js';

/**
 * What portfolio-service says and hears on NATS. Every event it announces is written to the
 * outbox IN THE SAME TRANSACTION as the change and its audit entry (libs/outbox
 * `commitChange`), then relayed to JetStream in order per portfolio:
 * - `equihome.portfolio.generated` / `updated` `{ portfolio: { id, fund_id, loan_count, metrics }, actor }`
 *   (no loans: a 10,000-loan portfolio is 2.4 MB, over NATS' 1 MB max payload; read it
 *   through `equihome.rpc.portfolio.get` or the API);
 * - `equihome.portfolio.deleted` `{ id, fund_id, actor }` — also for each portfolio removed
 *   by the cascade below;
 * and it consumes `equihome.fund.deleted` (durable, shared by replicas): the fund's
 * portfolios are deleted.
 */
export type PortfolioChange = 'generate' | 'update' | 'delete';

/** The compact portfolio the events carry. */
export function portfolioEventBody(p: Portfolio) {
  return { id: p.id, fund_id: p.fund_id, loan_count: p.loans.length, metrics: p.metrics };
}

/** A change's audit entry and event, inside `tx`. `portfolio` is the portfolio after the change (before it, for a delete). */
export async function recordPortfolioChange(
  tx: ChangeTransaction,
  change: PortfolioChange,
  portfolio: Portfolio,
  actor: AuthUser | Actor,
  details: Record<string, unknown>,
): Promise<void> {
  await tx.appendAudit({
    actor: actor.sub,
    role: actor.role,
    action: change,
    resource: 'portfolio',
    resource_id: portfolio.id,
    version: change === 'delete' ? null : portfolio.version,
    details,
  });
  const who = { sub: actor.sub, role: actor.role };
  if (change === 'delete') await tx.emit('equihome.portfolio.deleted', { id: portfolio.id, fund_id: portfolio.fund_id, actor: who }, { aggregate: portfolio.id });
  else await tx.emit(change === 'generate' ? 'equihome.portfolio.generated' : 'equihome.portfolio.updated', { portfolio: portfolioEventBody(portfolio), actor: who }, { aggregate: portfolio.id });
}

export interface FundDeletedConsumerOptions {
  infrastructure: Pick<PortfolioServiceInfrastructure, 'messaging' | 'changes' | 'portfoliosCollection'>;
  log: MessagingLogger;
  durable: string;
}

/**
 * Durable consumer of `equihome.fund.deleted`: in one transaction, deletes every portfolio
 * of the fund, appends one audit entry per portfolio and enqueues one
 * `equihome.portfolio.deleted` each; then (by returning) lets the library ack. A crash
 * before the ack means a redelivery, which is harmless: the fund has no portfolios left the
 * second time, so nothing is deleted or announced twice. A failure naks the event for a
 * delayed redelivery.
 */
export function consumeFundDeleted(options: FundDeletedConsumerOptions): Promise<EventConsumer> {
  const { infrastructure, log, durable } = options;
  return infrastructure.messaging.consume({
    durable,
    subject: 'equihome.fund.deleted',
    maxDeliver: -1,
    handler: async (event, delivery) => {
      const fundId = event.data.id;
      const actor: Actor = event.data.actor ?? { sub: event.source, role: 'service' };
      const removed = await commitChange(infrastructure.changes, async (tx) => {
        const store = createPortfolioStore(tx.collection<StoredPortfolio>(infrastructure.portfoliosCollection));
        const ids = await store.idsOfFund(fundId);
        for (const id of ids) {
          const portfolio = await store.get(id);
          await store.delete(id, portfolio.version);
          await recordPortfolioChange(tx, 'delete', portfolio, actor, { cause: 'fund_deleted', event_id: event.id, delivery: delivery.deliveryCount });
        }
        return ids.length;
      });
      log.info({ fundId, removed, eventId: event.id }, 'portfolios of a deleted fund removed');
    },
  });
}
