import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MessagingUnavailableError, publishReliably, type Messaging } from '../src/index.js';
import { recordingLogger, sampleFund, testWorld, type TestWorld } from './helpers.js';

let world: TestWorld;
beforeEach(() => {
  world = testWorld();
});
afterEach(async () => {
  await world.cleanup();
});

const actor = { sub: 'u1', role: 'analyst' };
const streamMessages = async (m: Messaging) => (await m.jsm.streams.info(world.stream)).state.messages;

describe('publishReliably against the real NATS server', () => {
  it('publishes once, with the given envelope id, and resolves to the stored event', async () => {
    const m = await world.open('fund-service');
    await m.ensureStream();
    const logger = recordingLogger();
    const id = '01900000-0000-7000-8000-0000000000a1';
    const event = await publishReliably(m, 'equihome.fund.deleted', { id: 'f-1', actor }, { logger, id });
    expect(event).toMatchObject({ id, duplicate: false, seq: 1, source: 'fund-service', data: { id: 'f-1', actor } });
    expect(await streamMessages(m)).toBe(1);
    expect(logger.lines).toEqual([]);
  });

  it('retries with the same envelope id, then logs one error with the log fields and resolves to undefined (never rejects)', async () => {
    // No stream exists on this private prefix, so every JetStream publish fails.
    const m = await world.open('fund-service');
    const publish = vi.spyOn(m, 'publish');
    const logger = recordingLogger();
    const result = await publishReliably(m, 'equihome.fund.created', { fund: sampleFund('f-2'), actor }, { logger, attempts: 3, retryDelayMs: 1, logFields: { fundId: 'f-2' } });
    expect(result).toBeUndefined();
    expect(publish).toHaveBeenCalledTimes(3);
    const ids = new Set(publish.mock.calls.map((call) => call[2]?.id));
    expect(ids.size).toBe(1);
    const [eventId] = [...ids];
    expect(logger.lines.filter((l) => l.level === 'warn').map((l) => l.fields)).toEqual([
      expect.objectContaining({ subject: 'equihome.fund.created', eventId, attempt: 1, fundId: 'f-2' }),
      expect.objectContaining({ subject: 'equihome.fund.created', eventId, attempt: 2, fundId: 'f-2' }),
    ]);
    expect(logger.lines.filter((l) => l.level === 'error')).toEqual([
      { level: 'error', message: 'event not published: giving up', fields: expect.objectContaining({ eventId, attempts: 3, fundId: 'f-2', err: expect.any(Error) }) },
    ]);
  });

  it('stores the event once when an attempt that reported failure had in fact landed (lost ack → retry is a duplicate)', async () => {
    const m = await world.open('portfolio-service');
    await m.ensureStream();
    let calls = 0;
    // The first attempt reaches JetStream, but the caller sees an error, as with a lost PubAck.
    const flaky: Pick<Messaging, 'publish'> = {
      publish: (async (subject, data, options) => {
        calls += 1;
        const event = await m.publish(subject, data, options);
        if (calls === 1) throw new MessagingUnavailableError('simulated lost ack');
        return event;
      }) as Messaging['publish'],
    };
    const logger = recordingLogger();
    const event = await publishReliably(flaky, 'equihome.portfolio.deleted', { id: 'p-1', fund_id: 'f-1', actor }, { logger, retryDelayMs: 1 });
    expect(calls).toBe(2);
    expect(event).toMatchObject({ duplicate: true, seq: 1 });
    expect(await streamMessages(m)).toBe(1);
    expect(logger.lines.map((l) => l.level)).toEqual(['warn']);
  });

  it('makes a single attempt when attempts is 1 (and treats fewer as 1)', async () => {
    const m = await world.open();
    const publish = vi.spyOn(m, 'publish');
    const logger = recordingLogger();
    expect(await publishReliably(m, 'equihome.fund.deleted', { id: 'f-3', actor }, { logger, attempts: 0 })).toBeUndefined();
    expect(publish).toHaveBeenCalledTimes(1);
    expect(logger.lines.map((l) => [l.level, l.fields.attempts])).toEqual([['error', 1]]);
  });
});
