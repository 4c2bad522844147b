import { randomBytes } from 'node:crypto';
import type { EventEnvelope, Fund } from '@equihome/domain';
import type { EventConsumer } from '@equihome/messaging';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@equihome/testing';
import { fundBody, startTestService, type TestService } from './helpers.js';

let t: TestService;
const received: EventEnvelope<Record<string, unknown>>[] = [];
const consumers: EventConsumer[] = [];

beforeAll(async () => {
  t = await startTestService();
  const { messaging } = t.infrastructure;
  const durable = (kind: string) => `d_${kind}_${randomBytes(4).toString('hex')}`;
  const record = async (event: EventEnvelope<unknown>) => {
    received.push(event as EventEnvelope<Record<string, unknown>>);
  };
  consumers.push(
    await messaging.consume({ durable: durable('created'), subject: 'equihome.fund.created', handler: record }),
    await messaging.consume({ durable: durable('updated'), subject: 'equihome.fund.updated', handler: record }),
    await messaging.consume({ durable: durable('deleted'), subject: 'equihome.fund.deleted', handler: record }),
  );
});
afterAll(async () => {
  await Promise.all(consumers.map((c) => c.stop()));
  await t?.cleanup();
});

const eventFor = (type: string, id: string) =>
  waitFor(() => received.find((e) => e.type === type && ((e.data.fund as Fund | undefined)?.id ?? e.data.id) === id));

describe('fund events on JetStream', () => {
  it('publishes fund.created, fund.updated and fund.deleted with the fund (or id) and the caller as actor', async () => {
    const inject = t.service.app.inject.bind(t.service.app);
    const created = await inject({ method: 'POST', url: '/api/funds', headers: { authorization: t.auth('analyst') }, payload: fundBody({ name: 'Evented' }) });
    const fund = created.json() as Fund;
    const updated = await inject({ method: 'PUT', url: `/api/funds/${fund.id}`, headers: { authorization: t.auth('admin'), 'if-match': '"1"' }, payload: fundBody({ name: 'Evented v2' }) });
    expect(updated.statusCode).toBe(200);
    const deleted = await inject({ method: 'DELETE', url: `/api/funds/${fund.id}`, headers: { authorization: t.auth('admin') } });
    expect(deleted.statusCode).toBe(204);

    const onCreate = await eventFor('equihome.fund.created', fund.id);
    expect(onCreate).toMatchObject({ source: 'fund-service', subject: `${t.env.NATS_SUBJECT_PREFIX}.fund.created` });
    expect(onCreate.data).toEqual({ fund, actor: { sub: t.sub('analyst'), role: 'analyst' } });

    const onUpdate = await eventFor('equihome.fund.updated', fund.id);
    expect(onUpdate.data).toEqual({ fund: updated.json(), actor: { sub: t.sub('admin'), role: 'admin' } });
    expect((onUpdate.data.fund as Fund).version).toBe(2);

    const onDelete = await eventFor('equihome.fund.deleted', fund.id);
    expect(onDelete.data).toEqual({ id: fund.id, actor: { sub: t.sub('admin'), role: 'admin' } });
  });

  it('publishes nothing for a rejected write or for an idempotent replay', async () => {
    const inject = t.service.app.inject.bind(t.service.app);
    const headers = { authorization: t.auth('analyst'), 'idempotency-key': `events-${t.prefix}` };
    const first = (await inject({ method: 'POST', url: '/api/funds', headers, payload: fundBody() })).json() as Fund;
    const replay = await inject({ method: 'POST', url: '/api/funds', headers, payload: fundBody() });
    expect(replay.json().id).toBe(first.id);
    const stale = await inject({ method: 'PUT', url: `/api/funds/${first.id}`, headers: { authorization: t.auth('analyst'), 'if-match': '"7"' }, payload: fundBody() });
    expect(stale.statusCode).toBe(412);
    // Later events on the same subjects prove each (in-order) consumer has moved past the rejected writes.
    const markerFund = (await inject({ method: 'POST', url: '/api/funds', headers: { authorization: t.auth('analyst') }, payload: fundBody({ name: 'marker' }) })).json() as Fund;
    await inject({ method: 'PUT', url: `/api/funds/${first.id}`, headers: { authorization: t.auth('analyst') }, payload: fundBody({ name: 'marker' }) });
    await eventFor('equihome.fund.created', markerFund.id);
    await waitFor(() => received.find((e) => e.type === 'equihome.fund.updated' && (e.data.fund as Fund).id === first.id));
    const forFund = received.filter((e) => ((e.data.fund as Fund | undefined)?.id ?? e.data.id) === first.id);
    expect(forFund.map((e) => e.type).sort()).toEqual(['equihome.fund.created', 'equihome.fund.updated']);
    expect((forFund.find((e) => e.type === 'equihome.fund.updated')?.data.fund as Fund).name).toBe('marker');
  });
});
