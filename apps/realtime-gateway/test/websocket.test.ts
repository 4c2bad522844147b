/**
 * `/ws` on the real NATS: authentication (protocol header, first message, timeout, expiry),
 * message validation, roles, snapshots (from a stand-in simulation-service / fund-service
 * over HTTP, so the test decides what they answer), live events published on NATS, the
 * bounded send buffer (a client that never reads is cut off with 1013 while 50 others get
 * every message), one NATS subscription per subject whatever the number of sockets, and
 * ping/pong.
 */
import { createEnvelope, SubjectMapper, connectMessaging, type Messaging } from '@equihome/messaging';
import { LOCAL_DEV_JWT_SECRET, signDevToken } from '@equihome/platform';
import { randomPrefix, signTestToken, silentLogger, sleep } from '@equihome/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, startGateway, startStandIn, TestClient, waitFor, type StandIn, type TestGateway } from './helpers.js';

const RUN = '0190a3c0-7b1e-7cc4-8a51-1c2b3d4e5f60';
const FORBIDDEN_RUN = '0190a3c0-7b1e-7cc4-8a51-00000000f403';
const FUND = '0190a3c0-7b1e-7cc4-8a51-0000000f0001';

let upstream: StandIn;
let gw: TestGateway;
let publisher: Messaging;
const clients: TestClient[] = [];
const client = (c: TestClient) => (clients.push(c), c);
let viewer: string;
let analyst: string;

/** simulation-service and fund-service stand-ins: the snapshots' answers, with the client's token checked. */
function standInRoutes(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) {
  if (!String(req.headers.authorization).startsWith('Bearer ')) return json(res, 401, { code: 'TOKEN_MISSING', status: 401, title: 'Unauthorized' }, 'application/problem+json');
  const status = req.url?.match(/^\/api\/simulations\/([^/]+)\/status$/);
  if (status?.[1] === FORBIDDEN_RUN) return json(res, 403, { code: 'ROLE_TOO_LOW', status: 403, title: 'Forbidden', detail: 'role viewer is below analyst' }, 'application/problem+json');
  if (status) return json(res, 200, { id: status[1], state: 'running', paths_done: 500, paths_total: 10_000, eta_seconds: 3 });
  if (req.url === `/api/funds/${FUND}`) return json(res, 200, { id: FUND, version: 3, name: 'Fund' });
  return json(res, 404, { code: 'NOT_FOUND', status: 404, title: 'Not Found' }, 'application/problem+json');
}

beforeAll(async () => {
  upstream = await startStandIn(standInRoutes);
  gw = await startGateway({
    env: { SIMULATION_SERVICE_URL: upstream.url, FUND_SERVICE_URL: upstream.url, WS_AUTH_TIMEOUT_MS: '500', WS_MAX_SUBSCRIPTIONS: '3', WS_SEND_BUFFER_BYTES: '262144' },
  });
  publisher = await connectMessaging({ name: 'simulation-service', subjectPrefix: gw.prefix, logger: silentLogger });
  viewer = await signTestToken('viewer', { prefix: gw.prefix });
  analyst = await signTestToken('analyst', { prefix: gw.prefix });
});

afterAll(async () => {
  for (const c of clients) c.close();
  await gw?.close();
  await publisher?.close();
  await upstream?.close();
});

/** Publishes a progress event of `runId` on core NATS, as simulation-service's tracker does (JetStream publishes reach core subscribers alike). */
function publishProgress(runId: string, pathsDone: number, extra: Record<string, unknown> = {}): string {
  const envelope = createEnvelope({ subjects: new SubjectMapper(gw.prefix), source: 'simulation-service' }, 'equihome.simulation.progress', {
    id: runId,
    state: 'running',
    paths_done: pathsDone,
    paths_total: 10_000_000,
    eta_seconds: 1,
    ...extra,
  });
  publisher.nc.publish(envelope.subject, JSON.stringify(envelope));
  return envelope.id;
}

describe('authentication', () => {
  it('accepts a token in Sec-WebSocket-Protocol and selects the bearer protocol', async () => {
    const c = client(await TestClient.withToken(gw.wsUrl, viewer));
    expect(c.ws.protocol).toBe('bearer');
    expect(c.messages[0]).toMatchObject({ type: 'authenticated', sub: `${gw.prefix}-viewer`, role: 'viewer' });
  });

  it('accepts a first message {type:"auth"}', async () => {
    const c = client(new TestClient(gw.wsUrl));
    await c.opened;
    c.send({ type: 'auth', token: analyst });
    await c.next((m) => m.type === 'authenticated');
    await c.roundTrip();
  });

  it('closes with 4401 when no token arrives within the auth timeout', async () => {
    const c = client(new TestClient(gw.wsUrl));
    await c.opened;
    const closed = await c.closed;
    expect(closed.code).toBe(4401);
    expect(closed.reason).toContain('no token within 500 ms');
  });

  it('closes with 4401 when the first message is not auth', async () => {
    const c = client(new TestClient(gw.wsUrl));
    await c.opened;
    c.send({ type: 'subscribe', channel: 'market' });
    expect((await c.closed).code).toBe(4401);
  });

  it('closes with 4401 for an expired, a forged or an empty protocol token', async () => {
    const expired = await signDevToken({ role: 'viewer', sub: 'late', secret: LOCAL_DEV_JWT_SECRET, expiresIn: -10 });
    const forged = await signDevToken({ role: 'admin', sub: 'mallory', secret: 'another-secret-another-secret-another-secret' });
    for (const protocols of [['bearer', expired], ['bearer', forged], ['bearer']]) {
      const c = client(new TestClient(gw.wsUrl, protocols));
      const closed = await c.closed;
      expect(closed.code).toBe(4401);
      expect(c.messages).toEqual([]);
    }
  });

  it('closes with 4401 when the token expires while connected', async () => {
    const shortLived = await signDevToken({ role: 'viewer', sub: 'brief', secret: LOCAL_DEV_JWT_SECRET, expiresIn: 2 });
    const c = client(await TestClient.withToken(gw.wsUrl, shortLived));
    const expiresAt = Date.parse(String(c.messages[0].expires_at));
    const closed = await c.closed;
    expect(closed).toEqual({ code: 4401, reason: 'token expired' });
    // Not before the expiry (50 ms of slack between the timer clock and the wall clock).
    expect(Date.now()).toBeGreaterThanOrEqual(expiresAt - 50);
  });
});

describe('messages', () => {
  it('answers garbage and invalid messages with an error and keeps the connection', async () => {
    const c = client(await TestClient.withToken(gw.wsUrl, viewer));
    c.send('{not json');
    expect(await c.next((m) => m.type === 'error')).toMatchObject({ code: 'INVALID_JSON' });
    c.send({ type: 'subscribe', channel: 'simulation:42' });
    expect(await c.next((m) => m.type === 'error' && m.code === 'INVALID_MESSAGE')).toMatchObject({ message: expect.stringContaining('channel') });
    c.send({ type: 'launch-missiles' });
    c.send({ type: 'ping', extra: 1 });
    await waitFor(() => c.messages.filter((m) => m.code === 'INVALID_MESSAGE').length === 3);
    await c.roundTrip();
    expect(c.ws.readyState).toBe(c.ws.OPEN);
  });

  it('closes with 1009 on a message over the size limit', async () => {
    const c = client(await TestClient.withToken(gw.wsUrl, viewer));
    c.send({ type: 'ping', id: 'x'.repeat(20_000) });
    expect((await c.closed).code).toBe(1009);
  });

  it('refuses presence with a field (editing) below role analyst, and accepts it from an analyst', async () => {
    const v = client(await TestClient.withToken(gw.wsUrl, viewer));
    const a = client(await TestClient.withToken(gw.wsUrl, analyst));
    const channel = `fund:${FUND}`;
    expect(await v.subscribe(channel)).toMatchObject({ type: 'subscribed', snapshot: { id: FUND, version: 3 } });
    expect(await a.subscribe(channel)).toMatchObject({ type: 'subscribed' });
    v.send({ type: 'presence', channel, field: 'name' });
    expect(await v.next((m) => m.type === 'error')).toMatchObject({ code: 'ROLE_TOO_LOW', channel });
    a.send({ type: 'presence', channel, field: 'fee_structure.hurdle_rate' });
    const seen = await v.next((m) => m.type === 'presence' && (m.users as Array<{ field?: string }>).some((u) => u.field === 'fee_structure.hurdle_rate'));
    expect(seen.users).toEqual([
      { sub: `${gw.prefix}-analyst`, role: 'analyst', field: 'fee_structure.hurdle_rate' },
      { sub: `${gw.prefix}-viewer`, role: 'viewer' },
    ]);
    await v.roundTrip();
  });

  it('does not subscribe when the upstream refuses the snapshot, and says why', async () => {
    const c = client(await TestClient.withToken(gw.wsUrl, viewer));
    expect(await c.subscribe(`simulation:${FORBIDDEN_RUN}`)).toMatchObject({ type: 'error', code: 'ROLE_TOO_LOW', status: 403 });
    const asked = upstream.seen.find((r) => r.url === `/api/simulations/${FORBIDDEN_RUN}/status`);
    expect(asked?.headers.authorization).toBe(`Bearer ${viewer}`);
    expect(await c.subscribe(`optimization:${RUN}`)).toMatchObject({ type: 'error', code: 'UPSTREAM_UNAVAILABLE' });
    expect(gw.gateway.hub.size(`simulation:${FORBIDDEN_RUN}`)).toBe(0);
  });

  it('limits the subscriptions of one connection', async () => {
    const c = client(await TestClient.withToken(gw.wsUrl, viewer));
    for (const id of ['01', '02', '03']) expect(await c.subscribe(`simulation:0190a3c0-7b1e-7cc4-8a51-0000000000${id}`)).toMatchObject({ type: 'subscribed' });
    expect(await c.subscribe(`simulation:0190a3c0-7b1e-7cc4-8a51-000000000004`)).toMatchObject({ type: 'error', code: 'SUBSCRIPTION_LIMIT' });
    c.send({ type: 'unsubscribe', channel: 'simulation:0190a3c0-7b1e-7cc4-8a51-000000000001' });
    await c.next((m) => m.type === 'unsubscribed');
    expect(await c.subscribe(`simulation:0190a3c0-7b1e-7cc4-8a51-000000000004`)).toMatchObject({ type: 'subscribed' });
  });

  it('sends the snapshot, then the run events published on NATS, in order', async () => {
    const run = '0190a3c0-7b1e-7cc4-8a51-0000000000aa';
    const c = client(await TestClient.withToken(gw.wsUrl, viewer));
    expect(await c.subscribe(`simulation:${run}`)).toMatchObject({ snapshot: { id: run, state: 'running', paths_done: 500 } });
    const ids = [publishProgress(run, 1_000), publishProgress(run, 2_000), publishProgress('0190a3c0-7b1e-7cc4-8a51-0000000000bb', 9)];
    const received = await c.next((m) => m.type === 'progress' && (m.data as { paths_done: number }).paths_done === 2_000);
    const progress = c.messages.filter((m) => m.type === 'progress');
    expect(progress.map((m) => m.event_id)).toEqual(ids.slice(0, 2));
    expect(received).toMatchObject({ channel: `simulation:${run}`, data: { id: run, paths_done: 2_000 } });
  });
});

describe('fan-out', () => {
  it('cuts off a client that never reads (1013) while 50 others on the same run receive every message, over one NATS subscription', async () => {
    const run = '0190a3c0-7b1e-7cc4-8a51-0000000000cc';
    const channel = `simulation:${run}`;
    const readers = await Promise.all(Array.from({ length: 50 }, async () => client(await TestClient.withToken(gw.wsUrl, viewer))));
    const slow = client(await TestClient.withToken(gw.wsUrl, viewer));
    for (const c of [...readers, slow]) expect(await c.subscribe(channel)).toMatchObject({ type: 'subscribed' });
    slow.pauseReading();
    expect(gw.gateway.hub.size(channel)).toBe(51);

    const inBefore = gw.infrastructure.messaging.nc.stats().inMsgs;
    // ~16 KB progress events, 5 at a time, each batch read by all 50 readers before the next,
    // until the never-reading client has filled the kernel's buffers and then its own.
    const padding = 'x'.repeat(16_000);
    const published: string[] = [];
    while (gw.gateway.hub.size(channel) === 51 && published.length < 2_000) {
      for (let i = 0; i < 5; i++) published.push(publishProgress(run, published.length + 1, { error: padding }));
      const count = published.length;
      await waitFor(() => readers.every((r) => r.messages.filter((m) => m.type === 'progress').length === count), { timeoutMs: 20_000, message: `50 readers got ${count} messages` });
    }
    expect(gw.gateway.hub.size(channel)).toBe(50);
    for (const r of readers) expect(r.messages.filter((m) => m.type === 'progress').map((m) => m.event_id)).toEqual(published);
    // One NATS message per event reached the gateway, not one per socket.
    expect(gw.infrastructure.messaging.nc.stats().inMsgs - inBefore).toBe(published.length);

    slow.resumeReading();
    const closed = await slow.closed;
    expect(closed.code).toBe(1013);
    expect(slow.messages.filter((m) => m.type === 'progress').length).toBeLessThan(published.length);
    for (const r of readers.slice(0, 3)) await r.roundTrip();
  }, 60_000);
});

describe('shutdown', () => {
  it('closes every socket with 1001 when the gateway closes', async () => {
    const closing = await startGateway({ prefix: randomPrefix('gwclose') });
    const token = await signTestToken('viewer', { prefix: closing.prefix });
    const c = client(await TestClient.withToken(closing.wsUrl, token));
    expect(await c.subscribe('market')).toMatchObject({ type: 'subscribed' });
    await closing.close();
    expect((await c.closed).code).toBe(1001);
  });
});

describe('heartbeat', () => {
  it('terminates a socket that stops answering pings and keeps the ones that answer', async () => {
    const pinging = await startGateway({ prefix: randomPrefix('gwping'), env: { WS_PING_INTERVAL_MS: '150' } });
    try {
      const token = await signTestToken('viewer', { prefix: pinging.prefix });
      const alive = await TestClient.withToken(pinging.wsUrl, token);
      const dead = await TestClient.withToken(pinging.wsUrl, token);
      clients.push(alive, dead);
      expect(pinging.gateway.sessions.sessions.size).toBe(2);
      dead.pauseReading(); // no more pongs
      await waitFor(() => pinging.gateway.sessions.sessions.size === 1, { timeoutMs: 10_000, message: 'dead socket terminated' });
      await sleep(500); // several more ping rounds
      await alive.roundTrip();
      expect(pinging.gateway.sessions.sessions.size).toBe(1);
    } finally {
      await pinging.close();
    }
  });
});
