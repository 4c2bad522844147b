/**
 * Two replicas of a service, each with its own relay (own NATS connection and database
 * pool), on one outbox: every event is published once — not merely stored once, which
 * JetStream's de-duplication would make true anyway — and the order per fund holds.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { documentStoreFromEnv, type Doc, type DocumentStoreFactory } from '@equihome/storage';
import { startOutboxRelay, type OutboxRelay } from '../src/index.js';
import { createFund, readStream, renameFund, sleep, TEST_DATABASE_URL, testWorld, versionsByFund, wrapPublish, type FundData, type TestWorld } from './helpers.js';

let world: TestWorld;
let secondStore: DocumentStoreFactory;
const relays: OutboxRelay[] = [];
beforeEach(async () => {
  world = await testWorld();
  secondStore = documentStoreFromEnv({ DATABASE_URL: TEST_DATABASE_URL });
});
afterEach(async () => {
  await Promise.all(relays.splice(0).map((r) => r.stop()));
  await secondStore.close();
  await world.cleanup();
});

describe('two relays on one outbox', () => {
  it('publishes each of 160 events exactly once across both relays, in order per fund', async () => {
    const publishes = new Map<string, number>();
    const byRelay = { one: 0, two: 0 };
    const replica = async (name: 'one' | 'two', store: DocumentStoreFactory) => {
      const connection = name === 'one' ? world.messaging : await world.connect(`replica-${name}`);
      const messaging = wrapPublish(connection, async (envelope, publish) => {
        publishes.set(envelope.id, (publishes.get(envelope.id) ?? 0) + 1);
        byRelay[name] += 1;
        await sleep(1); // publishing takes a moment: rounds of the two relays overlap
        return publish();
      });
      const relay = startOutboxRelay({ messaging, outbox: store.outbox, logger: world.logger, name, pollIntervalMs: 20, batchSize: 8 });
      relays.push(relay);
      return { relay, context: { store, events: connection, relay } };
    };

    // 8 funds with 10 changes each are waiting before the relays start…
    const seed = { store: world.store, events: world.messaging };
    const funds: Doc<FundData>[] = [];
    for (let i = 0; i < 8; i++) funds.push(await createFund(seed, world, `F${i}`));
    for (const [i, fund] of funds.entries()) {
      let current = fund;
      for (let n = 2; n <= 10; n++) current = await renameFund(seed, world, current, `F${i} v${n}`);
      funds[i] = current;
    }
    const [one, two] = await Promise.all([replica('one', world.store), replica('two', secondStore)]);
    // …and 10 more per fund are written while they run, half through each replica.
    await Promise.all(
      funds.map(async (fund, i) => {
        const { context } = i % 2 === 0 ? one : two;
        let current = fund;
        for (let n = 11; n <= 20; n++) current = await renameFund(context, world, current, `F${i} v${n}`);
      }),
    );
    await Promise.all([one.relay.flush({ timeoutMs: 30_000 }), two.relay.flush({ timeoutMs: 30_000 })]);

    expect(publishes.size).toBe(160);
    expect([...publishes.values()].every((n) => n === 1)).toBe(true); // no event published twice
    expect(byRelay.one).toBeGreaterThan(0);
    expect(byRelay.two).toBeGreaterThan(0);
    const events = await readStream(world.messaging, world.stream);
    expect(events).toHaveLength(160);
    const versions = versionsByFund(events);
    for (const fund of funds) expect(versions.get(fund.id), fund.name).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });
});
