import type { Messaging, Responder } from '@equihome/messaging';
import type { FundStore } from './fund-store.js';

/**
 * Answers the NATS request `equihome.rpc.fund.get` `{ id }` with the Fund, or with
 * `{ error: Problem }` status 404 (`FUND_NOT_FOUND`) when it does not exist — requesters
 * see an `RpcRemoteError` whose `status` is 404. Replicas share requests (queue group
 * `fund-service`).
 */
export function serveFundRpc(messaging: Messaging, funds: FundStore): Responder {
  return messaging.serve('equihome.rpc.fund.get', ({ id }) => funds.get(id));
}
