import { isDeepStrictEqual } from 'node:util';
import { Fund, FundInput, FundListQuery, IdParams, pageOf, type FundParameters } from '@equihome/domain';
import { commitChange, type ChangeContext, type ChangeTransaction } from '@equihome/outbox';
import { etag, parseIfMatch, PlatformProblems, problemResponses, scopedIdempotencyKey, type FastifyZodInstance } from '@equihome/platform';
import { z } from 'zod';
import { FundNotFound, IdempotencyKeyReused, fundProblems } from '../errors.js';
import { recordFundChange } from '../events.js';
import { createFundStore, type FundStore } from '../fund-store.js';

export interface FundRoutesDeps {
  /** Reads outside any transaction. */
  funds: FundStore;
  /** Full collection name, for the stores bound to a change's transaction. */
  fundsCollection: string;
  /** Store + envelopes + relay of `commitChange`. */
  changes: ChangeContext;
}

const IfMatchHeaders = z.looseObject({
  'if-match': z.string().max(100).optional().describe('ETag of the version being changed, e.g. "3"; absent or * = the current version'),
});
const CreateHeaders = z.looseObject({
  'idempotency-key': z.string().min(1).max(200).optional().describe('a retried create with the same key returns the first result'),
});
const FundPage = pageOf(Fund);
const NoContent = z.null().describe('deleted');
const { VersionMismatch } = PlatformProblems;

/** Attempts of a change without If-Match when concurrent writers keep bumping the version. */
const UNCONDITIONAL_ATTEMPTS = 5;

/**
 * A replayed create must repeat the first request: the same parameters as the fund it
 * created (checked while that fund is still at version 1; once it has been updated, the
 * replay returns it as it is now). A different body under the same key is a client bug → 422.
 */
function assertSameCreate(fund: Fund, body: FundParameters): void {
  if (fund.version !== 1) return;
  const { id: _id, version: _version, created_at: _created, updated_at: _updated, ...stored } = fund;
  if (!isDeepStrictEqual(JSON.parse(JSON.stringify(stored)), JSON.parse(JSON.stringify(body)))) {
    const message = 'this Idempotency-Key was first used with a different body';
    throw IdempotencyKeyReused.create(`${message}; use a new key for a different fund`, { errors: [{ path: 'idempotency-key', message }] });
  }
}

/**
 * `/api/funds`: list (viewer), read (viewer), create and replace (analyst), delete (admin).
 * Bodies are the domain `FundInput` (strict: an unknown field is a 400 naming it; defaults
 * filled on parse); replies the domain `Fund`. Every write is one transaction: the fund, its
 * audit entry and its event (outbox) commit together.
 */
export function fundRoutes(app: FastifyZodInstance, { funds, fundsCollection, changes }: FundRoutesDeps): void {
  /** Runs `work` on the funds store bound to one change's transaction. */
  const change = <R>(work: (store: FundStore, tx: ChangeTransaction) => Promise<R>) =>
    commitChange(changes, (tx) => work(createFundStore(tx.collection<FundParameters>(fundsCollection)), tx));

  /** A change of the version If-Match names; without If-Match, of the current version, retried when a concurrent writer wins. */
  async function changeVersion<R>(id: string, expected: number | undefined, work: (store: FundStore, current: Fund, tx: ChangeTransaction) => Promise<R>): Promise<R> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await change(async (store, tx) => {
          const current = await store.get(id);
          if (expected !== undefined && expected !== current.version) throw fundProblems.versionMismatch(id, current.version, expected);
          return work(store, current, tx);
        });
      } catch (err) {
        if (!(expected === undefined && VersionMismatch.is(err) && attempt < UNCONDITIONAL_ATTEMPTS)) throw err;
      }
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
        response: { 200: FundPage, ...problemResponses(400, 401, 403, 429, fundProblems.definitions.unavailable) },
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
        params: IdParams,
        response: { 200: Fund, ...problemResponses(400, 401, 403, FundNotFound, 429, fundProblems.definitions.unavailable) },
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
        response: { 201: Fund, ...problemResponses(400, 401, 403, 413, 415, IdempotencyKeyReused, 429, fundProblems.definitions.unavailable) },
      },
    },
    async (request, reply) => {
      const key = request.headers['idempotency-key'];
      const idempotencyKey = key === undefined ? undefined : scopedIdempotencyKey(request.user, key);
      const { fund, created } = await change(async (store, tx) => {
        const result = await store.create(request.body, idempotencyKey);
        if (result.created) await recordFundChange(tx, 'create', result.fund, request.user, request.id);
        return result;
      });
      if (!created) {
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
        params: IdParams,
        headers: IfMatchHeaders,
        body: FundInput,
        response: { 200: Fund, ...problemResponses(400, 401, 403, FundNotFound, VersionMismatch, 413, 415, 429, fundProblems.definitions.unavailable) },
      },
    },
    async (request, reply) => {
      const expected = parseIfMatch(request.headers['if-match']);
      const fund = await changeVersion(request.params.id, expected, async (store, current, tx) => {
        const updated = await store.update(current.id, request.body, current.version);
        await recordFundChange(tx, 'update', updated, request.user, request.id);
        return updated;
      });
      return reply.header('etag', etag(fund.version)).send(fund);
    },
  );

  app.delete(
    '/api/funds/:id',
    {
      config: { role: 'admin' },
      schema: {
        tags: ['funds'],
        summary: 'Delete a fund (and, through its event, its portfolios); If-Match guards against deleting a version you have not seen',
        params: IdParams,
        headers: IfMatchHeaders,
        response: { 204: NoContent, ...problemResponses(400, 401, 403, FundNotFound, VersionMismatch, 429, fundProblems.definitions.unavailable) },
      },
    },
    async (request, reply) => {
      const expected = parseIfMatch(request.headers['if-match']);
      await changeVersion(request.params.id, expected, async (store, current, tx) => {
        await store.delete(current.id, current.version);
        await recordFundChange(tx, 'delete', current, request.user, request.id);
      });
      return reply.code(204).send(null);
    },
  );
}

