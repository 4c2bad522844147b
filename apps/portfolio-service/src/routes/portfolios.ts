import { randomInt } from 'node:crypto';
import { GeneratePortfolioRequest, pageOf, Portfolio, PortfolioListQuery, PortfolioUpdate, type Fund, type Loan } from '@equihome/domain';
import { generatePortfolio, portfolioMetrics, type Fund as EngineFund } from '@equihome/finance';
import type { Messaging } from '@equihome/messaging';
import { badRequest, etag, parseIfMatch, problemResponses, scopedIdempotencyKey, unprocessable, type FastifyZodInstance } from '@equihome/platform';
import type { AuditLog } from '@equihome/storage';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { portfolioEventBody, publishEvent } from '../events.js';
import { fetchFund } from '../fund-client.js';
import { mapErrors, portfolioProblems } from '../http-errors.js';
import { loanRuleViolations } from '../loan-rules.js';
import type { PortfolioStore } from '../portfolio-store.js';

export interface PortfolioRouteDeps {
  store: PortfolioStore;
  messaging: Messaging;
  audit: AuditLog;
  /** Timeout of `equihome.rpc.fund.get`, ms. */
  fundTimeoutMs: number;
}

/** A list item: a portfolio without `loans`, with `loan_count` (keeps pages small). */
export const PortfolioSummary = Portfolio.omit({ loans: true }).extend({ loan_count: z.number().int().nonnegative() });

const IdParams = z.object({ id: z.string().min(1).max(200) });
const IfMatchHeaders = z.looseObject({ 'if-match': z.string().optional().describe('ETag "<version>" the write applies to; absent = current') });
const IdempotencyHeaders = z.looseObject({
  'idempotency-key': z.string().min(1).max(200).optional().describe('A retried generate with the same key returns the first result'),
});

/**
 * The version `If-Match` demands; besides RFC 9110's `"3"` / `W/"3"` a bare `3` is accepted.
 * Malformed → 400 `INVALID_IF_MATCH` naming `if-match`.
 */
const ifMatchVersion = (header: string | undefined) => parseIfMatch(header, { code: 'INVALID_IF_MATCH', allowUnquoted: true });

const location = (id: string) => `/api/portfolios/${encodeURIComponent(id)}`;
/** uint32 seed from the OS CSPRNG, for a generate request without one. */
const drawSeed = () => randomInt(0, 0x1_0000_0000);
/** The domain `Fund` (zod output) as the engine's structural `Fund` type. */
const engineFund = (fund: Fund) => fund as unknown as EngineFund;

/** `GET|POST|PUT|DELETE /api/portfolios…`: roles viewer reads, analyst writes, admin deletes. */
export function portfolioRoutes(app: FastifyZodInstance, deps: PortfolioRouteDeps): void {
  const { store, messaging, audit, fundTimeoutMs } = deps;

  const record = (request: FastifyRequest, action: string, portfolio: { id: string }, version: number | null, details: Record<string, unknown> = {}) =>
    audit.append({
      actor: request.user.sub,
      role: request.user.role,
      action,
      resource: 'portfolio',
      resource_id: portfolio.id,
      version,
      details: { request_id: request.id, ...details },
    });

  const load = async (id: string): Promise<Portfolio> => {
    const portfolio = await mapErrors(() => store.get(id));
    if (portfolio === null) throw portfolioProblems.notFound(id);
    return portfolio;
  };

  app.get('/api/portfolios', {
    config: { role: 'viewer' },
    schema: {
      tags: ['portfolios'],
      summary: 'List portfolios (without loans; see loan_count), optionally of one fund',
      querystring: PortfolioListQuery,
      response: { 200: pageOf(PortfolioSummary), ...problemResponses(400, 401, 403, 503) },
    },
    handler: async (request) => {
      const { limit, cursor, fund_id } = request.query;
      return mapErrors(() => store.list({ limit, ...(cursor === undefined ? {} : { cursor }) }, fund_id));
    },
  });

  app.get('/api/portfolios/:id', {
    config: { role: 'viewer' },
    schema: {
      tags: ['portfolios'],
      summary: 'Get a portfolio with its loans',
      params: IdParams,
      response: { 200: Portfolio, ...problemResponses(400, 401, 403, 404, 503) },
    },
    handler: async (request, reply) => {
      const portfolio = await load(request.params.id);
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
      response: { 201: Portfolio, ...problemResponses(400, 401, 403, 404, 413, 422, 502, 503) },
    },
    handler: async (request, reply) => {
      const { fund_id } = request.body;
      const seed = request.body.seed ?? drawSeed();
      const t0 = performance.now();
      const fund = await fetchFund(messaging, fund_id, fundTimeoutMs);
      const t1 = performance.now();
      const { loans, metrics } = await mapErrors(async () => generatePortfolio(engineFund(fund), { seed }));
      const t2 = performance.now();
      const data = { fund_id, fund_version: fund.version, seed, loans: loans as Loan[], metrics };
      const key = request.headers['idempotency-key'];
      const { portfolio, created } = await mapErrors(() => store.create(data, key === undefined ? undefined : scopedIdempotencyKey(request.user, key)));
      const t3 = performance.now();
      if (!created && (portfolio.fund_id !== fund_id || (request.body.seed !== undefined && portfolio.seed !== request.body.seed))) {
        // A replay must repeat the first request; a different fund or seed under the same key is a client bug.
        const message = 'this Idempotency-Key was first used with a different fund_id or seed';
        throw unprocessable(`${message}; use a new key for a different portfolio`, [{ path: 'idempotency-key', message }], 'IDEMPOTENCY_KEY_REUSED');
      }
      if (created) {
        await record(request, 'generate', portfolio, portfolio.version, { fund_id, seed });
        await publishEvent(messaging, request.log, 'equihome.portfolio.generated', { portfolio: portfolioEventBody(portfolio), actor: request.user });
      }
      reply
        .code(201)
        .header('location', location(portfolio.id))
        .header('etag', etag(portfolio.version))
        .header('server-timing', `fund;dur=${(t1 - t0).toFixed(1)}, generate;dur=${(t2 - t1).toFixed(1)}, store;dur=${(t3 - t2).toFixed(1)}`);
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
      response: { 200: Portfolio, ...problemResponses(400, 401, 403, 404, 412, 413, 502, 503) },
    },
    handler: async (request, reply) => {
      const expected = ifMatchVersion(request.headers['if-match']);
      const current = await load(request.params.id);
      if (expected !== undefined && expected !== current.version) {
        throw portfolioProblems.versionMismatch(current.id, current.version, expected);
      }
      const fund = await fetchFund(messaging, current.fund_id, fundTimeoutMs);
      const { loans } = request.body;
      const violations = loanRuleViolations(fund, loans);
      if (violations.length > 0) {
        throw badRequest(`invalid body: ${violations.slice(0, 5).map((e) => `${e.path}: ${e.message}`).join('; ')}`, violations, 'LOAN_RULES_VIOLATED');
      }
      const metrics = await mapErrors(async () => portfolioMetrics(engineFund(fund), loans));
      const data = { fund_id: current.fund_id, fund_version: fund.version, ...(current.seed === undefined ? {} : { seed: current.seed }), loans, metrics };
      const updated = await mapErrors(() => store.update(current.id, data, current.version));
      await record(request, 'update', updated, updated.version, { loan_count: loans.length });
      await publishEvent(messaging, request.log, 'equihome.portfolio.updated', { portfolio: portfolioEventBody(updated), actor: request.user });
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
      response: { 204: z.null().describe('Deleted'), ...problemResponses(400, 401, 403, 404, 412, 503) },
    },
    handler: async (request, reply) => {
      const expected = ifMatchVersion(request.headers['if-match']);
      const current = await load(request.params.id);
      if (expected !== undefined && expected !== current.version) {
        throw portfolioProblems.versionMismatch(current.id, current.version, expected);
      }
      const deleted = await mapErrors(() => store.delete(current.id, current.version));
      if (!deleted) throw portfolioProblems.notFound(current.id);
      await record(request, 'delete', current, null, { fund_id: current.fund_id, deleted_version: current.version });
      await publishEvent(messaging, request.log, 'equihome.portfolio.deleted', { id: current.id, fund_id: current.fund_id, actor: request.user });
      return reply.code(204).send(null);
    },
  });
}
