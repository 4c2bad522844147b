/**
 * A committed change is announced even when the service dies between the commit and the
 * publish: fund-service runs as its own process with its relay held back
 * (`OUTBOX_RELAY=false`, so the event stays in the outbox exactly as a crash right after the
 * commit leaves it), is killed with SIGKILL by its pid, and a restarted process (relay on)
 * publishes the event — once.
 */
import type { EventEnvelope, Fund } from '@equihome/domain';
import { connectMessaging, type Messaging } from '@equihome/messaging';
import { collectionPrefix, randomPrefix, signTestToken, silentLogger, streamName, subjectPrefix, TEST_DATABASE_URL, waitFor } from '@equihome/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendRaw } from '../src/http-client.js';
import { startServiceProcess, type ServiceProcess } from '../src/service-process.js';

const prefix = randomPrefix('crash');
const env: Record<string, string> = {
  NODE_ENV: 'test',
  LOG_LEVEL: 'silent',
  DATABASE_URL: TEST_DATABASE_URL,
  DOCUMENT_COLLECTION_PREFIX: collectionPrefix(prefix),
  NATS_SUBJECT_PREFIX: subjectPrefix(prefix),
  NATS_STREAM: streamName(prefix),
};
let pool: pg.Pool;
let reader: Messaging;
const running: ServiceProcess[] = [];

beforeAll(async () => {
  pool = new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 2 });
  reader = await connectMessaging({ name: 'e2e-reader', subjectPrefix: env.NATS_SUBJECT_PREFIX, stream: env.NATS_STREAM, logger: silentLogger });
});
afterAll(async () => {
  for (const p of running) await p.stop('SIGKILL');
  await reader?.jsm.streams.delete(env.NATS_STREAM).catch(() => undefined);
  await reader?.close();
  await pool?.query('delete from documents where collection like $1', [`${env.DOCUMENT_COLLECTION_PREFIX}%`]);
  await pool?.query('delete from outbox where starts_with(subject, $1)', [`${env.NATS_SUBJECT_PREFIX}.`]);
  await pool?.query('delete from audit_log where actor like $1', [`${prefix}-%`]);
  await pool?.end();
});

/** The fund events stored on the test's stream. */
async function storedEvents(): Promise<EventEnvelope<{ fund: Fund }>[]> {
  const info = await reader.jsm.streams.info(env.NATS_STREAM).catch(() => null);
  const events: EventEnvelope<{ fund: Fund }>[] = [];
  for (let seq = 1; info && seq <= info.state.last_seq; seq++) {
    const msg = await reader.jsm.streams.getMessage(env.NATS_STREAM, { seq }).catch(() => null);
    if (msg) events.push(msg.json());
  }
  return events;
}

describe('a service killed between commit and publish', () => {
  it('publishes the committed event after a restart, exactly once', async () => {
    const first = await startServiceProcess({ name: 'fund-service', env: { ...env, OUTBOX_RELAY: 'false' } });
    running.push(first);
    const auth = `Bearer ${await signTestToken('analyst', { prefix })}`;
    const created = await sendRaw(first.url, { method: 'POST', path: '/api/funds', headers: { authorization: auth, 'content-type': 'application/json' }, body: { name: 'Crash Fund', size: 100_000_000, vintage_year: 2026 } });
    expect(created.status).toBe(201);
    const fund = created.json as Fund;

    // The change and its event committed together; the event is not on the stream.
    const pending = await pool.query('select id from outbox where aggregate = $1 and sent_at is null', [fund.id]);
    expect(pending.rowCount).toBe(1);
    expect(await storedEvents()).toEqual([]);

    await first.stop('SIGKILL');
    expect(await first.exited).toBe('SIGKILL');

    const second = await startServiceProcess({ name: 'fund-service', env });
    running.push(second);
    const events = await waitFor(async () => {
      const stored = await storedEvents();
      return stored.length > 0 ? stored : undefined;
    }, { timeoutMs: 15_000, message: 'the committed event never reached JetStream' });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ id: pending.rows[0].id, type: 'equihome.fund.created', specversion: '1.0', data: { fund } });
    await waitFor(async () => (await pool.query('select 1 from outbox where aggregate = $1 and sent_at is not null', [fund.id])).rowCount === 1, { timeoutMs: 5_000 });
    // A later look finds nothing more: the event was published once.
    await new Promise((r) => setTimeout(r, 500));
    expect(await storedEvents()).toHaveLength(1);
  });
});
