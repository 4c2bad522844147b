import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createService, defineProblem, HttpProblem, PlatformProblems, problemResponses, problemType } from '../src/index.js';
import { testConfig, token } from './test-app.js';

const FundNotFound = defineProblem(404, 'FUND_NOT_FOUND', 'Fund not found', 'no fund has this id');
const FundLocked = defineProblem(409, 'FUND_LOCKED');

describe('defineProblem', () => {
  it('creates HttpProblems carrying its status, code, title, type, and the occurrence’s detail, field errors and headers', () => {
    const problem = FundNotFound.create('fund f-1 does not exist', { errors: [{ path: 'id', message: 'unknown' }], headers: { 'x-hint': 'list' } });
    expect(problem).toBeInstanceOf(HttpProblem);
    expect(problem).toMatchObject({ status: 404, statusCode: 404, code: 'FUND_NOT_FOUND', title: 'Fund not found', detail: 'fund f-1 does not exist', headers: { 'x-hint': 'list' } });
    expect(problem.toProblem('/api/funds/f-1')).toEqual({
      type: 'urn:equihome:problem:fund-not-found',
      title: 'Fund not found',
      status: 404,
      detail: 'fund f-1 does not exist',
      instance: '/api/funds/f-1',
      code: 'FUND_NOT_FOUND',
      errors: [{ path: 'id', message: 'unknown' }],
    });
    expect(FundNotFound).toMatchObject({ status: 404, code: 'FUND_NOT_FOUND', title: 'Fund not found', description: 'no fund has this id', type: problemType('FUND_NOT_FOUND') });
  });

  it('defaults the title to the status phrase and keeps the cause', () => {
    const cause = new Error('row locked');
    const problem = FundLocked.create(undefined, { cause });
    expect(problem).toMatchObject({ title: 'Conflict', detail: undefined, cause });
    expect(FundLocked.description).toBeUndefined();
  });

  it('compares by code: an HttpProblem, a parsed problem body or an RPC reply of that code, and nothing else', () => {
    expect(FundNotFound.is(FundNotFound.create())).toBe(true);
    expect(FundNotFound.is({ type: 'urn:equihome:problem:fund-not-found', status: 404, code: 'FUND_NOT_FOUND' })).toBe(true);
    expect(FundNotFound.is(FundLocked.create())).toBe(false);
    expect(FundNotFound.is({ code: 'fund_not_found' })).toBe(false);
    expect(FundNotFound.is('FUND_NOT_FOUND')).toBe(false);
    expect(FundNotFound.is(null)).toBe(false);
  });

  it('refuses a status outside 400–599 and a code that is not SCREAMING_SNAKE', () => {
    for (const status of [200, 399, 600, 404.5]) expect(() => defineProblem(status, 'X')).toThrow(TypeError);
    for (const code of ['fund_not_found', 'FUND-NOT-FOUND', '_FUND', 'FUND__X', '', '1FUND']) expect(() => defineProblem(404, code), code).toThrow(TypeError);
    expect(defineProblem(599, 'A1_B2').code).toBe('A1_B2');
  });

  it('is immutable', () => {
    expect(Object.isFrozen(FundNotFound)).toBe(true);
  });
});

describe('PlatformProblems', () => {
  it('declares each platform code once, with its status, as urn:equihome:problem types', () => {
    const all = Object.values(PlatformProblems);
    expect(new Set(all.map((p) => p.code)).size).toBe(all.length);
    expect(Object.fromEntries(all.map((p) => [p.code, p.status]))).toMatchObject({
      VALIDATION_FAILED: 400, INVALID_JSON: 400, TOKEN_MISSING: 401, TOKEN_INVALID: 401, ROLE_TOO_LOW: 403, ROUTE_NOT_FOUND: 404,
      VERSION_MISMATCH: 412, BODY_TOO_LARGE: 413, UNSUPPORTED_MEDIA_TYPE: 415, RATE_LIMITED: 429, INTERNAL: 500, SHUTTING_DOWN: 503,
      NOT_READY: 503, STORE_UNAVAILABLE: 503,
    });
    for (const p of all) {
      expect(p.type).toBe(`urn:equihome:problem:${p.code.toLowerCase().replaceAll('_', '-')}`);
      expect(p.description, p.code).toBeTruthy();
    }
  });
});

describe('problemResponses', () => {
  it('documents definitions under their status, with the platform codes of that status after them', () => {
    const responses = problemResponses(FundNotFound, PlatformProblems.VersionMismatch, FundLocked, 401, 404);
    expect(Object.keys(responses).sort()).toEqual(['401', '404', '409', '412']);
    expect(responses[404].description).toBe('Not Found. Codes: FUND_NOT_FOUND (no fund has this id)');
    expect(responses[409].description).toBe('Conflict. Codes: FUND_LOCKED');
    expect(responses[412].description).toBe('Precondition Failed. Codes: VERSION_MISMATCH (If-Match names a version that is no longer current)');
    expect(responses[401].description).toMatch(/^Unauthorized\. Codes: TOKEN_MISSING .*; TOKEN_INVALID /);
  });

  it('documents a bare status that no platform code uses by its phrase alone', () => {
    expect(problemResponses(422)[422].description).toBe('Unprocessable Content');
  });

  it('refuses a status that is not an error status', () => {
    expect(() => problemResponses(200 as never)).toThrow(TypeError);
  });

  it('does not reject a reply whose code the documentation does not list (the enum is documentation only)', async () => {
    const service = await createService({
      name: 'codes',
      config: testConfig(),
      routes: (app) => {
        app.get('/api/other', { schema: { response: { 200: z.object({ ok: z.boolean() }), ...problemResponses(FundNotFound) } } }, async () => {
          throw defineProblem(404, 'SOMETHING_ELSE_NOT_FOUND').create('elsewhere');
        });
      },
    });
    try {
      const res = await service.app.inject({ url: '/api/other', headers: { authorization: `Bearer ${await token('viewer')}` } });
      expect(res.statusCode).toBe(404);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json()).toMatchObject({ code: 'SOMETHING_ELSE_NOT_FOUND', detail: 'elsewhere', type: 'urn:equihome:problem:something-else-not-found' });
    } finally {
      await service.close();
    }
  });
});
