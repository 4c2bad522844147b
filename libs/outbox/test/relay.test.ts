import { MessagingValidationError } from '@equihome/messaging';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { commitChange, OutboxFlushTimeoutError, OutboxRelayStoppedError, relayBackoff, startOutboxRelay, type OutboxRelay } from '../src/index.js';
import { createFund, readStream, renameFund, sleep, testWorld, versionsByFund, waitFor, wrapPublish, type FundData, type TestWorld } from './helpers.js';

let world: TestWorld;
const relays: OutboxRelay[] = [];
beforeEach(async () => {
  world = await testWorld();
});
afterEach(async () => {
  await Promise.all(relays.splice(0).map((r) => r.stop()));
  await world.cleanup();
});

function relay(options: Partial<Parameters<typeof startOutboxRelay>[0]> = {}): OutboxRelay {
  const r = startOutboxRelay({ messaging: world.messaging, outbox: world.store.outbox, logger: world.logger, name: 'test', ...options });
  relays.push(r);
  return r;
}

const messages = async () => (await world.messaging.jsm.streams.info(world.stream)).state.messages;

describe('startOutboxRelay', () => {
  it('publishes a committed change at once on wake(), long before its next poll', async () => {
    const r = relay({ pollIntervalMs: 600_000 });
    await sleep(100); // the first round (at start) found nothing; the relay now sleeps for 10 minutes
    const fund = await createFund({ store: world.store, events: world.messaging, relay: r }, world, 'Fund I');
    const [event] = await waitFor(async () => {
      const events = await readStream(world.messaging, world.stream);
      return events.length > 0 ? events : undefined;
    }, 10_000);
    expect(event.msgId).toBe(event.envelope.id);
    expect(event.envelope).toMatchObject({ specversion: '1.0', type: 'equihome.fund.created', subject: `${world.prefix}.fund.created`, source: 'fund-service' });
    expect(event.envelope.data.fund).toMatchObject({ id: fund.id, version: 1, name: 'Fund I' });
    await waitFor(async () => ((await world.outboxRows()).every((row) => row.sent_at !== null) ? true : undefined));
  });

  it('publishes, without a wake, what it finds at its next poll, and what was left unsent before it started', async () => {
    const context = { store: world.store, events: world.messaging }; // no relay to wake
    const before = await createFund(context, world, 'left over');
    relay({ pollIntervalMs: 50 });
    const after = await createFund(context, world, 'polled');
    await waitFor(async () => ((await messages()) === 2 ? true : undefined));
    const ids = (await readStream(world.messaging, world.stream)).map((e) => e.envelope.data.fund.id);
    expect(ids.sort()).toEqual([before.id, after.id].sort());
  });

  it('flush() resolves once nothing is pending, every event stored once, in order per fund', async () => {
    const r = relay({ pollIntervalMs: 1_000, batchSize: 7 });
    const context = { store: world.store, events: world.messaging, relay: r };
    const funds = await Promise.all(['A', 'B', 'C'].map((name) => createFund(context, world, name)));
    await Promise.all(
      funds.map(async (fund) => {
        let current = fund;
        for (let i = 2; i <= 10; i++) current = await renameFund(context, world, current, `${fund.name} v${i}`);
      }),
    );
    await r.flush({ timeoutMs: 20_000 });
    expect(await world.store.outbox.pending({ subjectPrefix: world.prefix })).toBe(0);
    const events = await readStream(world.messaging, world.stream);
    expect(events).toHaveLength(30);
    expect(new Set(events.map((e) => e.msgId)).size).toBe(30);
    for (const fund of funds) expect(versionsByFund(events).get(fund.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('stops a batch at the first failed publish and never lets a later event of that fund overtake it', async () => {
    const context = { store: world.store, events: world.messaging };
    const a = await createFund(context, world, 'A');
    const b = await createFund(context, world, 'B');
    const a2 = await renameFund(context, world, a, 'A2');
    await renameFund(context, world, a2, 'A3');
    await renameFund(context, world, b, 'B2');
    // The first publish of fund A's version 2 fails once (as a lost connection would).
    let failedOnce = false;
    const attempts: string[] = [];
    const messaging = wrapPublish(world.messaging, async (envelope, publish) => {
      const fund = (envelope.data as { fund: { id: string; version: number } }).fund;
      attempts.push(`${fund.id === a.id ? 'A' : 'B'}${fund.version}`);
      if (fund.id === a.id && fund.version === 2 && !failedOnce) {
        failedOnce = true;
        throw new Error('simulated publish failure');
      }
      return publish();
    });
    const r = relay({ messaging, pollIntervalMs: 50, initialBackoffMs: 20 });
    await r.flush({ timeoutMs: 15_000 });
    const versions = versionsByFund(await readStream(world.messaging, world.stream));
    expect(versions.get(a.id)).toEqual([1, 2, 3]);
    expect(versions.get(b.id)).toEqual([1, 2]);
    // A3 was never attempted before A2 succeeded; A2 was attempted twice (failure, retry).
    expect(attempts.filter((x) => x === 'A2')).toHaveLength(2);
    expect(attempts.indexOf('A3')).toBeGreaterThan(attempts.lastIndexOf('A2'));
    expect(world.logger.lines.filter((l) => l.level === 'warn').map((l) => l.message)).toEqual([
      'outbox relay: publishing failed; retrying with backoff (logged once per outage)',
    ]);
    expect(world.logger.lines.find((l) => l.message === 'outbox relay: publishing again')?.fields).toMatchObject({ relay: 'test', attempts: 1 });
  });

  it('keeps retrying while publishing fails (no stream), logs the outage once, and flush({ timeoutMs }) rejects with the pending count', async () => {
    await world.messaging.jsm.streams.delete(world.stream); // every publish now fails: no stream stores the subjects
    const r = relay({ pollIntervalMs: 20, initialBackoffMs: 10, maxBackoffMs: 40 });
    await createFund({ store: world.store, events: world.messaging, relay: r }, world, 'stuck');
    const err = await r.flush({ timeoutMs: 1_500 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OutboxFlushTimeoutError);
    expect(err).toMatchObject({ timeoutMs: 1_500, pending: 1 });
    const warns = world.logger.lines.filter((l) => l.level === 'warn');
    expect(warns).toHaveLength(1);
    expect(warns[0].fields).toMatchObject({ relay: 'test', type: 'equihome.fund.created', err: expect.stringContaining('no stream') });
    // It went on trying all along (backoff capped at 40 ms): after the stream is back, the event goes out.
    await world.messaging.ensureStream();
    await r.flush({ timeoutMs: 10_000 });
    expect(await messages()).toBe(1);
    const recovered = world.logger.lines.find((l) => l.message === 'outbox relay: publishing again');
    expect(recovered?.fields['attempts']).toBeGreaterThan(5);
  });

  it('stop() ends the relay: nothing is published after it, and flush() rejects with OutboxRelayStoppedError', async () => {
    const r = relay({ pollIntervalMs: 20 });
    await r.stop();
    await createFund({ store: world.store, events: world.messaging, relay: r }, world, 'after stop');
    await sleep(200);
    expect(await messages()).toBe(0);
    await expect(r.flush()).rejects.toBeInstanceOf(OutboxRelayStoppedError);
    await r.stop(); // idempotent
  });

  it('prunes sent records once they are older than the retention period, not before', async () => {
    const retentionMs = 1_500;
    const r = relay({ pollIntervalMs: 20, retentionMs, pruneIntervalMs: 50 });
    const context = { store: world.store, events: world.messaging, relay: r };
    const fund = await createFund(context, world, 'P');
    await renameFund(context, world, fund, 'P2');
    await r.flush({ timeoutMs: 10_000 });
    const sent = await world.outboxRows();
    expect(sent).toHaveLength(2);
    const lastSent = Math.max(...sent.map((row) => row.sent_at!.getTime()));
    await waitFor(async () => ((await world.outboxRows()).length === 0 ? true : undefined), 15_000);
    expect(Date.now() - lastSent).toBeGreaterThanOrEqual(retentionMs);
    expect(await messages()).toBe(2); // pruning the outbox never touches the stream
    expect(world.logger.lines.some((l) => l.message === 'outbox relay: pruned sent records')).toBe(true);
  });

  it('relays only its own subject prefix: a relay of another prefix on the same database leaves these records alone', async () => {
    const other = await testWorld();
    try {
      const foreign = relay({ messaging: other.messaging, outbox: other.store.outbox, pollIntervalMs: 20 });
      await createFund({ store: world.store, events: world.messaging, relay: foreign }, world, 'mine');
      await sleep(300);
      expect(await world.store.outbox.pending({ subjectPrefix: world.prefix })).toBe(1);
      expect((await other.messaging.jsm.streams.info(other.stream)).state.messages).toBe(0);
      await relay().flush({ timeoutMs: 10_000 });
      expect(await messages()).toBe(1);
    } finally {
      await Promise.all(relays.splice(0).map((r) => r.stop()));
      await other.cleanup();
    }
  });

  it('refuses options it could never run with', () => {
    const base = { messaging: world.messaging, outbox: world.store.outbox, logger: world.logger };
    expect(() => startOutboxRelay({ ...base, batchSize: 0 })).toThrow(/batchSize/);
    expect(() => startOutboxRelay({ ...base, batchSize: 10_001 })).toThrow(/batchSize/);
    expect(() => startOutboxRelay({ ...base, pollIntervalMs: -1 })).toThrow(/pollIntervalMs/);
    expect(() => startOutboxRelay({ ...base, maxBackoffMs: Number.NaN })).toThrow(/maxBackoffMs/);
  });

  it('backs off exponentially from initialBackoffMs up to maxBackoffMs', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 50].map((n) => relayBackoff(n, 100, 5_000))).toEqual([100, 200, 400, 800, 1600, 3200, 5000, 5000]);
  });
});

describe('commitChange', () => {
  it('commits the document, its audit entry and its event together and wakes the relay once', async () => {
    let wakes = 0;
    const fund = await createFund({ store: world.store, events: world.messaging, relay: { wake: () => (wakes += 1) } }, world, 'C1');
    expect(wakes).toBe(1);
    expect(await world.store.collection<FundData>(world.collection).get(fund.id)).toEqual(fund);
    expect(await world.store.audit.list({ resource: 'fund', resource_id: fund.id, limit: 10 })).toEqual([expect.objectContaining({ action: 'create', version: 1 })]);
    const [row] = await world.outboxRows();
    expect(row).toMatchObject({ aggregate: fund.id, sent_at: null });
  });

  it('rolls back the document, audit entry and event when work throws after emitting, and does not wake the relay', async () => {
    let wakes = 0;
    const context = { store: world.store, events: world.messaging, relay: { wake: () => (wakes += 1) } };
    let id = '';
    const err = await commitChange(context, async (tx) => {
      const { doc } = await tx.collection<FundData>(world.collection).create({ name: 'R', size: 1, vintage_year: 2026 });
      id = doc.id;
      await tx.appendAudit({ actor: 'u1', role: 'admin', action: 'create', resource: 'fund', resource_id: doc.id, version: 1 });
      await tx.emit('equihome.fund.created', { fund: doc }, { aggregate: doc.id });
      throw new Error('validation after the write failed');
    }).catch((e: unknown) => e);
    expect(err).toMatchObject({ message: 'validation after the write failed' });
    expect(wakes).toBe(0);
    expect(await world.store.collection(world.collection).get(id)).toBeNull();
    expect(await world.store.audit.list({ resource: 'fund', resource_id: id, limit: 10 })).toEqual([]);
    expect(await world.outboxRows()).toEqual([]);
  });

  it('rejects event data that fails its schema with MessagingValidationError naming the field, writing nothing', async () => {
    const context = { store: world.store, events: world.messaging };
    let id = '';
    const err = await commitChange(context, async (tx) => {
      const { doc } = await tx.collection<FundData>(world.collection).create({ name: 'V', size: 1, vintage_year: 2026 });
      id = doc.id;
      await tx.emit('equihome.fund.created', { fund: { ...doc, size: -5 } }, { aggregate: doc.id });
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MessagingValidationError);
    expect((err as MessagingValidationError).field).toBe('fund.size');
    expect(await world.store.collection(world.collection).get(id)).toBeNull();
    expect(await world.outboxRows()).toEqual([]);
  });

  it('resolves to what work returned and does not wake the relay when nothing was emitted', async () => {
    let wakes = 0;
    const result = await commitChange({ store: world.store, events: world.messaging, relay: { wake: () => (wakes += 1) } }, async (tx) => {
      const { doc } = await tx.collection<FundData>(world.collection).create({ name: 'quiet', size: 1, vintage_year: 2026 });
      return doc.name;
    });
    expect(result).toBe('quiet');
    expect(wakes).toBe(0);
  });
});
