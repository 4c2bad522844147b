/**
 * optimization-service end to end on the real PostgreSQL, NATS and Redis, with the real
 * simulation-service API and one worker process: candidates run as simulation jobs on the
 * simulation workers, and every result equals what libs/finance computes in-process for the
 * same inputs (common random numbers: same seed, same paths, same generated portfolio).
 */
import type { FundParameters } from '@equihome/domain';
import { efficientFrontier, sensitivity, simulateFund, type Fund as EngineFund } from '@equihome/finance';
import type { EventEnvelope } from '@equihome/domain';
import { waitFor } from '@equihome/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withSolveParameter, withZoneAllocations } from '../src/candidates.js';
import { zoneMoments } from '../src/zone-moments.js';
import { startOptimizationTest, type OptimizationTest } from './helpers.js';

let t: OptimizationTest;
let fund: ReturnType<OptimizationTest['sim']['fakes']['addFund']>;
const PATHS = 300;
const SEED = 11;

beforeAll(async () => {
  t = await startOptimizationTest();
  fund = t.sim.fakes.addFund();
}, 180_000);
afterAll(async () => {
  await t?.cleanup();
});

const engineFund = () => fund as unknown as EngineFund;
const params = (): FundParameters => {
  const { id: _i, version: _v, created_at: _c, updated_at: _u, ...p } = fund;
  return p as FundParameters;
};
const json = <T>(v: T): T => JSON.parse(JSON.stringify(v));

/** Every optimization event of the test's stream, in stream order (after the relay flushed). */
async function optimizationEvents(): Promise<EventEnvelope<{ id: string; state: string; progress: number; kind: string }>[]> {
  await t.infrastructure.relay!.flush({ timeoutMs: 20_000 });
  const { js } = t.sim.fakes.messaging;
  const consumer = await js.consumers.get(t.sim.env.NATS_STREAM, { deliver_policy: 'all' as never });
  const events: EventEnvelope<{ id: string; state: string; progress: number; kind: string }>[] = [];
  for (;;) {
    const batch = await consumer.fetch({ max_messages: 500, expires: 1_000 });
    let n = 0;
    for await (const m of batch) {
      const e = m.json<EventEnvelope<{ id: string; state: string; progress: number; kind: string }>>();
      if (e.type.startsWith('equihome.optimization.')) events.push(e);
      n++;
    }
    if (n === 0) return events;
  }
}
let tornadoId = '';

describe('bad input', () => {
  it('answers 4xx problems naming the field and records nothing', async () => {
    const before = await t.count();
    const strictCarry = t.sim.fakes.addFund({ fee_structure: { catch_up_rate: 0.3, performance_fee_rate: 0.2 } } as never);
    const cases: Array<{ path: string; body: unknown; status: number; field?: string; role?: 'viewer' }> = [
      { path: 'sensitivity', body: { fund_id: fund.id, paths: 0 }, status: 400, field: 'paths' },
      { path: 'sensitivity', body: { fund_id: fund.id, pathz: 5 }, status: 400, field: 'pathz' },
      { path: 'sensitivity', body: { fund_id: fund.id, parameters: [{ parameter: 'colour' }] }, status: 400, field: 'parameters.0.parameter' },
      { path: 'sensitivity', body: { fund_id: strictCarry.id, parameters: [{ parameter: 'performance_fee_rate', high: 0.15 }] }, status: 400, field: 'parameters.0.high' },
      { path: 'sensitivity', body: { fund_id: fund.id, grid: { x: { parameter: 'volatility', values: [1] }, y: { parameter: 'volatility', values: [2] } } }, status: 400, field: 'grid.y.parameter' },
      { path: 'efficient-frontier', body: { fund_id: fund.id, method: 'genetic' }, status: 400, field: 'method' },
      { path: 'efficient-frontier', body: { fund_id: fund.id, bounds: { green: [0.6, 0.7], orange: [0.5, 1] } }, status: 400, field: 'bounds' },
      { path: 'efficient-frontier', body: { fund_id: fund.id, bounds: { green: [0.7, 0.6] } }, status: 400, field: 'bounds.green' },
      { path: 'efficient-frontier', body: { fund_id: fund.id, risk_free_rate: 0.4 }, status: 422, field: 'risk_free_rate' },
      { path: 'solve', body: { fund_id: fund.id, parameter: 'management_fee_rate', target: { metric: 'lp_net_irr_p50', value: 0.1 }, bounds: [0.02, 0.01] }, status: 400, field: 'bounds' },
      { path: 'solve', body: { fund_id: fund.id, parameter: 'management_fee_rate', target: { metric: 'lp_net_irr_p50', value: 0.1 }, bounds: [0, 0.5] }, status: 400, field: 'bounds.1' },
      { path: 'solve', body: { fund_id: fund.id, parameter: 'volatility', target: { metric: 'lp_net_irr_p50', value: 0.1 } }, status: 400, field: 'parameter' },
      { path: 'solve', body: { fund_id: fund.id, parameter: 'hurdle_rate', target: { metric: 'lp_irr', value: 0.1 } }, status: 400, field: 'target.metric' },
      { path: 'sensitivity', body: { fund_id: '0190a3c0-7b1e-7cc4-8a51-1c2b3d4e5f60' }, status: 404, field: 'fund_id' },
      { path: 'sensitivity', body: { fund_id: fund.id, portfolio_id: '0190a3c0-7b1e-7cc4-8a51-1c2b3d4e5f60' }, status: 404, field: 'portfolio_id' },
      { path: 'sensitivity', body: { fund_id: fund.id }, status: 403, role: 'viewer' },
    ];
    for (const c of cases) {
      const res = await t.post(c.path, c.body, c.role ? { role: c.role } : {});
      expect(res.statusCode, `${c.path} ${JSON.stringify(c.body)} → ${res.body}`).toBe(c.status);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      if (c.field) expect(res.json().errors.map((e: { path: string }) => e.path), res.body).toContain(c.field);
    }
    expect(await t.count()).toBe(before);
    const missing = await t.inject({ url: '/api/optimization/0190a3c0-7b1e-7cc4-8a51-1c2b3d4e5f60', headers: { authorization: t.auth.viewer } });
    expect(missing.statusCode).toBe(404);
  });
});

describe('mean-variance frontier', () => {
  it('equals efficientFrontier on the zone moments derived from the fund', async () => {
    const res = await t.post('efficient-frontier', { fund_id: fund.id, method: 'mean-variance', points: 12, bounds: { red: [0, 0.3] } }, { wait: true });
    expect(res.statusCode, res.body).toBe(200);
    const doc = res.json();
    expect(doc.state).toBe('completed');
    const m = zoneMoments(params());
    const expected = efficientFrontier({ expected_returns: m.expected_returns, covariance: m.covariance, bounds: [[0, 1], [0, 1], [0, 0.3]], risk_free_rate: 0.03, points: 12 });
    const w = (x: number[]) => ({ green: x[0], orange: x[1], red: x[2] });
    expect(doc.result.frontier).toEqual(expected.frontier.map((p) => ({ weights: w(p.weights), expected_return: p.expected_return, volatility: p.volatility })));
    expect(doc.result.max_sharpe).toEqual({ weights: w(expected.max_sharpe.weights), expected_return: expected.max_sharpe.expected_return, volatility: expected.max_sharpe.volatility, sharpe: expected.max_sharpe.sharpe });
    expect(doc.result.min_variance.weights).toEqual(w(expected.min_variance.weights));
    // the derivation: green (highest drift, fewest defaults) returns most; the covariance is symmetric with positive variances
    expect(m.expected_returns[0]).toBeGreaterThan(m.expected_returns[1]);
    expect(m.expected_returns[1]).toBeGreaterThan(m.expected_returns[2]);
    expect(m.covariance[0][1]).toBe(m.covariance[1][0]);
    expect(m.covariance.every((row, i) => row[i] > 0)).toBe(true);
  });
});

describe('sensitivity', () => {
  it('equals the library tornado (plus tvpi/p5 fields), moves the expected way, and is identical on a re-run', async () => {
    const body = { fund_id: fund.id, paths: PATHS, seed: SEED, grid: { x: { parameter: 'appreciation_rate', values: [0, 0.02] }, y: { parameter: 'management_fee_rate', values: [0, 0.005] } } };
    const accepted = await t.post('sensitivity', body);
    expect(accepted.statusCode, accepted.body).toBe(202);
    expect(accepted.headers.location).toBe(`/api/optimization/${accepted.json().id}`);
    const doc = await t.waitForEnd(accepted.json().id);
    tornadoId = doc.id;
    expect(doc.state, JSON.stringify(doc.error)).toBe('completed');
    const result = doc.result as { base: number; rows: Record<string, number | string>[]; grid: { lp_net_irr_p50: number[][] } };
    const library = json(sensitivity(engineFund(), { paths: PATHS, seed: SEED, granularity: 'monthly' }));
    expect(result.base).toBe(library.base);
    expect(result.rows.map(({ tvpi_low: _a, tvpi_high: _b, irr_p5_low: _c, irr_p5_high: _d, ...row }) => row)).toEqual(library.rows);
    expect(result.rows).toHaveLength(9);
    const row = (p: string) => result.rows.find((r) => r.parameter === p)!;
    expect(row('appreciation_rate').metric_high).toBeGreaterThan(row('appreciation_rate').metric_low as number);
    for (const p of ['management_fee_rate', 'default_rate']) expect(row(p).metric_high, p).toBeLessThan(row(p).metric_low as number);
    // the default fund's median LP IRR is below its 8% hurdle, where carry is not paid: no lower, and strictly lower on a low-hurdle fund (below)
    expect(row('performance_fee_rate').metric_high).toBeLessThanOrEqual(row('performance_fee_rate').metric_low as number);
    for (const r of result.rows) for (const k of ['tvpi_low', 'tvpi_high', 'irr_p5_low', 'irr_p5_high']) expect(Number.isFinite(r[k]), k).toBe(true);
    // heat map: the (0, 0) cell is the base fund; appreciation +2pp and fee +0.5pp are the tornado's ends
    expect(result.grid.lp_net_irr_p50[0][0]).toBe(result.base);
    expect(result.grid.lp_net_irr_p50[0][1]).toBe(row('appreciation_rate').metric_high);
    expect(result.grid.lp_net_irr_p50[1][0]).toBe(row('management_fee_rate').metric_high);
    // runs went through simulation-service (one per distinct candidate) as children of the job
    expect(doc.runs.length).toBe(1 + 18 + 1);
    const run = await t.sim.runDocument(doc.runs[0]);
    expect(run?.parent).toEqual({ kind: 'optimization', id: doc.id });
    expect((await t.sim.run(doc.runs[0], t.auth.viewer)).state).toBe('completed');
    // the same request again: the same result
    const again = await t.post('sensitivity', body, { wait: true });
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json().result).toEqual(doc.result);
  });
});

describe('tornado chart', () => {
  it('draws the completed sensitivity job as SVG and PNG, and refuses other kinds (409) and unknown jobs (404)', async () => {
    expect(tornadoId).not.toBe('');
    const svg = await t.inject({ url: `/api/optimization/${tornadoId}/charts/tornado.svg`, headers: { authorization: t.auth.viewer } });
    expect(svg.statusCode, svg.body).toBe(200);
    expect(svg.headers['content-type']).toMatch(/^image\/svg\+xml/);
    expect(svg.body).toMatch(/^<svg role="img" aria-label="tornado chart"/);
    for (const p of ['appreciation_rate', 'management_fee_rate', 'default_rate', 'LP net IRR, median (%)', '300 paths per evaluation']) expect(svg.body).toContain(p);
    const png = await t.inject({ url: `/api/optimization/${tornadoId}/charts/tornado.png`, headers: { authorization: t.auth.viewer } });
    expect(png.headers['content-type']).toBe('image/png');
    expect(png.rawPayload.subarray(0, 4).toString('hex')).toBe('89504e47');
    const frontier = await t.post('efficient-frontier', { fund_id: fund.id, method: 'mean-variance' });
    const other = await t.inject({ url: `/api/optimization/${frontier.json().id}/charts/tornado.svg`, headers: { authorization: t.auth.viewer } });
    expect(other.json()).toMatchObject({ status: 409, code: 'OPTIMIZATION_NOT_CHARTED' });
    expect((await t.inject({ url: '/api/optimization/0190a3c0-7b1e-7cc4-8a51-1c2b3d4e5f60/charts/tornado.svg', headers: { authorization: t.auth.viewer } })).statusCode).toBe(404);
  });
});

describe('events', () => {
  it('announces queued, progress and exactly one completed per job, through the outbox', async () => {
    const events = (await optimizationEvents()).filter((e) => e.data.id === tornadoId);
    const types = events.map((e) => e.type);
    expect(types[0]).toBe('equihome.optimization.queued');
    expect(types.filter((x) => x === 'equihome.optimization.completed')).toHaveLength(1);
    expect(types.at(-1)).toBe('equihome.optimization.completed');
    expect(types.filter((x) => x === 'equihome.optimization.failed' || x === 'equihome.optimization.cancelled')).toHaveLength(0);
    const progress = events.filter((e) => e.type === 'equihome.optimization.progress').map((e) => e.data.progress);
    expect(progress.length).toBeGreaterThan(0);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(events.at(-1)!.data).toMatchObject({ kind: 'sensitivity', state: 'completed', progress: 1 });
  });
});

describe('portfolio choice', () => {
  it('runs the base and fee rows on the stored portfolio and the LTV rows on the portfolio generated from the seed', async () => {
    const portfolio = t.sim.fakes.addPortfolio(fund, 5);
    const res = await t.post('sensitivity', { fund_id: fund.id, portfolio_id: portfolio.id, paths: PATHS, seed: SEED, parameters: [{ parameter: 'management_fee_rate' }, { parameter: 'average_ltv' }] }, { wait: true });
    expect(res.statusCode, res.body).toBe(200);
    const result = res.json().result as { base: number; rows: Record<string, number | string>[] };
    const stored = { loans: portfolio.loans, metrics: portfolio.metrics } as never;
    const onStored = (f: FundParameters) => simulateFund(f as unknown as EngineFund, { paths: PATHS, seed: SEED, granularity: 'monthly', portfolio: stored }).lp.irr.p50;
    expect(result.base).toBe(onStored(params()));
    const fee = result.rows.find((r) => r.parameter === 'management_fee_rate')!;
    expect(fee.metric_high).toBe(onStored({ ...params(), fee_structure: { ...params().fee_structure, management_fee_rate: 0.025 } }));
    const ltv = result.rows.find((r) => r.parameter === 'average_ltv')!;
    const library = json(sensitivity(engineFund(), { paths: PATHS, seed: SEED, parameters: [{ parameter: 'average_ltv' }] })).rows[0];
    expect([ltv.metric_low, ltv.metric_high]).toEqual([library.metric_low, library.metric_high]);
    const foreign = t.sim.fakes.addPortfolio(t.sim.fakes.addFund({ name: 'Other' }));
    const bad = await t.post('sensitivity', { fund_id: fund.id, portfolio_id: foreign.id });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().code).toBe('PORTFOLIO_OF_ANOTHER_FUND');
  });
});

describe('sensitivity of carry above the hurdle', () => {
  it('higher carry gives a lower LP IRR when the median clears the hurdle', async () => {
    const lowHurdle = t.sim.fakes.addFund({ fee_structure: { hurdle_rate: 0 } } as never);
    const res = await t.post('sensitivity', { fund_id: lowHurdle.id, paths: PATHS, seed: SEED, parameters: [{ parameter: 'performance_fee_rate' }] }, { wait: true });
    expect(res.statusCode, res.body).toBe(200);
    const [row] = res.json().result.rows;
    expect(row.metric_high).toBeLessThan(row.metric_low);
    expect(row.tvpi_high).toBeLessThan(row.tvpi_low);
  });
});

describe('simulation frontier', () => {
  it('returns feasible, non-dominated candidates that equal in-process simulations', async () => {
    const res = await t.post('efficient-frontier', { fund_id: fund.id, method: 'simulation', points: 6, bounds: { green: [0.3, 0.9], red: [0, 0.3] }, paths: PATHS, seed: SEED });
    expect(res.statusCode, res.body).toBe(202);
    const doc = await t.waitForEnd(res.json().id);
    expect(doc.state, JSON.stringify(doc.error)).toBe('completed');
    type Point = { weights: { green: number; orange: number; red: number }; lp_net_irr_p50: number; lp_net_irr_sd: number; risk: number };
    const { candidates, frontier } = doc.result as { candidates: Point[]; frontier: Point[] };
    expect(candidates).toHaveLength(6);
    for (const p of candidates) {
      expect(p.weights.green + p.weights.orange + p.weights.red).toBeCloseTo(1, 12);
      expect(p.weights.green).toBeGreaterThanOrEqual(0.3 - 1e-12);
      expect(p.weights.green).toBeLessThanOrEqual(0.9 + 1e-12);
      expect(p.weights.red).toBeLessThanOrEqual(0.3 + 1e-12);
      expect(p.risk).toBe(p.lp_net_irr_sd);
    }
    expect(frontier.length).toBeGreaterThan(0);
    for (const p of frontier) {
      const dominated = candidates.some((q) => q.risk <= p.risk && q.lp_net_irr_p50 >= p.lp_net_irr_p50 && (q.risk < p.risk || q.lp_net_irr_p50 > p.lp_net_irr_p50));
      expect(dominated).toBe(false);
    }
    expect(frontier.map((p) => p.risk)).toEqual([...frontier.map((p) => p.risk)].sort((a, b) => a - b));
    const first = candidates[0];
    const inProcess = simulateFund(withZoneAllocations(params(), first.weights) as unknown as EngineFund, { paths: PATHS, seed: SEED, granularity: 'monthly' });
    expect(first.lp_net_irr_p50).toBe(inProcess.lp.irr.p50);
    expect(first.lp_net_irr_sd).toBe(inProcess.lp.irr.sd);
  });
});

describe('goal seek', () => {
  it('finds a management fee whose re-simulation attains the target within tolerance; an unreachable target is a 422 with the attainable range', async () => {
    const target = simulateFund(withSolveParameter(params(), 'management_fee_rate', 0.0137) as unknown as EngineFund, { paths: PATHS, seed: SEED, granularity: 'monthly' }).lp.irr.p50!;
    const res = await t.post('solve', { fund_id: fund.id, parameter: 'management_fee_rate', target: { metric: 'lp_net_irr_p50', value: target }, paths: PATHS, seed: SEED }, { wait: true });
    expect(res.statusCode, res.body).toBe(200);
    const result = res.json().result as { value: number; achieved: number; iterations: number; converged: boolean; bracket: number[] };
    expect(result.converged).toBe(true);
    expect(Math.abs(result.achieved - target)).toBeLessThanOrEqual(0.0005);
    const again = simulateFund(withSolveParameter(params(), 'management_fee_rate', result.value) as unknown as EngineFund, { paths: PATHS, seed: SEED, granularity: 'monthly' }).lp.irr.p50;
    expect(again).toBe(result.achieved);
    expect(result.iterations).toBeGreaterThanOrEqual(2);

    const out = await t.post('solve', { fund_id: fund.id, parameter: 'management_fee_rate', target: { metric: 'lp_net_irr_p50', value: 0.9 }, paths: PATHS, seed: SEED }, { wait: true });
    expect(out.statusCode, out.body).toBe(422);
    const problem = out.json();
    expect(problem.code).toBe('TARGET_OUT_OF_REACH');
    expect(problem.attainable).toHaveLength(2);
    expect(problem.attainable[0]).toBeLessThan(problem.attainable[1]);
    expect(problem.attainable[1]).toBeLessThan(0.9);
  });
});

describe('cancel', () => {
  it('cancels the job and its runs; a second DELETE is a 409', async () => {
    const res = await t.post('sensitivity', { fund_id: fund.id, paths: 4_000, seed: 99 });
    expect(res.statusCode, res.body).toBe(202);
    const id = res.json().id as string;
    await waitFor(async () => ((await t.get(id)).runs.length > 0 ? true : null), { timeoutMs: 60_000, message: 'runs submitted' });
    const del = await t.inject({ method: 'DELETE', url: `/api/optimization/${id}`, headers: { authorization: t.auth.analyst } });
    expect(del.statusCode, del.body).toBe(202);
    expect(del.json().state).toBe('cancelled');
    const second = await t.inject({ method: 'DELETE', url: `/api/optimization/${id}`, headers: { authorization: t.auth.analyst } });
    expect(second.statusCode).toBe(409);
    expect(second.json().code).toBe('OPTIMIZATION_FINISHED');
    const runs = (await t.get(id)).runs;
    const states = await waitFor(
      async () => {
        const s = await Promise.all(runs.map(async (r) => (await t.sim.run(r, t.auth.viewer)).state));
        return s.every((x) => x === 'cancelled' || x === 'completed') ? s : null;
      },
      { timeoutMs: 60_000, message: 'runs ended' },
    );
    expect(states).toContain('cancelled');
    expect((await t.get(id)).state).toBe('cancelled');
  });
});

describe('another replica resumes a job', () => {
  it('takes over the lease of a stopped replica, re-attaches to its runs and completes with the same result', async () => {
    const b = await t.startReplica();
    const body = { fund_id: fund.id, paths: 1_500, seed: 5, parameters: [{ parameter: 'hurdle_rate' }, { parameter: 'volatility' }] };
    const res = await t.post('sensitivity', body);
    expect(res.statusCode, res.body).toBe(202);
    const id = res.json().id as string;
    await waitFor(async () => ((await t.get(id)).runs.length > 0 ? true : null), { timeoutMs: 60_000, message: 'runs submitted' });
    const before = (await t.get(id)).runs;
    await t.api.service.close(); // replica A stops: its driver stops, its lease is released
    const job = await waitFor(
      async () => {
        const r = await b.inject({ url: `/api/optimization/${id}`, headers: { authorization: t.auth.viewer } });
        const d = r.json();
        return ['completed', 'failed', 'cancelled'].includes(d.state) ? d : null;
      },
      { timeoutMs: 120_000, intervalMs: 200, message: 'resumed job ended' },
    );
    expect(job.state, job.error).toBe('completed');
    // the runs A submitted were re-attached, not submitted again
    expect(job.runs.slice(0, before.length)).toEqual(before);
    expect(new Set(job.runs).size).toBe(job.runs.length);
    const library = json(sensitivity(engineFund(), { paths: 1_500, seed: 5, parameters: [{ parameter: 'hurdle_rate' }, { parameter: 'volatility' }] }));
    expect(job.result.rows.map(({ tvpi_low: _a, tvpi_high: _b, irr_p5_low: _c, irr_p5_high: _d, ...row }: Record<string, unknown>) => row)).toEqual(library.rows);
  });
});
