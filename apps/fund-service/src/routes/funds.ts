import { isDeepStrictEqual } from 'node:util';
import { Fund, FundInput, FundListQuery, pageOf, type Actor } from '@equihome/domain';
import { etag, parseIfMatch, problemResponses, scopedIdempotencyKey, unprocessable, type AuthUser, type FastifyZodInstance } from '@equihome/platform';
import type { AuditEntryInput, AuditLog } from '@equihome/storage';
import { z } from 'zod';
import type { FundEvents } from '../events.js';
import type { FundStore } from '../fund-store.js';

export interface FundRoutesDeps {
  funds: FundStore;
  audit: AuditLog;
  events: FundEvents;
}

const FundParams = z.object({ id: z.string().min(1).max(100).describe('fund id (UUIDv7)') });
const IfMatchHeaders = z.object({
  'if-match': z.string().max(100).optional().describe('ETag of the version being changed, e.g. "3"; absent = the current version'),
});
const CreateHeaders = z.object({
  'idempotency-key': z.string().min(1).max(200).optional().describe('a retried create with the same key returns the first result'),
});
const FundPage = pageOf(Fund);
const NoContent = z.null().describe('deleted');

/** The version `If-Match` demands (strict RFC 9110 syntax); malformed → 400 `VALIDATION_FAILED` naming `if-match`. */
const ifMatchVersion = (header: string | undefined) => parseIfMatch(header, { code: 'VALIDATION_FAILED' });

const actorOf = (user: AuthUser): Actor => ({ sub: user.sub, role: user.role });


type FundInputOutput = z.output<typeof FundInput>;

/**
 * A replayed create must repeat the first request: the same parameters as the fund it
 * created (checked while that fund is still at version 1; once it has been updated, the
 * replay returns it as it is now). A different body under the same key is a client bug → 422.
 */
function assertSameCreate(fund: Fund, body: FundInputOutput): void {
  if (fund.version !== 1) return;
  const { id: _id, version: _version, created_at: _created, updated_at: _updated, ...stored } = fund;
  if (!isDeepStrictEqual(JSON.parse(JSON.stringify(stored)), JSON.parse(JSON.stringify(body)))) {
    const message = 'this Idempotency-Key was first used with a different body';
    throw unprocessable(`${message}; use a new key for a different fund`, [{ path: 'idempotency-key', message }], 'IDEMPOTENCY_KEY_REUSED');
  }
}

/**
 * `/api/funds`: list (viewer), read (viewer), create and replace (analyst), delete (admin).
 * Bodies are the domain `FundInput` (defaults filled on parse); replies the domain `Fund`.
 */
export function fundRoutes(app: FastifyZodInstance, { funds, audit, events }: FundRoutesDeps): void {
  /** Appends to the audit log; the write has committed, so a failure is logged, not answered. */
  async function recordAudit(log: FastifyZodInstance['log'], entry: AuditEntryInput): Promise<void> {
    try {
      await audit.append(entry);
    } catch (err) {
      log.error({ err, audit: entry }, 'audit log append failed');
    }
  }

  app.get(
    '/api/funds',
    {
      config: { role: 'viewer' },
      schema: {
        tags: ['funds'],
        summary: 'List funds (cursor paging; filters type, vintage_year, q = case-insensitive name substring)',
        querystring: FundListQuery,
        response: { 200: FundPage, ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => funds.list(request.query),
  );

  app.get(
    '/api/funds/:id',
    {
      config: { role: 'viewer' },
      schema: {
        tags: ['funds'],
        summary: 'Read one fund',
        params: FundParams,
        response: { 200: Fund, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const fund = await funds.get(request.params.id);
      return reply.header('etag', etag(fund.version)).send(fund);
    },
  );

  app.post(
    '/api/funds',
    {
      config: { role: 'analyst' },
      schema: {
        tags: ['funds'],
        summary: 'Create a fund (model parameters default as documented); Idempotency-Key makes retries safe',
        headers: CreateHeaders,
        body: FundInput,
        response: { 201: Fund, ...problemResponses(400, 401, 403, 413, 422) },
      },
    },
    async (request, reply) => {
      const key = request.headers['idempotency-key'];
      const { fund, created } = await funds.create(request.body, key === undefined ? {} : { idempotencyKey: scopedIdempotencyKey(request.user, key) });
      if (created) {
        await recordAudit(request.log, auditEntry(request.user, 'create', fund.id, fund.version, request.id));
        await events.created(fund, actorOf(request.user));
      } else {
        assertSameCreate(fund, request.body);
        reply.header('idempotent-replayed', 'true');
      }
      return reply.code(201).header('location', `/api/funds/${fund.id}`).header('etag', etag(fund.version)).send(fund);
    },
  );

  app.put(
    '/api/funds/:id',
    {
      config: { role: 'analyst' },
      schema: {
        tags: ['funds'],
        summary: 'Replace a fund’s parameters; If-Match guards against lost updates',
        params: FundParams,
        headers: IfMatchHeaders,
        body: FundInput,
        response: { 200: Fund, ...problemResponses(400, 401, 403, 404, 409, 412, 413) },
      },
    },
    async (request, reply) => {
      const expectedVersion = ifMatchVersion(request.headers['if-match']);
      const fund = await funds.update(request.params.id, request.body, expectedVersion);
      await recordAudit(request.log, auditEntry(request.user, 'update', fund.id, fund.version, request.id));
      await events.updated(fund, actorOf(request.user));
      return reply.header('etag', etag(fund.version)).send(fund);
    },
  );

  app.delete(
    '/api/funds/:id',
    {
      config: { role: 'admin' },
      schema: {
        tags: ['funds'],
        summary: 'Delete a fund; If-Match guards against deleting a version you have not seen',
        params: FundParams,
        headers: IfMatchHeaders,
        response: { 204: NoContent, ...problemResponses(400, 401, 403, 404, 412) },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const expectedVersion = ifMatchVersion(request.headers['if-match']);
      await funds.delete(id, expectedVersion);
      await recordAudit(request.log, auditEntry(request.user, 'delete', id, null, request.id));
      await events.deleted(id, actorOf(request.user));
      return reply.code(204).send(null);
    },
  );
}

function auditEntry(user: AuthUser, action: 'create' | 'update' | 'delete', id: string, version: number | null, requestId: string): AuditEntryInput {
  return { actor: user.sub, role: user.role, action, resource: 'fund', resource_id: id, version, details: { request_id: requestId } };
}
