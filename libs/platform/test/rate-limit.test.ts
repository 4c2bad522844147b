import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Service } from '../src/index.js';
import { buildTestService, token } from './test-app.js';

describe('rate limit', () => {
  let service: Service;
  beforeAll(async () => {
    service = await buildTestService({ RATE_LIMIT_MAX: '3' });
  });
  afterAll(() => service.close());

  it('answers 429 problem+json with Retry-After once a client exceeds RATE_LIMIT_MAX per minute', async () => {
    const headers = { authorization: `Bearer ${await token('viewer')}` };
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await service.app.inject({ url: '/api/things/1', headers })).statusCode);
    expect(statuses).toEqual([200, 200, 200]);
    const limited = await service.app.inject({ url: '/api/things/1', headers });
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.json()).toMatchObject({ status: 429, title: 'Too Many Requests', code: 'RATE_LIMITED' });
  });

  it('never limits health probes or metrics scrapes', async () => {
    for (let i = 0; i < 6; i++) {
      expect((await service.app.inject({ url: '/health/live' })).statusCode).toBe(200);
      expect((await service.app.inject({ url: '/metrics' })).statusCode).toBe(200);
    }
  });

  it('counts clients separately by address', async () => {
    const headers = { authorization: `Bearer ${await token('viewer')}` };
    const other = await service.app.inject({ url: '/api/things/1', headers, remoteAddress: '10.9.8.7' });
    expect(other.statusCode).toBe(200);
  });
});
