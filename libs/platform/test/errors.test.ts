import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conflict, createService, notFound, preconditionFailed, serviceUnavailable, type Service } from '../src/index.js';
import { buildTestService, testConfig, token } from './test-app.js';

describe('problem+json errors', () => {
  let service: Service;
  let auth: { authorization: string };
  beforeAll(async () => {
    service = await buildTestService({ BODY_LIMIT_BYTES: '1024' });
    auth = { authorization: `Bearer ${await token('analyst')}` };
  });
  afterAll(() => service.close());

  it('returns 400 naming each bad body field by its dotted path relative to the body', async () => {
    const res = await service.app.inject({
      method: 'POST',
      url: '/api/things',
      headers: auth,
      payload: { name: 'ok', loan_parameters: { zone_allocations: 'everything' } },
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    const body = res.json();
    expect(body).toMatchObject({ status: 400, code: 'VALIDATION_FAILED', title: 'Bad Request', instance: '/api/things' });
    expect(body.errors).toEqual([{ path: 'loan_parameters.zone_allocations', message: expect.any(String) }]);
    expect(body.detail).toContain('loan_parameters.zone_allocations');
  });

  it('names array elements by index and reports every bad field', async () => {
    const res = await service.app.inject({
      method: 'POST',
      url: '/api/things',
      headers: auth,
      payload: { name: '', loan_parameters: { zone_allocations: [0.5, 2] } },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors.map((e: { path: string }) => e.path).sort()).toEqual(['loan_parameters.zone_allocations.1', 'name']);
  });

  it('names a bad query parameter relative to the query string', async () => {
    const res = await service.app.inject({ url: '/api/things/1?size=-3', headers: auth });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual([{ path: 'size', message: expect.any(String) }]);
    expect(res.json().detail).toContain('querystring');
  });

  it('names the whole body when it is missing', async () => {
    const res = await service.app.inject({ method: 'POST', url: '/api/things', headers: auth });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].path).toBe('body');
  });

  it('returns 413 problem+json for a body larger than BODY_LIMIT_BYTES', async () => {
    const res = await service.app.inject({
      method: 'POST',
      url: '/api/things',
      headers: auth,
      payload: { name: 'x'.repeat(2000), loan_parameters: { zone_allocations: [1] } },
    });
    expect(res.statusCode).toBe(413);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({ status: 413, code: 'BODY_TOO_LARGE' });
  });

  it('returns 415 for an unsupported content type', async () => {
    const res = await service.app.inject({ method: 'POST', url: '/api/things', headers: { ...auth, 'content-type': 'application/xml' }, payload: '<thing/>' });
    expect(res.statusCode).toBe(415);
    expect(res.json()).toMatchObject({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
  });

  it('returns 400 INVALID_JSON for a body that does not parse', async () => {
    const res = await service.app.inject({ method: 'POST', url: '/api/things', headers: { ...auth, 'content-type': 'application/json' }, payload: '{"name":' });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json().code).toBe('INVALID_JSON');
  });

  it('returns 404 problem+json for an unknown route', async () => {
    const res = await service.app.inject({ url: '/no/such/route?x=1' });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({ status: 404, code: 'ROUTE_NOT_FOUND', instance: '/no/such/route' });
  });

  it('returns 414 problem+json URI_TOO_LONG for a path parameter longer than 100 characters', async () => {
    const res = await service.app.inject({ url: `/api/things/${'a'.repeat(101)}`, headers: auth });
    expect(res.statusCode).toBe(414);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({ status: 414, title: 'URI Too Long', code: 'URI_TOO_LONG' });
  });

  it('returns 400 problem+json BAD_URL for a malformed percent-escape in the path', async () => {
    const res = await service.app.inject({ url: '/api/things/%E0%A4%A', headers: auth });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({ status: 400, code: 'BAD_URL' });
  });

  it('answers an unexpected error with a generic 500 that leaks neither message nor stack', async () => {
    const res = await service.app.inject({ url: '/api/boom', headers: { ...auth, 'x-request-id': 'req-500-check' } });
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain('secret internal detail');
    expect(res.body).not.toMatch(/\.ts:\d+|stack/);
    expect(res.json()).toMatchObject({ status: 500, code: 'INTERNAL' });
    expect(res.json().detail).toContain('req-500-check');
  });

  it('echoes a sane x-request-id and generates one otherwise', async () => {
    const given = await service.app.inject({ url: '/health/live', headers: { 'x-request-id': 'abc-123' } });
    expect(given.headers['x-request-id']).toBe('abc-123');
    const generated = await service.app.inject({ url: '/health/live' });
    expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const hostile = await service.app.inject({ url: '/health/live', headers: { 'x-request-id': 'bad id\nwith newline' } });
    expect(hostile.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('domain errors thrown by routes', () => {
  it('maps the HttpProblem helpers to their status, code and headers', async () => {
    const service = await createService({
      name: 'domain-errors',
      config: testConfig(),
      routes: (app) => {
        app.get('/api/missing', async () => {
          throw notFound('fund f1 does not exist', 'FUND_NOT_FOUND');
        });
        app.get('/api/stale', async () => {
          throw conflict('fund version 3 is stale (current 4)', 'VERSION_CONFLICT');
        });
        app.get('/api/precondition', async () => {
          throw preconditionFailed('If-Match does not match');
        });
        app.get('/api/busy', async () => {
          throw serviceUnavailable('queue full', 30);
        });
      },
    });
    try {
      const headers = { authorization: `Bearer ${await token('viewer')}` };
      const missing = await service.app.inject({ url: '/api/missing', headers });
      expect(missing.statusCode).toBe(404);
      expect(missing.json()).toEqual({
        type: 'urn:equihome:problem:fund-not-found',
        title: 'Not Found',
        status: 404,
        detail: 'fund f1 does not exist',
        instance: '/api/missing',
        code: 'FUND_NOT_FOUND',
      });
      expect((await service.app.inject({ url: '/api/stale', headers })).json()).toMatchObject({ status: 409, code: 'VERSION_CONFLICT' });
      expect((await service.app.inject({ url: '/api/precondition', headers })).statusCode).toBe(412);
      const busy = await service.app.inject({ url: '/api/busy', headers });
      expect(busy.statusCode).toBe(503);
      expect(busy.headers['retry-after']).toBe('30');
      expect(busy.json().detail).toBe('queue full');
    } finally {
      await service.close();
    }
  });
});
