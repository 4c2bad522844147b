import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Service } from '../src/index.js';
import { buildTestService, token } from './test-app.js';

/** Value of one sample line `name{labels} value` in Prometheus text format (0 when absent). */
function sample(text: string, name: string, labels: Record<string, string>): number {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const ok = Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`));
    if (ok) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return 0;
}

describe('/metrics', () => {
  let service: Service;
  beforeAll(async () => {
    service = await buildTestService();
  });
  afterAll(() => service.close());

  it('counts requests in http_request_duration_seconds by method, route pattern and status', async () => {
    const headers = { authorization: `Bearer ${await token('viewer')}` };
    for (const id of ['a', 'b', 'c']) await service.app.inject({ url: `/api/things/${id}`, headers });
    await service.app.inject({ url: '/api/things/a' });
    const res = await service.app.inject({ url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    const count = (status: string) => sample(res.body, 'http_request_duration_seconds_count', { method: 'GET', route: '/api/things/:id', status });
    expect(count('200')).toBe(3);
    expect(count('401')).toBe(1);
    expect(res.body).toContain('# TYPE http_request_duration_seconds histogram');
  });

  it('includes the default process metrics', async () => {
    const res = await service.app.inject({ url: '/metrics' });
    expect(res.body).toContain('process_cpu_user_seconds_total');
    expect(res.body).toContain('nodejs_eventloop_lag_seconds');
  });

  it('keeps one registry per service instance', async () => {
    const other = await buildTestService();
    try {
      await service.app.inject({ url: '/health/live' });
      const text = await (await other.app.inject({ url: '/metrics' })).body;
      expect(sample(text, 'http_request_duration_seconds_count', { route: '/health/live' })).toBe(0);
      expect(other.metrics.registry).not.toBe(service.metrics.registry);
    } finally {
      await other.close();
    }
  });
});
