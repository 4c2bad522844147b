import { portfolioPage, type Fund } from '@equihome/domain';
import { classifyRpcFailure, type Messaging, type Responder } from '@equihome/messaging';
import { rpcCallerProblem, type RpcCallee } from '@equihome/platform';
import { FundNotFound, FundServiceError, FundServiceUnavailable } from './errors.js';
import type { PortfolioServiceInfrastructure } from './infrastructure.js';

/** Seconds a client should wait before retrying when fund-service cannot be reached. */
export const FUND_SERVICE_RETRY_AFTER_S = 5;

const FUND_SERVICE: RpcCallee = { service: 'fund-service', resource: 'fund', notFound: FundNotFound, unavailable: FundServiceUnavailable, broken: FundServiceError };

/**
 * What portfolio-service answers over NATS request/reply:
 * - `equihome.rpc.portfolio.get` `{ id }` → the Portfolio (loans included; a reply over the
 *   NATS max payload answers 413 `RPC_REPLY_TOO_LARGE` at once), 404 `PORTFOLIO_NOT_FOUND`;
 * - `equihome.rpc.portfolio.page` `{ id, offset, limit ≤ 2,000 }` → `{ portfolio (no loans),
 *   offset, total, loans }`: a portfolio of any size, read page by page (every page fits in
 *   one reply), 404 `PORTFOLIO_NOT_FOUND`. An offset past the end answers an empty page.
 */
export function servePortfolioRpc(infrastructure: Pick<PortfolioServiceInfrastructure, 'messaging' | 'portfolios'>): Responder[] {
  const { messaging, portfolios } = infrastructure;
  return [
    messaging.serve('equihome.rpc.portfolio.get', ({ id }) => portfolios.get(id)),
    messaging.serve('equihome.rpc.portfolio.page', async ({ id, offset, limit }) => portfolioPage(await portfolios.get(id), offset, limit)),
  ];
}

/**
 * What it asks: `equihome.rpc.fund.get` `{ id }` of fund-service (reply validated by the
 * domain `Fund`). A 4xx of fund-service is the CALLER's 4xx: 404 → 404 `FUND_NOT_FOUND`;
 * another 4xx (e.g. a malformed id) → 400 `VALIDATION_FAILED` naming `field` (the request
 * field that carried the id). 502/503 only when fund-service is broken or absent:
 * - no responder, timeout or NATS trouble → 503 `FUND_SERVICE_UNAVAILABLE` with `Retry-After`
 *   (never a hang: bounded by `timeoutMs`);
 * - a 5xx reply or an invalid fund → 502 `FUND_SERVICE_ERROR`.
 */
export async function fetchFund(messaging: Messaging, id: string, options: { timeoutMs: number; field: string }): Promise<Fund> {
  try {
    return await messaging.request('equihome.rpc.fund.get', { id }, { timeoutMs: options.timeoutMs });
  } catch (err) {
    throw rpcCallerProblem(err, classifyRpcFailure(err, 'fund-service'), FUND_SERVICE, { id, field: options.field, retryAfterS: FUND_SERVICE_RETRY_AFTER_S });
  }
}
