import type { Actor, EventSubject, Fund } from '@equihome/domain';
import { publishReliably, type EventDataInput, type Messaging } from '@equihome/messaging';
import type { FastifyZodInstance } from '@equihome/platform';

/**
 * What fund-service publishes, always AFTER the write has committed:
 * - `equihome.fund.created` `{ fund, actor }`
 * - `equihome.fund.updated` `{ fund, actor }`
 * - `equihome.fund.deleted` `{ id, actor }`
 * `actor` is the `{ sub, role }` of the caller's token. (fund-service subscribes to nothing;
 * it answers the `equihome.rpc.fund.get` request, see fund-rpc.ts.)
 */
export interface FundEvents {
  created(fund: Fund, actor: Actor): Promise<void>;
  updated(fund: Fund, actor: Actor): Promise<void>;
  deleted(id: string, actor: Actor): Promise<void>;
}

export interface FundEventsOptions {
  /** Publish attempts before giving up with an error log line (default 3). */
  attempts?: number;
  /** Wait before the 2nd attempt, ms, doubled each time (default 100). */
  retryDelayMs?: number;
}

/**
 * Publishes fund events with messaging's `publishReliably`: retries with one envelope id per
 * event (`Nats-Msg-Id`), so JetStream stores it once even if an earlier attempt did land.
 * A publish that still fails is logged with the `fundId` (the write has committed; the
 * request succeeds).
 */
export function createFundEvents(messaging: Messaging, log: FastifyZodInstance['log'], options: FundEventsOptions = {}): FundEvents {
  const retry = { attempts: options.attempts ?? 3, retryDelayMs: options.retryDelayMs ?? 100, backoffFactor: 2 };

  async function publish<S extends EventSubject>(subject: S, data: EventDataInput<S>, fundId: string): Promise<void> {
    await publishReliably(messaging, subject, data, { ...retry, logger: log, logFields: { fundId } });
  }

  return {
    created: (fund, actor) => publish('equihome.fund.created', { fund, actor }, fund.id),
    updated: (fund, actor) => publish('equihome.fund.updated', { fund, actor }, fund.id),
    deleted: (id, actor) => publish('equihome.fund.deleted', { id, actor }, id),
  };
}
