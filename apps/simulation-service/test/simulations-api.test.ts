/**
 * The HTTP contract of simulation-service on the real PostgreSQL, NATS and Redis, with one
 * real worker process: strict input (400 naming the field, 404/422 from the services it
 * calls, nothing recorded or enqueued on a rejection), the summary contract (deep-equal to
 * `simulateFund` in-process on the run's snapshots), status, list, series, cache, cancel,
 * the events (through the outbox, exactly once) and the portfolio choice.
 */
import type { EventEnvelope } from '@equihome/domain';
import { createPool } from '@equihome/storage';
import { sleep, waitFor } from '@equihome/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './helpers.js';

let t: TestApi;
beforeAll(async () => {
  // 2,500-path shards: a 6,000-path run is 3 shards; a running shard passes 2 checkpoints.
  t = await startTestApi({ env: { SIM_SHARD_PATHS: '2500' } });
  await t.startWorkers(1);
}, 120_000);
afterAll(async () => {
  await t?.cleanup();
});

const post = (payload: unknown, role: 'viewer' | 'analyst' = 'analyst') => t.inject({ method: 'POST', url: '/api/simulations', headers: { authorization: t.auth(role) }, payload: payload as object });

async function query<R extends object>(sql: string, values: unknown[]): Promise<R[]> {
  const pool = createPool(t.env.DATABASE_URL);
  try {
    return (await pool.query<R>(sql, values)).rows;
  } finally {
    await pool.end();
  }
}

/** Every event of the test's stream, in stream order. */
async function streamEvents(): Promise<EventEnvelope<{ id?: string; state?: string; actor?: { sub: string } }>[]> {
  await t.infrastructure.relay!.flush({ timeoutMs: 20_000 });
  const { js } = t.fakes.messaging;
  const consumer = await js.consumers.get(t.env.NATS_STREAM, { deliver_policy: 'all' as never });
  const events: EventEnvelope<{ id?: string; state?: string }>[] = [];
  for (;;) {
    const batch = await consumer.fetch({ max_messages: 500, expires: 1_000 });
    let n = 0;
    for await (const m of batch) {
      events.push(m.json());
      n++;
    }
    if (n === 0) return events;
  }
}

describe('rejected requests', () => {
  it('answers 400/403/404/422 problems naming the field and records, announces and enqueues nothing', async () => {
    const fund = t.fakes.addFund();
    const other = t.fakes.addFund({ name: 'Other fund' });
    const foreign = t.fakes.addPortfolio(other);
    const cases: Array<{ body: unknown; status: number; code: string; path?: string; role?: 'viewer' }> = [
      { body: { fund_id: fund.id, paths: 0 }, status: 400, code: 'VALIDATION_FAILED', path: 'paths' },
      { body: { fund_id: fund.id, paths: 1_000_001 }, status: 400, code: 'VALIDATION_FAILED', path: 'paths' },
      { body: { fund_id: fund.id, paths: 10.5 }, status: 400, code: 'VALIDATION_FAILED', path: 'paths' },
      { body: { fund_id: fund.id, granularity: 'weekly' }, status: 400, code: 'VALIDATION_FAILED', path: 'granularity' },
      { body: { fund_id: fund.id, seed: -1 }, status: 400, code: 'VALIDATION_FAILED', path: 'seed' },
      { body: { fund_id: fund.id, pathz: 5 }, status: 400, code: 'VALIDATION_FAILED', path: 'pathz' },
      { body: { fund_id: 'not-a-uuid' }, status: 400, code: 'VALIDATION_FAILED', path: 'fund_id' },
      { body: { fund_id: fund.id, overrides: { fee_structure: { hurdle: 0.1 } } }, status: 400, code: 'VALIDATION_FAILED', path: 'overrides.fee_structure.hurdle' },
      { body: { fund_id: fund.id, overrides: { fee_structure: { hurdle_rate: 7 } } }, status: 400, code: 'VALIDATION_FAILED', path: 'overrides.fee_structure.hurdle_rate' },
      { body: { fund_id: fund.id, overrides: { scenario: { name: 'meltdown' } } }, status: 400, code: 'VALIDATION_FAILED', path: 'overrides.scenario.name' },
      { body: { fund_id: fund.id, overrides: { loan_parameters: { zone_allocations: { green: 0.9, orange: 0.3, red: 0.1 } } } }, status: 400, code: 'VALIDATION_FAILED', path: 'overrides.loan_parameters.zone_allocations' },
      { body: { fund_id: fund.id, overrides: { id: 'x' } }, status: 400, code: 'VALIDATION_FAILED', path: 'overrides.id' },
      { body: { fund_id: fund.id, overrides: 'gfc' }, status: 400, code: 'VALIDATION_FAILED', path: 'overrides' },
      { body: { fund_id: '0190a3c0-7b1e-7cc4-8a51-1c2b3d4e5f60' }, status: 404, code: 'FUND_NOT_FOUND', path: 'fund_id' },
      { body: { fund_id: fund.id, portfolio_id: '0190a3c0-7b1e-7cc4-8a51-1c2b3d4e5f60' }, status: 404, code: 'PORTFOLIO_NOT_FOUND', path: 'portfolio_id' },
      { body: { fund_id: fund.id, portfolio_id: foreign.id }, status: 422, code: 'PORTFOLIO_OF_ANOTHER_FUND', path: 'portfolio_id' },
      { body: { fund_id: fund.id }, status: 403, code: 'ROLE_TOO_LOW', role: 'viewer' },
    ];
    for (const c of cases) {
      const res = await post(c.body, c.role);
      expect(res.statusCode, `${JSON.stringify(c.body)} → ${res.body}`).toBe(c.status);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      const problem = res.json();
      expect(problem.code).toBe(c.code);
      if (c.path !== undefined) expect(problem.errors.map((e: { path: string }) => e.path)).toContain(c.path);
    }
    // Nothing was recorded, announced or enqueued.
    expect(await query('select 1 from documents where collection = $1', [t.infrastructure.runsCollection])).toHaveLength(0);
    expect(await query('select 1 from outbox where starts_with(subject, $1)', [`${t.env.NATS_SUBJECT_PREFIX}.`])).toHaveLength(0);
    const counts = await t.infrastructure.queue.queue.getJobCounts();
    expect(Object.values(counts).reduce((s, n) => s + n, 0)).toBe(0);
  });

  it('simulates a stored portfolio over NATS max payload, read page by page, and re-reads one edited while it was read', async () => {
    const fund = t.fakes.addFund({ size: 1_500_000_000 });
    const huge = t.fakes.addPortfolio(fund);
    expect(huge.loans.length).toBeGreaterThan(4_000); // > 1 MB as one document
    t.fakes.editDuringRead(huge.id, 1);
    const before = t.fakes.portfolioCalls.filter((id) => id === huge.id).length;
    const res = await post({ fund_id: fund.id, portfolio_id: huge.id, paths: 100, seed: 5, granularity: 'yearly', cache: false });
    expect(res.statusCode, res.body).toBe(202);
    expect(t.fakes.portfolioCalls.filter((id) => id === huge.id).length - before).toBe(2); // the first read saw an edit
    const snapshot = await t.infrastructure.results.getSnapshot<{ loans: unknown[] }>((await t.run(res.json().id)).portfolio_snapshot);
    expect(snapshot?.loans).toEqual(JSON.parse(JSON.stringify(huge.loans)));
    expect((await t.waitForEnd(res.json().id)).state).toBe('completed');

    // A portfolio that changes under every read: 503 with Retry-After, nothing recorded.
    t.fakes.editDuringRead(huge.id, 3);
    const busy = await post({ fund_id: fund.id, portfolio_id: huge.id, paths: 100, cache: false });
    expect(busy.statusCode, busy.body).toBe(503);
    expect(busy.headers['retry-after']).toBeDefined();
    expect(busy.json()).toMatchObject({ code: 'PORTFOLIO_SERVICE_UNAVAILABLE', errors: [{ path: 'portfolio_id' }] });
  });

  it('answers 404 SIMULATION_NOT_FOUND for an unknown run and 400 for a malformed id', async () => {
    const unknown = await t.inject({ url: '/api/simulations/0190a3c0-7b1e-7cc4-8a51-1c2b3d4e5f60', headers: { authorization: t.auth('viewer') } });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().code).toBe('SIMULATION_NOT_FOUND');
    const malformed = await t.inject({ url: '/api/simulations/%00/status', headers: { authorization: t.auth('viewer') } });
    expect(malformed.statusCode).toBe(400);
  });
});

describe('a completed run', () => {
  let fundId: string;
  let runId: string;
  let run: Awaited<ReturnType<TestApi['waitForEnd']>>;

  beforeAll(async () => {
    const fund = t.fakes.addFund();
    fundId = fund.id;
    const portfolio = t.fakes.addPortfolio(fund, { seed: 3 });
    const res = await post({ fund_id: fund.id, portfolio_id: portfolio.id, paths: 6_000, seed: 42, granularity: 'quarterly', label: 'contract' });
    expect(res.statusCode, res.body).toBe(202);
    runId = res.json().id;
    expect(res.headers.location).toBe(`/api/simulations/${runId}`);
    expect(res.json()).toMatchObject({ state: 'queued', status_url: `/api/simulations/${runId}/status`, cached: false });
    run = await t.waitForEnd(runId);
  }, 180_000);

  it("answers the engine's summary exactly: deep-equal, after JSON, to simulateFund in-process on the run's snapshots", async () => {
    expect(run.state).toBe('completed');
    expect(run.summary).toEqual(await t.reference(runId));
    expect(run.summary!.paths).toBe(6_000);
    expect(run.summary!.path_ranges).toEqual([[0, 6_000]]);
  });

  it('records the request, actor, portfolio, times and engine version of the run', async () => {
    expect(run).toMatchObject({
      id: runId,
      fund_id: fundId,
      portfolio_source: 'request',
      label: 'contract',
      request: { fund_id: fundId, paths: 6_000, seed: 42, granularity: 'quarterly', cache: true },
      paths_done: 6_000,
      paths_total: 6_000,
      cached: false,
      actor: { sub: t.sub('analyst'), role: 'analyst' },
      error: null,
    });
    expect(Date.parse(run.started_at as string)).toBeGreaterThanOrEqual(Date.parse(run.created_at as string));
    expect(Date.parse(run.completed_at as string)).toBeGreaterThanOrEqual(Date.parse(run.started_at as string));
    expect(run.duration_ms).toBe(Date.parse(run.completed_at as string) - Date.parse(run.started_at as string));
    expect(run.engine_version).toBe(run.summary!.engine_version);
  });

  it('stores three shard results that cover the paths without overlap', async () => {
    const shards = await query<{ shard: number; path_start: number; path_end: number }>('select shard, path_start, path_end from simulation_shards where run_id = $1 order by shard', [runId]);
    expect(shards).toEqual([
      { shard: 0, path_start: 0, path_end: 2_500 },
      { shard: 1, path_start: 2_500, path_end: 5_000 },
      { shard: 2, path_start: 5_000, path_end: 6_000 },
    ]);
  });

  it('answers its status: completed, all paths done, no ETA', async () => {
    const res = await t.inject({ url: `/api/simulations/${runId}/status`, headers: { authorization: t.auth('viewer') } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: runId, state: 'completed', paths_done: 6_000, paths_total: 6_000, eta_seconds: null, error: null });
  });

  it('serves each metric’s bands from the series table, equal to the summary’s bands', async () => {
    for (const metric of ['nav', 'lp_distributions', 'dpi', 'tvpi'] as const) {
      const res = await t.inject({ url: `/api/simulations/${runId}/series?metric=${metric}`, headers: { authorization: t.auth('viewer') } });
      expect(res.statusCode, res.body).toBe(200);
      const bands = (run.summary!.bands as Record<string, Record<string, number[]>>)[metric];
      expect(res.json()).toEqual({ id: runId, metric, years: (run.summary!.bands as { years: number[] }).years, ...bands });
    }
    const bad = await t.inject({ url: `/api/simulations/${runId}/series?metric=irr`, headers: { authorization: t.auth('viewer') } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].path).toBe('metric');
  });

  it('announces queued then completed through the outbox, each exactly once, and audits both', async () => {
    const mine = (await streamEvents()).filter((e) => e.data.id === runId && e.type !== 'equihome.simulation.progress');
    expect(mine.map((e) => e.type)).toEqual(['equihome.simulation.queued', 'equihome.simulation.completed']);
    expect(mine[0].data).toMatchObject({ state: 'queued', actor: { sub: t.sub('analyst') } });
    expect(mine[1].data).toMatchObject({ state: 'completed', paths_done: 6_000, paths_total: 6_000 });
    const audit = await query<{ action: string; actor: string }>("select action, actor from audit_log where resource = 'simulation' and resource_id = $1 order by id", [runId]);
    expect(audit).toEqual([
      { action: 'create', actor: t.sub('analyst') },
      { action: 'complete', actor: 'simulation-service' },
    ]);
  });

  it('answers an identical request from the cache at once: a new completed run, cached, with the same summary', async () => {
    const portfolioId = run.portfolio_id as string;
    const started = performance.now();
    const res = await post({ fund_id: fundId, portfolio_id: portfolioId, paths: 6_000, seed: 42, granularity: 'quarterly' });
    const elapsed = performance.now() - started;
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ state: 'completed', cached: true });
    const hit = await t.getRun(res.json().id);
    expect(hit).toMatchObject({ state: 'completed', cached: true, paths_done: 6_000 });
    expect(hit.summary).toEqual(run.summary);
    const series = await t.inject({ url: `/api/simulations/${res.json().id}/series?metric=tvpi`, headers: { authorization: t.auth('viewer') } });
    expect(series.json().p50).toEqual((run.summary!.bands as { tvpi: { p50: number[] } }).tvpi.p50);
    console.info(`cache hit: POST → completed in ${elapsed.toFixed(1)} ms (${String(res.headers["server-timing"])})`);
  });

  it('computes again with cache: false (not cached), and differently for another seed or granularity', async () => {
    const portfolioId = run.portfolio_id as string;
    const forced = await t.submit({ fund_id: fundId, portfolio_id: portfolioId, paths: 6_000, seed: 42, granularity: 'quarterly', cache: false });
    expect(forced).toMatchObject({ state: 'queued', cached: false });
    const reseeded = await t.submit({ fund_id: fundId, portfolio_id: portfolioId, paths: 6_000, seed: 43, granularity: 'quarterly' });
    expect(reseeded.cached).toBe(false);
    const done = await t.waitForEnd(forced.id);
    expect(done.summary).toEqual(run.summary);
    await t.waitForEnd(reseeded.id);
  });

  it('answers 409 SIMULATION_FINISHED to a DELETE of a finished run', async () => {
    const res = await t.inject({ method: 'DELETE', url: `/api/simulations/${runId}`, headers: { authorization: t.auth('analyst') } });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'SIMULATION_FINISHED' });
    expect((await t.getRun(runId)).state).toBe('completed');
  });

  it('lists runs by fund and state with cursor paging, without summaries', async () => {
    const all: { id: string; state: string }[] = [];
    let cursor: string | undefined;
    do {
      const res = await t.inject({ url: `/api/simulations?fund_id=${fundId}&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, headers: { authorization: t.auth('viewer') } });
      expect(res.statusCode, res.body).toBe(200);
      const page = res.json();
      expect(page.items.length).toBeLessThanOrEqual(2);
      for (const item of page.items) expect(item).not.toHaveProperty('summary');
      all.push(...page.items);
      cursor = page.next_cursor ?? undefined;
    } while (cursor !== undefined);
    expect(all.length).toBe(4);
    expect(all[0].id).toBe(runId);
    expect(new Set(all.map((r) => r.id)).size).toBe(4);
    const completed = await t.inject({ url: `/api/simulations?fund_id=${fundId}&state=completed&limit=50`, headers: { authorization: t.auth('viewer') } });
    expect(completed.json().items.every((r: { state: string }) => r.state === 'completed')).toBe(true);
    const bad = await t.inject({ url: '/api/simulations?state=done', headers: { authorization: t.auth('viewer') } });
    expect(bad.statusCode).toBe(400);
  });
});

describe('overrides and the portfolio of a run', () => {
  it('simulates the fund with the overrides deep-merged (GFC scenario, 6% hurdle), recorded in the snapshot', async () => {
    const fund = t.fakes.addFund();
    const base = await t.submit({ fund_id: fund.id, paths: 500, seed: 5, granularity: 'yearly' });
    const gfc = await t.submit({ fund_id: fund.id, paths: 500, seed: 5, granularity: 'yearly', overrides: { scenario: { name: 'gfc' }, fee_structure: { hurdle_rate: 0.06 } } });
    const [a, b] = [await t.waitForEnd(base.id), await t.waitForEnd(gfc.id)];
    expect(b.summary).toEqual(await t.reference(gfc.id));
    expect(b.summary!.config_hash).not.toBe(a.summary!.config_hash);
    const snapshot = await t.infrastructure.results.getSnapshot<{ scenario: { name: string }; fee_structure: { hurdle_rate: number; performance_fee_rate: number } }>((await t.run(gfc.id)).fund_snapshot);
    expect(snapshot!.scenario.name).toBe('gfc');
    expect(snapshot!.fee_structure).toMatchObject({ hurdle_rate: 0.06, performance_fee_rate: 0.2 });
  });

  it('reaches the fund terms of engine 2 through overrides: NAV facility, recallable distributions and a later close, each reported in the summary', async () => {
    const fund = t.fakes.addFund();
    const overrides = {
      leverage: { nav_facility: { max_ltv: 0.25, rate: 0.07, term: 4 } },
      operations: { recallable_cap_rate: 0.2 },
      closes: [{ date: '2026-07-01', amount: 30_000_000 }],
      fee_structure: { equalisation_rate: 0.06 },
    };
    const accepted = await t.submit({ fund_id: fund.id, paths: 300, seed: 8, granularity: 'quarterly', overrides });
    const run = await t.waitForEnd(accepted.id);
    expect(run.state).toBe('completed');
    expect(run.summary).toEqual(await t.reference(accepted.id));
    const summary = run.summary as unknown as {
      facility: { paths: number; nav_draws: number; lp_irr_without: { count: number } };
      recallable: { paths: number };
      closes: { lp_irr_by_close: { count: number }[]; equalisation: number[] };
    };
    expect(summary.facility.paths).toBe(300);
    expect(summary.facility.nav_draws).toBeGreaterThan(0);
    expect(summary.facility.lp_irr_without.count).toBe(300);
    expect(summary.recallable.paths).toBe(300);
    expect(summary.closes.lp_irr_by_close.map((d) => d.count)).toEqual([300, 300]);
    expect(summary.closes.equalisation[0]).toBeGreaterThan(0);
    // A bad new term is a 400 naming it, and nothing is enqueued.
    const bad = await post({ fund_id: fund.id, overrides: { leverage: { nav_facility: { max_ltv: 0.95, rate: 0.07, term: 4 } } } });
    expect(bad.statusCode, bad.body).toBe(400);
    expect(JSON.stringify(bad.json())).toContain('overrides.leverage.nav_facility.max_ltv');
    const late = await post({ fund_id: fund.id, overrides: { closes: [{ date: '2025-12-01', amount: 1 }] } });
    expect(late.statusCode, late.body).toBe(400);
    expect(JSON.stringify(late.json())).toContain('overrides.closes.0.date');
  });

  it("uses the fund's most recent portfolio announced by portfolio-service, else one generated from the seed", async () => {
    const fund = t.fakes.addFund();
    const generated = await t.submit({ fund_id: fund.id, paths: 200, seed: 9, granularity: 'yearly' });
    const first = await t.waitForEnd(generated.id);
    expect(first).toMatchObject({ portfolio_source: 'generated', portfolio_id: null });
    expect(first.summary).toEqual(await t.reference(generated.id));

    const portfolio = t.fakes.addPortfolio(fund, { seed: 1234 });
    await t.fakes.messaging.publish('equihome.portfolio.generated', {
      portfolio: { id: portfolio.id, fund_id: fund.id, loan_count: portfolio.loans.length, metrics: portfolio.metrics },
    });
    await waitFor(() => t.infrastructure.results.latestPortfolio(fund.id), { timeoutMs: 20_000, message: 'portfolio event consumed' });
    const latest = await t.submit({ fund_id: fund.id, paths: 200, seed: 9, granularity: 'yearly' });
    const second = await t.waitForEnd(latest.id);
    expect(second).toMatchObject({ portfolio_source: 'latest', portfolio_id: portfolio.id });
    expect(second.summary!.config_hash).not.toBe(first.summary!.config_hash);

    await t.fakes.messaging.publish('equihome.portfolio.deleted', { id: portfolio.id, fund_id: fund.id });
    await waitFor(async () => (await t.infrastructure.results.latestPortfolio(fund.id)) === null, { timeoutMs: 20_000, message: 'portfolio deletion consumed' });
    const again = await t.submit({ fund_id: fund.id, paths: 200, seed: 9, granularity: 'yearly' });
    expect(again.cached).toBe(true); // the same generated portfolio as the first run
  });
});

describe('cancellation', () => {
  it('cancels a running run: 202, state cancelled once, pending shards removed, the running one stops at a checkpoint, the worker takes the next run', async () => {
    // A $1B, 30-year fund (~3,400 loans, 360 monthly periods): about a second per 1,000 paths
    // on any machine, so the running 2,500-path shard surely has a checkpoint left when the
    // cancel reaches it (a fast fund can finish its shard first, and then nothing is stopped).
    const fund = t.fakes.addFund({ size: 1_000_000_000, term: 30 });
    const accepted = await t.submit({ fund_id: fund.id, paths: 10_000, seed: 1, granularity: 'monthly' });
    await waitFor(async () => (await t.getRun(accepted.id)).paths_done >= 1_000, { timeoutMs: 120_000, intervalMs: 100, message: 'run progressing' });
    const res = await t.inject({ method: 'DELETE', url: `/api/simulations/${accepted.id}`, headers: { authorization: t.auth('analyst') } });
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json()).toMatchObject({ id: accepted.id, state: 'cancelled' });
    const frozen = res.json().paths_done;

    const again = await t.inject({ method: 'DELETE', url: `/api/simulations/${accepted.id}`, headers: { authorization: t.auth('analyst') } });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('SIMULATION_FINISHED');

    // The next run is not stuck behind the cancelled one's other shards.
    const next = await t.submit({ fund_id: fund.id, paths: 300, seed: 2, granularity: 'yearly' });
    expect((await t.waitForEnd(next.id, 60_000)).state).toBe('completed');

    const shardsAfter = await query('select 1 from simulation_shards where run_id = $1', [accepted.id]);
    await sleep(1_500);
    expect(await query('select 1 from simulation_shards where run_id = $1', [accepted.id])).toHaveLength(shardsAfter.length);
    expect(shardsAfter.length).toBeLessThan(4);
    const run = await t.getRun(accepted.id);
    expect(run).toMatchObject({ state: 'cancelled', paths_done: frozen, summary: null });
    const { queue } = t.infrastructure.queue;
    const completed = await queue.getCompleted(0, 1_000);
    expect(completed.some((j) => j.id?.startsWith(`sim-${accepted.id}-`) && j.returnvalue?.outcome === 'cancelled')).toBe(true);
    const pending = await queue.getJobs(['waiting', 'prioritized', 'active', 'delayed']);
    expect(pending.filter((j) => j.id?.startsWith(`sim-${accepted.id}-`))).toHaveLength(0);
    const events = (await streamEvents()).filter((e) => e.data.id === accepted.id && e.type !== 'equihome.simulation.progress');
    expect(events.map((e) => e.type)).toEqual(['equihome.simulation.queued', 'equihome.simulation.cancelled']);
  });
});

describe('progress', () => {
  it('publishes progress events at most 4 per second with paths_done rising to the total, an ETA and converging partial percentiles', async () => {
    const fund = t.fakes.addFund();
    const seen: { at: number; data: { id: string; paths_done: number; eta_seconds: number | null; partial?: { paths: number; lp_irr: { p50: number } } } }[] = [];
    const live = t.fakes.messaging.subscribe('equihome.simulation.progress', (event) => {
      seen.push({ at: Date.parse(event.time), data: event.data as (typeof seen)[number]['data'] });
    });
    try {
      // 8 monthly shards of 2,500 paths on one worker thread: well over a second of work on
      // any machine, so several progress slots of 250 ms go by.
      const accepted = await t.submit({ fund_id: fund.id, paths: 20_000, seed: 77, granularity: 'monthly' });
      const done = await t.waitForEnd(accepted.id);
      expect(done.state).toBe('completed');
      const mine = seen.filter((e) => e.data.id === accepted.id);
      expect(mine.length).toBeGreaterThanOrEqual(2);
      for (let i = 1; i < mine.length; i++) {
        expect(mine[i].data.paths_done).toBeGreaterThanOrEqual(mine[i - 1].data.paths_done);
        expect(mine[i].at - mine[i - 1].at).toBeGreaterThanOrEqual(250); // ≤ 4/s: the events' own times
      }
      expect(mine.some((e) => e.data.eta_seconds !== null)).toBe(true);
      const withPartial = mine.filter((e) => e.data.partial !== undefined);
      expect(withPartial.length).toBeGreaterThan(0);
      expect(withPartial.every((e) => e.data.partial!.paths % 2_500 === 0 || e.data.partial!.paths === 20_000)).toBe(true);
    } finally {
      await live.stop();
    }
  });
});
