import type { Fund } from '@equihome/domain';
import { MessagingError, MessagingValidationError, RpcNoRespondersError, RpcRemoteError, RpcTimeoutError, type Messaging } from '@equihome/messaging';
import { HttpProblem, notFound, serviceUnavailable } from '@equihome/platform';

/** Seconds a client should wait before retrying when fund-service cannot be reached. */
export const FUND_SERVICE_RETRY_AFTER_S = 5;

/**
 * Fetches a fund from fund-service over NATS request/reply (`equihome.rpc.fund.get`,
 * reply validated with the domain `Fund` schema). Failures become HTTP problems:
 * - the fund does not exist → 404 `FUND_NOT_FOUND`;
 * - no responder, timeout or connection trouble → 503 `FUND_SERVICE_UNAVAILABLE` with
 *   `Retry-After` (never a hang: bounded by `timeoutMs`);
 * - fund-service answered with another error or an invalid fund → 502 `FUND_SERVICE_ERROR`.
 */
export async function fetchFund(messaging: Messaging, id: string, timeoutMs: number): Promise<Fund> {
  try {
    return await messaging.request('equihome.rpc.fund.get', { id }, { timeoutMs });
  } catch (err) {
    if (err instanceof RpcRemoteError && err.status === 404) throw notFound(`fund ${id} does not exist`, 'FUND_NOT_FOUND');
    if (err instanceof RpcNoRespondersError) throw serviceUnavailable('fund-service is not available (no responders)', FUND_SERVICE_RETRY_AFTER_S, 'FUND_SERVICE_UNAVAILABLE');
    if (err instanceof RpcTimeoutError) throw serviceUnavailable(`fund-service did not answer within ${timeoutMs} ms`, FUND_SERVICE_RETRY_AFTER_S, 'FUND_SERVICE_UNAVAILABLE');
    if (err instanceof RpcRemoteError || err instanceof MessagingValidationError) {
      throw new HttpProblem({ status: 502, code: 'FUND_SERVICE_ERROR', detail: `fund-service failed: ${err.message}`, cause: err });
    }
    if (err instanceof MessagingError) throw serviceUnavailable('messaging is not available', FUND_SERVICE_RETRY_AFTER_S, 'FUND_SERVICE_UNAVAILABLE');
    throw err;
  }
}
