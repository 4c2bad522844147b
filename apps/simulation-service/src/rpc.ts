import { PORTFOLIO_PAGE_MAX_LOANS, type Fund, type Portfolio } from '@equihome/domain';
import { classifyRpcFailure, type Messaging } from '@equihome/messaging';
import { rpcCallerProblem, type RpcCallee } from '@equihome/platform';
import {
  FundNotFound,
  FundServiceError,
  FundServiceUnavailable,
  PortfolioNotFound,
  PortfolioServiceError,
  PortfolioServiceUnavailable,
} from './errors.js';

/** Seconds a client should wait before retrying when another service cannot be reached. */
export const RETRY_AFTER_S = 5;

/** A failed RPC as the caller's problem (libs/messaging classifies it, libs/platform maps it). */
function rpcProblem(err: unknown, id: string, field: string, callee: RpcCallee): unknown {
  return rpcCallerProblem(err, classifyRpcFailure(err, callee.service), callee, { id, field, retryAfterS: RETRY_AFTER_S });
}

const FUND_SERVICE: RpcCallee = { service: 'fund-service', resource: 'fund', notFound: FundNotFound, unavailable: FundServiceUnavailable, broken: FundServiceError };
const PORTFOLIO_SERVICE: RpcCallee = { service: 'portfolio-service', resource: 'portfolio', notFound: PortfolioNotFound, unavailable: PortfolioServiceUnavailable, broken: PortfolioServiceError };

/**
 * What simulation-service asks (it answers no RPC):
 * - `equihome.rpc.fund.get` `{ id }` of fund-service → the Fund (404 `FUND_NOT_FOUND`, 503
 *   `FUND_SERVICE_UNAVAILABLE`, 502 `FUND_SERVICE_ERROR`);
 */
export async function fetchFund(messaging: Messaging, id: string, options: { timeoutMs: number; field: string }): Promise<Fund> {
  try {
    return await messaging.request('equihome.rpc.fund.get', { id }, { timeoutMs: options.timeoutMs });
  } catch (err) {
    throw rpcProblem(err, id, options.field, FUND_SERVICE);
  }
}

/** A portfolio that changes under every one of this many reads is answered 503 (retry later). */
const PORTFOLIO_READ_ATTEMPTS = 3;

/**
 * - `equihome.rpc.portfolio.page` `{ id, offset, limit }` of portfolio-service, page after
 *   page (2,000 loans, about 0.5 MB each: a portfolio of any size, never one message over
 *   NATS' max payload) → the Portfolio with its loans. The pages must all carry the same
 *   `version`; a portfolio edited while it is read is read again (then 503 if it keeps
 *   changing). 404 → 404 `PORTFOLIO_NOT_FOUND`, 503 `PORTFOLIO_SERVICE_UNAVAILABLE`, 502
 *   `PORTFOLIO_SERVICE_ERROR`.
 */
export async function fetchPortfolio(messaging: Messaging, id: string, options: { timeoutMs: number; field: string }): Promise<Portfolio> {
  try {
    for (let attempt = 0; attempt < PORTFOLIO_READ_ATTEMPTS; attempt++) {
      const first = await messaging.request('equihome.rpc.portfolio.page', { id, offset: 0, limit: PORTFOLIO_PAGE_MAX_LOANS }, { timeoutMs: options.timeoutMs });
      const loans = [...first.loans];
      let consistent = true;
      while (consistent && loans.length < first.total) {
        const page = await messaging.request('equihome.rpc.portfolio.page', { id, offset: loans.length, limit: PORTFOLIO_PAGE_MAX_LOANS }, { timeoutMs: options.timeoutMs });
        consistent = page.portfolio.version === first.portfolio.version && page.total === first.total && page.loans.length > 0;
        loans.push(...page.loans);
      }
      if (consistent && loans.length === first.total) return { ...first.portfolio, loans };
    }
  } catch (err) {
    throw rpcProblem(err, id, options.field, PORTFOLIO_SERVICE);
  }
  throw PortfolioServiceUnavailable.create(`portfolio ${id} changed under each of ${PORTFOLIO_READ_ATTEMPTS} reads; try again`, {
    headers: { 'retry-after': String(RETRY_AFTER_S) },
    errors: [{ path: options.field, message: 'the portfolio is being edited' }],
  });
}
