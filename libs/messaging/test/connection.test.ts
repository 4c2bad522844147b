import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Fund } from '@equihome/domain';
import { sleep } from '@equihome/testing';
import { connectMessaging, MessagingError, MessagingUnavailableError, RpcNoRespondersError, uuidv7 } from '../src/index.js';
import { randomToken, recordingLogger, sampleFund, testWorld, waitFor, type TestWorld } from './helpers.js';

let world: TestWorld;
beforeEach(() => {
  world = testWorld();
});
afterEach(async () => {
  await world.cleanup();
});

describe('connection', () => {
  it('ping resolves on a live connection and rejects with MessagingUnavailableError once closed', async () => {
    const m = await world.open();
    await expect(m.ping()).resolves.toBeUndefined();
    await m.close();
    await m.close(); // idempotent
    await expect(m.ping()).rejects.toBeInstanceOf(MessagingUnavailableError);
  });

  it('rejects with MessagingUnavailableError when no server listens', async () => {
    // Port 1 on localhost: connection refused.
    const err = await connectMessaging({ name: 'x', servers: 'nats://127.0.0.1:1', logger: recordingLogger() }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MessagingUnavailableError);
    expect((err as Error).cause).toBeDefined();
  });

  it('requires a service name', async () => {
    await expect(connectMessaging({ name: '' })).rejects.toThrow(/name is required/);
  });

  it('logs the disconnect and reconnect of the connection', async () => {
    const m = await world.open();
    await m.nc.reconnect();
    await waitFor(() => (m.logger.lines.some((l) => l.message === 'nats reconnected') ? true : undefined));
    expect(m.logger.lines.some((l) => l.level === 'warn' && l.message === 'nats disconnected')).toBe(true);
    await expect(m.ping()).resolves.toBeUndefined();
  });

  it('consume on a missing stream fails with a MessagingError telling to call ensureStream', async () => {
    const m = await world.open();
    const err = await m
      .consume({ durable: `d_${randomToken()}`, subject: 'equihome.fund.created', handler: async () => undefined })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MessagingError);
    expect((err as Error).message).toMatch(/ensureStream/);
    expect((err as Error).cause).toBeDefined();
  });

  it('after close() its consumer handles no event and its responder answers no request', async () => {
    const service = await world.open('fund-service');
    const other = await world.open('other-service');
    await service.ensureStream();
    const durable = `d_${randomToken()}`;
    const handled: string[] = [];
    await service.consume({
      durable,
      subject: 'equihome.fund.deleted',
      handler: async (event) => {
        handled.push(event.data.id);
      },
    });
    let answered = 0;
    service.serve('equihome.rpc.fund.get', async ({ id }) => {
      answered += 1;
      return Fund.parse({ ...sampleFund(id), name: 'served by fund-service' });
    });
    await service.nc.flush();
    // Both work while the service is open.
    await expect(other.request('equihome.rpc.fund.get', { id: uuidv7() })).resolves.toMatchObject({ name: 'served by fund-service' });
    await other.publish('equihome.fund.deleted', { id: 'before' });
    await waitFor(() => handled.length > 0, { message: 'event before close handled' });

    await service.close();
    expect(service.nc.isClosed()).toBe(true);
    await other.publish('equihome.fund.deleted', { id: 'after' });
    await expect(other.request('equihome.rpc.fund.get', { id: uuidv7() }, { timeoutMs: 2_000 })).rejects.toBeInstanceOf(RpcNoRespondersError);
    // The event waits on the stream for the durable: nobody took it.
    const info = await waitFor(
      async () => {
        const i = await other.jsm.consumers.info(world.stream, durable);
        return i.num_pending === 1 ? i : undefined;
      },
      { message: 'event after close pending on the durable' },
    );
    expect(info.num_ack_pending).toBe(0);
    expect(info.delivered.consumer_seq).toBe(1);

    // The next replica gets it, as a first delivery: the closed service never received it.
    const next: { id: string; count: number }[] = [];
    const replica = await other.consume({
      durable,
      subject: 'equihome.fund.deleted',
      handler: async (event, ctx) => {
        next.push({ id: event.data.id, count: ctx.deliveryCount });
      },
    });
    await waitFor(() => next.length > 0, { message: 'event after close handled by the next replica' });
    await replica.stop();
    expect(next).toEqual([{ id: 'after', count: 1 }]);
    expect(handled).toEqual(['before']);
    expect(answered).toBe(1);
  });

  it('close() waits for the request in hand: it is answered before close resolves', async () => {
    const service = await world.open('fund-service');
    const other = await world.open('other-service');
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const steps: string[] = [];
    service.serve('equihome.rpc.fund.get', async ({ id }) => {
      steps.push('request started');
      await held;
      steps.push('request done');
      return Fund.parse(sampleFund(id));
    });
    await service.nc.flush();
    const id = uuidv7();
    const reply = other.request('equihome.rpc.fund.get', { id }, { timeoutMs: 5_000 }).catch((err: unknown) => err);
    await waitFor(() => steps.includes('request started'), { message: 'request in hand' });

    const closing = service.close().then(() => steps.push('closed'));
    await sleep(100);
    expect(steps).toEqual(['request started']);
    release();
    await closing;
    expect(await reply).toMatchObject({ id });
    expect(steps).toEqual(['request started', 'request done', 'closed']);
  });

  it('close() waits for the event in hand: it is handled and acked before close resolves', async () => {
    const service = await world.open('fund-service');
    const other = await world.open('other-service');
    await service.ensureStream();
    const durable = `d_${randomToken()}`;
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const steps: string[] = [];
    await service.consume({
      durable,
      subject: 'equihome.fund.deleted',
      handler: async () => {
        steps.push('event started');
        await held;
        steps.push('event done');
      },
    });
    await other.publish('equihome.fund.deleted', { id: 'in-hand' });
    await waitFor(() => steps.includes('event started'), { message: 'event in hand' });

    const closing = service.close().then(() => steps.push('closed'));
    await sleep(100);
    expect(steps).toEqual(['event started']);
    release();
    await closing;
    expect(steps).toEqual(['event started', 'event done', 'closed']);
    // Acked before close resolved: settled on the server, never redelivered.
    const info = await other.jsm.consumers.info(world.stream, durable);
    expect(info.num_ack_pending).toBe(0);
    expect(info.num_pending).toBe(0);
    expect(info.num_redelivered).toBe(0);
  });
});

describe('live subscription', () => {
  it('receives published events matching a wildcard pattern, validated, without a durable consumer', async () => {
    const m = await world.open();
    await m.ensureStream();
    const seen: string[] = [];
    const live = m.subscribe('equihome.simulation.>', (event) => {
      seen.push(`${event.type}:${(event.data as { paths_done: number }).paths_done}`);
    });
    await m.nc.flush();
    const status = { id: 'r1', state: 'running' as const, paths_total: 100, eta_seconds: null };
    await m.publish('equihome.simulation.progress', { ...status, paths_done: 10 });
    await m.publish('equihome.fund.deleted', { id: 'ignored' });
    await m.nc.publish(`${world.prefix}.simulation.progress`, '{"broken": true}');
    await m.publish('equihome.simulation.completed', { ...status, state: 'completed', paths_done: 100 });
    await waitFor(() => (seen.length >= 2 ? seen : undefined));
    await live.stop();
    expect(seen).toEqual(['equihome.simulation.progress:10', 'equihome.simulation.completed:100']);
    expect(m.logger.lines.some((l) => l.level === 'error' && l.message === 'live event skipped')).toBe(true);
  });
});

describe('graceful close', () => {
  it('close() gives up on a hung handler after graceMs and the event is redelivered to the next replica', async () => {
    const a = await world.open('worker-a');
    await a.ensureStream();
    const durable = `d_${randomToken()}`;
    let release: () => void = () => undefined;
    const hung = new Promise<void>((resolve) => {
      release = resolve;
    });
    const started: number[] = [];
    await a.consume({
      durable,
      subject: 'equihome.fund.deleted',
      ackWaitMs: 1_000,
      handler: async (_e, ctx) => {
        started.push(ctx.deliveryCount);
        await hung;
      },
    });
    await a.publish('equihome.fund.deleted', { id: 'stuck' });
    await waitFor(() => (started.length > 0 ? started : undefined));
    await a.close({ graceMs: 100 });
    expect(a.nc.isClosed()).toBe(true);
    expect(a.logger.lines.some((l) => l.message.includes('grace period'))).toBe(true);

    const b = await world.open('worker-b');
    const seen: number[] = [];
    const consumer = await b.consume({
      durable,
      subject: 'equihome.fund.deleted',
      ackWaitMs: 1_000,
      handler: async (_e, ctx) => {
        seen.push(ctx.deliveryCount);
      },
    });
    await waitFor(() => (seen.length > 0 ? seen : undefined));
    release();
    await consumer.stop();
    expect(seen).toEqual([2]);
  });
});
