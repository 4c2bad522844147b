import { randomInt } from 'node:crypto';
import { GeneratePortfolioRequest, IdParams, pageOf, Portfolio, PortfolioListQuery, PortfolioUpdate, type Fund, type Loan } from '@equihome/domain';
import { FinanceInputError, generatePortfolio, portfolioMetrics, type Fund as EngineFund } from '@equihome/finance';
import { commitChange, type ChangeTransaction } from '@equihome/outbox';
import { etag, parseIfMatch, PlatformProblems, problemResponses, scopedIdempotencyKey, type FastifyZodInstance } from '@equihome/platform';
import { z } from 'zod';
import {
  FundNotFound,
  FundNotGeneratable,
  FundServiceError,
  FundServiceUnavailable,
  IdempotencyKeyReused,
  LoanRulesViolated,
  PortfolioNotFound,
  portfolioProblems,
} from '../errors.js';
import { recordPortfolioChange } from '../events.js';
import type { PortfolioServiceInfrastructure } from '../infrastructure.js';
import { loanRuleViolations } from '../loan-rules.js';
import { createPortfolioStore, type PortfolioStore, type StoredPortfolio } from '../portfolio-store.js';
import { fetchFund } from '../rpc.js';

export interface PortfolioRouteDeps {
  infrastructure: Pick<PortfolioServiceInfrastructure, 'portfolios' | 'portfoliosCollection' | 'changes' | 'messaging'>;
  /** Timeout of `equihome.rpc.fund.get`, ms. */
  fundTimeoutMs: number;
}

/** A list item: a portfolio without `loans`, with `loan_count` (keeps pages small). */
export const PortfolioSummary = Portfolio.omit({ loans: true }).extend({ loan_count: z.number().int().nonnegative() });

const IfMatchHeaders = z.looseObject({ 'if-match': z.string().max(100).optional().describe('ETag "<version>" the write applies to; absent or * = current') });
const IdempotencyHeaders = z.looseObject({
  'idempotency-key': z.string().min(1).max(200).optional().describe('A retried generate with the same key returns the first result'),
});
const { VersionMismatch, StoreUnavailable } = PlatformProblems;

const location = (id: string) => `/api/portfolios/${encodeURIComponent(id)}`;
/** uint32 seed from the OS CSPRNG, for a generate request without one. */
const drawSeed = () => randomInt(0, 0x1_0000_0000);
/** The domain `Fund` (zod output) as the engine's structural `Fund` type. */
const engineFund = (fund: Fund) => fund as unknown as EngineFund;

/** The engine's input errors (the fund cannot produce a portfolio) → 422 naming `fund.<field>`. */
function runEngine<T>(work: () => T): T {
  try {
    return work();
  } catch (err) {
    if (err instanceof FinanceInputError) {
      throw FundNotGeneratable.create(`the fund cannot produce a portfolio: ${err.message}`, { errors: [{ path: `fund.${err.field}`, message: err.message }] });
    }
    throw err;
  }
}

/** `GET|POST|PUT|DELETE /api/portfolios…`: roles viewer reads, analyst writes, admin deletes. */
export function portfolioRoutes(app: FastifyZodInstance, deps: PortfolioRouteDeps): void {
  const { infrastructure, fundTimeoutMs } = deps;
  const { portfolios, messaging } = infrastructure;
  const change = <R>(work: (store: PortfolioStore, tx: ChangeTransaction) => Promise<R>) =>
    commitChange(infrastructure.changes, (tx) => work(createPortfolioStore(tx.collection<StoredPortfolio>(infrastructure.portfoliosCollection)), tx));

  app.get('/api/portfolios', {
    config: { role: 'viewer' },
    schema: {
      tags: ['portfolios'],
      summary: 'List portfolios (without loans; see loan_count), optionally of one fund',
      querystring: PortfolioListQuery,
      response: { 200: pageOf(PortfolioSummary), ...problemResponses(400, 401, 403, 429, StoreUnavailable) },
    },
    handler: async (request) => {
      const { limit, cursor, fund_id } = request.query;
      return portfolios.list({ limit, ...(cursor === undefined ? {} : { cursor }) }, fund_id);
    },
  });

  app.get('/api/portfolios/:id', {
    config: { role: 'viewer' },
    schema: {
      tags: ['portfolios'],
      summary: 'Get a portfolio with its loans',
      params: IdParams,
      response: { 200: Portfolio, ...problemResponses(400, 401, 403, PortfolioNotFound, 429, StoreUnavailable) },
    },
    handler: async (request, reply) => {
      const portfolio = await portfolios.get(request.params.id);
      reply.header('etag', etag(portfolio.version));
      return portfolio;
    },
  });

  app.post('/api/portfolios/generate', {
    config: { role: 'analyst' },
    schema: {
      tags: ['portfolios'],
      summary: "Generate a fund's portfolio (fund fetched from fund-service; seed drawn when absent)",
      headers: IdempotencyHeaders,
      body: GeneratePortfolioRequest,
      response: {
        201: Portfolio,
        ...problemResponses(400, 401, 403, FundNotFound, 413, 415, FundNotGeneratable, IdempotencyKeyReused, 429, FundServiceError, FundServiceUnavailable, StoreUnavailable),
      },
    },
    handler: async (request, reply) => {
      const { fund_id } = request.body;
      const seed = request.body.seed ?? drawSeed();
      const t0 = performance.now();
      const fund = await fetchFund(messaging, fund_id, { timeoutMs: fundTimeoutMs, field: 'fund_id' });
      const t1 = performance.now();
      const { loans, metrics } = runEngine(() => generatePortfolio(engineFund(fund), { seed }));
      const t2 = performance.now();
      const data = { fund_id, fund_version: fund.version, seed, loans: loans as Loan[], metrics };
      const key = request.headers['idempotency-key'];
      const { portfolio, created } = await change(async (store, tx) => {
        const result = await store.create(data, key === undefined ? undefined : scopedIdempotencyKey(request.user, key));
        if (result.created) await recordPortfolioChange(tx, 'generate', result.portfolio, request.user, { request_id: request.id, fund_id, seed });
        return result;
      });
      const t3 = performance.now();
      if (!created && (portfolio.fund_id !== fund_id || (request.body.seed !== undefined && portfolio.seed !== request.body.seed))) {
        // A replay must repeat the first request; a different fund or seed under the same key is a client bug.
        const message = 'this Idempotency-Key was first used with a different fund_id or seed';
        throw IdempotencyKeyReused.create(`${message}; use a new key for a different portfolio`, { errors: [{ path: 'idempotency-key', message }] });
      }
      reply
        .code(201)
        .header('location', location(portfolio.id))
        .header('etag', etag(portfolio.version))
        .header('server-timing', `fund;dur=${(t1 - t0).toFixed(1)}, generate;dur=${(t2 - t1).toFixed(1)}, store;dur=${(t3 - t2).toFixed(1)}`);
      if (!created) reply.header('idempotent-replayed', 'true');
      return portfolio;
    },
  });

  app.put('/api/portfolios/:id', {
    config: { role: 'analyst' },
    schema: {
      tags: ['portfolios'],
      summary: "Replace a portfolio's loans (validated against the fund; metrics recomputed)",
      params: IdParams,
      headers: IfMatchHeaders,
      body: PortfolioUpdate,
      response: {
        200: Portfolio,
        ...problemResponses(400, LoanRulesViolated, 401, 403, PortfolioNotFound, VersionMismatch, 413, 415, 429, FundServiceError, FundServiceUnavailable, StoreUnavailable),
      },
    },
    handler: async (request, reply) => {
      const expected = parseIfMatch(request.headers['if-match']);
      const current = await portfolios.get(request.params.id);
      if (expected !== undefined && expected !== current.version) throw portfolioProblems.versionMismatch(current.id, current.version, expected);
      const fund = await fetchFund(messaging, current.fund_id, { timeoutMs: fundTimeoutMs, field: 'fund_id' });
      const { loans } = request.body;
      const violations = loanRuleViolations(fund, loans);
      if (violations.length > 0) {
        throw LoanRulesViolated.create(`invalid body: ${violations.slice(0, 5).map((e) => `${e.path}: ${e.message}`).join('; ')}`, { errors: violations });
      }
      const metrics = runEngine(() => portfolioMetrics(engineFund(fund), loans));
      const data = { fund_id: current.fund_id, fund_version: fund.version, ...(current.seed === undefined ? {} : { seed: current.seed }), loans, metrics };
      // Compare-and-set on the version read above: a concurrent writer in between → 412.
      const updated = await change(async (store, tx) => {
        const result = await store.update(current.id, data, current.version);
        await recordPortfolioChange(tx, 'update', result, request.user, { request_id: request.id, loan_count: loans.length });
        return result;
      });
      reply.header('etag', etag(updated.version));
      return updated;
    },
  });

  app.delete('/api/portfolios/:id', {
    config: { role: 'admin' },
    schema: {
      tags: ['portfolios'],
      summary: 'Delete a portfolio',
      params: IdParams,
      headers: IfMatchHeaders,
      response: { 204: z.null().describe('Deleted'), ...problemResponses(400, 401, 403, PortfolioNotFound, VersionMismatch, 429, StoreUnavailable) },
    },
    handler: async (request, reply) => {
      const expected = parseIfMatch(request.headers['if-match']);
      await change(async (store, tx) => {
        const current = await store.get(request.params.id);
        if (expected !== undefined && expected !== current.version) throw portfolioProblems.versionMismatch(current.id, current.version, expected);
        await store.delete(current.id, current.version);
        await recordPortfolioChange(tx, 'delete', current, request.user, { request_id: request.id, deleted_version: current.version });
      });
      return reply.code(204).send(null);
    },
  });
}
