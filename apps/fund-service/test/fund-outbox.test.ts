/**
 * Events are as durable as the funds they describe: each write commits its event to the
 * outbox with the fund, and the relay delivers it whenever NATS is reachable. Runs on a
 * PRIVATE nats-server (real binary, own port and store), so stopping it disturbs no other
 * test; PostgreSQL is the shared local one.
 */
import type { EventEnvelope, Fund } from '@equihome/domain';
import { startPrivateNatsServer, withNatsStopped, type PrivateNatsServer } from '@equihome/testing';
import { createPool } from '@equihome/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fundBody, startTestService, type TestService } from './helpers.js';

let nats: PrivateNatsServer;
let t: TestService;

beforeAll(async () => {
  nats = await startPrivateNatsServer();
  t = await startTestService({ NATS_URL: nats.url });
}, 60_000);
afterAll(async () => {
  await t?.cleanup();
  await nats?.dispose();
});

/** Every event of the test's stream, in stream order. */
async function streamEvents(expected: number): Promise<EventEnvelope<{ fund?: Fund; id?: string }>[]> {
  const { js } = t.infrastructure.messaging;
  const consumer = await js.consumers.get(t.env.NATS_STREAM, { deliver_policy: 'all' as never });
  const events: EventEnvelope<{ fund?: Fund; id?: string }>[] = [];
  const deadline = Date.now() + 20_000;
  while (events.length < expected && Date.now() < deadline) {
    const batch = await consumer.fetch({ max_messages: expected - events.length, expires: 1_000 });
    for await (const m of batch) events.push(m.json());
  }
  // Nothing more arrives: a duplicate would show up here.
  const extra = await consumer.fetch({ max_messages: 10, expires: 1_000 });
  for await (const m of extra) events.push(m.json());
  return events;
}

describe('fund events through the transactional outbox', () => {
  it('delivers all 50 events of writes made while NATS was down, exactly once and in order per fund', async () => {
    const inject = t.service.app.inject.bind(t.service.app);
    const written: Fund[] = [];
    await withNatsStopped(nats, async () => {
      // 5 funds × (1 create + 9 updates): the writes commit although NATS is unreachable.
      const funds: Fund[] = [];
      for (let i = 0; i < 5; i++) {
        const res = await inject({ method: 'POST', url: '/api/funds', headers: { authorization: t.auth('analyst') }, payload: fundBody({ name: `Offline ${i}` }) });
        expect(res.statusCode, res.body).toBe(201);
        funds.push(res.json());
        written.push(res.json());
      }
      for (let round = 1; round <= 9; round++) {
        for (const fund of funds) {
          const res = await inject({ method: 'PUT', url: `/api/funds/${fund.id}`, headers: { authorization: t.auth('analyst') }, payload: fundBody({ name: `Offline ${fund.id} v${round + 1}` }) });
          expect(res.statusCode, res.body).toBe(200);
          written.push(res.json());
        }
      }
      const pool = createPool(t.env.DATABASE_URL);
      try {
        const { rows } = await pool.query<{ n: string }>('select count(*) as n from outbox where sent_at is null and starts_with(subject, $1)', [`${t.env.NATS_SUBJECT_PREFIX}.`]);
        expect(Number(rows[0].n)).toBe(50);
      } finally {
        await pool.end();
      }
    });
    expect(written).toHaveLength(50);

    // NATS is back: the relay (retrying with backoff meanwhile) publishes the backlog.
    await t.infrastructure.relay!.flush({ timeoutMs: 30_000 });
    const events = await streamEvents(50);
    expect(events).toHaveLength(50);
    expect(new Set(events.map((e) => e.id)).size).toBe(50);
    // Every write is announced with the fund exactly as the reply returned it…
    const byVersion = new Map(events.map((e) => [`${e.data.fund!.id}@${e.data.fund!.version}`, e.data.fund]));
    for (const fund of written) expect(byVersion.get(`${fund.id}@${fund.version}`)).toEqual(fund);
    // …and each fund's events arrive in commit order: created v1, then updated v2 … v10.
    for (const id of new Set(written.map((f) => f.id))) {
      const mine = events.filter((e) => e.data.fund!.id === id);
      expect(mine.map((e) => e.data.fund!.version)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      expect(mine.map((e) => e.type)).toEqual(['equihome.fund.created', ...Array(9).fill('equihome.fund.updated')]);
    }
    for (const e of events) expect(e).toMatchObject({ specversion: '1.0', datacontenttype: 'application/json', source: 'fund-service' });
  }, 90_000);

  it('commits nothing — no fund, no audit entry, no event — when a write is rejected', async () => {
    const inject = t.service.app.inject.bind(t.service.app);
    const fund = (await inject({ method: 'POST', url: '/api/funds', headers: { authorization: t.auth('analyst') }, payload: fundBody() })).json() as Fund;
    await t.infrastructure.relay!.flush({ timeoutMs: 10_000 });
    const stale = await inject({ method: 'PUT', url: `/api/funds/${fund.id}`, headers: { authorization: t.auth('analyst'), 'if-match': '"5"' }, payload: fundBody({ name: 'never' }) });
    expect(stale.statusCode).toBe(412);
    const pool = createPool(t.env.DATABASE_URL);
    try {
      const outbox = await pool.query('select 1 from outbox where aggregate = $1', [fund.id]);
      expect(outbox.rowCount).toBe(1); // the create only
      const audit = await pool.query('select action from audit_log where resource_id = $1', [fund.id]);
      expect(audit.rows.map((r) => r.action)).toEqual(['create']);
    } finally {
      await pool.end();
    }
  });
});
