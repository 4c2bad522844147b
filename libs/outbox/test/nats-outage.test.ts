/**
 * NATS stopped (the real server, SIGTERM) while 50 changes commit: the writes only touch
 * PostgreSQL, so they all succeed; once NATS is back the relay publishes all 50 events,
 * each stored once, in order per fund. NATS is started again whatever happens
 * (`withNatsStopped`'s finally, and afterAll).
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Doc } from '@equihome/storage';
import { startOutboxRelay } from '../src/index.js';
import { createFund, readStream, renameFund, testWorld, versionsByFund, waitFor, wrapPublish, type FundData } from './helpers.js';
import { localNatsServer, withNatsStopped } from '@equihome/testing';

const nats = localNatsServer();
const startNats = () => nats.start();

afterAll(async () => {
  await startNats();
});

describe('NATS outage', () => {
  it('commits 50 changes while NATS is down and publishes all 50 events exactly once, in order per fund, after it is back', async () => {
    const world = await testWorld();
    let failedPublishes = 0;
    const messaging = wrapPublish(world.messaging, async (_envelope, publish) => {
      try {
        return await publish();
      } catch (err) {
        failedPublishes += 1;
        throw err;
      }
    });
    const relay = startOutboxRelay({ messaging, outbox: world.store.outbox, logger: world.logger, name: 'outage', pollIntervalMs: 50, maxBackoffMs: 500 });
    try {
      const context = { store: world.store, events: world.messaging, relay };
      // 5 funds exist before the outage (5 events, published at once).
      const funds: Doc<FundData>[] = [];
      for (const name of ['A', 'B', 'C', 'D', 'E']) funds.push(await createFund(context, world, name));
      await relay.flush({ timeoutMs: 10_000 });

      await withNatsStopped(nats, async () => {
        // 10 renames per fund, the funds written concurrently: 50 commits, all while NATS is down.
        await Promise.all(
          funds.map(async (fund, i) => {
            let current = fund;
            for (let n = 2; n <= 11; n++) current = await renameFund(context, world, current, `${fund.name} v${n}`);
            funds[i] = current;
          }),
        );
        expect(funds.map((f) => f.version)).toEqual([11, 11, 11, 11, 11]);
        expect(await world.store.outbox.pending({ subjectPrefix: world.prefix })).toBe(50);
        // The relay keeps failing meanwhile (connection down). One round fails at most one
        // publish per fund (5, in flight together), so more than 5 failures means ≥ 2 rounds.
        await waitFor(() => (failedPublishes > funds.length ? true : undefined), 15_000);
      });

      await relay.flush({ timeoutMs: 30_000 });
      const events = await readStream(world.messaging, world.stream);
      expect(events).toHaveLength(55);
      expect(new Set(events.map((e) => e.msgId)).size).toBe(55); // each event stored exactly once
      const versions = versionsByFund(events);
      for (const fund of funds) expect(versions.get(fund.id), fund.name).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
      // One warning for the whole outage, one line when it ended.
      const warns = world.logger.lines.filter((l) => l.level === 'warn');
      expect(warns.map((l) => l.message)).toEqual(['outbox relay: publishing failed; retrying with backoff (logged once per outage)']);
      const recovered = world.logger.lines.filter((l) => l.message === 'outbox relay: publishing again');
      expect(recovered).toHaveLength(1);
      expect(recovered[0].fields['attempts']).toBeGreaterThanOrEqual(2); // tried more than once, logged once
    } finally {
      await relay.stop();
      await startNats();
      await world.cleanup();
    }
  });
});
