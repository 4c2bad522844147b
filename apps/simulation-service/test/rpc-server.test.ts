/**
 * The internal RPCs (rpc-server.ts) on the real NATS, PostgreSQL and Redis with one worker
 * process: a run of a fund SNAPSHOT submitted over `equihome.rpc.simulation.submit` is the
 * same run as over HTTP (summary = simulateFund in-process on the generated or stored
 * portfolio), `get` answers its metrics (small: no bands, no state), `cancel` is idempotent,
 * and problems keep their codes.
 */
import type { FundParameters } from '@equihome/domain';
import { simulateFund, type Fund as EngineFund } from '@equihome/finance';
import { RpcRemoteError } from '@equihome/messaging';
import { waitFor } from '@equihome/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './helpers.js';

let t: TestApi;
beforeAll(async () => {
  t = await startTestApi({ env: { SIM_SHARD_PATHS: '1000' } });
  await t.startWorkers(1);
}, 120_000);
afterAll(async () => {
  await t?.cleanup();
});

const actor = { sub: 'optimizer-test', role: 'analyst' };
const rpc = () => t.fakes.messaging;

describe('equihome.rpc.simulation.*', () => {
  it('submits a snapshot run, reads its metrics (= simulateFund in-process) and records its parent', async () => {
    const fund = t.fakes.addFund();
    const { id: _i, version: _v, created_at: _c, updated_at: _u, ...parameters } = fund;
    const moved = { ...parameters, fee_structure: { ...parameters.fee_structure, management_fee_rate: 0.015 } } as FundParameters;
    const reply = await rpc().request('equihome.rpc.simulation.submit', { fund_id: fund.id, fund_version: fund.version, fund: moved, portfolio_id: null, paths: 1_500, seed: 3, actor, parent: { kind: 'optimization', id: 'job-1' } });
    expect(reply.state).toBe('queued');
    const done = await waitFor(async () => {
      const r = await rpc().request('equihome.rpc.simulation.get', { id: reply.id });
      return r.state === 'completed' ? r : null;
    }, { timeoutMs: 120_000, message: 'run completed' });
    const reference = JSON.parse(JSON.stringify(simulateFund(moved as unknown as EngineFund, { paths: 1_500, seed: 3, granularity: 'monthly' })));
    expect(done.metrics!.lp).toEqual(reference.lp);
    expect(done.metrics!.fund).toEqual(reference.fund);
    expect(done.paths_done).toBe(1_500);
    expect(Buffer.byteLength(JSON.stringify(done))).toBeLessThan(64_000);
    const run = await t.run(reply.id);
    expect(run.parent).toEqual({ kind: 'optimization', id: 'job-1' });
    expect(run.portfolio_source).toBe('generated');
    expect(run.actor).toEqual(actor);
    // the same candidate again: a cache hit, completed at once
    const again = await rpc().request('equihome.rpc.simulation.submit', { fund_id: fund.id, fund_version: fund.version, fund: moved, portfolio_id: null, paths: 1_500, seed: 3, actor });
    expect(again).toMatchObject({ state: 'completed', cached: true });
    // cancel of a finished run: unchanged
    expect(await rpc().request('equihome.rpc.simulation.cancel', { id: reply.id, actor })).toEqual({ id: reply.id, state: 'completed', changed: false });
  });

  it('runs on a stored portfolio, cancels a live run once, and answers problems with their codes', async () => {
    const fund = t.fakes.addFund();
    const { id: _i, version: _v, created_at: _c, updated_at: _u, ...parameters } = fund;
    const portfolio = t.fakes.addPortfolio(fund, { seed: 9 });
    const reply = await rpc().request('equihome.rpc.simulation.submit', { fund_id: fund.id, fund_version: 1, fund: parameters as FundParameters, portfolio_id: portfolio.id, paths: 50_000, seed: 4, actor, cache: false });
    const cancelled = await rpc().request('equihome.rpc.simulation.cancel', { id: reply.id, actor });
    expect(cancelled).toEqual({ id: reply.id, state: 'cancelled', changed: true });
    expect((await rpc().request('equihome.rpc.simulation.cancel', { id: reply.id, actor })).changed).toBe(false);
    expect((await t.run(reply.id)).portfolio_id).toBe(portfolio.id);
    const other = t.fakes.addFund({ name: 'Other' });
    const err = await rpc()
      .request('equihome.rpc.simulation.submit', { fund_id: other.id, fund_version: 1, fund: parameters as FundParameters, portfolio_id: portfolio.id, paths: 10, seed: 1, actor })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RpcRemoteError);
    expect((err as RpcRemoteError).problem.code).toBe('PORTFOLIO_OF_ANOTHER_FUND');
    const missing = await rpc().request('equihome.rpc.simulation.get', { id: '0190a3c0-7b1e-7cc4-8a51-1c2b3d4e5f60' }).catch((e: unknown) => e);
    expect((missing as RpcRemoteError).status).toBe(404);
    expect((missing as RpcRemoteError).problem.code).toBe('SIMULATION_NOT_FOUND');
  });
});
