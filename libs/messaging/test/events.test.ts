import { CLOUDEVENTS_SPEC_VERSION, EVENT_CONTENT_TYPE, EVENT_ENTITIES } from '@equihome/domain';
import { sleep } from '@equihome/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MessagingError, MessagingValidationError, type DeliveryContext } from '../src/index.js';
import { randomToken, sampleFund, testWorld, waitFor, type TestWorld } from './helpers.js';

let world: TestWorld;
beforeEach(() => {
  world = testWorld();
});
afterEach(async () => {
  await world.cleanup();
});

const progress = (id: string, done: number) => ({
  id,
  state: 'running' as const,
  paths_done: done,
  paths_total: 1000,
  eta_seconds: 3,
});

describe('publish and consume through JetStream', () => {
  it('delivers a published event to a durable consumer with its envelope and validated data', async () => {
    const m = await world.open('fund-service');
    await m.ensureStream();
    const published = await m.publish('equihome.fund.created', { fund: sampleFund('f-42'), actor: { sub: 'u1', role: 'admin' } });
    expect(published.duplicate).toBe(false);
    expect(published.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);

    const received: { event: unknown; ctx: DeliveryContext }[] = [];
    const consumer = await m.consume({
      durable: `d_${randomToken()}`,
      subject: 'equihome.fund.created',
      handler: async (event, ctx) => {
        received.push({ event, ctx });
      },
    });
    const [{ event, ctx }] = await waitFor(() => (received.length > 0 ? received : undefined));
    await consumer.stop();

    expect(ctx.deliveryCount).toBe(1);
    expect(event).toMatchObject({
      id: published.id,
      type: 'equihome.fund.created',
      source: 'fund-service',
      subject: `${world.prefix}.fund.created`,
      time: published.time,
      data: { fund: { id: 'f-42', name: 'Equihome Fund I', size: 100_000_000 }, actor: { sub: 'u1', role: 'admin' } },
    });
    // The schema filled the model defaults before publishing (MODEL.md: hurdle 8%).
    expect((event as { data: { fund: { fee_structure: { hurdle_rate: number } } } }).data.fund.fee_structure.hurdle_rate).toBe(0.08);
    const info = await m.jsm.consumers.info(world.stream, consumer.durable);
    expect(info.num_ack_pending).toBe(0);
    expect(info.config.filter_subject).toBe(`${world.prefix}.fund.created`);
  });

  it('filters by subject: a consumer of fund.deleted never sees fund.created', async () => {
    const m = await world.open();
    await m.ensureStream();
    await m.publish('equihome.fund.created', { fund: sampleFund('a') });
    await m.publish('equihome.fund.deleted', { id: 'b' });
    const seen: string[] = [];
    const consumer = await m.consume({
      durable: `d_${randomToken()}`,
      subject: 'equihome.fund.deleted',
      handler: async (event) => {
        seen.push(`${event.type}:${event.data.id}`);
      },
    });
    await waitFor(() => (seen.length > 0 ? seen : undefined));
    await m.publish('equihome.fund.deleted', { id: 'c' });
    await waitFor(() => (seen.length > 1 ? seen : undefined));
    await consumer.stop();
    expect(seen).toEqual(['equihome.fund.deleted:b', 'equihome.fund.deleted:c']);
  });

  it('stores a duplicate publish with the same id once and flags it', async () => {
    const m = await world.open();
    await m.ensureStream();
    const first = await m.publish('equihome.simulation.progress', progress('run-1', 10), { id: 'evt-1' });
    const second = await m.publish('equihome.simulation.progress', progress('run-1', 10), { id: 'evt-1' });
    expect(first.duplicate).toBe(false);
    expect(second.duplicate).toBe(true);
    expect(second.seq).toBe(first.seq);
    const info = await m.jsm.streams.info(world.stream);
    expect(info.state.messages).toBe(1);
  });

  it('rejects an invalid payload on publish with MessagingValidationError naming the field', async () => {
    const m = await world.open();
    await m.ensureStream();
    const bad = { fund: { ...sampleFund(), size: -5 } };
    const err = await m.publish('equihome.fund.created', bad).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MessagingValidationError);
    expect((err as MessagingValidationError).field).toBe('fund.size');
    expect((err as MessagingValidationError).message).toContain('fund.size');
    expect((err as MessagingValidationError).cause).toBeDefined();

    const err2 = await m.publish('equihome.simulation.progress', { ...progress('r', 1), paths_done: -1 }).catch((e: unknown) => e);
    expect((err2 as MessagingValidationError).field).toBe('paths_done');
    const info = await m.jsm.streams.info(world.stream);
    expect(info.state.messages).toBe(0);
  });
});

describe('publish errors', () => {
  it('fails with a MessagingError telling to call ensureStream when no stream stores the subject', async () => {
    const m = await world.open();
    const err = await m.publish('equihome.fund.deleted', { id: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MessagingError);
    expect((err as Error).message).toMatch(/ensureStream/);
    expect((err as Error).cause).toBeDefined();
  });
});

describe('redelivery', () => {
  it('redelivers an event whose handler throws, with deliveryCount 2', async () => {
    const m = await world.open();
    await m.ensureStream();
    await m.publish('equihome.simulation.completed', { ...progress('run-7', 1000), state: 'completed' });
    const counts: number[] = [];
    const consumer = await m.consume({
      durable: `d_${randomToken()}`,
      subject: 'equihome.simulation.completed',
      retryDelayMs: 50,
      handler: async (_event, ctx) => {
        counts.push(ctx.deliveryCount);
        if (ctx.deliveryCount === 1) throw new Error('database down');
      },
    });
    await waitFor(() => (counts.length >= 2 ? counts : undefined));
    await consumer.stop();
    expect(counts).toEqual([1, 2]);
    expect(m.logger.lines.some((l) => l.level === 'warn' && l.message.includes('will be redelivered'))).toBe(true);
    const info = await m.jsm.consumers.info(world.stream, consumer.durable);
    expect(info.num_ack_pending).toBe(0);
  });

  it('redelivers to another replica after the first one dies mid-handling (connection closed, no ack)', async () => {
    const publisher = await world.open('publisher');
    await publisher.ensureStream();
    const durable = `d_${randomToken()}`;
    const crashing = await world.open('worker-a');
    let releaseHung: () => void = () => undefined;
    const hung = new Promise<void>((resolve) => {
      releaseHung = resolve;
    });
    const firstSeen: number[] = [];
    await crashing.consume({
      durable,
      subject: 'equihome.simulation.failed',
      ackWaitMs: 1_000,
      handler: async (_event, ctx) => {
        firstSeen.push(ctx.deliveryCount);
        await hung;
      },
    });
    await publisher.publish('equihome.simulation.failed', { ...progress('run-9', 5), state: 'failed', error: 'boom' });
    await waitFor(() => (firstSeen.length > 0 ? firstSeen : undefined));
    await crashing.nc.close(); // the process dies: no ack, no nak

    const survivor = await world.open('worker-b');
    const seen: { id: string; count: number }[] = [];
    const consumer = await survivor.consume({
      durable,
      subject: 'equihome.simulation.failed',
      ackWaitMs: 1_000,
      handler: async (event, ctx) => {
        seen.push({ id: event.data.id, count: ctx.deliveryCount });
      },
    });
    await waitFor(() => (seen.length > 0 ? seen : undefined));
    releaseHung();
    await consumer.stop();
    expect(firstSeen).toEqual([1]);
    expect(seen).toEqual([{ id: 'run-9', count: 2 }]);
    // The dead replica's handler finishes later: it does not try to ack on the closed connection.
    const line = await waitFor(() => crashing.logger.find('warn', 'connection closed before the ack')[0], { message: 'no-ack warning' });
    expect(line).toMatchObject({ message: 'connection closed before the ack: the event will be redelivered', fields: { durable, seq: 1 } });
    expect(crashing.logger.find('warn', 'ack not confirmed')).toEqual([]);
  });

  it('stop() waits for the event in hand, acks it, and it is not redelivered', async () => {
    const m = await world.open();
    await m.ensureStream();
    const durable = `d_${randomToken()}`;
    await m.publish('equihome.portfolio.deleted', { id: 'p1', fund_id: 'f1' });
    let release: () => void = () => undefined;
    const blocked = new Promise<void>((resolve) => {
      release = resolve;
    });
    const counts: number[] = [];
    const consumer = await m.consume({
      durable,
      subject: 'equihome.portfolio.deleted',
      ackWaitMs: 1_000,
      handler: async (_e, ctx) => {
        counts.push(ctx.deliveryCount);
        await blocked;
      },
    });
    await waitFor(() => (counts.length > 0 ? counts : undefined));
    let stopped = false;
    const stopping = consumer.stop().then(() => {
      stopped = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(stopped).toBe(false);
    release();
    await stopping;
    const info = await m.jsm.consumers.info(world.stream, durable);
    expect(info.num_ack_pending).toBe(0);
    expect(info.num_pending).toBe(0);
    expect(counts).toEqual([1]);
  });

  it('a handler slower than ackWait keeps its event (in-progress acks): another replica pulling meanwhile receives nothing', async () => {
    const publisher = await world.open('publisher');
    await publisher.ensureStream();
    const durable = `d_${randomToken()}`;
    const ackWaitMs = 1_000;
    const deliveries: { replica: string; count: number }[] = [];
    let handled = 0;
    // Two replicas of one service on one durable, both pulling the whole time. The handler
    // takes 3 × ackWait: without the heartbeat the server redelivers the event after
    // ackWait to whichever pull is waiting (the other replica's, or this one's next batch).
    const replica = async (name: string) => {
      const m = await world.open(name);
      return m.consume({
        durable,
        subject: 'equihome.portfolio.deleted',
        ackWaitMs,
        handler: async (_e, ctx) => {
          deliveries.push({ replica: name, count: ctx.deliveryCount });
          await sleep(3 * ackWaitMs + 100);
          handled += 1;
        },
      });
    };
    const consumers = [await replica('worker-a'), await replica('worker-b')];
    await publisher.publish('equihome.portfolio.deleted', { id: 'slow', fund_id: 'f1' });
    await waitFor(() => handled > 0, { message: 'slow handler finished' });
    await waitFor(async () => (await publisher.jsm.consumers.info(world.stream, durable)).num_ack_pending === 0, { message: 'event acked' });
    // Both replicas keep pulling for another ackWait: a redelivered copy would surface now.
    await sleep(ackWaitMs);
    const info = await publisher.jsm.consumers.info(world.stream, durable);
    for (const c of consumers) await c.stop();

    expect(deliveries).toHaveLength(1);
    expect(deliveries[0].count).toBe(1);
    expect(info.delivered.consumer_seq).toBe(1); // counts every delivery, redeliveries included
    expect(info.num_redelivered).toBe(0);
    expect(info.num_pending).toBe(0);
  });

  it('terminates an invalid stored payload without calling the handler, logs it, and goes on', async () => {
    const m = await world.open();
    await m.ensureStream();
    const wire = `${world.prefix}.fund.deleted`;
    // A foreign producer writes a CloudEvents envelope whose data misses `id`.
    const rogue = { specversion: CLOUDEVENTS_SPEC_VERSION, id: 'x1', type: 'equihome.fund.deleted', source: 'rogue', time: new Date().toISOString() };
    await m.js.publish(wire, JSON.stringify({ ...rogue, subject: wire, datacontenttype: EVENT_CONTENT_TYPE, data: { nope: 1 } }));
    await m.js.publish(wire, 'not json at all');
    await m.publish('equihome.fund.deleted', { id: 'good' });
    const handled: string[] = [];
    const consumer = await m.consume({
      durable: `d_${randomToken()}`,
      subject: 'equihome.fund.deleted',
      handler: async (event) => {
        handled.push(event.data.id);
      },
    });
    await waitFor(() => (handled.length > 0 ? handled : undefined));
    await consumer.stop();
    expect(handled).toEqual(['good']);
    const errors = m.logger.lines.filter((l) => l.level === 'error' && l.message.includes('invalid event payload'));
    expect(errors).toHaveLength(2);
    expect(errors[0].fields['field']).toBe('data.id');
    const settled = await waitFor(async () => {
      const info = await m.jsm.consumers.info(world.stream, consumer.durable);
      return info.num_ack_pending === 0 ? info : undefined;
    });
    expect(settled.num_redelivered).toBe(0);
  });
});

describe('consumer and stream setup', () => {
  it('ensureStream is idempotent and updates the stream when its settings change', async () => {
    const m = await world.open();
    await m.ensureStream();
    await m.ensureStream();
    const info = await m.jsm.streams.info(world.stream);
    expect([...info.config.subjects].sort()).toEqual([...EVENT_ENTITIES].sort().map((e) => `${world.prefix}.${e}.>`));
    expect(info.config.duplicate_window).toBe(2 * 60 * 1e9);
    await m.ensureStream({ maxAgeMs: 3_600_000 });
    const updated = await m.jsm.streams.info(world.stream);
    expect(updated.config.max_age).toBe(3_600 * 1e9);
    expect(updated.created).toBe(info.created);
  });

  it('creates a durable consumer once and updates its ack wait when the options change', async () => {
    const m = await world.open();
    await m.ensureStream();
    const durable = `d_${randomToken()}`;
    const handler = async () => undefined;
    await (await m.consume({ durable, subject: 'equihome.fund.updated', handler, ackWaitMs: 5_000 })).stop();
    await (await m.consume({ durable, subject: 'equihome.fund.updated', handler, ackWaitMs: 5_000 })).stop();
    const before = await m.jsm.consumers.info(world.stream, durable);
    expect(before.config.ack_wait).toBe(5_000 * 1e6);
    await (await m.consume({ durable, subject: 'equihome.fund.updated', handler, ackWaitMs: 7_000, maxDeliver: 3 })).stop();
    const after = await m.jsm.consumers.info(world.stream, durable);
    expect(after.config.ack_wait).toBe(7_000 * 1e6);
    expect(after.config.max_deliver).toBe(3);
    expect(after.created).toBe(before.created);
    const names: string[] = [];
    for await (const c of m.jsm.consumers.list(world.stream)) names.push(c.name);
    expect(names).toEqual([durable]);
  });

  it('keeps consuming after the connection reconnects', async () => {
    const m = await world.open();
    await m.ensureStream();
    const seen: string[] = [];
    const consumer = await m.consume({
      durable: `d_${randomToken()}`,
      subject: 'equihome.fund.deleted',
      handler: async (event) => {
        seen.push(event.data.id);
      },
    });
    await m.publish('equihome.fund.deleted', { id: 'before' });
    await waitFor(() => (seen.length > 0 ? seen : undefined));
    await waitFor(async () => ((await m.jsm.consumers.info(world.stream, consumer.durable)).num_ack_pending === 0 ? true : undefined));
    await m.nc.reconnect();
    await waitFor(() => (m.logger.lines.some((l) => l.message === 'nats reconnected') ? true : undefined));
    await m.publish('equihome.fund.deleted', { id: 'after' });
    await waitFor(() => (seen.length > 1 ? seen : undefined), { timeoutMs: 15_000, message: 'event after the reconnect' });
    await consumer.stop();
    expect(seen).toEqual(['before', 'after']);
    expect(m.logger.lines.some((l) => l.level === 'warn' && l.message === 'nats disconnected')).toBe(true);
  });
});
