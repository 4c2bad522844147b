/**
 * The HTTP side of the gateway on the real NATS, with stand-in upstreams (real HTTP servers
 * the test controls) and a dead port: what is forwarded, what a dead or unconfigured
 * upstream answers, readiness, the merged OpenAPI document, the static page, the config.
 */
import { loadConfig } from '@equihome/platform';
import { authHeaders } from '@equihome/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatewayConfigShape, gatewayEnv } from '../src/config.js';
import { deadPort, json, startGateway, startStandIn, type StandIn, type TestGateway } from './helpers.js';

let funds: StandIn;
let gw: TestGateway;
let dead: number;
let auth: Record<'viewer' | 'analyst' | 'admin', string>;

beforeAll(async () => {
  funds = await startStandIn((req, res, body) => {
    if (req.url === '/openapi.json') {
      return json(res, 200, {
        openapi: '3.1.0',
        info: { title: 'fund-service', version: '1', description: 'Design funds' },
        paths: { '/api/funds/{id}': { get: { summary: 'a fund', responses: { 200: { description: 'ok' } } } }, '/health/live': { get: {} } },
        components: { schemas: { Fund: { type: 'object' } } },
      });
    }
    if (req.url?.startsWith('/api/funds/missing')) return json(res, 404, { code: 'FUND_NOT_FOUND', status: 404, title: 'Not Found' }, 'application/problem+json');
    json(res, 200, { method: req.method, url: req.url, headers: req.headers, body });
  });
  dead = await deadPort();
  gw = await startGateway({ env: { FUND_SERVICE_URL: funds.url, SIMULATION_SERVICE_URL: `http://127.0.0.1:${dead}` } });
  auth = await authHeaders({ prefix: gw.prefix });
});

afterAll(async () => {
  await gw?.close();
  await funds?.close();
});

describe('proxy', () => {
  it('forwards method, path, query, body and Authorization, adding X-Forwarded-For and X-Request-Id', async () => {
    const res = await fetch(`${gw.url}/api/funds/abc?limit=5`, {
      method: 'PUT',
      headers: { authorization: auth.analyst, 'content-type': 'application/json', 'x-request-id': 'req-42', 'if-match': '"3"' },
      body: JSON.stringify({ name: 'x' }),
    });
    expect(res.status).toBe(200);
    const echoed = (await res.json()) as { method: string; url: string; body: string; headers: Record<string, string> };
    expect(echoed).toMatchObject({ method: 'PUT', url: '/api/funds/abc?limit=5', body: JSON.stringify({ name: 'x' }) });
    expect(echoed.headers).toMatchObject({ authorization: auth.analyst, 'x-request-id': 'req-42', 'x-forwarded-for': '127.0.0.1', 'if-match': '"3"', 'x-forwarded-proto': 'http' });
    expect(res.headers.get('x-request-id')).toBe('req-42');
  });

  it('appends the peer to an incoming X-Forwarded-For and serves /api/funds itself', async () => {
    const res = await fetch(`${gw.url}/api/funds`, { headers: { authorization: auth.viewer, 'x-forwarded-for': '203.0.113.7' } });
    const echoed = (await res.json()) as { url: string; headers: Record<string, string> };
    expect(echoed.url).toBe('/api/funds');
    expect(echoed.headers['x-forwarded-for']).toBe('203.0.113.7, 127.0.0.1');
    expect(echoed.headers['x-request-id']).toBe(res.headers.get('x-request-id'));
  });

  it("passes the upstream's problems through unchanged", async () => {
    const res = await fetch(`${gw.url}/api/funds/missing`, { headers: { authorization: auth.viewer } });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(await res.json()).toMatchObject({ code: 'FUND_NOT_FOUND' });
  });

  it('answers 401 itself, without calling the upstream, when the token is missing', async () => {
    const before = funds.seen.length;
    const res = await fetch(`${gw.url}/api/funds/abc`);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ code: 'TOKEN_MISSING' });
    expect(funds.seen.length).toBe(before);
  });

  it('answers 503 problem+json with Retry-After for a dead upstream, and for one not configured', async () => {
    for (const path of ['/api/simulations', '/api/simulations/0190a3c0-7b1e-7cc4-8a51-1c2b3d4e5f60/status', '/api/optimization/x', '/api/portfolios']) {
      const res = await fetch(`${gw.url}${path}`, { method: path === '/api/simulations' ? 'POST' : 'GET', headers: { authorization: auth.analyst, 'content-type': 'application/json' }, body: path === '/api/simulations' ? '{}' : undefined });
      expect(res.status, path).toBe(503);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.headers.get('retry-after')).toBe('5');
      expect(await res.json()).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', status: 503, instance: path.split('?')[0] });
    }
  });
});

describe('health, docs and the static page', () => {
  it('is ready only when NATS and every configured upstream answer', async () => {
    const notReady = await fetch(`${gw.url}/health/ready`);
    expect(notReady.status).toBe(503);
    const body = (await notReady.json()) as { checks: Record<string, { ok: boolean }> };
    expect(body.checks).toMatchObject({ nats: { ok: true }, 'fund-service': { ok: true }, 'simulation-service': { ok: false } });
    expect(Object.keys(body.checks).sort()).toEqual(['fund-service', 'nats', 'simulation-service']);

    const healthy = await startGateway({ env: { FUND_SERVICE_URL: funds.url } });
    try {
      const ready = await fetch(`${healthy.url}/health/ready`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ status: 'ready', checks: { nats: { ok: true }, 'fund-service': { ok: true } } });
    } finally {
      await healthy.close();
    }
  });

  it("serves one OpenAPI document with every upstream's operations, at /openapi.json and /docs/json", async () => {
    for (const path of ['/openapi.json', '/docs/json']) {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- an OpenAPI document, read loosely
      const doc = (await (await fetch(`${gw.url}${path}`)).json()) as Record<string, any>;
      expect(doc.paths['/api/funds/{id}'].get).toMatchObject({ summary: 'a fund', tags: ['fund-service'] });
      expect(doc.paths['/health/live']).toBeUndefined();
      expect(Object.keys(doc.paths).some((p) => p.startsWith('/api/simulations'))).toBe(false);
      expect(doc.components.schemas.Fund).toEqual({ type: 'object' });
      expect(doc['x-upstreams']).toEqual(
        expect.arrayContaining([
          { name: 'fund-service', prefix: '/api/funds', url: funds.url, ok: true },
          expect.objectContaining({ name: 'simulation-service', ok: false, error: expect.stringContaining('ECONNREFUSED') }),
          { name: 'optimization-service', prefix: '/api/optimization', url: null, ok: false, error: 'not configured' },
        ]),
      );
    }
    expect((await fetch(`${gw.url}/docs`)).status).toBe(200);
  });

  it('serves public/index.html at / and the platform 404 elsewhere', async () => {
    const page = await fetch(`${gw.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('Equihome');
    const missing = await fetch(`${gw.url}/nothing-here`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ code: 'ROUTE_NOT_FOUND' });
  });

  it('exposes the gateway metrics with the platform ones', async () => {
    const text = await (await fetch(`${gw.url}/metrics`)).text();
    expect(text).toContain('ws_connections');
    expect(text).toContain('ws_slow_client_closes_total');
    expect(text).toContain('http_request_duration_seconds');
  });
});

describe('config', () => {
  it('defaults to port 8080, the local service ports and the documented WebSocket limits', () => {
    const config = loadConfig(gatewayConfigShape, gatewayEnv({}));
    expect(config).toMatchObject({
      PORT: 8080,
      FUND_SERVICE_URL: 'http://127.0.0.1:3001',
      PORTFOLIO_SERVICE_URL: 'http://127.0.0.1:3002',
      SIMULATION_SERVICE_URL: 'http://127.0.0.1:3003',
      OPTIMIZATION_SERVICE_URL: 'http://127.0.0.1:3004',
      WS_AUTH_TIMEOUT_MS: 5_000,
      WS_PING_INTERVAL_MS: 30_000,
      PRESENCE_TTL_MS: 30_000,
    });
  });

  it('treats an upstream variable set to the empty string (or none) as not configured', () => {
    const config = loadConfig(gatewayConfigShape, gatewayEnv({ OPTIMIZATION_SERVICE_URL: '', PORTFOLIO_SERVICE_URL: 'none', FUND_SERVICE_URL: 'http://fund:3001/' }));
    expect(config.OPTIMIZATION_SERVICE_URL).toBeUndefined();
    expect(config.PORTFOLIO_SERVICE_URL).toBeUndefined();
    expect(config.FUND_SERVICE_URL).toBe('http://fund:3001');
    expect(() => loadConfig(gatewayConfigShape, gatewayEnv({ FUND_SERVICE_URL: 'fund-service' }))).toThrow(/FUND_SERVICE_URL/);
  });
});
