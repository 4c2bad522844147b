import type { Fund, SimulationGetRpcReply } from '@equihome/domain';
import { classifyRpcFailure, MessagingError, MessagingValidationError, RpcNoRespondersError, RpcRemoteError, RpcTimeoutError, type Messaging } from '@equihome/messaging';
import { rpcCallerProblem, type RpcCallee } from '@equihome/platform';
import { FundNotFound, FundServiceError, FundServiceUnavailable, PortfolioNotFound, PortfolioOfAnotherFund, PortfolioServiceError, PortfolioServiceUnavailable } from './errors.js';

/** Seconds a client should wait before retrying when another service cannot be reached. */
export const RETRY_AFTER_S = 5;

/** A failed RPC as the caller's problem (libs/messaging classifies it, libs/platform maps it). */
function rpcProblem(err: unknown, id: string, field: string, callee: RpcCallee): unknown {
  return rpcCallerProblem(err, classifyRpcFailure(err, callee.service), callee, { id, field, retryAfterS: RETRY_AFTER_S });
}

const FUND_SERVICE: RpcCallee = { service: 'fund-service', resource: 'fund', notFound: FundNotFound, unavailable: FundServiceUnavailable, broken: FundServiceError };
const PORTFOLIO_SERVICE: RpcCallee = { service: 'portfolio-service', resource: 'portfolio', notFound: PortfolioNotFound, unavailable: PortfolioServiceUnavailable, broken: PortfolioServiceError };

/**
 * What optimization-service asks (it answers no RPC):
 * - `equihome.rpc.fund.get` `{ id }` (fund-service) → the Fund; 404 FUND_NOT_FOUND, 503/502;
 */
export async function fetchFund(messaging: Messaging, id: string, options: { timeoutMs: number; field: string }): Promise<Fund> {
  try {
    return await messaging.request('equihome.rpc.fund.get', { id }, { timeoutMs: options.timeoutMs });
  } catch (err) {
    throw rpcProblem(err, id, options.field, FUND_SERVICE);
  }
}

/**
 * - `equihome.rpc.portfolio.page` `{ id, offset: 0, limit: 1 }` (portfolio-service): that the
 *   portfolio exists and belongs to the fund (the candidates' runs read it in full, page by
 *   page, in simulation-service); 404 PORTFOLIO_NOT_FOUND, 422 PORTFOLIO_OF_ANOTHER_FUND;
 */
export async function checkPortfolio(messaging: Messaging, id: string, fundId: string, options: { timeoutMs: number; field: string }): Promise<void> {
  let owner: string;
  try {
    owner = (await messaging.request('equihome.rpc.portfolio.page', { id, offset: 0, limit: 1 }, { timeoutMs: options.timeoutMs })).portfolio.fund_id;
  } catch (err) {
    throw rpcProblem(err, id, options.field, PORTFOLIO_SERVICE);
  }
  if (owner !== fundId) {
    throw PortfolioOfAnotherFund.create(`portfolio ${id} belongs to fund ${owner}, not ${fundId}`, { errors: [{ path: options.field, message: `belongs to fund ${owner}` }] });
  }
}

/**
 * - `equihome.rpc.simulation.submit | get | cancel` (simulation-service, see its rpc-server.ts):
 *   candidates as runs on the simulation workers; these throw the messaging errors as they are
 *   (the job driver retries transient ones and fails the job on the rest).
 */
export type SimulationRun = SimulationGetRpcReply;

/** True for errors worth retrying (simulation-service briefly unavailable). */
export function transientRpcError(err: unknown): boolean {
  if (err instanceof RpcRemoteError) return err.status >= 500;
  return err instanceof RpcNoRespondersError || err instanceof RpcTimeoutError || (err instanceof MessagingError && !(err instanceof MessagingValidationError));
}
