import type { Responder } from '@equihome/messaging';
import type { FundServiceInfrastructure } from './infrastructure.js';

/**
 * What fund-service answers over NATS request/reply:
 * - `equihome.rpc.fund.get` `{ id }` → the Fund; `{ error }` 404 `FUND_NOT_FOUND` when it
 *   does not exist (requesters see an `RpcRemoteError` with that status and code). Replicas
 *   share requests (queue group `fund-service`).
 * It calls no other service.
 */
export function serveFundRpc(infrastructure: Pick<FundServiceInfrastructure, 'messaging' | 'funds'>): Responder[] {
  const { messaging, funds } = infrastructure;
  return [messaging.serve('equihome.rpc.fund.get', ({ id }) => funds.get(id))];
}
