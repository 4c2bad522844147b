import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectMessaging, MessagingError, MessagingUnavailableError } from '../src/index.js';
import { randomToken, recordingLogger, testWorld, waitFor, type TestWorld } from './helpers.js';

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
  });

  it('close() stops consumers and responders, and drains the connection', async () => {
    const m = await world.open();
    await m.ensureStream();
    await m.consume({ durable: `d_${randomToken()}`, subject: 'equihome.fund.created', handler: async () => undefined });
    m.serve('equihome.rpc.fund.get', async () => {
      throw Object.assign(new Error('nope'), { status: 404 });
    });
    await m.jsm.streams.delete(world.stream);
    await m.close();
    expect(m.nc.isClosed()).toBe(true);
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
