import { EventEnvelope } from '@equihome/domain';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEnvelope, MessagingValidationError, SubjectMapper, type Messaging } from '../src/index.js';
import { sampleFund, testWorld, waitFor, type TestWorld } from './helpers.js';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let world: TestWorld;
beforeEach(() => {
  world = testWorld();
});
afterEach(async () => {
  await world.cleanup();
});

/** The stored message at `seq` of the test stream: subject, Nats-Msg-Id header and parsed body. */
async function stored(m: Messaging, seq: number) {
  const msg = await m.jsm.streams.getMessage(world.stream, { seq });
  if (msg === null) throw new Error(`no message ${seq} in ${world.stream}`);
  return { subject: msg.subject, msgId: msg.header.get('Nats-Msg-Id'), contentType: msg.header.get('Content-Type'), body: msg.json<Record<string, unknown>>() };
}

describe('createEnvelope (no connection needed)', () => {
  const context = { subjects: new SubjectMapper('t1a2b'), source: 'fund-service' };

  it('builds a CloudEvents 1.0 structured event: specversion, datacontenttype, logical type, wire subject, UUIDv7 id, ISO time', () => {
    const before = Date.now();
    const envelope = createEnvelope(context, 'equihome.fund.deleted', { id: 'f-1', actor: { sub: 'u1', role: 'admin' } });
    expect(envelope).toEqual({
      specversion: '1.0',
      id: expect.stringMatching(UUID_V7),
      type: 'equihome.fund.deleted',
      source: 'fund-service',
      time: expect.any(String),
      subject: 't1a2b.fund.deleted',
      datacontenttype: 'application/json',
      data: { id: 'f-1', actor: { sub: 'u1', role: 'admin' } },
    });
    expect(new Date(envelope.time).toISOString()).toBe(envelope.time);
    expect(Date.parse(envelope.time)).toBeGreaterThanOrEqual(before);
    // The CloudEvents REQUIRED attributes (spec v1.0.2 §3.1): id, source, specversion, type — all non-empty strings.
    for (const attribute of ['id', 'source', 'specversion', 'type'] as const) expect(envelope[attribute]).toMatch(/./);
    expect(EventEnvelope.safeParse(envelope).success).toBe(true);
  });

  it('fills the data defaults from the subject schema before the event is stored anywhere', () => {
    const envelope = createEnvelope(context, 'equihome.fund.created', { fund: sampleFund('f-2') });
    expect(envelope.data.fund.fee_structure.hurdle_rate).toBe(0.08); // MODEL.md default hurdle
  });

  it('uses the given id, source and time (a Date or an ISO string)', () => {
    const at = new Date('2026-03-01T10:00:00.123Z');
    const a = createEnvelope(context, 'equihome.fund.deleted', { id: 'f' }, { id: 'evt-1', source: 'importer', time: at });
    expect(a).toMatchObject({ id: 'evt-1', source: 'importer', time: '2026-03-01T10:00:00.123Z' });
    const b = createEnvelope(context, 'equihome.fund.deleted', { id: 'f' }, { time: '2026-03-01T12:00:00+02:00' });
    expect(b.time).toBe('2026-03-01T12:00:00+02:00');
  });

  it('refuses invalid data, an invalid time and an unknown subject', () => {
    expect(() => createEnvelope(context, 'equihome.fund.deleted', { id: 42 } as never)).toThrow(
      expect.objectContaining({ name: 'MessagingValidationError', field: 'id' }),
    );
    expect(() => createEnvelope(context, 'equihome.fund.deleted', { id: 'f' }, { time: 'yesterday' })).toThrow(
      expect.objectContaining({ name: 'MessagingValidationError', field: 'time' }),
    );
    expect(() => createEnvelope(context, 'equihome.fund.deleted', { id: 'f' }, { time: new Date(Number.NaN) })).toThrow(MessagingValidationError);
    expect(() => createEnvelope(context, 'equihome.fund.deleted', { id: 'f' }, { id: '' })).toThrow(
      expect.objectContaining({ name: 'MessagingValidationError', field: 'id' }),
    );
    expect(() => createEnvelope(context, 'equihome.nope' as never, {} as never)).toThrow(TypeError);
  });
});

describe('publishEnvelope and publish against the real NATS server', () => {
  it('publishes a stored envelope unchanged to the wire subject of its type with Nats-Msg-Id = id and the CloudEvents JSON content type', async () => {
    const m = await world.open('fund-service');
    await m.ensureStream();
    const envelope = m.createEnvelope('equihome.fund.updated', { fund: sampleFund('f-3') });
    // As read back from a database: a plain JSON copy, not the object createEnvelope returned.
    const fromDatabase = JSON.parse(JSON.stringify(envelope)) as EventEnvelope;
    const ack = await m.publishEnvelope(fromDatabase);
    expect(ack).toEqual({ duplicate: false, seq: 1 });
    const message = await stored(m, 1);
    expect(message.subject).toBe(`${world.prefix}.fund.updated`);
    expect(message.msgId).toBe(envelope.id);
    expect(message.contentType).toBe('application/cloudevents+json'); // NATS binding, structured content mode
    expect(message.body).toEqual(envelope);
  });

  it('stores a re-published envelope once: the second publish is a duplicate of the same sequence', async () => {
    const m = await world.open();
    await m.ensureStream();
    const envelope = m.createEnvelope('equihome.fund.deleted', { id: 'f-4' });
    const first = await m.publishEnvelope(envelope);
    const second = await m.publishEnvelope(envelope);
    expect(first.duplicate).toBe(false);
    expect(second).toEqual({ duplicate: true, seq: first.seq });
    expect((await m.jsm.streams.info(world.stream)).state.messages).toBe(1);
  });

  it('publishes to the wire subject of the type, whatever the stored envelope subject says', async () => {
    const m = await world.open();
    await m.ensureStream();
    const envelope = { ...m.createEnvelope('equihome.fund.deleted', { id: 'f-5' }), subject: 'elsewhere.fund.deleted' };
    await m.publishEnvelope(envelope);
    expect((await stored(m, 1)).subject).toBe(`${world.prefix}.fund.deleted`);
  });

  it('rejects a malformed envelope (no specversion) or an unknown type and publishes nothing', async () => {
    const m = await world.open();
    await m.ensureStream();
    const { specversion: _, ...withoutVersion } = m.createEnvelope('equihome.fund.deleted', { id: 'f-6' });
    await expect(m.publishEnvelope(withoutVersion as EventEnvelope)).rejects.toMatchObject({ name: 'MessagingValidationError', field: 'specversion' });
    const unknown = { ...m.createEnvelope('equihome.fund.deleted', { id: 'f-7' }), type: 'equihome.fund.vanished' };
    await expect(m.publishEnvelope(unknown)).rejects.toThrow(TypeError);
    expect((await m.jsm.streams.info(world.stream)).state.messages).toBe(0);
  });

  it('publish() sends the same CloudEvents envelope it returns, and live subscribers validate it', async () => {
    const m = await world.open('portfolio-service');
    await m.ensureStream();
    const seen: unknown[] = [];
    const live = m.subscribe('equihome.portfolio.>', (event) => {
      seen.push(event);
    });
    await m.nc.flush();
    const published = await m.publish('equihome.portfolio.deleted', { id: 'p-1', fund_id: 'f-1' }, { id: 'evt-p1' });
    const { duplicate: _d, seq, ...envelope } = published;
    expect(envelope).toMatchObject({ specversion: '1.0', datacontenttype: 'application/json', id: 'evt-p1', source: 'portfolio-service' });
    expect((await stored(m, seq)).body).toEqual(envelope);
    await waitFor(() => (seen.length > 0 ? seen : undefined));
    await live.stop();
    expect(seen).toEqual([envelope]);
  });
});
