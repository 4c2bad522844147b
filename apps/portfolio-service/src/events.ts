import type { Actor, EventSubject, Portfolio } from '@equihome/domain';
import { publishReliably, type EventConsumer, type EventDataInput, type Messaging } from '@equihome/messaging';
import type { AuditLog } from '@equihome/storage';
import type { FastifyBaseLogger } from 'fastify';
import type { PortfolioStore } from './portfolio-store.js';

/**
 * What portfolio-service says and hears on NATS:
 * - publishes `equihome.portfolio.generated|updated|deleted` after the write committed;
 * - consumes `equihome.fund.deleted` (durable) and removes that fund's portfolios;
 * - answers `equihome.rpc.portfolio.get` (see app.ts).
 */

/** Attempts per event before giving up (with a log line; the write itself stays committed). */
export const PUBLISH_ATTEMPTS = 3;

/**
 * Publishes with messaging's `publishReliably`: up to {@link PUBLISH_ATTEMPTS} attempts,
 * waiting 100 ms then 400 ms, all with the envelope id fixed before the first one, so
 * JetStream drops a retry of an event that was in fact stored (Nats-Msg-Id dedupe). Never
 * throws: returns false and logs when every attempt failed.
 */
export async function publishEvent<S extends EventSubject>(messaging: Messaging, log: FastifyBaseLogger, subject: S, data: EventDataInput<S>): Promise<boolean> {
  const event = await publishReliably(messaging, subject, data, { logger: log, attempts: PUBLISH_ATTEMPTS, retryDelayMs: 100, backoffFactor: 4 });
  return event !== undefined;
}

/** The compact portfolio carried by `generated` / `updated` events (no loans). */
export function portfolioEventBody(p: Portfolio) {
  return { id: p.id, fund_id: p.fund_id, loan_count: p.loans.length, metrics: p.metrics };
}

export interface FundDeletedConsumerOptions {
  messaging: Messaging;
  store: PortfolioStore;
  audit: AuditLog;
  log: FastifyBaseLogger;
  durable: string;
}

/**
 * Durable consumer of `equihome.fund.deleted`: deletes every portfolio of the fund, writes
 * one audit entry, then (by returning) lets the library ack. A crash before the ack means a
 * redelivery, which is harmless: the delete is by filter and removes nothing the second
 * time. A failure naks the event for a delayed redelivery.
 */
export function consumeFundDeleted(options: FundDeletedConsumerOptions): Promise<EventConsumer> {
  const { messaging, store, audit, log, durable } = options;
  return messaging.consume({
    durable,
    subject: 'equihome.fund.deleted',
    maxDeliver: -1,
    handler: async (event, delivery) => {
      const fundId = event.data.id;
      const removed = await store.deleteByFund(fundId);
      const actor: Actor = event.data.actor ?? { sub: event.source, role: 'service' };
      await audit.append({
        actor: actor.sub,
        role: actor.role,
        action: 'delete_by_fund',
        resource: 'portfolio',
        resource_id: fundId,
        version: null,
        details: { event_id: event.id, removed, delivery: delivery.deliveryCount },
      });
      log.info({ fundId, removed, eventId: event.id }, 'portfolios of a deleted fund removed');
    },
  });
}
