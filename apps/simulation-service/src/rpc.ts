import type { Fund, Portfolio } from '@equihome/domain';
import { MessagingError, MessagingValidationError, RpcNoRespondersError, RpcRemoteError, RpcTimeoutError, type Messaging } from '@equihome/messaging';
import { PlatformProblems, type ProblemDefinition } from '@equihome/platform';
import {
  FundNotFound,
  FundServiceError,
  FundServiceUnavailable,
  PortfolioNotFound,
  PortfolioServiceError,
  PortfolioServiceUnavailable,
  PortfolioTooLarge,
} from './errors.js';

/** Seconds a client should wait before retrying when another service cannot be reached. */
export const RETRY_AFTER_S = 5;

interface Callee {
  service: string;
  notFound: ProblemDefinition;
  unavailable: ProblemDefinition;
  broken: ProblemDefinition;
}

/**
 * An RPC error as the CALLER's problem: a 404 of the other service → its 404 (naming
 * `field`); a 413 (reply over NATS' max payload) → `tooLarge` when given; another 4xx (a
 * malformed id) → 400 naming `field`; no responder, a timeout or NATS trouble → 503 with
 * Retry-After (never a hang: bounded by the timeout); a 5xx or an invalid reply → 502.
 * (The same mapping as portfolio-service's `fetchFund`: should move to libs/messaging or
 * libs/platform as one helper.)
 */
function rpcProblem(err: unknown, id: string, field: string, callee: Callee, timeoutMs: number, tooLarge?: ProblemDefinition): unknown {
  if (err instanceof RpcRemoteError && err.status === 404) {
    return callee.notFound.create(`${field} ${id} does not exist`, { errors: [{ path: field, message: `${callee.service} has no such resource` }] });
  }
  if (err instanceof RpcRemoteError && err.status === 413 && tooLarge) {
    return tooLarge.create(`${field} ${id}: ${err.problem.detail ?? err.message}`, { errors: [{ path: field, message: 'too large to fetch over NATS; omit it to simulate a portfolio generated in-service' }], cause: err });
  }
  if (err instanceof RpcRemoteError && err.status >= 400 && err.status < 500) {
    const message = err.problem.detail ?? err.message;
    return PlatformProblems.ValidationFailed.create(`invalid ${field}: ${message}`, { errors: [{ path: field, message }], cause: err });
  }
  const unavailable = (detail: string) => callee.unavailable.create(detail, { headers: { 'retry-after': String(RETRY_AFTER_S) }, cause: err });
  if (err instanceof RpcNoRespondersError) return unavailable(`${callee.service} is not available (no responders)`);
  if (err instanceof RpcTimeoutError) return unavailable(`${callee.service} did not answer within ${timeoutMs} ms`);
  if (err instanceof MessagingValidationError && !err.subject.endsWith(' reply')) {
    return PlatformProblems.ValidationFailed.create(`invalid ${field}: ${err.message}`, { errors: [{ path: field, message: err.message }], cause: err });
  }
  if (err instanceof RpcRemoteError || err instanceof MessagingValidationError) return callee.broken.create(`${callee.service} failed: ${err.message}`, { cause: err });
  if (err instanceof MessagingError) return unavailable('messaging is not available');
  return err;
}

const FUND_SERVICE: Callee = { service: 'fund-service', notFound: FundNotFound, unavailable: FundServiceUnavailable, broken: FundServiceError };
const PORTFOLIO_SERVICE: Callee = { service: 'portfolio-service', notFound: PortfolioNotFound, unavailable: PortfolioServiceUnavailable, broken: PortfolioServiceError };

/**
 * What simulation-service asks (it answers no RPC):
 * - `equihome.rpc.fund.get` `{ id }` of fund-service → the Fund (404 `FUND_NOT_FOUND`, 503
 *   `FUND_SERVICE_UNAVAILABLE`, 502 `FUND_SERVICE_ERROR`);
 */
export async function fetchFund(messaging: Messaging, id: string, options: { timeoutMs: number; field: string }): Promise<Fund> {
  try {
    return await messaging.request('equihome.rpc.fund.get', { id }, { timeoutMs: options.timeoutMs });
  } catch (err) {
    throw rpcProblem(err, id, options.field, FUND_SERVICE, options.timeoutMs);
  }
}

/**
 * - `equihome.rpc.portfolio.get` `{ id }` of portfolio-service → the Portfolio with its
 *   loans (404 `PORTFOLIO_NOT_FOUND`; a portfolio over NATS' max payload — roughly 4,000
 *   loans and up — is answered 413 by portfolio-service and becomes 422
 *   `PORTFOLIO_TOO_LARGE`: there is no paged read of a stored portfolio yet, so such a
 *   portfolio cannot be simulated by id, and the request says so instead of silently
 *   simulating something else).
 */
export async function fetchPortfolio(messaging: Messaging, id: string, options: { timeoutMs: number; field: string }): Promise<Portfolio> {
  try {
    return await messaging.request('equihome.rpc.portfolio.get', { id }, { timeoutMs: options.timeoutMs });
  } catch (err) {
    throw rpcProblem(err, id, options.field, PORTFOLIO_SERVICE, options.timeoutMs, PortfolioTooLarge);
  }
}
