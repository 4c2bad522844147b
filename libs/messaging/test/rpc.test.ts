import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  MessagingValidationError,
  RpcNoRespondersError,
  RpcRemoteError,
  RpcTimeoutError,
  uuidv7,
} from '../src/index.js';
import { sampleFund, testWorld, type TestWorld } from './helpers.js';

let world: TestWorld;
beforeEach(() => {
  world = testWorld();
});
afterEach(async () => {
  await world.cleanup();
});

/** A 404 as the HTTP layer throws it (HttpProblem-like: status, title, detail). */
class NotFoundProblem extends Error {
  readonly status = 404;
  readonly title = 'Not Found';
  constructor(readonly detail: string) {
    super(detail);
  }
}

describe('request/reply', () => {
  it('answers a typed request with the validated reply', async () => {
    const server = await world.open('fund-service');
    const client = await world.open('simulation-worker');
    await server.ensureStream();
    const asked: string[] = [];
    server.serve('equihome.rpc.fund.get', async (req) => {
      asked.push(req.id);
      return { ...sampleFund(req.id), fee_structure: undefined } as never;
    });
    await server.nc.flush();
    const id = uuidv7();
    const fund = await client.request('equihome.rpc.fund.get', { id });
    expect(asked).toEqual([id]);
    expect(fund.id).toBe(id);
    expect(fund.name).toBe('Equihome Fund I');
    // Defaults applied by the reply schema (MODEL.md default management fee 2%).
    expect(fund.fee_structure.management_fee_rate).toBe(0.02);
  });

  it('fails fast with RpcNoRespondersError when nobody serves the subject, even with the event stream in place', async () => {
    const client = await world.open();
    // The stream must not capture equihome.rpc.* (it would answer requests with a PubAck).
    await client.ensureStream();
    const err = await client.request('equihome.rpc.portfolio.get', { id: uuidv7() }, { timeoutMs: 15_000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RpcNoRespondersError);
    expect((err as RpcNoRespondersError).subject).toBe('equihome.rpc.portfolio.get');
    expect((err as RpcNoRespondersError).cause).toBeDefined();
  });

  it('raises RpcRemoteError with status 404 when the responder throws a 404 problem', async () => {
    const server = await world.open('portfolio-service');
    const client = await world.open();
    server.serve('equihome.rpc.portfolio.get', async (req) => {
      throw new NotFoundProblem(`portfolio ${req.id} does not exist`);
    });
    await server.nc.flush();
    const missing = uuidv7();
    const err = await client.request('equihome.rpc.portfolio.get', { id: missing }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RpcRemoteError);
    const remote = err as RpcRemoteError;
    expect(remote.status).toBe(404);
    expect(remote.problem).toEqual({
      type: 'urn:equihome:problem:not-found',
      code: 'NOT_FOUND',
      status: 404,
      title: 'Not Found',
      detail: `portfolio ${missing} does not exist`,
      instance: 'equihome.rpc.portfolio.get',
    });
  });

  it('answers 413 RPC_REPLY_TOO_LARGE at once when the reply exceeds the server max payload', async () => {
    const server = await world.open('portfolio-service');
    const client = await world.open();
    const limit = server.nc.info!.max_payload;
    const loan = { id: 'l', loan_amount: 250_000, property_value: 400_000, ltv: 0.625, zone: 'green', appreciation_rate: 0.05, origination_year: 1, exit_year: 7, will_be_reinvested: false } as const;
    const loans = Array.from({ length: Math.ceil(limit / 150) + 10 }, (_, i) => ({ ...loan, id: `loan-${i}` }));
    const metrics = { total_initial_value: 1, total_loan_amount: 1, average_ltv: 0.6, weighted_appreciation_rate: 0.05, expected_irr: 0.07, expected_multiple: 1.5 };
    server.serve('equihome.rpc.portfolio.get', async (req) => ({
      id: req.id, version: 1, created_at: '2026-01-01T00:00:00Z', updated_at: '2026-01-01T00:00:00Z', fund_id: 'f', loans, metrics,
    }));
    await server.nc.flush();
    const err = await client.request('equihome.rpc.portfolio.get', { id: uuidv7() }, { timeoutMs: 30_000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RpcRemoteError);
    expect((err as RpcRemoteError).status).toBe(413);
    expect((err as RpcRemoteError).problem).toMatchObject({ code: 'RPC_REPLY_TOO_LARGE', type: 'urn:equihome:problem:rpc-reply-too-large', title: 'Content Too Large' });
    expect(server.logger.lines.some((l) => l.message === 'rpc reply too large')).toBe(true);
  });

  it('answers 500 without leaking the message when the handler fails unexpectedly', async () => {
    const server = await world.open('portfolio-service');
    const client = await world.open();
    server.serve('equihome.rpc.portfolio.get', async () => {
      throw new Error('password=hunter2 connection refused');
    });
    await server.nc.flush();
    const err = (await client.request('equihome.rpc.portfolio.get', { id: uuidv7() }).catch((e: unknown) => e)) as RpcRemoteError;
    expect(err).toBeInstanceOf(RpcRemoteError);
    expect(err.status).toBe(500);
    expect(err.problem).toMatchObject({ code: 'INTERNAL', type: 'urn:equihome:problem:internal' });
    expect(JSON.stringify(err.problem)).not.toContain('hunter2');
    expect(server.logger.lines.some((l) => l.level === 'error' && String(l.fields['err']).includes('hunter2'))).toBe(true);
  });

  it('rejects an invalid request before sending with MessagingValidationError naming the field', async () => {
    const client = await world.open();
    const err = await client.request('equihome.rpc.fund.get', { id: '' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MessagingValidationError);
    expect((err as MessagingValidationError).field).toBe('id');
  });

  it('answers 400 with the field errors when a raw request fails the schema', async () => {
    const server = await world.open('fund-service');
    let called = false;
    server.serve('equihome.rpc.fund.get', async () => {
      called = true;
      throw new Error('unreachable');
    });
    await server.nc.flush();
    const reply = await server.nc.request(`${world.prefix}.rpc.fund.get`, JSON.stringify({ id: 42 }), { timeout: 5_000 });
    const body = reply.json<{ error: { status: number; code: string; type: string; errors: { path: string }[] } }>();
    expect(called).toBe(false);
    expect(body.error).toMatchObject({ status: 400, code: 'VALIDATION_FAILED', type: 'urn:equihome:problem:validation-failed' });
    expect(body.error.errors.map((e) => e.path)).toEqual(['id']);
  });

  it('raises MessagingValidationError when the reply does not match the reply schema', async () => {
    const server = await world.open('fund-service');
    const client = await world.open();
    server.serve('equihome.rpc.fund.get', async () => ({ id: 'f' }) as never);
    await server.nc.flush();
    const err = await client.request('equihome.rpc.fund.get', { id: uuidv7() }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MessagingValidationError);
    expect((err as MessagingValidationError).subject).toBe('equihome.rpc.fund.get reply');
  });

  it('raises RpcTimeoutError when the responder does not answer in time', async () => {
    const server = await world.open('slow-service');
    const client = await world.open();
    let release: () => void = () => undefined;
    const never = new Promise<void>((resolve) => {
      release = resolve;
    });
    server.serve('equihome.rpc.fund.get', async () => {
      await never;
      throw new Error('too late');
    });
    await server.nc.flush();
    const err = await client.request('equihome.rpc.fund.get', { id: uuidv7() }, { timeoutMs: 200 }).catch((e: unknown) => e);
    release();
    expect(err).toBeInstanceOf(RpcTimeoutError);
    expect((err as RpcTimeoutError).timeoutMs).toBe(200);
  });

  it('shares requests between replicas of the same queue group, each answered once', async () => {
    const a = await world.open('portfolio-service');
    const b = await world.open('portfolio-service');
    const client = await world.open();
    const handledBy: string[] = [];
    const handler = (who: string) => async (req: { id: string }) => {
      handledBy.push(who);
      throw new NotFoundProblem(req.id);
    };
    a.serve('equihome.rpc.portfolio.get', handler('a'));
    b.serve('equihome.rpc.portfolio.get', handler('b'));
    await Promise.all([a.nc.flush(), b.nc.flush()]);
    const ids = Array.from({ length: 40 }, () => uuidv7());
    const replies = await Promise.all(ids.map((id) => client.request('equihome.rpc.portfolio.get', { id }).catch((e: RpcRemoteError) => e.problem.detail)));
    expect(replies).toEqual(ids);
    expect(handledBy).toHaveLength(40);
    // Random queue distribution: P(all 40 to one replica) = 2 × 2^-40.
    expect(new Set(handledBy)).toEqual(new Set(['a', 'b']));
  });

  it('stop() takes the responder off the subject', async () => {
    const server = await world.open('fund-service');
    const client = await world.open();
    const responder = server.serve('equihome.rpc.fund.get', async (req) => sampleFund(req.id) as never);
    await server.nc.flush();
    const id = uuidv7();
    await expect(client.request('equihome.rpc.fund.get', { id })).resolves.toMatchObject({ id });
    await responder.stop();
    await expect(client.request('equihome.rpc.fund.get', { id })).rejects.toBeInstanceOf(RpcNoRespondersError);
  });
});
