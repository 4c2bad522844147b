import net from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runReadinessChecks, type Service } from '../src/index.js';
import { TcpProxy } from './tcp-proxy.js';
import { buildTestService } from './test-app.js';

describe('/health/ready with a real PostgreSQL behind a TCP proxy', () => {
  const proxy = new TcpProxy('127.0.0.1', 5432);
  let pool: pg.Pool;
  let service: Service;
  let base: string;

  beforeAll(async () => {
    const port = await proxy.open();
    pool = new pg.Pool({ host: '127.0.0.1', port, user: 'postgres', database: 'equihome_test', max: 2, connectionTimeoutMillis: 1_000 });
    pool.on('error', () => {}); // idle clients cut by the proxy: expected here
    service = await buildTestService({ PORT: '0' }, { readiness: { postgres: () => pool.query('select 1') } });
    base = await service.listen({ signals: false });
  });
  afterAll(async () => {
    await service.close();
    await pool.end();
    await proxy.close();
  });

  it('answers 200 while PostgreSQL is reachable, 503 naming the check when it is not, and 200 again once it is back', async () => {
    const up = await fetch(`${base}/health/ready`);
    expect(up.status).toBe(200);
    expect(await up.json()).toEqual({ status: 'ready', checks: { postgres: { ok: true } } });

    await proxy.close();
    const down = await fetch(`${base}/health/ready`);
    expect(down.status).toBe(503);
    expect(down.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const problem = (await down.json()) as { detail: string };
    expect(problem).toMatchObject({ status: 503, code: 'NOT_READY', checks: { postgres: { ok: false } } });
    expect(problem.detail).toContain('postgres');

    const live = await fetch(`${base}/health/live`);
    expect(live.status).toBe(200);

    await proxy.open();
    const back = await fetch(`${base}/health/ready`);
    expect(back.status).toBe(200);
  });
});

describe('readiness checks', () => {
  it('fail a check that does not settle within the 2 s limit', async () => {
    const results = await runReadinessChecks({ hangs: () => new Promise(() => {}), fine: async () => 1 }, 50);
    expect(results.fine).toEqual({ ok: true });
    expect(results.hangs).toEqual({ ok: false, error: 'timed out after 50 ms' });
  });

  it('fail a check that throws synchronously, reporting its message', async () => {
    const results = await runReadinessChecks({
      sync: () => {
        throw new Error('no connection');
      },
    });
    expect(results.sync).toEqual({ ok: false, error: 'no connection' });
  });

  it('answers 503 SHUTTING_DOWN on /health/ready once close() began, lets the in-flight request finish, then closes the connection', async () => {
    let entered!: () => void;
    const inHandler = new Promise<void>((resolve) => (entered = resolve));
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const service = await buildTestService({ PORT: '0' }, {
      routes: (app) => {
        app.get('/slow', async () => {
          entered();
          await gate;
          return { done: true };
        });
      },
    });
    const url = new URL(await service.listen({ signals: false }));
    let requests = 0;
    let allArrived!: () => void;
    const arrived = new Promise<void>((resolve) => (allArrived = resolve));
    service.app.server.on('request', () => {
      if (++requests === 2) allArrived();
    });
    // One keep-alive socket: the slow request is in flight, then a readiness probe arrives on it after close() began.
    const socket = net.connect(Number(url.port), url.hostname);
    let received = '';
    socket.on('data', (chunk) => (received += chunk.toString()));
    const ended = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    socket.write('GET /slow HTTP/1.1\r\nHost: t\r\n\r\n');
    await inHandler;
    const closed = service.close();
    expect(service.closing).toBe(true);
    socket.write('GET /health/ready HTTP/1.1\r\nHost: t\r\n\r\n');
    await arrived; // the server has parsed the late probe before the slow request finishes
    release();
    await closed; // resolves only once the server has closed every connection
    await ended;
    const statuses = [...received.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => Number(m[1]));
    expect(statuses).toEqual([200, 503]);
    expect(received).toContain('{"done":true}');
    expect(received).toContain('"code":"SHUTTING_DOWN"');
    expect(received.toLowerCase()).toContain('connection: close');
  });
});
