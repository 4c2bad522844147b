/** The fan chart of a completed run, drawn server-side from its stored series (SVG and PNG). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './helpers.js';

let t: TestApi;
let runId: string;
beforeAll(async () => {
  t = await startTestApi({ env: { SIM_SHARD_PATHS: '500' } });
  await t.startWorkers(1);
  const fund = t.fakes.addFund();
  runId = (await t.submit({ fund_id: fund.id, paths: 1_000, seed: 8, granularity: 'quarterly', label: 'chart' })).id;
  expect((await t.waitForEnd(runId)).state).toBe('completed');
}, 180_000);
afterAll(async () => {
  await t?.cleanup();
});

const get = (url: string, role: 'viewer' | 'analyst' = 'viewer') => t.inject({ url, headers: { authorization: t.auth(role) } });

describe('GET /api/simulations/:id/charts/fan.svg|png', () => {
  it('draws the NAV fan of the stored series: $M axis, years, both bands, the run in the subtitle', async () => {
    const res = await get(`/api/simulations/${runId}/charts/fan.svg`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toMatch(/^image\/svg\+xml/);
    expect(res.headers['cache-control']).toContain('immutable');
    expect(res.body).toMatch(/^<svg role="img" aria-label="fan chart of Net asset value"/);
    for (const text of ['NAV ($M)', 'Years from first close', '5th–95th percentile', '1,000 quarterly paths · seed 8 · chart']) expect(res.body).toContain(text);
    // the chart's median is the stored series': the top of the axis covers the largest p95
    const series = (await get(`/api/simulations/${runId}/series?metric=nav`)).json() as { p95: number[] };
    const ticks = [...res.body.matchAll(/>(\d+(?:\.\d)?)<\/text>/g)].map((m) => Number(m[1]));
    expect(Math.max(...ticks)).toBeGreaterThanOrEqual(Math.max(...series.p95) / 1e6 - 1e-9);
  });

  it('draws TVPI in × and answers a PNG', async () => {
    const svg = await get(`/api/simulations/${runId}/charts/fan.svg?metric=tvpi`);
    expect(svg.body).toContain('TVPI (×)');
    const png = await get(`/api/simulations/${runId}/charts/fan.png?metric=dpi`);
    expect(png.statusCode).toBe(200);
    expect(png.headers['content-type']).toBe('image/png');
    expect(png.rawPayload.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    expect(png.rawPayload.readUInt32BE(16)).toBeGreaterThan(1000); // 2× a 640-px-wide chart
  });

  it('refuses a bad format or metric (400), an unknown run (404), a run not completed (409), no token (401)', async () => {
    expect((await get(`/api/simulations/${runId}/charts/fan.gif`)).statusCode).toBe(400);
    expect((await get(`/api/simulations/${runId}/charts/fan.svg?metric=irr`)).json()).toMatchObject({ status: 400, errors: [{ path: 'metric' }] });
    expect((await get('/api/simulations/0190a3c0-7b1e-7cc4-8a51-1c2b3d4e5f60/charts/fan.svg')).json()).toMatchObject({ status: 404, code: 'SIMULATION_NOT_FOUND' });
    const fund = t.fakes.addFund();
    const pending = await t.submit({ fund_id: fund.id, paths: 200_000, seed: 1, granularity: 'monthly' });
    const res = await get(`/api/simulations/${pending.id}/charts/fan.svg`);
    expect(res.json()).toMatchObject({ code: 'SIMULATION_NOT_COMPLETED' });
    await t.inject({ method: 'DELETE', url: `/api/simulations/${pending.id}`, headers: { authorization: t.auth('analyst') } });
    expect((await t.inject({ url: `/api/simulations/${runId}/charts/fan.svg` })).statusCode).toBe(401);
  });
});
