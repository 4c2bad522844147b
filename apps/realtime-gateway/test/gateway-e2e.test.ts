/**
 * End to end through the gateway, on the real PostgreSQL, Redis and NATS with the real
 * services as OS processes (fund-service, portfolio-service, simulation-service's API and
 * one worker process): create a fund → generate its portfolio → a 50,000-path monthly run in
 * 50 shards → a WebSocket client sees rising progress, then completed → summary and bands
 * over HTTP. Then two gateway replicas (this process's and another OS process): users on
 * each see each other in presence and each other's fund update, and the users of the
 * replica that is killed disappear within the presence TTL.
 */
import { LOCAL_DEV_JWT_SECRET, signDevToken } from '@equihome/platform';
import { consumerName, deleteRedisKeys, randomPrefix, silentLogger, testServiceEnv, TEST_DATABASE_URL, TEST_REDIS_URL } from '@equihome/testing';
import { connectMessaging } from '@equihome/messaging';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, TestClient, type Received, type TestGateway } from './helpers.js';
import { startProcess, startWorker, type ServiceProcess } from './service-processes.js';

const prefix = randomPrefix('gwe2e');
const env = testServiceEnv({
  prefix,
  env: {
    REDIS_URL: TEST_REDIS_URL,
    BULLMQ_PREFIX: `{${prefix}}`,
    SIM_QUEUE: 'sim',
    SIM_SHARD_PATHS: '1000',
    WORKER_THREADS: '1',
    PORTFOLIO_EVENTS_DURABLE: consumerName(prefix, 'portfolios'),
    FUND_EVENTS_DURABLE: consumerName(prefix, 'fund-deleted'),
    OUTBOX_POLL_INTERVAL_MS: '50',
  },
});
const processes: ServiceProcess[] = [];
const clients: TestClient[] = [];
let gatewayA: TestGateway;
let gatewayB: ServiceProcess;
let upstreamEnv: Record<string, string>;
const fundIds: string[] = [];
const runIds: string[] = [];

const token = (role: 'viewer' | 'analyst', who: string) => signDevToken({ role, sub: `${prefix}-${who}`, secret: LOCAL_DEV_JWT_SECRET, expiresIn: '1h' });

beforeAll(async () => {
  const [fund, portfolio, simulation] = await Promise.all([
    startProcess({ app: 'fund-service', env }),
    startProcess({ app: 'portfolio-service', env }),
    startProcess({ app: 'simulation-service', env }),
  ]);
  processes.push(fund, portfolio, simulation);
  processes.push(await startWorker(env));
  upstreamEnv = { FUND_SERVICE_URL: fund.url, PORTFOLIO_SERVICE_URL: portfolio.url, SIMULATION_SERVICE_URL: simulation.url, OPTIMIZATION_SERVICE_URL: '' };
  const presence = { PRESENCE_HEARTBEAT_MS: '300', PRESENCE_TTL_MS: '1500' };
  [gatewayA, gatewayB] = await Promise.all([
    startGateway({ prefix, env: { ...upstreamEnv, ...presence } }),
    startProcess({ app: 'realtime-gateway', env: { ...env, ...upstreamEnv, ...presence } }),
  ]);
  processes.push(gatewayB);
}, 150_000);

afterAll(async () => {
  for (const c of clients) c.close();
  await gatewayA?.close().catch(() => undefined);
  await Promise.allSettled(processes.map((p) => p.stop('SIGKILL')));
  const messaging = await connectMessaging({ name: 'e2e-cleanup', subjectPrefix: prefix, logger: silentLogger });
  await messaging.jsm.streams.delete(env.NATS_STREAM).catch(() => undefined);
  await messaging.close();
  const pool = new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 1 });
  try {
    for (const table of ['simulation_shards', 'simulation_results', 'simulation_series']) await pool.query(`delete from ${table} where run_id = any($1::text[])`, [runIds]);
    await pool.query('delete from simulation_fund_portfolios where fund_id = any($1::text[])', [fundIds]);
    await pool.query('delete from documents where collection like $1', [`${env.DOCUMENT_COLLECTION_PREFIX}%`]);
    await pool.query('delete from outbox where starts_with(subject, $1)', [`${prefix}.`]);
    await pool.query('delete from audit_log where actor like $1', [`${prefix}-%`]);
  } finally {
    await pool.end();
  }
  await deleteRedisKeys(`{${prefix}}*`, TEST_REDIS_URL);
}, 60_000);

/** A JSON request through gateway A. */
async function api(method: string, path: string, authorization: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${gatewayA.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${authorization}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- replies of several services, read loosely
  return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as Record<string, any>) : null };
}

async function createFund(analyst: string, name: string) {
  const created = await api('POST', '/api/funds', analyst, { name, size: 100_000_000, vintage_year: 2026 });
  expect(created.status).toBe(201);
  fundIds.push(created.body!.id);
  return created.body!;
}

describe('through the gateway, end to end', () => {
  it('creates a fund, generates a portfolio, and streams a 50,000-path run: rising progress, then completed; summary and bands over HTTP', async () => {
    const analyst = await token('analyst', 'ana');
    const fund = await createFund(analyst, 'Gateway Fund I');
    const watcher = await TestClient.withToken(gatewayA.wsUrl, await token('viewer', 'watcher'));
    clients.push(watcher);
    expect(await watcher.subscribe(`fund:${fund.id}`)).toMatchObject({ type: 'subscribed', snapshot: { id: fund.id, version: 1 } });
    const portfolio = await api('POST', '/api/portfolios/generate', analyst, { fund_id: fund.id, seed: 11 });
    expect(portfolio.status).toBe(201);
    const loanCount: number = portfolio.body!.loans.length;
    expect(loanCount).toBeGreaterThan(0);
    // portfolio-service's event reaches the fund's channel; the portfolio's snapshot has no loans.
    const generated = await watcher.next((m) => m.type === 'portfolio.generated' && m.channel === `fund:${fund.id}`);
    expect(generated.data).toMatchObject({ portfolio: { id: portfolio.body!.id, fund_id: fund.id, loan_count: loanCount } });
    const portfolioSnapshot = await watcher.subscribe(`portfolio:${portfolio.body!.id}`);
    expect(portfolioSnapshot).toMatchObject({ type: 'subscribed', snapshot: { id: portfolio.body!.id, fund_id: fund.id, loan_count: loanCount } });
    expect(portfolioSnapshot.snapshot).not.toHaveProperty('loans');
    const accepted = await api('POST', '/api/simulations', analyst, { fund_id: fund.id, portfolio_id: portfolio.body!.id, paths: 50_000, granularity: 'monthly', seed: 5, cache: false });
    expect(accepted.status).toBe(202);
    const runId: string = accepted.body!.id;
    runIds.push(runId);
    const channel = `simulation:${runId}`;
    const subscribed = await watcher.subscribe(channel);
    expect(subscribed).toMatchObject({ type: 'subscribed', channel, snapshot: { id: runId, paths_total: 50_000 } });

    const completed = await watcher.next((m) => m.type === 'completed' && m.channel === channel, 180_000);
    expect(completed.data).toMatchObject({ id: runId, state: 'completed', paths_done: 50_000, paths_total: 50_000 });
    const progress = watcher.messages.filter((m): m is Received & { data: { paths_done: number } } => m.type === 'progress' && m.channel === channel);
    expect(progress.length).toBeGreaterThanOrEqual(3);
    const done = progress.map((m) => m.data.paths_done);
    for (let i = 1; i < done.length; i++) expect(done[i]).toBeGreaterThanOrEqual(done[i - 1]);
    expect(done[done.length - 1]).toBeGreaterThan(done[0]);
    // `completed` comes after every progress message.
    expect(watcher.messages.indexOf(completed)).toBeGreaterThan(watcher.messages.indexOf(progress[progress.length - 1]));

    const run = await api('GET', `/api/simulations/${runId}`, analyst);
    expect(run.status).toBe(200);
    expect(run.body).toMatchObject({ state: 'completed', summary: { paths: 50_000, granularity: 'monthly' } });
    const series = await api('GET', `/api/simulations/${runId}/series?metric=nav`, analyst);
    expect(series.status).toBe(200);
    const { years, p5, p50, p95 } = series.body as { years: number[]; p5: number[]; p50: number[]; p95: number[] };
    expect(years.length).toBeGreaterThan(1);
    expect([p5.length, p50.length, p95.length]).toEqual([years.length, years.length, years.length]);
    expect(p5.every((v, i) => v <= p50[i] && p50[i] <= p95[i])).toBe(true);
  }, 240_000);

  it('shows presence and fund updates across two gateway replicas, and drops the users of a replica that dies', async () => {
    const x = await token('analyst', 'xavier');
    const y = await token('analyst', 'yasmin');
    const fund = await createFund(x, 'Shared Fund');
    const channel = `fund:${fund.id}`;
    const onA = await TestClient.withToken(gatewayA.wsUrl, x);
    const onB = await TestClient.withToken(`${gatewayB.url.replace('http', 'ws')}/ws`, y);
    clients.push(onA, onB);
    expect(await onA.subscribe(channel)).toMatchObject({ type: 'subscribed', snapshot: { id: fund.id, version: fund.version } });
    expect(await onB.subscribe(channel)).toMatchObject({ type: 'subscribed', snapshot: { id: fund.id, version: fund.version } });

    const both = (m: Received) => m.type === 'presence' && (m.users as Array<{ sub: string }>).map((u) => u.sub).join(',') === `${prefix}-xavier,${prefix}-yasmin`;
    await onA.next(both);
    await onB.next(both);
    onB.send({ type: 'presence', channel, field: 'fee_structure.hurdle_rate' });
    await onA.next((m) => m.type === 'presence' && (m.users as Array<{ sub: string; field?: string }>).some((u) => u.sub === `${prefix}-yasmin` && u.field === 'fee_structure.hurdle_rate'));

    // X writes through A; Y, on B, learns the new version and who wrote it at once.
    const { id: _id, version, created_at: _c, updated_at: _u, ...input } = fund;
    const updated = await api('PUT', `/api/funds/${fund.id}`, x, { ...input, name: 'Shared Fund (renamed)' }, { 'if-match': `"${version}"` });
    expect(updated.status).toBe(200);
    for (const client of [onA, onB]) {
      const event = await client.next((m) => m.type === 'fund.updated' && m.channel === channel);
      expect(event.data).toMatchObject({ fund: { id: fund.id, version: updated.body!.version, name: 'Shared Fund (renamed)' }, actor: { sub: `${prefix}-xavier`, role: 'analyst' } });
    }
    expect(updated.body!.version).toBeGreaterThan(version);
    // Y's stale write is refused (the write rule stays If-Match → 412).
    const stale = await fetch(`${gatewayB.url}/api/funds/${fund.id}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${y}`, 'content-type': 'application/json', 'if-match': `"${version}"` },
      body: JSON.stringify({ ...input, name: 'stale' }),
    });
    expect(stale.status).toBe(412);

    // Replica B dies without saying goodbye: Y disappears from A's presence within the TTL.
    const from = onA.messages.length;
    await gatewayB.stop('SIGKILL');
    const after = await onA.next((m) => m.type === 'presence' && !(m.users as Array<{ sub: string }>).some((u) => u.sub === `${prefix}-yasmin`), 15_000, from);
    expect(after.users).toEqual([{ sub: `${prefix}-xavier`, role: 'analyst' }]);
  }, 60_000);
});



