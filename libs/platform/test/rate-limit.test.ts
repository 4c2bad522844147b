import { afterEach, describe, expect, it } from 'vitest';
import { rateLimitKey, type Service } from '../src/index.js';
import { buildTestService, token } from './test-app.js';

// Every test builds its own service (a fresh limiter) with RATE_LIMIT_MAX=3, so no test
// depends on the budget another one used.
const MAX = 3;
const PROXY = '10.0.0.1';
let service: Service;
afterEach(() => service?.close());

const start = async (env: Record<string, string> = {}) => {
  service = await buildTestService({ RATE_LIMIT_MAX: String(MAX), ...env });
  return service;
};
const bearer = async (sub: string) => ({ authorization: `Bearer ${await token('viewer', sub)}` });
const get = (url: string, headers: Record<string, string>, remoteAddress = PROXY) => service.app.inject({ url, headers, remoteAddress });
/** Status codes of `n` requests made one after the other. */
async function statuses(n: number, send: (i: number) => ReturnType<typeof get>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push((await send(i)).statusCode);
  return out;
}

describe('rate limit', () => {
  it('answers 429 problem+json with Retry-After once a caller exceeds RATE_LIMIT_MAX per minute', async () => {
    await start();
    const alice = await bearer('alice');
    expect(await statuses(MAX, () => get('/api/things/1', alice))).toEqual([200, 200, 200]);
    const limited = await get('/api/things/1', alice);
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.json()).toMatchObject({ status: 429, title: 'Too Many Requests', code: 'RATE_LIMITED', type: 'urn:equihome:problem:rate-limited' });
  });

  it('gives every authenticated caller their own bucket, even when all arrive from one proxy address', async () => {
    await start();
    const alice = await bearer('alice');
    expect(await statuses(MAX + 1, () => get('/api/things/1', alice))).toEqual([200, 200, 200, 429]);
    expect((await get('/api/things/1', await bearer('bob'))).statusCode).toBe(200);
  });

  it("keeps one bucket per caller across client addresses (keyed by sub, not by address)", async () => {
    await start();
    const alice = await bearer('alice');
    expect(await statuses(MAX + 1, (i) => get('/api/things/1', alice, `192.0.2.${i + 1}`))).toEqual([200, 200, 200, 429]);
  });

  it('limits unauthenticated requests per client address and ignores X-Forwarded-For from a peer that is not a trusted proxy', async () => {
    await start({ TRUST_PROXY: PROXY });
    const peer = '192.0.2.7';
    const echoed = await get('/public/ip', { 'x-forwarded-for': '203.0.113.99' }, peer);
    expect(echoed.json()).toEqual({ ip: peer });
    expect(await statuses(MAX, (i) => get('/public/ip', { 'x-forwarded-for': `203.0.113.${i}` }, peer))).toEqual([200, 200, 429]);
    expect((await get('/public/ip', {}, '192.0.2.8')).statusCode).toBe(200);
  });

  it('keys unauthenticated requests by the X-Forwarded-For client when the peer is a trusted proxy', async () => {
    await start({ TRUST_PROXY: PROXY });
    const first = { 'x-forwarded-for': '203.0.113.1' };
    expect(await statuses(MAX + 1, () => get('/public/ip', first))).toEqual([200, 200, 200, 429]);
    const other = await get('/public/ip', { 'x-forwarded-for': '203.0.113.2' });
    expect(other.statusCode).toBe(200);
    expect(other.json()).toEqual({ ip: '203.0.113.2' });
  });

  it('with TRUST_PROXY unset, every client behind the proxy shares the proxy address bucket', async () => {
    await start();
    expect(await statuses(MAX + 1, (i) => get('/public/ip', { 'x-forwarded-for': `203.0.113.${i}` }))).toEqual([200, 200, 200, 429]);
  });

  it('counts requests with a missing or bad token against the client address, not against the caller they claim', async () => {
    await start();
    const peer = '192.0.2.50';
    const forged = { authorization: 'Bearer not.a.jwt' };
    expect(await statuses(MAX + 1, (i) => get('/api/things/1', i % 2 === 0 ? forged : {}, peer))).toEqual([401, 401, 401, 429]);
    expect((await get('/api/things/1', await bearer('carol'), peer)).statusCode).toBe(200);
  });

  it('counts requests to no route against the client address', async () => {
    await start();
    expect(await statuses(MAX + 1, (i) => get(`/no/such/route/${i}`, {}, '192.0.2.60'))).toEqual([404, 404, 404, 429]);
  });

  it('never limits health probes or metrics scrapes', async () => {
    await start();
    for (let i = 0; i < 2 * MAX; i++) {
      expect((await get('/health/live', {})).statusCode).toBe(200);
      expect((await get('/metrics', {})).statusCode).toBe(200);
    }
  });
});

describe('rateLimitKey', () => {
  it('is the sub of an authenticated caller, else the client address', () => {
    expect(rateLimitKey({ user: { sub: 'alice', role: 'viewer' }, ip: '10.0.0.1' })).toBe('sub:alice');
    expect(rateLimitKey({ user: null as never, ip: '10.0.0.1' })).toBe('ip:10.0.0.1');
  });
});
