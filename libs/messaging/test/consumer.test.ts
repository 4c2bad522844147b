import { AckPolicy } from '@nats-io/jetstream';
import { createCleanup, recordingLogger, sleep, startPrivateNatsServer, streamName, subjectPrefix, randomPrefix } from '@equihome/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventSubject } from '@equihome/domain';
import { connectMessaging, MessagingError } from '../src/index.js';
import { randomToken, testWorld, waitFor, type LogLine, type TestWorld } from './helpers.js';

// The durable pull consumer (src/consumer.ts) beyond delivery itself (events.test.ts):
// retry delays, giving up, the ack-wait heartbeat switch, the pull-ahead bound, settling on
// a closed or cut-off connection, status warnings and durable set-up.

let world: TestWorld;
const cleanup = createCleanup();
beforeEach(() => {
  world = testWorld();
});
afterEach(async () => {
  try {
    await cleanup.run();
  } finally {
    await world.cleanup();
  }
});

const deleted = (id: string) => ({ id });
const warnings = (lines: LogLine[], text: string) => lines.filter((l) => l.message.includes(text));

describe('retries', () => {
  it('rejects an unknown event subject with a TypeError naming it', async () => {
    const m = await world.open();
    await m.ensureStream();
    const err = await m.consume({ durable: `d_${randomToken()}`, subject: 'equihome.fund.exploded' as EventSubject, handler: async () => undefined }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TypeError);
    expect((err as Error).message).toBe('unknown event subject equihome.fund.exploded');
  });

  it('naks a failed event with retryDelayMs × 2^(delivery − 1), capped by maxRetryDelayMs, and logs each failure with the consumer', async () => {
    const m = await world.open();
    await m.ensureStream();
    const durable = `d_${randomToken()}`;
    const counts: number[] = [];
    const consumer = await m.consume({
      durable,
      subject: 'equihome.fund.deleted',
      retryDelayMs: 40,
      maxRetryDelayMs: 100,
      handler: async (_e, ctx) => {
        counts.push(ctx.deliveryCount);
        if (ctx.deliveryCount < 4) throw new Error(`attempt ${ctx.deliveryCount} failed`);
      },
    });
    const published = await m.publish('equihome.fund.deleted', deleted('f-retry'));
    await waitFor(() => counts.length === 4, { message: 'fourth delivery' });
    await waitFor(async () => (await m.jsm.consumers.info(world.stream, durable)).num_ack_pending === 0, { message: 'acked' });
    await consumer.stop();

    expect(counts).toEqual([1, 2, 3, 4]);
    const failures = warnings(m.logger.lines, 'event handler failed');
    expect(failures.map((l) => [l.level, l.message, l.fields['retryInMs']])).toEqual([
      ['warn', 'event handler failed: will be redelivered', 40],
      ['warn', 'event handler failed: will be redelivered', 80],
      ['warn', 'event handler failed: will be redelivered', 100],
    ]);
    expect(failures[0].fields).toEqual({
      stream: world.stream,
      durable,
      subject: 'equihome.fund.deleted',
      id: published.id,
      seq: published.seq,
      deliveryCount: 1,
      retryInMs: 40,
      err: 'attempt 1 failed',
    });
    // Normal operation: no status warnings, and stop() ends the loop without a restart.
    expect(warnings(m.logger.lines, 'consumer status')).toEqual([]);
    expect(warnings(m.logger.lines, 'restarting')).toEqual([]);
  });

  it('waits 1 s before the first redelivery by default', async () => {
    const m = await world.open();
    await m.ensureStream();
    const counts: number[] = [];
    const consumer = await m.consume({
      durable: `d_${randomToken()}`,
      subject: 'equihome.fund.deleted',
      handler: async (_e, ctx) => {
        counts.push(ctx.deliveryCount);
        if (ctx.deliveryCount === 1) throw new Error('once');
      },
    });
    await m.publish('equihome.fund.deleted', deleted('f-default'));
    await waitFor(() => counts.length === 2, { message: 'redelivery' });
    await consumer.stop();
    expect(warnings(m.logger.lines, 'event handler failed').map((l) => l.fields['retryInMs'])).toEqual([1_000]);
  });

  it('gives up after maxDeliver deliveries: the last failure is an error and the event is not delivered again', async () => {
    const m = await world.open();
    await m.ensureStream();
    const durable = `d_${randomToken()}`;
    const counts: number[] = [];
    const consumer = await m.consume({
      durable,
      subject: 'equihome.fund.deleted',
      maxDeliver: 2,
      retryDelayMs: 20,
      handler: async (_e, ctx) => {
        counts.push(ctx.deliveryCount);
        throw new Error('poison');
      },
    });
    await m.publish('equihome.fund.deleted', deleted('f-poison'));
    await waitFor(() => counts.length === 2, { message: 'second delivery' });
    await sleep(300); // a third delivery (20/40 ms later) would arrive now
    await consumer.stop();
    expect(counts).toEqual([1, 2]);
    const failures = warnings(m.logger.lines, 'event handler failed');
    expect(failures.map((l) => [l.level, l.message, l.fields['retryInMs']])).toEqual([
      ['warn', 'event handler failed: will be redelivered', 20],
      ['error', 'event handler failed on its last delivery: giving up', null],
    ]);
  });

  it('never gives up with maxDeliver -1 (unlimited)', async () => {
    const m = await world.open();
    await m.ensureStream();
    const counts: number[] = [];
    const consumer = await m.consume({
      durable: `d_${randomToken()}`,
      subject: 'equihome.fund.deleted',
      maxDeliver: -1,
      retryDelayMs: 10,
      handler: async (_e, ctx) => {
        counts.push(ctx.deliveryCount);
        if (ctx.deliveryCount < 3) throw new Error('flaky');
      },
    });
    await m.publish('equihome.fund.deleted', deleted('f-unlimited'));
    await waitFor(() => counts.length === 3, { message: 'third delivery' });
    await consumer.stop();
    expect(warnings(m.logger.lines, 'event handler failed').map((l) => l.level)).toEqual(['warn', 'warn']);
  });
});

describe('ack wait and pull-ahead', () => {
  it('extendAckWait: false sends no heartbeat: a handler slower than ackWait gets its event redelivered', async () => {
    const m = await world.open();
    await m.ensureStream();
    const counts: number[] = [];
    const consumer = await m.consume({
      durable: `d_${randomToken()}`,
      subject: 'equihome.fund.deleted',
      ackWaitMs: 300,
      extendAckWait: false,
      handler: async (_e, ctx) => {
        counts.push(ctx.deliveryCount);
        if (ctx.deliveryCount === 1) await sleep(900);
      },
    });
    await m.publish('equihome.fund.deleted', deleted('f-slow'));
    await waitFor(() => counts.includes(2), { message: 'redelivery after ackWait' });
    await consumer.stop();
    expect(counts.slice(0, 2)).toEqual([1, 2]);
  });

  it('stops the heartbeat of each event with its handler: no timer is left behind', async () => {
    const m = await world.open();
    await m.ensureStream();
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = timers();
    let handled = 0;
    const consumer = await m.consume({
      durable: `d_${randomToken()}`,
      subject: 'equihome.fund.deleted',
      handler: async () => {
        handled += 1;
      },
    });
    for (let i = 0; i < 20; i++) await m.publish('equihome.fund.deleted', deleted(`f-${i}`));
    await waitFor(() => handled === 20, { message: '20 events handled' });
    await consumer.stop();
    await sleep(50);
    // One heartbeat interval per event while it is handled; a leak would leave 20.
    expect(timers() - before).toBeLessThanOrEqual(2);
  });

  it('holds at most maxMessages events ahead of the handler (default 10)', async () => {
    const m = await world.open();
    await m.ensureStream();
    for (let i = 0; i < 12; i++) await m.publish('equihome.fund.deleted', deleted(`f-${i}`));
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const pending = async (maxMessages: number | undefined) => {
      const durable = `d_${randomToken()}`;
      const consumer = await m.consume({ durable, subject: 'equihome.fund.deleted', maxMessages, handler: () => held });
      cleanup.add(() => consumer.stop());
      await waitFor(async () => (await m.jsm.consumers.info(world.stream, durable)).num_ack_pending > 0, { message: 'first pull' });
      await sleep(200); // let every pull there is to make be made
      return (await m.jsm.consumers.info(world.stream, durable)).num_ack_pending;
    };
    try {
      expect(await pending(undefined)).toBe(10);
      expect(await pending(3)).toBe(3);
    } finally {
      release(); // else stopping the consumers would wait for the held handlers
    }
  });
});

describe('settling on a lost connection', () => {
  it('a handler that fails after the connection closed is logged, nothing is thrown, and the loop ends without restarting', async () => {
    const m = await world.open();
    await m.ensureStream();
    let fail: () => void = () => undefined;
    const failing = new Promise<void>((_, reject) => {
      fail = () => reject(new Error('gave up'));
    });
    let started = false;
    await m.consume({
      durable: `d_${randomToken()}`,
      subject: 'equihome.fund.deleted',
      handler: async () => {
        started = true;
        await failing;
      },
    });
    await m.publish('equihome.fund.deleted', deleted('f-lost'));
    await waitFor(() => started, { message: 'event in hand' });
    await m.nc.close(); // the process loses NATS for good
    fail();
    // The nak cannot reach the server (it redelivers after ackWait): logged, nothing thrown.
    await waitFor(() => m.logger.find('warn', 'event handler failed: will be redelivered').length > 0, { message: 'failure logged' });
    await sleep(1_200); // a restart would happen (and be logged) within 1 s
    expect(warnings(m.logger.lines, 'restarting')).toEqual([]);
    expect(m.logger.find('error')).toEqual([]);
  });

  it('logs when the server cannot confirm the ack (NATS down after the handler)', async () => {
    const server = await startPrivateNatsServer();
    cleanup.add(() => server.dispose(), 'private nats');
    const prefix = randomPrefix('ack');
    const logger = recordingLogger();
    const m = await connectMessaging({
      name: 'ack-test',
      servers: server.url,
      subjectPrefix: subjectPrefix(prefix),
      stream: streamName(prefix),
      logger,
      jetStreamTimeoutMs: 500,
      reconnectTimeWaitMs: 100,
    });
    cleanup.add(() => m.close(), 'messaging');
    await m.ensureStream();
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let started = false;
    await m.consume({
      durable: 'acker',
      subject: 'equihome.fund.deleted',
      handler: async () => {
        started = true;
        await held;
      },
    });
    await m.publish('equihome.fund.deleted', deleted('f-unconfirmed'));
    await waitFor(() => started, { message: 'event in hand' });
    await server.stop();
    release();
    const line = await waitFor(() => logger.find('warn', 'ack not confirmed')[0], { message: 'unconfirmed ack logged' });
    expect(line.fields).toMatchObject({ durable: 'acker', subject: 'equihome.fund.deleted', seq: 1, err: expect.any(String) });
    await server.start();
  });
});

describe('consumer status warnings', () => {
  it('warns when the durable is deleted under it, and when it is still missing after a reconnect', async () => {
    const m = await world.open();
    await m.ensureStream();
    const durable = `d_${randomToken()}`;
    const consumer = await m.consume({ durable, subject: 'equihome.fund.deleted', handler: async () => undefined });
    await m.jsm.consumers.delete(world.stream, durable);
    const gone = await waitFor(() => m.logger.find('warn', 'consumer status: consumer_deleted')[0], { message: 'consumer_deleted warning' });
    expect(gone.fields).toMatchObject({ stream: world.stream, durable, subject: 'equihome.fund.deleted', status: { type: 'consumer_deleted' } });
    await m.nc.reconnect();
    await waitFor(() => m.logger.find('warn', 'consumer status: consumer_not_found')[0], { message: 'consumer_not_found warning' });
    await consumer.stop();
  });

  it('warns when the stream is missing after a reconnect', async () => {
    const m = await world.open();
    await m.ensureStream();
    const consumer = await m.consume({ durable: `d_${randomToken()}`, subject: 'equihome.fund.deleted', handler: async () => undefined });
    await m.jsm.streams.delete(world.stream);
    await m.nc.reconnect();
    await waitFor(() => m.logger.find('warn', 'consumer status: stream_not_found')[0], { message: 'stream_not_found warning' });
    await consumer.stop();
  });
});

describe('durable set-up', () => {
  it('updates an existing durable when only its ack wait, only its max deliveries or only its subject changes', async () => {
    const m = await world.open();
    await m.ensureStream();
    const durable = `d_${randomToken()}`;
    const handler = async () => undefined;
    const base = { durable, handler, ackWaitMs: 5_000, maxDeliver: 5 } as const;
    const info = () => m.jsm.consumers.info(world.stream, durable);
    await (await m.consume({ ...base, subject: 'equihome.fund.deleted' })).stop();
    const created = (await info()).created;
    await (await m.consume({ ...base, subject: 'equihome.fund.deleted', ackWaitMs: 6_000 })).stop();
    expect((await info()).config).toMatchObject({ ack_wait: 6_000 * 1e6, max_deliver: 5 });
    await (await m.consume({ ...base, subject: 'equihome.fund.deleted', ackWaitMs: 6_000, maxDeliver: 7 })).stop();
    expect((await info()).config).toMatchObject({ ack_wait: 6_000 * 1e6, max_deliver: 7 });
    await (await m.consume({ ...base, subject: 'equihome.fund.created', ackWaitMs: 6_000, maxDeliver: 7 })).stop();
    const last = await info();
    expect(last.config).toMatchObject({ filter_subject: `${world.prefix}.fund.created`, ack_wait: 6_000 * 1e6, max_deliver: 7 });
    expect(last.created).toBe(created);
  });

  it('refuses a durable that exists with another ack policy (the server cannot change it)', async () => {
    const m = await world.open();
    await m.ensureStream();
    const durable = `d_${randomToken()}`;
    await m.jsm.consumers.add(world.stream, { durable_name: durable, ack_policy: AckPolicy.None, filter_subject: `${world.prefix}.fund.deleted` });
    let called = false;
    const err = await m
      .consume({
        durable,
        subject: 'equihome.fund.deleted',
        handler: async () => {
          called = true;
        },
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MessagingError);
    expect((err as Error).message).toBe(
      `durable ${durable} on stream ${world.stream} exists with ack policy none, not explicit: delete it (the server cannot change an ack policy)`,
    );
    expect(called).toBe(false);
  });

  it('reports a consumer the server refuses for another reason than a missing stream with the server error', async () => {
    const m = await world.open();
    // A stream that stores portfolio events only: a fund filter is not a subset of its subjects.
    await m.ensureStream({ subjects: [`${world.prefix}.portfolio.>`] });
    const err = await m.consume({ durable: `d_${randomToken()}`, subject: 'equihome.fund.deleted', handler: async () => undefined }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).not.toMatch(/ensureStream|does not exist/);
    expect((err as Error).message).toMatch(/filter subject/i);
  });
});
