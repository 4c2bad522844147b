import { Portfolio, PROBLEM_CONTENT_TYPE, type Loan } from '@equihome/domain';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { uuidv7 } from '@equihome/messaging';
import { badRequest } from '@equihome/platform';
import { createHarness, smallFundInput, type Harness } from './service-harness.js';

let h: Harness;
let viewer: string;
let analyst: string;
let admin: string;

beforeAll(async () => {
  h = await createHarness();
  [viewer, analyst, admin] = await Promise.all([h.token('viewer'), h.token('analyst'), h.token('admin')]);
});
afterAll(async () => {
  await h?.close();
});

const auth = (token: string) => ({ authorization: `Bearer ${token}` });

async function generate(fundId: string, seed?: number, headers: Record<string, string> = {}) {
  return h.app.app.inject({
    method: 'POST',
    url: '/api/portfolios/generate',
    headers: { ...auth(analyst), ...headers },
    payload: seed === undefined ? { fund_id: fundId } : { fund_id: fundId, seed },
  });
}

async function generated(fundId: string, seed = 7): Promise<Portfolio> {
  const res = await generate(fundId, seed);
  expect(res.statusCode).toBe(201);
  return Portfolio.parse(res.json());
}

function put(id: string, loans: unknown[], token = analyst, ifMatch?: string) {
  return h.app.app.inject({
    method: 'PUT',
    url: `/api/portfolios/${id}`,
    headers: { ...auth(token), ...(ifMatch === undefined ? {} : { 'if-match': ifMatch }) },
    payload: { loans },
  });
}

function expectProblem(res: { statusCode: number; headers: Record<string, unknown>; json: () => unknown }, status: number) {
  expect(res.statusCode).toBe(status);
  expect(String(res.headers['content-type'])).toContain(PROBLEM_CONTENT_TYPE);
  const body = res.json() as { status: number; detail?: string; errors?: { path: string; message: string }[]; code?: string };
  expect(body.status).toBe(status);
  return body;
}

describe('POST /api/portfolios/generate', () => {
  it('generates from the fund fetched over NATS and replies 201 with Location, ETag, the seed and metrics', async () => {
    const fund = h.addFund(smallFundInput());
    const res = await generate(fund.id, 42);
    expect(res.statusCode).toBe(201);
    const p = Portfolio.parse(res.json());
    expect(res.headers.location).toBe(`/api/portfolios/${p.id}`);
    expect(res.headers.etag).toBe('"1"');
    expect(p).toMatchObject({ fund_id: fund.id, fund_version: 1, seed: 42, version: 1 });
    // 20 M × 0.85 deployable with advances clipped to [100 k, 500 k]: between 34 and 170 loans.
    expect(p.loans.length).toBeGreaterThanOrEqual(34);
    expect(p.loans.length).toBeLessThanOrEqual(170);
    const total = p.loans.reduce((s, l) => s + l.loan_amount, 0);
    expect(p.metrics.total_loan_amount).toBeCloseTo(total, 4);
    expect(total).toBeLessThanOrEqual(20_000_000 * 0.85 + 1e-6);
    const event = await h.lastEvent('equihome.portfolio.generated');
    expect(event?.data).toMatchObject({ portfolio: { id: p.id, fund_id: fund.id, loan_count: p.loans.length }, actor: { sub: `${h.prefix}-analyst`, role: 'analyst' } });
    const audit = await h.audit.list({ resource: 'portfolio', resource_id: p.id, limit: 10 });
    expect(audit.map((a) => [a.action, a.actor, a.role, a.version])).toEqual([['generate', `${h.prefix}-analyst`, 'analyst', 1]]);
  });

  it('is reproducible: the same fund and seed give the same loans', async () => {
    const fund = h.addFund(smallFundInput());
    const a = await generated(fund.id, 123);
    const b = await generated(fund.id, 123);
    expect(b.id).not.toBe(a.id);
    expect(b.loans).toEqual(a.loans);
  });

  it('draws a uint32 seed when none is given and returns it', async () => {
    const fund = h.addFund(smallFundInput());
    const res = await generate(fund.id);
    expect(res.statusCode).toBe(201);
    const p = Portfolio.parse(res.json());
    expect(Number.isInteger(p.seed)).toBe(true);
    expect(p.seed).toBeGreaterThanOrEqual(0);
    expect(p.seed).toBeLessThanOrEqual(0xffffffff);
  });

  it('honours Idempotency-Key: a retried generate returns the first result (same status and body) and creates once', async () => {
    const fund = h.addFund(smallFundInput());
    const key = `key-${fund.id}`;
    const first = await generate(fund.id, undefined, { 'idempotency-key': key });
    const second = await generate(fund.id, undefined, { 'idempotency-key': key });
    expect(first.statusCode).toBe(201);
    expect(second.statusCode).toBe(201);
    expect(second.json()).toEqual(first.json());
    expect(second.headers.location).toBe(first.headers.location);
    const list = await h.app.app.inject({ method: 'GET', url: `/api/portfolios?fund_id=${fund.id}`, headers: auth(viewer) });
    expect(list.json().items).toHaveLength(1);
  });

  it('answers 422 IDEMPOTENCY_KEY_REUSED when a retried generate names another seed, storing nothing new', async () => {
    const fund = h.addFund(smallFundInput());
    const key = `reuse-${fund.id}`;
    const first = await generate(fund.id, 11, { 'idempotency-key': key });
    expect(first.statusCode).toBe(201);
    const other = await generate(fund.id, 12, { 'idempotency-key': key });
    expect(other.statusCode).toBe(422);
    expect(other.json()).toMatchObject({ status: 422, code: 'IDEMPOTENCY_KEY_REUSED', errors: [{ path: 'idempotency-key' }] });
    const list = await h.app.app.inject({ method: 'GET', url: `/api/portfolios?fund_id=${fund.id}`, headers: auth(viewer) });
    expect(list.json().items).toHaveLength(1);
    expect(list.json().items[0].seed).toBe(11);
  });

  it('answers 400 with field paths for a bad body', async () => {
    const res = await h.app.app.inject({ method: 'POST', url: '/api/portfolios/generate', headers: auth(analyst), payload: { fund_id: 5, seed: -1 } });
    const body = expectProblem(res, 400);
    expect(body.errors?.map((e) => e.path).sort()).toEqual(['fund_id', 'seed']);
  });

  it('answers 413 for a 10 MB body', async () => {
    const res = await h.app.app.inject({
      method: 'POST',
      url: '/api/portfolios/generate',
      headers: { ...auth(analyst), 'content-type': 'application/json' },
      payload: JSON.stringify({ fund_id: 'x', padding: 'a'.repeat(10 * 1024 * 1024) }),
    });
    expectProblem(res, 413);
  });

  it('answers 401 without a token and 403 for a viewer', async () => {
    const fund = h.addFund(smallFundInput());
    const anonymous = await h.app.app.inject({ method: 'POST', url: '/api/portfolios/generate', payload: { fund_id: fund.id } });
    expectProblem(anonymous, 401);
    expect(anonymous.headers['www-authenticate']).toContain('Bearer');
    const res = await h.app.app.inject({ method: 'POST', url: '/api/portfolios/generate', headers: auth(viewer), payload: { fund_id: fund.id } });
    expectProblem(res, 403);
  });

  it('answers 404 problem+json when fund-service does not know the fund', async () => {
    const body = expectProblem(await generate('01990000-0000-7000-8000-000000000000', 1), 404);
    expect(body.code).toBe('FUND_NOT_FOUND');
    expect(body.errors).toEqual([{ path: 'fund_id', message: 'no fund has this id' }]);
  });

  it("answers fund-service's 4xx as the caller's 400 naming fund_id, and its 5xx as 502", async () => {
    const fund = h.addFund(smallFundInput());
    try {
      h.fundError = badRequest('id: must be a UUID', [{ path: 'id', message: 'must be a UUID' }]);
      const client = expectProblem(await generate(fund.id, 1), 400);
      expect(client).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ path: 'fund_id' }] });
      h.fundError = new Error('database on fire');
      const server = expectProblem(await generate(fund.id, 1), 502);
      expect(server.code).toBe('FUND_SERVICE_ERROR');
    } finally {
      h.fundError = undefined;
    }
  });

  it('answers 400 naming fund_id (not 502) for a malformed fund id, enqueuing nothing with fund-service', async () => {
    const res = await h.app.app.inject({ method: 'POST', url: '/api/portfolios/generate', headers: auth(analyst), payload: { fund_id: 'not-a-uuid' } });
    const body = expectProblem(res, 400);
    expect(body.errors).toEqual([expect.objectContaining({ path: 'fund_id' })]);
  });

  it('answers 503 with Retry-After at once (NATS "no responders", not the 3 s timeout) when no fund-service responds', async () => {
    const fund = h.addFund(smallFundInput());
    await h.stopFundService();
    try {
      const res = await generate(fund.id, 1);
      const body = expectProblem(res, 503);
      expect(body.code).toBe('FUND_SERVICE_UNAVAILABLE');
      // The fast path: the no-responders status, not the timeout path ("did not answer within …").
      expect(body.detail).toBe('fund-service is not available (no responders)');
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    } finally {
      h.startFundService();
      await h.client.nc.flush();
    }
  });

  it('answers 503 with Retry-After when fund-service does not answer within the 3 s timeout', async () => {
    const fund = h.addFund(smallFundInput());
    h.fundDelayMs = 3_500;
    try {
      const res = await generate(fund.id, 1);
      const body = expectProblem(res, 503);
      expect(body.detail).toContain('did not answer within 3000 ms');
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    } finally {
      h.fundDelayMs = 0;
    }
  });

  it('answers 422 naming the fund field when the fund cannot produce a portfolio', async () => {
    // 1e12 of commitments with 100 k minimum advances would need > 1 000 000 loans.
    const fund = h.addFund(smallFundInput({ size: 1e12 }));
    const body = expectProblem(await generate(fund.id, 1), 422);
    expect(body.errors?.[0].path).toBe('fund.loan_parameters.min_loan_size');
  });
});

describe('GET /api/portfolios and /api/portfolios/:id', () => {
  it('returns one portfolio with its loans and ETag', async () => {
    const fund = h.addFund(smallFundInput());
    const p = await generated(fund.id);
    const res = await h.app.app.inject({ method: 'GET', url: `/api/portfolios/${p.id}`, headers: auth(viewer) });
    expect(res.statusCode).toBe(200);
    expect(res.headers.etag).toBe('"1"');
    expect(res.json()).toEqual(JSON.parse(JSON.stringify(p)));
  });

  it('answers 404 for an unknown id and 401 without a token', async () => {
    const body = expectProblem(await h.app.app.inject({ method: 'GET', url: `/api/portfolios/${uuidv7()}`, headers: auth(viewer) }), 404);
    expect(body.code).toBe('PORTFOLIO_NOT_FOUND');
    // A malformed id never reaches the store: 400 naming it.
    for (const id of ['nope', '%00']) {
      const bad = expectProblem(await h.app.app.inject({ method: 'GET', url: `/api/portfolios/${id}`, headers: auth(viewer) }), 400);
      expect(bad.errors).toEqual([expect.objectContaining({ path: 'id' })]);
    }
    expectProblem(await h.app.app.inject({ method: 'GET', url: '/api/portfolios/nope' }), 401);
    expectProblem(await h.app.app.inject({ method: 'GET', url: '/api/portfolios' }), 401);
  });

  it('lists pages of summaries (loan_count instead of loans) filtered by fund_id', async () => {
    const fund = h.addFund(smallFundInput());
    const other = h.addFund(smallFundInput());
    const mine = [await generated(fund.id, 1), await generated(fund.id, 2), await generated(fund.id, 3)];
    await generated(other.id, 4);
    const seen: unknown[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/api/portfolios?fund_id=${fund.id}&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const res = await h.app.app.inject({ method: 'GET', url, headers: auth(viewer) });
      expect(res.statusCode).toBe(200);
      const page = res.json() as { items: Record<string, unknown>[]; next_cursor: string | null };
      expect(page.items.length).toBeLessThanOrEqual(2);
      for (const item of page.items) {
        expect(item).not.toHaveProperty('loans');
        seen.push([item.id, item.fund_id, item.loan_count]);
      }
      cursor = page.next_cursor;
    } while (cursor !== null);
    expect(seen).toEqual(mine.map((p) => [p.id, fund.id, p.loans.length]));
  });

  it('lists without reading the loans: asks the store to omit them and takes loan_count stored on generate and PUT', async () => {
    const fund = h.addFund(smallFundInput());
    const p = await generated(fund.id, 11);
    const stored = await h.docs.get(p.id);
    expect(stored?.loan_count).toBe(p.loans.length); // storage-only field…
    const got = await h.app.app.inject({ method: 'GET', url: `/api/portfolios/${p.id}`, headers: auth(viewer) });
    expect(got.json()).not.toHaveProperty('loan_count'); // …not part of the API Portfolio
    expect(p).not.toHaveProperty('loan_count');
    const updated = await put(p.id, p.loans.slice(0, 3), analyst, '"1"');
    expect(updated.statusCode).toBe(200);
    expect(updated.json()).not.toHaveProperty('loan_count');
    expect((await h.docs.get(p.id))?.loan_count).toBe(3);
    // The service's own collection object (the factory hands out one per name).
    const spy = vi.spyOn(h.infrastructure.documents.collection(h.infrastructure.portfoliosCollection), 'list');
    try {
      const res = await h.app.app.inject({ method: 'GET', url: `/api/portfolios?fund_id=${fund.id}`, headers: auth(viewer) });
      expect(res.statusCode).toBe(200);
      expect(res.json().items).toEqual([expect.objectContaining({ id: p.id, version: 2, loan_count: 3 })]);
      expect(spy).toHaveBeenCalledTimes(1);
      expect(spy.mock.calls[0][2]).toEqual({ omit: ['loans'] });
      const read = (await spy.mock.results[0].value) as { items: Record<string, unknown>[] };
      expect(read.items.map((d) => 'loans' in d)).toEqual([false]); // the loans never left the database
    } finally {
      spy.mockRestore();
    }
  });

  it('lists a portfolio stored before loan_count existed with the real number of its loans', async () => {
    const fund = h.addFund(smallFundInput());
    const p = await generated(fund.id, 12);
    // a document as written before this change: no loan_count
    const { doc: legacy } = await h.docs.create({ fund_id: fund.id, fund_version: 1, seed: 12, loans: p.loans.slice(0, 5), metrics: p.metrics });
    expect(legacy).not.toHaveProperty('loan_count');
    const res = await h.app.app.inject({ method: 'GET', url: `/api/portfolios?fund_id=${fund.id}`, headers: auth(viewer) });
    expect(res.statusCode).toBe(200);
    const items = (res.json() as { items: Record<string, unknown>[] }).items;
    expect(items.map((i) => [i.id, i.loan_count])).toEqual([
      [p.id, p.loans.length],
      [legacy.id, 5],
    ]);
    for (const item of items) expect(item).not.toHaveProperty('loans');
  });

  it('answers 400 naming the field for a bad limit or cursor', async () => {
    const limit = expectProblem(await h.app.app.inject({ method: 'GET', url: '/api/portfolios?limit=0', headers: auth(viewer) }), 400);
    expect(limit.errors?.[0].path).toBe('limit');
    const cursor = expectProblem(await h.app.app.inject({ method: 'GET', url: '/api/portfolios?cursor=!!bad', headers: auth(viewer) }), 400);
    expect(cursor.errors?.[0].path).toBe('cursor');
  });
});

describe('PUT /api/portfolios/:id', () => {
  it('replaces the loans, recomputes the metrics, bumps the version and publishes updated', async () => {
    const fund = h.addFund(smallFundInput());
    const p = await generated(fund.id);
    const loans = p.loans.slice(0, 3);
    const res = await put(p.id, loans, analyst, '"1"');
    expect(res.statusCode).toBe(200);
    expect(res.headers.etag).toBe('"2"');
    const updated = Portfolio.parse(res.json());
    expect(updated.version).toBe(2);
    expect(updated.loans).toEqual(loans);
    expect(updated.metrics.total_loan_amount).toBeCloseTo(loans.reduce((s, l) => s + l.loan_amount, 0), 6);
    expect(updated.metrics.total_loan_amount).toBeLessThan(p.metrics.total_loan_amount);
    const event = await h.lastEvent('equihome.portfolio.updated');
    expect(event?.data).toMatchObject({ portfolio: { id: p.id, loan_count: 3 } });
    const audit = await h.audit.list({ resource: 'portfolio', resource_id: p.id, limit: 10 });
    expect(audit.map((a) => [a.action, a.version])).toEqual([['update', 2], ['generate', 1]]);
  });

  it('applies to the current version when If-Match is absent', async () => {
    const fund = h.addFund(smallFundInput());
    const p = await generated(fund.id);
    const res = await put(p.id, p.loans.slice(1));
    expect(res.statusCode).toBe(200);
    expect(res.json().version).toBe(2);
  });

  it('answers 400 naming each bad loan: unknown zone, ltv above max_ltv, negative amount, exit before origination', async () => {
    const fund = h.addFund(smallFundInput());
    const p = await generated(fund.id);
    const loans: Record<string, unknown>[] = p.loans.slice(0, 5).map((l) => ({ ...l }));
    loans[0].zone = 'purple';
    loans[2].loan_amount = -5;
    const shape = expectProblem(await put(p.id, loans), 400);
    expect(shape.errors?.map((e) => e.path).sort()).toEqual(['loans.0.zone', 'loans.2.loan_amount']);

    const rules: Loan[] = p.loans.slice(0, 5).map((l) => ({ ...l }));
    rules[3].ltv = 0.9; // the fund's max_ltv is 0.85
    rules[3].property_value = rules[3].loan_amount / 0.9; // consistent figures: only the LTV rule is broken
    rules[1].exit_year = rules[1].origination_year - 0.5 < 0 ? 0 : rules[1].origination_year - 0.5;
    rules[4].origination_year = 11; // after the 10-year term
    rules[4].exit_year = 12;
    const body = expectProblem(await put(p.id, rules), 400);
    expect(body.errors?.map((e) => e.path).sort()).toEqual(['loans.1.exit_year', 'loans.3.ltv', 'loans.4.origination_year']);
    const after = await h.app.app.inject({ method: 'GET', url: `/api/portfolios/${p.id}`, headers: auth(viewer) });
    expect(after.json().version).toBe(1);
  });

  it('answers 400 for a loan whose amount disagrees with ltv × property_value or exceeds the property value', async () => {
    const fund = h.addFund(smallFundInput());
    const p = await generated(fund.id);
    const loans: Loan[] = p.loans.slice(0, 4).map((l) => ({ ...l }));
    loans[0].loan_amount = loans[0].ltv * loans[0].property_value * 1.01; // 1 % off: not rounding
    loans[1] = { ...loans[1], loan_amount: 300_000, property_value: 250_000, ltv: 0.8 };
    loans[2].loan_amount = Math.round(loans[2].ltv * loans[2].property_value); // rounded to the dollar: accepted
    loans[3].ltv = Math.round(loans[3].ltv * 10_000) / 10_000; // ltv given to four decimals: accepted
    const body = expectProblem(await put(p.id, loans), 400);
    expect(body.code).toBe('LOAN_RULES_VIOLATED');
    expect(body.errors?.map((e) => e.path).sort()).toEqual(['loans.0.loan_amount', 'loans.1.loan_amount']);
    const ok = await put(p.id, loans.slice(2));
    expect(ok.statusCode, ok.body).toBe(200);
  });

  it('answers 412 on a stale If-Match and changes nothing', async () => {
    const fund = h.addFund(smallFundInput());
    const p = await generated(fund.id);
    expect((await put(p.id, p.loans.slice(0, 2), analyst, '"1"')).statusCode).toBe(200);
    const stale = await put(p.id, p.loans.slice(0, 1), analyst, '"1"');
    expectProblem(stale, 412);
    const after = await h.app.app.inject({ method: 'GET', url: `/api/portfolios/${p.id}`, headers: auth(viewer) });
    expect(after.json()).toMatchObject({ version: 2 });
    expect(after.json().loans).toHaveLength(2);
  });

  it('answers 400 naming the header for a malformed If-Match', async () => {
    const fund = h.addFund(smallFundInput());
    const p = await generated(fund.id);
    const body = expectProblem(await put(p.id, p.loans, analyst, 'version-one'), 400);
    expect(body.errors?.[0].path).toBe('if-match');
    expect(body.code).toBe('VALIDATION_FAILED');
  });

  it('answers 404 for an unknown portfolio, 403 for a viewer, 401 without a token and 413 for a 10 MB body', async () => {
    const fund = h.addFund(smallFundInput());
    const p = await generated(fund.id);
    expectProblem(await put(uuidv7(), p.loans), 404);
    expectProblem(await put(p.id, p.loans, viewer), 403);
    expectProblem(await h.app.app.inject({ method: 'PUT', url: `/api/portfolios/${p.id}`, payload: { loans: p.loans } }), 401);
    const big = await h.app.app.inject({
      method: 'PUT',
      url: `/api/portfolios/${p.id}`,
      headers: { ...auth(analyst), 'content-type': 'application/json' },
      payload: JSON.stringify({ loans: p.loans, padding: 'x'.repeat(10 * 1024 * 1024) }),
    });
    expectProblem(big, 413);
  });
});

describe('DELETE /api/portfolios/:id', () => {
  it('lets an admin delete (204), then the portfolio is gone and a deleted event is published', async () => {
    const fund = h.addFund(smallFundInput());
    const p = await generated(fund.id);
    const res = await h.app.app.inject({ method: 'DELETE', url: `/api/portfolios/${p.id}`, headers: { ...auth(admin), 'if-match': '"1"' } });
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe('');
    expectProblem(await h.app.app.inject({ method: 'GET', url: `/api/portfolios/${p.id}`, headers: auth(viewer) }), 404);
    const event = await h.lastEvent('equihome.portfolio.deleted');
    expect(event?.data).toMatchObject({ id: p.id, fund_id: fund.id, actor: { sub: `${h.prefix}-admin`, role: 'admin' } });
    const audit = await h.audit.list({ resource: 'portfolio', resource_id: p.id, limit: 1 });
    expect(audit[0]).toMatchObject({ action: 'delete', actor: `${h.prefix}-admin`, role: 'admin', version: null });
  });

  it('answers 403 for an analyst, 412 for a stale If-Match (nothing deleted) and 404 for an unknown id', async () => {
    const fund = h.addFund(smallFundInput());
    const p = await generated(fund.id);
    expectProblem(await h.app.app.inject({ method: 'DELETE', url: `/api/portfolios/${p.id}`, headers: auth(analyst) }), 403);
    expectProblem(await h.app.app.inject({ method: 'DELETE', url: `/api/portfolios/${p.id}`, headers: { ...auth(admin), 'if-match': '"7"' } }), 412);
    expect((await h.app.app.inject({ method: 'GET', url: `/api/portfolios/${p.id}`, headers: auth(viewer) })).statusCode).toBe(200);
    expectProblem(await h.app.app.inject({ method: 'DELETE', url: `/api/portfolios/${uuidv7()}`, headers: auth(admin) }), 404);
  });
});

describe('equihome.rpc.portfolio.get', () => {
  it('answers with the stored portfolio, and a 404 problem for an unknown id', async () => {
    const fund = h.addFund(smallFundInput());
    const p = await generated(fund.id);
    const reply = await h.client.request('equihome.rpc.portfolio.get', { id: p.id }, { timeoutMs: 3000 });
    expect(reply).toEqual(JSON.parse(JSON.stringify(p)));
    await expect(h.client.request('equihome.rpc.portfolio.get', { id: uuidv7() }, { timeoutMs: 3000 })).rejects.toMatchObject({ status: 404 });
  });
});

describe('equihome.rpc.portfolio.page', () => {
  it('serves a portfolio too large for one reply page by page: the pages reassemble the stored portfolio', async () => {
    const fund = h.addFund(smallFundInput({ size: 1_500_000_000 }));
    const p = await generated(fund.id);
    expect(p.loans.length).toBeGreaterThan(4_000);
    // The whole portfolio does not fit in one NATS reply …
    await expect(h.client.request('equihome.rpc.portfolio.get', { id: p.id }, { timeoutMs: 5000 })).rejects.toMatchObject({ status: 413 });
    // … its pages do.
    const loans: unknown[] = [];
    let header: unknown;
    for (let offset = 0; ; offset += 2_000) {
      const page = await h.client.request('equihome.rpc.portfolio.page', { id: p.id, offset, limit: 2_000 }, { timeoutMs: 5000 });
      expect(page).toMatchObject({ offset, total: p.loans.length });
      expect(page.loans.length).toBe(Math.min(2_000, Math.max(0, p.loans.length - offset)));
      header = page.portfolio;
      loans.push(...page.loans);
      if (page.loans.length < 2_000) break;
    }
    const { loans: _loans, ...expectedHeader } = JSON.parse(JSON.stringify(p));
    expect(header).toEqual(expectedHeader);
    expect(loans).toEqual(JSON.parse(JSON.stringify(p.loans)));
  });

  it('defaults to the first page, refuses a limit over 2,000 and answers 404 for an unknown id', async () => {
    const fund = h.addFund(smallFundInput());
    const p = await generated(fund.id);
    const first = await h.client.request('equihome.rpc.portfolio.page', { id: p.id }, { timeoutMs: 3000 });
    expect(first).toMatchObject({ offset: 0, total: p.loans.length });
    expect(first.loans).toHaveLength(Math.min(2_000, p.loans.length));
    await expect(h.client.request('equihome.rpc.portfolio.page', { id: p.id, limit: 2_001 }, { timeoutMs: 3000 })).rejects.toThrow(/limit/);
    await expect(h.client.request('equihome.rpc.portfolio.page', { id: uuidv7() }, { timeoutMs: 3000 })).rejects.toMatchObject({ status: 404 });
  });
});

describe('health', () => {
  it('reports ready when PostgreSQL and NATS answer', async () => {
    const res = await h.app.app.inject({ method: 'GET', url: '/health/ready' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ready', checks: { documents: { ok: true }, nats: { ok: true } } });
  });
});

describe('OpenAPI', () => {
  it('documents every route with its error replies', async () => {
    const doc = (await h.app.app.inject({ method: 'GET', url: '/openapi.json' })).json() as { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };
    expect(Object.keys(doc.paths['/api/portfolios/generate'].post.responses).sort()).toEqual(['201', '400', '401', '403', '404', '413', '415', '422', '429', '502', '503']);
    expect(Object.keys(doc.paths['/api/portfolios/{id}'].put.responses)).toContain('412');
    expect(Object.keys(doc.paths['/api/portfolios/{id}'].delete.responses)).toContain('204');
    expect(Object.keys(doc.paths['/api/portfolios'].get.responses)).toContain('200');
  });
});
