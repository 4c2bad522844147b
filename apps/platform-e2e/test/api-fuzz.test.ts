/**
 * Property-based fuzz of every route of fund-service and portfolio-service, run as real
 * processes on the real PostgreSQL and NATS and driven over real HTTP: ~1,300 generated
 * requests — valid bodies mutated at random paths, wrong types, unknown keys, U+0000 inside
 * strings, non-JSON bodies and content types, malformed and absent ids, random query
 * strings, broken and missing credentials and If-Match / Idempotency-Key headers.
 *
 * Properties:
 * 1. no request gets a 5xx (nor a broken connection);
 * 2. every 4xx is `application/problem+json` whose `status` is the HTTP status, with a
 *    `type` URI, a `title` and a `code`;
 * 3. what is stored is exactly what the accepted (2xx) requests wrote: every fund and
 *    portfolio the model holds reads back equal to the last accepted reply, and the
 *    database holds no other document of the test's collections (nothing half-written).
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectionPrefix, consumerName, randomPrefix, signTestToken, streamName, subjectPrefix, waitFor } from '@equihome/testing';
import { sendRaw, type RawRequest, type RawResponse } from '../src/http-client.js';
import { startServiceProcess, type ServiceProcess } from '../src/service-process.js';

const DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/equihome_test';
const RUNS = 1_300;

const prefix = randomPrefix('fuzz');
const collections = collectionPrefix(prefix);
const env: Record<string, string> = {
  NODE_ENV: 'test',
  LOG_LEVEL: 'silent',
  RATE_LIMIT_MAX: '1000000',
  DATABASE_URL,
  DOCUMENT_COLLECTION_PREFIX: collections,
  NATS_SUBJECT_PREFIX: subjectPrefix(prefix),
  NATS_STREAM: streamName(prefix),
  FUND_EVENTS_DURABLE: consumerName(prefix, 'fund-deleted'),
};

let fundService: ServiceProcess;
let portfolioService: ServiceProcess;
let pool: pg.Pool;
const auth: Record<string, string> = {};

/** What the accepted requests wrote: id → the last 2xx reply body. */
const funds = new Map<string, Record<string, unknown>>();
const portfolios = new Map<string, Record<string, unknown>>();
const deletedFunds = new Set<string>();
const seenStatuses = new Map<string, number>();
let sent = 0;

beforeAll(async () => {
  pool = new pg.Pool({ connectionString: DATABASE_URL, max: 2 });
  fundService = await startServiceProcess({ name: 'fund-service', env });
  portfolioService = await startServiceProcess({ name: 'portfolio-service', env });
  for (const role of ['viewer', 'analyst', 'admin'] as const) auth[role] = `Bearer ${await signTestToken(role, { prefix })}`;
  auth.otherSecret = `Bearer ${await signTestToken('admin', { prefix, secret: 'another-secret-that-is-at-least-32-characters-long' })}`;
  auth.expired = `Bearer ${await signTestToken('admin', { prefix, expiresIn: -60 })}`;
}, 120_000);

afterAll(async () => {
  await Promise.all([fundService?.stop(), portfolioService?.stop()]);
  await pool?.query('delete from documents where collection like $1', [`${collections}%`]);
  await pool?.query("delete from audit_log where actor like $1", [`${prefix}%`]).catch(() => undefined);
  await pool?.end();
});

// ---------------------------------------------------------------- generators

const validFund = fc.record({
  name: fc.string({ minLength: 1, maxLength: 40 }).filter((s) => s.trim().length > 0 && !s.includes('\u0000')),
  size: fc.integer({ min: 20_000_000, max: 300_000_000 }),
  vintage_year: fc.integer({ min: 2000, max: 2040 }),
});

/** Any JSON value, small. */
const junk = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom('\u0000', 'a\u0000b', '', ' ', '2025-02-30', 'NaN', '1e309', '-0', '💥', '%00', '../../etc/passwd', 'x'.repeat(5000)),
  fc.constantFrom(-1, 0, 1e308, -1e308, 2 ** 53, 0.5, 1e-12, Number.MAX_SAFE_INTEGER),
);

/** Dotted paths into a fund body where a mutation lands (existing fields and unknown ones). */
const fundPaths = fc.constantFrom(
  'name', 'size', 'term', 'type', 'vintage_year', 'time_horizon', 'capital_calls', 'capital_calls.0', 'capital_calls.0.date', 'capital_calls.0.amount',
  'fee_structure', 'fee_structure.hurdle_rate', 'fee_structure.hurdle', 'fee_structure.catch_up_rate', 'fee_structure.fee_step_down', 'fee_structure.fee_step_down.rate',
  'loan_parameters', 'loan_parameters.zone_allocations', 'loan_parameters.zone_allocations.green', 'loan_parameters.average_ltv', 'loan_parameters.max_ltv',
  'loan_parameters.min_loan_size', 'loan_parameters.colour', 'zone_parameters.red', 'zone_parameters.red.volatility', 'zone_correlations.green_red',
  'operations.deployment_ratio', 'operations.distribution_frequency', 'scenario', 'scenario.name', 'scenario.shocks', 'scenario.shocks.0.to_month', 'unknown_field', '__proto__',
);

function setPath(target: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const copy = structuredClone(target);
  const keys = path.split('.');
  let node: Record<string, unknown> = copy;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    if (next === null || typeof next !== 'object') node[key] = /^\d+$/.test(keys[keys.indexOf(key) + 1] ?? '') ? [] : {};
    node = node[key] as Record<string, unknown>;
  }
  const last = keys[keys.length - 1];
  if (last === '__proto__') Object.defineProperty(node, last, { value, enumerable: true, configurable: true, writable: true });
  else node[last] = value;
  return copy;
}

/** A fund body: valid, a valid one mutated at a random path, or no object at all. */
const fundBody = fc.oneof(
  { weight: 3, arbitrary: validFund },
  { weight: 6, arbitrary: fc.tuple(validFund, fundPaths, junk).map(([body, path, value]) => setPath(body, path, value)) },
  { weight: 1, arbitrary: fc.tuple(validFund, fundPaths).map(([body, path]) => setPath(body, path, undefined)) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(null, [], 42, 'fund', true, { name: null }) },
  { weight: 1, arbitrary: fc.constantFrom('{"name": "x", "size": ', '{bad json}', '\u0000', 'name=x&size=1', '[1,2,') },
);

const loanBody = fc.record({
  id: fc.oneof(fc.constantFrom('l-1', 'l-2'), fc.string({ maxLength: 10 })),
  loan_amount: fc.oneof(fc.constant(250_000), junk),
  property_value: fc.oneof(fc.constant(400_000), junk),
  ltv: fc.oneof(fc.constant(0.625), junk),
  zone: fc.oneof(fc.constantFrom('green', 'orange', 'red'), junk),
  appreciation_rate: fc.oneof(fc.constant(0.03), junk),
  origination_year: fc.oneof(fc.constant(0.5), junk),
  exit_year: fc.oneof(fc.constant(6), junk),
  will_be_reinvested: fc.oneof(fc.boolean(), junk),
}, { requiredKeys: [] });

/** An id slot: an existing document, a well-formed unknown UUID, or garbage (percent-encoded or raw). */
type IdChoice = { kind: 'fund' | 'portfolio'; pick: number } | { kind: 'uuid' } | { kind: 'raw'; value: string };
const idChoice: fc.Arbitrary<IdChoice> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constantFrom<'fund' | 'portfolio'>('fund', 'portfolio'), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.constant<IdChoice>({ kind: 'uuid' }) },
  {
    weight: 3,
    arbitrary: fc.oneof(
      fc.constantFrom('%00', '%', '%zz', '..', '%2e%2e', '%2F', 'null', '0', '-1', 'a'.repeat(101), 'a'.repeat(3000), '0190a3c0-7b1e-7cc4-8a51-1c2b3d4e5f6', '%E2%82', '%C0%80'),
      fc.string({ unit: 'binary', maxLength: 30 }).map((s) => encodeURIComponent(s)),
    ).map((value): IdChoice => ({ kind: 'raw', value })),
  },
);

const queryString = fc.oneof(
  fc.constant(''),
  fc
    .dictionary(
      fc.oneof(fc.constantFrom('limit', 'cursor', 'type', 'vintage_year', 'q', 'fund_id'), fc.string({ maxLength: 8 })),
      fc.oneof(fc.constantFrom('5', '0', '-1', '201', '1.5', 'abc', '', '%00', 'eyJhZnRlciI6IngifQ', '2026', 'home_equity'), fc.string({ maxLength: 12 })),
      { maxKeys: 3 },
    )
    .map((d) => `?${Object.entries(d).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')}`),
  fc.constantFrom('?limit=5&limit=6', '?%00=1', '?q=%00', '?cursor=%', '?a[b]=1', '?limit'),
);

const authChoice = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom('viewer', 'analyst', 'admin', 'admin', 'analyst') },
  { weight: 2, arbitrary: fc.constantFrom('none', 'otherSecret', 'expired', 'garbage', 'basic', 'bearer-empty') },
);

const ifMatch = fc.oneof(
  { weight: 6, arbitrary: fc.constant<string | undefined>(undefined) },
  { weight: 2, arbitrary: fc.constantFrom('"1"', '"2"', 'W/"1"', '*', '1', '"0"', '"999"') },
  { weight: 2, arbitrary: fc.oneof(fc.constantFrom('"', '""', '"a"', '"1", "2"', 'W/', '"-1"', '"1e3"', '" 1"'), fc.string({ maxLength: 10 }).filter((s) => /^[\x20-\x7e]*$/.test(s))) },
);

const contentType = fc.oneof(
  { weight: 8, arbitrary: fc.constant('application/json') },
  { weight: 2, arbitrary: fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=utf-16', 'application/xml', 'multipart/form-data; boundary=x', '') },
);

const ROUTES = [
  'GET /api/funds', 'GET /api/funds/:id', 'POST /api/funds', 'PUT /api/funds/:id', 'DELETE /api/funds/:id',
  'GET /api/portfolios', 'GET /api/portfolios/:id', 'POST /api/portfolios/generate', 'PUT /api/portfolios/:id', 'DELETE /api/portfolios/:id',
] as const;
type Route = (typeof ROUTES)[number];

const action = fc.record({
  route: fc.constantFrom(...ROUTES),
  id: idChoice,
  fundBody,
  generateBody: fc.oneof(
    { weight: 3, arbitrary: fc.record({ fund_id: fc.record({ kind: fc.constant<'fund'>('fund'), pick: fc.nat() }), seed: fc.nat({ max: 2 ** 32 - 1 }) }) },
    fc.record({ fund_id: idChoice, seed: fc.oneof(fc.constant(undefined), fc.nat({ max: 2 ** 32 - 1 }), junk) }, { requiredKeys: ['fund_id'] }),
    fc.record({ fund_id: idChoice, extra: junk }),
    junk,
  ),
  loans: fc.oneof(
    { weight: 2, arbitrary: fc.record({ keep: fc.integer({ min: 1, max: 5 }) }) },
    fc.array(loanBody, { maxLength: 3 }),
    junk,
  ),
  query: queryString,
  auth: authChoice,
  ifMatch,
  idempotencyKey: fc.oneof(fc.constant<string | undefined>(undefined), fc.constantFrom('k1', 'k2', 'x'.repeat(201), ' ')),
  contentType,
});
type Action = typeof action extends fc.Arbitrary<infer T> ? T : never;

// ---------------------------------------------------------------- execution

function resolveId(choice: IdChoice, preferred: 'fund' | 'portfolio'): string {
  if (choice.kind === 'uuid') return randomUUID();
  if (choice.kind === 'raw') return choice.value;
  const pool = [...(choice.kind === 'fund' || preferred === 'fund' ? funds.keys() : portfolios.keys())];
  if (pool.length === 0) return randomUUID();
  return pool[choice.pick % pool.length];
}

function headersFor(a: Action, withBody: boolean): Record<string, string> {
  const h: Record<string, string> = {};
  const credentials: Record<string, string | undefined> = { ...auth, none: undefined, garbage: 'Bearer not.a.jwt', basic: 'Basic YWRtaW46YWRtaW4=', 'bearer-empty': 'Bearer ' };
  const value = credentials[a.auth];
  if (value !== undefined) h.authorization = value;
  if (a.ifMatch !== undefined) h['if-match'] = a.ifMatch;
  if (a.idempotencyKey !== undefined) h['idempotency-key'] = a.idempotencyKey;
  if (withBody && a.contentType !== '') h['content-type'] = a.contentType;
  return h;
}

function toRequest(a: Action): { service: ServiceProcess; req: RawRequest } {
  const [method, template] = a.route.split(' ') as [string, string];
  const isPortfolio = template.startsWith('/api/portfolios');
  const id = resolveId(a.id, isPortfolio ? 'portfolio' : 'fund');
  const path = template.replace(':id', id) + (method === 'GET' && !template.includes(':id') ? a.query : '');
  let body: unknown;
  if (a.route === 'POST /api/funds' || a.route === 'PUT /api/funds/:id') body = a.fundBody;
  if (a.route === 'POST /api/portfolios/generate') {
    const g = a.generateBody;
    body = g !== null && typeof g === 'object' && 'fund_id' in g ? { ...g, fund_id: resolveId(g.fund_id as IdChoice, 'fund') } : g;
  }
  if (a.route === 'PUT /api/portfolios/:id') {
    const keep = a.loans !== null && typeof a.loans === 'object' && 'keep' in a.loans ? Number(a.loans.keep) : undefined;
    // `keep`: the first loans of the stored portfolio itself (valid against its fund), else generated/junk loans.
    const stored = keep !== undefined ? (portfolios.get(id)?.loans as unknown[] | undefined) : undefined;
    body = keep !== undefined ? { loans: (stored ?? []).slice(0, keep) } : { loans: a.loans };
  }
  return { service: isPortfolio ? portfolioService : fundService, req: { method, path, headers: headersFor(a, body !== undefined), body } };
}

function record(a: Action, res: RawResponse, path: string): void {
  const body = res.json as Record<string, unknown> | undefined;
  if (res.status === 201 && a.route === 'POST /api/funds') funds.set(String(body!.id), body!);
  if (res.status === 200 && a.route === 'PUT /api/funds/:id') funds.set(String(body!.id), body!);
  if (res.status === 204 && a.route === 'DELETE /api/funds/:id') {
    const id = path.split('/').pop()!; // only a well-formed UUID (no escapes) can be deleted
    funds.delete(id);
    deletedFunds.add(id);
  }
  if (res.status === 201 && a.route === 'POST /api/portfolios/generate') portfolios.set(String(body!.id), body!);
  if (res.status === 200 && a.route === 'PUT /api/portfolios/:id') portfolios.set(String(body!.id), body!);
  if (res.status === 204 && a.route === 'DELETE /api/portfolios/:id') portfolios.delete(path.split('/').pop()!);
}

function assertWellFormed(res: RawResponse, label: string): void {
  if (res.status >= 500) throw new Error(`${label} → ${res.status} ${res.text.slice(0, 500)}`);
  if (res.status >= 400) {
    const type = String(res.headers['content-type'] ?? '');
    if (!type.startsWith('application/problem+json')) throw new Error(`${label} → ${res.status} with content-type ${type}: ${res.text.slice(0, 200)}`);
    const p = res.json as Record<string, unknown> | undefined;
    if (!p || p.status !== res.status || typeof p.type !== 'string' || !p.type.startsWith('urn:equihome:problem:') || typeof p.title !== 'string' || typeof p.code !== 'string') {
      throw new Error(`${label} → ${res.status}: not a problem document: ${res.text.slice(0, 300)}`);
    }
  }
}

describe('fuzzing every route of fund-service and portfolio-service over HTTP', () => {
  it(`answers ${RUNS} malformed and valid requests without a 5xx, with problem+json for every 4xx, storing exactly what was accepted`, async () => {
    // A few valid funds and portfolios first, so that id slots often hit real documents.
    for (let i = 0; i < 3; i++) {
      const res = await sendRaw(fundService.url, { method: 'POST', path: '/api/funds', headers: { authorization: auth.analyst, 'content-type': 'application/json' }, body: { name: `Seed ${i}`, size: 50_000_000, vintage_year: 2026 } });
      expect(res.status).toBe(201);
      const fund = res.json as { id: string };
      funds.set(fund.id, res.json as Record<string, unknown>);
      const gen = await sendRaw(portfolioService.url, { method: 'POST', path: '/api/portfolios/generate', headers: { authorization: auth.analyst, 'content-type': 'application/json' }, body: { fund_id: fund.id, seed: i } });
      expect(gen.status).toBe(201);
      portfolios.set(String((gen.json as { id: string }).id), gen.json as Record<string, unknown>);
    }

    await fc.assert(
      fc.asyncProperty(action, async (a) => {
        const { service, req } = toRequest(a);
        const label = `${req.method} ${service.name}${req.path.slice(0, 120)} (${a.auth}, if-match ${a.ifMatch ?? '-'}, ${a.contentType || 'no content-type'})`;
        const res = await sendRaw(service.url, req);
        sent++;
        seenStatuses.set(`${a.route} ${res.status}`, (seenStatuses.get(`${a.route} ${res.status}`) ?? 0) + 1);
        assertWellFormed(res, label);
        record(a, res, req.path);
      }),
      // The servers' state carries over from run to run, so a failure is reported as found (no shrinking).
      { numRuns: RUNS, endOnFailure: true },
    );

    expect(sent).toBe(RUNS);
    // The run exercised every route and had both accepted writes and rejections.
    for (const route of ROUTES) expect([...seenStatuses.keys()].some((k) => k.startsWith(`${route} `)), route).toBe(true);
    const accepted = (route: Route, status: number) => seenStatuses.get(`${route} ${status}`) ?? 0;
    expect(accepted('POST /api/funds', 201)).toBeGreaterThan(8);
    expect(accepted('POST /api/funds', 400)).toBeGreaterThan(20);
    expect(accepted('PUT /api/funds/:id', 200) + accepted('POST /api/portfolios/generate', 201)).toBeGreaterThan(5);

    // Stored = accepted: each model document reads back as last written, and nothing else is stored.
    for (const [id, fund] of funds) {
      const res = await sendRaw(fundService.url, { method: 'GET', path: `/api/funds/${id}`, headers: { authorization: auth.viewer } });
      expect(res.status, id).toBe(200);
      expect(res.json).toEqual(fund);
    }
    const stored = async (collection: string) => (await pool.query<{ id: string }>('select id from documents where collection = $1 order by id', [collection])).rows.map((r) => r.id);
    expect(await stored(`${collections}funds`)).toEqual([...funds.keys()].sort());

    // Portfolios of deleted funds are removed by the fund.deleted cascade (asynchronously).
    const expected = [...portfolios].filter(([, p]) => !deletedFunds.has(String(p.fund_id)));
    await waitFor(async () => JSON.stringify(await stored(`${collections}portfolios`)) === JSON.stringify(expected.map(([id]) => id).sort()), {
      timeoutMs: 20_000,
      message: 'stored portfolios never matched the accepted writes',
    });
    for (const [id, portfolio] of expected) {
      const res = await sendRaw(portfolioService.url, { method: 'GET', path: `/api/portfolios/${id}`, headers: { authorization: auth.viewer } });
      expect(res.status, id).toBe(200);
      expect(res.json).toEqual(portfolio);
    }
    console.info(`fuzz: ${sent} requests, 0 × 5xx; statuses ${JSON.stringify(Object.fromEntries([...seenStatuses].sort()))}`);
  });
});
