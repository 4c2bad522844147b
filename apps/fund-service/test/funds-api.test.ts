import { Fund } from '@equihome/domain';
import type { FastifyZodInstance } from '@equihome/platform';
import { createAuditLog, createPool } from '@equihome/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signTestToken, TEST_DATABASE_URL } from '@equihome/testing';
import { fundBody, startTestService, type TestService } from './helpers.js';

let t: TestService;
let inject: FastifyZodInstance['inject'];
beforeAll(async () => {
  t = await startTestService();
  inject = t.service.app.inject.bind(t.service.app);
});
afterAll(async () => {
  await t?.cleanup();
});

async function createFund(body: object = fundBody(), headers: Record<string, string> = {}) {
  const res = await inject({ method: 'POST', url: '/api/funds', headers: { authorization: t.auth('analyst'), ...headers }, payload: body });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as Fund;
}

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('POST /api/funds', () => {
  it('creates a fund with 201, Location, ETag "1", server-set metadata and every model default filled', async () => {
    const res = await inject({ method: 'POST', url: '/api/funds', headers: { authorization: t.auth('analyst') }, payload: fundBody() });
    expect(res.statusCode).toBe(201);
    const fund = res.json();
    expect(fund.id).toMatch(UUID_V7);
    expect(res.headers.location).toBe(`/api/funds/${fund.id}`);
    expect(res.headers.etag).toBe('"1"');
    expect(fund.version).toBe(1);
    expect(Date.parse(fund.created_at)).not.toBeNaN();
    expect(fund.updated_at).toBe(fund.created_at);
    // Defaults from docs/MODEL.md: hurdle 8%, carry 20%, 2% management fee, zones 60/30/10, 10-year term.
    expect(fund).toMatchObject({
      name: 'Equihome Fund I',
      size: 100_000_000,
      term: 10,
      type: 'home_equity',
      fee_structure: { hurdle_rate: 0.08, performance_fee_rate: 0.2, management_fee_rate: 0.02, waterfall_structure: 'european' },
      loan_parameters: { zone_allocations: { green: 0.6, orange: 0.3, red: 0.1 }, average_ltv: 0.65 },
      zone_correlations: { green_orange: 0.8, green_red: 0.7, orange_red: 0.8 },
    });
    expect(Fund.safeParse(fund).success).toBe(true);
  });

  it('ignores client-supplied id, version and timestamps', async () => {
    const fund = await createFund({ ...fundBody(), id: 'mine', version: 99, created_at: '2000-01-01T00:00:00Z' });
    expect(fund.id).toMatch(UUID_V7);
    expect(fund.version).toBe(1);
    expect(fund.created_at).not.toBe('2000-01-01T00:00:00Z');
  });

  it('returns the first result (same status and body) for a retried create with the same Idempotency-Key, creating once', async () => {
    const name = `Idempotent ${t.prefix}`;
    const headers = { authorization: t.auth('analyst'), 'idempotency-key': `key-${t.prefix}` };
    const first = await inject({ method: 'POST', url: '/api/funds', headers, payload: fundBody({ name }) });
    const second = await inject({ method: 'POST', url: '/api/funds', headers, payload: fundBody({ name }) });
    expect(first.statusCode).toBe(201);
    expect(second.statusCode).toBe(201);
    expect(second.json()).toEqual(first.json());
    expect(second.headers.location).toBe(first.headers.location);
    expect(second.headers['idempotent-replayed']).toBe('true');
    const list = await inject({ url: `/api/funds?q=${encodeURIComponent(name)}`, headers: { authorization: t.auth('viewer') } });
    expect(list.json().items).toHaveLength(1);
  });

  it('answers 422 IDEMPOTENCY_KEY_REUSED when a retried create sends a different body, creating nothing', async () => {
    const name = `Reused key ${t.prefix}`;
    const headers = { authorization: t.auth('analyst'), 'idempotency-key': `reuse-${t.prefix}` };
    const first = await inject({ method: 'POST', url: '/api/funds', headers, payload: fundBody({ name }) });
    expect(first.statusCode).toBe(201);
    const other = await inject({ method: 'POST', url: '/api/funds', headers, payload: fundBody({ name, size: 123_000_000 }) });
    expect(other.statusCode).toBe(422);
    expect(other.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(other.json()).toMatchObject({ status: 422, code: 'IDEMPOTENCY_KEY_REUSED', errors: [{ path: 'idempotency-key' }] });
    const list = await inject({ url: `/api/funds?q=${encodeURIComponent(name)}`, headers: { authorization: t.auth('viewer') } });
    expect(list.json().items).toHaveLength(1);
    expect(list.json().items[0].size).toBe(first.json().size);
  });

  it('creates exactly one fund when 10 creates with the same Idempotency-Key race', async () => {
    const name = `Race ${t.prefix}`;
    const headers = { authorization: t.auth('analyst'), 'idempotency-key': `race-${t.prefix}` };
    const replies = await Promise.all(Array.from({ length: 10 }, () => inject({ method: 'POST', url: '/api/funds', headers, payload: fundBody({ name }) })));
    expect(replies.map((r) => r.statusCode)).toEqual(Array(10).fill(201));
    expect(new Set(replies.map((r) => r.json().id)).size).toBe(1);
    const list = await inject({ url: `/api/funds?q=${encodeURIComponent(name)}`, headers: { authorization: t.auth('viewer') } });
    expect(list.json().items).toHaveLength(1);
  });

  it('treats the same Idempotency-Key from two different users as two creates', async () => {
    const key = `shared-${t.prefix}`;
    const a = await createFund(fundBody(), { 'idempotency-key': key });
    const b = await createFund(fundBody(), { 'idempotency-key': key, authorization: t.auth('admin') });
    expect(b.id).not.toBe(a.id);
  });

  it('returns 400 problem+json with field paths for wrong types and negative sizes', async () => {
    const res = await inject({
      method: 'POST',
      url: '/api/funds',
      headers: { authorization: t.auth('analyst') },
      payload: { name: 'Bad', size: -5, vintage_year: 'soon' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    const problem = res.json();
    expect(problem).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
    const paths = problem.errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['size', 'vintage_year']));
  });

  it('returns 400 naming loan_parameters.zone_allocations when the allocations do not sum to 1', async () => {
    const res = await inject({
      method: 'POST',
      url: '/api/funds',
      headers: { authorization: t.auth('analyst') },
      payload: fundBody({ loan_parameters: { zone_allocations: { green: 0.5, orange: 0.3, red: 0.1 } } }),
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual([expect.objectContaining({ path: 'loan_parameters.zone_allocations' })]);
  });

  it('returns 400 naming the shock zone when a scenario names an unknown zone', async () => {
    const res = await inject({
      method: 'POST',
      url: '/api/funds',
      headers: { authorization: t.auth('analyst') },
      payload: fundBody({ scenario: { name: 'custom', shocks: [{ from_month: 0, to_month: 12, zone: 'purple' as 'red' }] } }),
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors.map((e: { path: string }) => e.path)).toContain('scenario.shocks.0.zone');
  });

  it('returns 400 for a body that is not JSON', async () => {
    const res = await inject({
      method: 'POST',
      url: '/api/funds',
      headers: { authorization: t.auth('analyst'), 'content-type': 'application/json' },
      payload: '{"name":',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('INVALID_JSON');
  });

  it('returns 413 problem+json for a 10 MB body and stores nothing', async () => {
    const name = `huge-${t.prefix}`;
    const payload = JSON.stringify({ ...fundBody({ name }), padding: 'x'.repeat(10 * 1024 * 1024) });
    const res = await inject({ method: 'POST', url: '/api/funds', headers: { authorization: t.auth('analyst'), 'content-type': 'application/json' }, payload });
    expect(res.statusCode).toBe(413);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({ status: 413, code: 'BODY_TOO_LARGE' });
    const list = await inject({ url: `/api/funds?q=${name}`, headers: { authorization: t.auth('viewer') } });
    expect(list.json().items).toEqual([]);
  });

  it('returns 401 without a token and 403 for a viewer', async () => {
    const anonymous = await inject({ method: 'POST', url: '/api/funds', payload: fundBody() });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.headers['content-type']).toMatch(/^application\/problem\+json/);
    const viewer = await inject({ method: 'POST', url: '/api/funds', headers: { authorization: t.auth('viewer') }, payload: fundBody() });
    expect(viewer.statusCode).toBe(403);
    expect(viewer.json().code).toBe('ROLE_TOO_LOW');
  });

  it('appends a create entry with actor, role and version to the audit log', async () => {
    const fund = await createFund();
    const pool = createPool(TEST_DATABASE_URL);
    try {
      const [entry] = await createAuditLog(pool).list({ resource: 'fund', resource_id: fund.id, limit: 10 });
      expect(entry).toMatchObject({ actor: t.sub('analyst'), role: 'analyst', action: 'create', resource: 'fund', resource_id: fund.id, version: 1 });
      expect(Date.parse(entry.at)).not.toBeNaN();
    } finally {
      await pool.end();
    }
  });
});

describe('GET /api/funds/:id', () => {
  it('returns the fund with ETag to a viewer', async () => {
    const created = await createFund();
    const res = await inject({ url: `/api/funds/${created.id}`, headers: { authorization: t.auth('viewer') } });
    expect(res.statusCode).toBe(200);
    expect(res.headers.etag).toBe('"1"');
    expect(res.json()).toEqual(created);
  });

  it('returns 404 problem+json FUND_NOT_FOUND for an unknown id', async () => {
    const res = await inject({ url: '/api/funds/01900000-0000-7000-8000-000000000000', headers: { authorization: t.auth('viewer') } });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({ status: 404, code: 'FUND_NOT_FOUND' });
  });

  it('returns 414 problem+json for an id longer than the 100-character path-parameter limit', async () => {
    const res = await inject({ url: `/api/funds/${'a'.repeat(101)}`, headers: { authorization: t.auth('viewer') } });
    expect(res.statusCode).toBe(414);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('returns 401 for a token with a complete payload signed with another secret', async () => {
    const fund = await createFund();
    const forged = await signTestToken('admin', { prefix: t.prefix, secret: 'a-different-secret-of-at-least-32-characters' });
    const res = await inject({ url: `/api/funds/${fund.id}`, headers: { authorization: `Bearer ${forged}` } });
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe('TOKEN_INVALID');
    // The same claims signed with the service's secret are accepted: only the signature was wrong.
    const genuine = await signTestToken('admin', { prefix: t.prefix });
    expect((await inject({ url: `/api/funds/${fund.id}`, headers: { authorization: `Bearer ${genuine}` } })).statusCode).toBe(200);
  });
});

describe('strict input: bad input is a 4xx naming the field, never a 5xx', () => {
  it('rejects an unknown nested field with 400 naming it, instead of storing the default', async () => {
    const res = await inject({ method: 'POST', url: '/api/funds', headers: { authorization: t.auth('analyst') }, payload: fundBody({ fee_structure: { hurdle: 0.1 } } as object) });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json().errors).toEqual([{ path: 'fee_structure.hurdle', message: 'unknown field' }]);
  });

  it('rejects U+0000 in any string on POST and PUT with 400 naming the field, storing nothing', async () => {
    const name = `nul-${t.prefix}`;
    const post = await inject({ method: 'POST', url: '/api/funds', headers: { authorization: t.auth('analyst') }, payload: fundBody({ name, type: '\u0000' }) });
    expect(post.statusCode).toBe(400);
    expect(post.json().errors.map((e: { path: string }) => e.path)).toEqual(['type']);
    const fund = await createFund(fundBody({ name }));
    const put = await inject({ method: 'PUT', url: `/api/funds/${fund.id}`, headers: { authorization: t.auth('analyst') }, payload: fundBody({ name: 'a\u0000b' }) });
    expect(put.statusCode).toBe(400);
    expect(put.json().errors.map((e: { path: string }) => e.path)).toEqual(['name']);
    expect((await inject({ url: `/api/funds/${fund.id}`, headers: { authorization: t.auth('viewer') } })).json()).toEqual(fund);
  });

  it('answers 400 for a malformed id on GET, PUT and DELETE (before any storage call) and 404 for a well-formed unknown one', async () => {
    for (const [method, payload] of [['GET', undefined], ['PUT', fundBody()], ['DELETE', undefined]] as const) {
      for (const id of ['%00', 'not-a-uuid', '0190a3c0-7b1e-7cc4-8a51-1c2b3d4e5f6']) {
        const res = await inject({ method, url: `/api/funds/${id}`, headers: { authorization: t.auth('admin') }, ...(payload ? { payload } : {}) });
        expect(res.statusCode, `${method} ${id}`).toBe(400);
        expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ path: 'id' }] });
      }
      const missing = await inject({ method, url: '/api/funds/0190a3c0-7b1e-7cc4-8a51-1c2b3d4e5f60', headers: { authorization: t.auth('admin') }, ...(payload ? { payload } : {}) });
      expect(missing.statusCode, method).toBe(404);
      expect(missing.json().code).toBe('FUND_NOT_FOUND');
    }
  });

  it('refuses a capital call on a day that does not exist, and catch_up_rate between 0 and the carry rate', async () => {
    const day = await inject({ method: 'POST', url: '/api/funds', headers: { authorization: t.auth('analyst') }, payload: fundBody({ capital_calls: [{ date: '2025-02-30', amount: 1_000_000 }] }) });
    expect(day.statusCode).toBe(400);
    expect(day.json().errors.map((e: { path: string }) => e.path)).toEqual(['capital_calls.0.date']);
    const catchUp = await inject({ method: 'POST', url: '/api/funds', headers: { authorization: t.auth('analyst') }, payload: fundBody({ fee_structure: { catch_up_rate: 0.2, performance_fee_rate: 0.2 } }) });
    expect(catchUp.statusCode).toBe(400);
    expect(catchUp.json().errors.map((e: { path: string }) => e.path)).toEqual(['fee_structure.catch_up_rate']);
  });

  it('rejects unknown query parameters with 400 naming them', async () => {
    const res = await inject({ url: '/api/funds?limt=5', headers: { authorization: t.auth('viewer') } });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual([{ path: 'limt', message: 'unknown field' }]);
  });

  it('documents additionalProperties: false for request bodies in OpenAPI', async () => {
    const doc = (await inject({ url: '/openapi.json' })).json();
    const schema = doc.paths['/api/funds'].post.requestBody.content['application/json'].schema;
    const resolve = (s: { $ref?: string }) => (s.$ref ? doc.components.schemas[s.$ref.split('/').pop()!] : s);
    const body = resolve(schema);
    expect(body.additionalProperties).toBe(false);
    expect(resolve(body.properties.fee_structure).additionalProperties).toBe(false);
  });
});

describe('GET /api/funds', () => {
  it('pages with limit and cursor through every fund exactly once in creation order', async () => {
    const type = `paging_${t.prefix}`;
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await createFund(fundBody({ name: `Paged ${i}`, type }))).id);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const url: string = `/api/funds?type=${type}&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const res = await inject({ url, headers: { authorization: t.auth('viewer') } });
      expect(res.statusCode).toBe(200);
      const page = res.json();
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((f: Fund) => f.id));
      cursor = page.next_cursor;
      pages++;
    } while (cursor !== null);
    expect(seen).toEqual(ids);
    expect(pages).toBe(3);
  });

  it('filters by type, vintage_year and a case-insensitive name substring', async () => {
    const type = `filter_${t.prefix}`;
    const a = await createFund(fundBody({ name: 'Sydney Harbour Fund', type, vintage_year: 2024 }));
    const b = await createFund(fundBody({ name: 'Melbourne Fund', type, vintage_year: 2025 }));
    await createFund(fundBody({ name: 'Harbour Other', type: `other_${t.prefix}`, vintage_year: 2024 }));
    const get = async (query: string) => {
      const res = await inject({ url: `/api/funds?type=${type}&${query}`, headers: { authorization: t.auth('viewer') } });
      expect(res.statusCode).toBe(200);
      return res.json().items.map((f: Fund) => f.id);
    };
    expect(await get('vintage_year=2024')).toEqual([a.id]);
    expect(await get('vintage_year=2025')).toEqual([b.id]);
    expect(await get('q=HARBOUR')).toEqual([a.id]);
    expect(await get('q=fund')).toEqual([a.id, b.id]);
  });

  it('returns 400 with field paths for a bad limit and for a malformed cursor', async () => {
    const limit = await inject({ url: '/api/funds?limit=0', headers: { authorization: t.auth('viewer') } });
    expect(limit.statusCode).toBe(400);
    expect(limit.json().errors[0].path).toBe('limit');
    const cursor = await inject({ url: '/api/funds?cursor=not-a-cursor', headers: { authorization: t.auth('viewer') } });
    expect(cursor.statusCode).toBe(400);
    expect(cursor.json().errors[0].path).toBe('cursor');
  });

  it('returns 401 without a token', async () => {
    const res = await inject({ url: '/api/funds' });
    expect(res.statusCode).toBe(401);
  });
});

describe('PUT /api/funds/:id', () => {
  it('replaces the parameters, bumps the version and ETag, and keeps id and created_at', async () => {
    const created = await createFund();
    const res = await inject({
      method: 'PUT',
      url: `/api/funds/${created.id}`,
      headers: { authorization: t.auth('analyst'), 'if-match': '"1"' },
      payload: fundBody({ name: 'Renamed', fee_structure: { hurdle_rate: 0.1 } }),
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers.etag).toBe('"2"');
    const fund = res.json();
    expect(fund).toMatchObject({ id: created.id, version: 2, name: 'Renamed', created_at: created.created_at, fee_structure: { hurdle_rate: 0.1, performance_fee_rate: 0.2 } });
    const read = await inject({ url: `/api/funds/${created.id}`, headers: { authorization: t.auth('viewer') } });
    expect(read.json()).toEqual(fund);
  });

  it('returns 412 for a stale If-Match and changes nothing', async () => {
    const created = await createFund();
    const url = `/api/funds/${created.id}`;
    await inject({ method: 'PUT', url, headers: { authorization: t.auth('analyst'), 'if-match': '"1"' }, payload: fundBody({ name: 'v2' }) });
    const stale = await inject({ method: 'PUT', url, headers: { authorization: t.auth('analyst'), 'if-match': '"1"' }, payload: fundBody({ name: 'lost update' }) });
    expect(stale.statusCode).toBe(412);
    expect(stale.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(stale.json()).toMatchObject({ status: 412, code: 'VERSION_MISMATCH' });
    const read = await inject({ url, headers: { authorization: t.auth('viewer') } });
    expect(read.json()).toMatchObject({ name: 'v2', version: 2 });
  });

  it('lets exactly one of 8 concurrent PUTs with the same If-Match win; the others get 412', async () => {
    const created = await createFund();
    const replies = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        inject({ method: 'PUT', url: `/api/funds/${created.id}`, headers: { authorization: t.auth('analyst'), 'if-match': '"1"' }, payload: fundBody({ name: `writer ${i}` }) }),
      ),
    );
    const codes = replies.map((r) => r.statusCode).sort();
    expect(codes).toEqual([200, 412, 412, 412, 412, 412, 412, 412]);
    const winner = replies.find((r) => r.statusCode === 200)!.json();
    const read = await inject({ url: `/api/funds/${created.id}`, headers: { authorization: t.auth('viewer') } });
    expect(read.json()).toMatchObject({ version: 2, name: winner.name });
  });

  it('applies a PUT without If-Match to the current version', async () => {
    const created = await createFund();
    const url = `/api/funds/${created.id}`;
    await inject({ method: 'PUT', url, headers: { authorization: t.auth('analyst') }, payload: fundBody({ name: 'v2' }) });
    const res = await inject({ method: 'PUT', url, headers: { authorization: t.auth('analyst') }, payload: fundBody({ name: 'v3' }) });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ name: 'v3', version: 3 });
  });

  it('returns 400 naming if-match for a malformed If-Match', async () => {
    const created = await createFund();
    const res = await inject({
      method: 'PUT',
      url: `/api/funds/${created.id}`,
      headers: { authorization: t.auth('analyst'), 'if-match': 'version one' },
      payload: fundBody(),
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('VALIDATION_FAILED');
    expect(res.json().errors).toEqual([expect.objectContaining({ path: 'if-match' })]);
  });

  it('returns 400 with field paths for an invalid body and leaves the fund unchanged', async () => {
    const created = await createFund();
    const res = await inject({
      method: 'PUT',
      url: `/api/funds/${created.id}`,
      headers: { authorization: t.auth('analyst') },
      payload: fundBody({ loan_parameters: { min_ltv: 0.9, average_ltv: 0.65 } }),
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors.map((e: { path: string }) => e.path)).toContain('loan_parameters.min_ltv');
    const read = await inject({ url: `/api/funds/${created.id}`, headers: { authorization: t.auth('viewer') } });
    expect(read.json().version).toBe(1);
  });

  it('returns 404 for an unknown fund', async () => {
    const res = await inject({ method: 'PUT', url: '/api/funds/01900000-0000-7000-8000-000000000001', headers: { authorization: t.auth('analyst') }, payload: fundBody() });
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe('FUND_NOT_FOUND');
  });

  it('returns 413 for a 10 MB body', async () => {
    const created = await createFund();
    const payload = JSON.stringify({ ...fundBody(), padding: 'x'.repeat(10 * 1024 * 1024) });
    const res = await inject({ method: 'PUT', url: `/api/funds/${created.id}`, headers: { authorization: t.auth('analyst'), 'content-type': 'application/json' }, payload });
    expect(res.statusCode).toBe(413);
  });

  it('returns 401 without a token and 403 for a viewer', async () => {
    const created = await createFund();
    const anonymous = await inject({ method: 'PUT', url: `/api/funds/${created.id}`, payload: fundBody() });
    expect(anonymous.statusCode).toBe(401);
    const viewer = await inject({ method: 'PUT', url: `/api/funds/${created.id}`, headers: { authorization: t.auth('viewer') }, payload: fundBody() });
    expect(viewer.statusCode).toBe(403);
  });

  it('appends an update entry with the new version to the audit log', async () => {
    const created = await createFund();
    await inject({ method: 'PUT', url: `/api/funds/${created.id}`, headers: { authorization: t.auth('admin') }, payload: fundBody({ name: 'audited' }) });
    const pool = createPool(TEST_DATABASE_URL);
    try {
      const [entry] = await createAuditLog(pool).list({ resource: 'fund', resource_id: created.id, limit: 10 });
      expect(entry).toMatchObject({ actor: t.sub('admin'), role: 'admin', action: 'update', version: 2 });
    } finally {
      await pool.end();
    }
  });
});

describe('DELETE /api/funds/:id', () => {
  it('deletes with 204 for an admin; the fund is then 404', async () => {
    const created = await createFund();
    const res = await inject({ method: 'DELETE', url: `/api/funds/${created.id}`, headers: { authorization: t.auth('admin'), 'if-match': '"1"' } });
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe('');
    const read = await inject({ url: `/api/funds/${created.id}`, headers: { authorization: t.auth('viewer') } });
    expect(read.statusCode).toBe(404);
  });

  it('returns 412 for a stale If-Match and keeps the fund', async () => {
    const created = await createFund();
    await inject({ method: 'PUT', url: `/api/funds/${created.id}`, headers: { authorization: t.auth('analyst') }, payload: fundBody({ name: 'v2' }) });
    const res = await inject({ method: 'DELETE', url: `/api/funds/${created.id}`, headers: { authorization: t.auth('admin'), 'if-match': '"1"' } });
    expect(res.statusCode).toBe(412);
    expect(res.json().code).toBe('VERSION_MISMATCH');
    const read = await inject({ url: `/api/funds/${created.id}`, headers: { authorization: t.auth('viewer') } });
    expect(read.statusCode).toBe(200);
  });

  it('returns 404 for an unknown fund, also when deleting twice', async () => {
    const created = await createFund();
    const first = await inject({ method: 'DELETE', url: `/api/funds/${created.id}`, headers: { authorization: t.auth('admin') } });
    expect(first.statusCode).toBe(204);
    const second = await inject({ method: 'DELETE', url: `/api/funds/${created.id}`, headers: { authorization: t.auth('admin') } });
    expect(second.statusCode).toBe(404);
    expect(second.json().code).toBe('FUND_NOT_FOUND');
  });

  it('returns 403 for an analyst and 401 without a token, and keeps the fund', async () => {
    const created = await createFund();
    const analyst = await inject({ method: 'DELETE', url: `/api/funds/${created.id}`, headers: { authorization: t.auth('analyst') } });
    expect(analyst.statusCode).toBe(403);
    const anonymous = await inject({ method: 'DELETE', url: `/api/funds/${created.id}` });
    expect(anonymous.statusCode).toBe(401);
    const read = await inject({ url: `/api/funds/${created.id}`, headers: { authorization: t.auth('viewer') } });
    expect(read.statusCode).toBe(200);
  });

  it('appends a delete entry to the audit log', async () => {
    const created = await createFund();
    await inject({ method: 'DELETE', url: `/api/funds/${created.id}`, headers: { authorization: t.auth('admin') } });
    const pool = createPool(TEST_DATABASE_URL);
    try {
      const entries = await createAuditLog(pool).list({ resource: 'fund', resource_id: created.id, limit: 10 });
      expect(entries.map((e) => e.action)).toEqual(['delete', 'create']);
      expect(entries[0]).toMatchObject({ actor: t.sub('admin'), role: 'admin', version: null });
    } finally {
      await pool.end();
    }
  });
});

describe('OpenAPI and health', () => {
  it('documents every fund route with its success and problem responses', async () => {
    const doc = (await inject({ url: '/openapi.json' })).json();
    const ops = doc.paths;
    expect(Object.keys(ops['/api/funds'])).toEqual(expect.arrayContaining(['get', 'post']));
    expect(Object.keys(ops['/api/funds/{id}'])).toEqual(expect.arrayContaining(['get', 'put', 'delete']));
    expect(Object.keys(ops['/api/funds'].post.responses)).toEqual(expect.arrayContaining(['201', '400', '401', '403', '413']));
    expect(Object.keys(ops['/api/funds/{id}'].put.responses)).toEqual(expect.arrayContaining(['200', '400', '404', '412']));
    expect(Object.keys(ops['/api/funds/{id}'].delete.responses)).toEqual(expect.arrayContaining(['204', '404', '412']));
  });

  it('reports ready when PostgreSQL and NATS answer', async () => {
    const res = await inject({ url: '/health/ready' });
    expect(res.statusCode).toBe(200);
  });
});
