import type { Actor, EventSubject, Portfolio } from '@equihome/domain';
import { uuidv7, type EventConsumer, type EventDataInput, type Messaging } from '@equihome/messaging';
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
const PUBLISH_BACKOFF_MS = [100, 400];

/**
 * Publishes with retries. The envelope id is fixed before the first attempt, so JetStream
 * drops a retry of an event that was in fact stored (Nats-Msg-Id dedupe). Never throws:
 * returns false and logs when every attempt failed.
 */
export async function publishEvent<S extends EventSubject>(messaging: Messaging, log: FastifyBaseLogger, subject: S, data: EventDataInput<S>): Promise<boolean> {
  const id = uuidv7();
  for (let attempt = 1; attempt <= PUBLISH_ATTEMPTS; attempt++) {
    try {
      await messaging.publish(subject, data, { id });
      return true;
    } catch (err) {
      if (attempt === PUBLISH_ATTEMPTS) {
        log.error({ err, subject, eventId: id, attempts: attempt }, 'event not published: giving up');
        return false;
      }
      log.warn({ err, subject, eventId: id, attempt }, 'event publish failed: retrying');
      await new Promise((resolve) => setTimeout(resolve, PUBLISH_BACKOFF_MS[attempt - 1] ?? 1_000));
    }
  }
  return false;
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
