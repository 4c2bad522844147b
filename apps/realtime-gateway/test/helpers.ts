/**
 * The gateway under test, built through the SAME wiring as main.ts (`gatewayEnv` →
 * `loadConfig` once → `connectInfrastructure` → `buildApp`) on the real NATS, isolated by
 * one random prefix, listening on a free port; WebSocket clients (`ws`) that record what
 * they receive; and a stand-in HTTP upstream for the tests that need to control what a
 * service answers (the end-to-end test runs the real services instead).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '@equihome/platform';
import { randomPrefix, silentLogger, testServiceEnv, waitFor } from '@equihome/testing';
import WebSocket from 'ws';
import { buildApp, type Gateway } from '../src/app.js';
import { gatewayConfigShape, gatewayEnv, type GatewayConfig } from '../src/config.js';
import { connectInfrastructure, type GatewayInfrastructure } from '../src/infrastructure.js';

export interface TestGateway {
  gateway: Gateway;
  infrastructure: GatewayInfrastructure;
  config: GatewayConfig;
  prefix: string;
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** `ws://127.0.0.1:<port>/ws` */
  wsUrl: string;
  close(): Promise<void>;
}

/** Starts a gateway on `prefix` (subjects `<prefix>.*`); `env` overrides (upstream URLs, limits…). */
export async function startGateway(options: { prefix?: string; env?: Record<string, string | undefined> } = {}): Promise<TestGateway> {
  const prefix = options.prefix ?? randomPrefix('gw');
  const env = gatewayEnv(
    testServiceEnv({
      prefix,
      env: { FUND_SERVICE_URL: '', PORTFOLIO_SERVICE_URL: '', SIMULATION_SERVICE_URL: '', OPTIMIZATION_SERVICE_URL: '', ...options.env },
    }),
  );
  const config = loadConfig(gatewayConfigShape, env);
  const infrastructure = await connectInfrastructure(config, silentLogger);
  const gateway = await buildApp(config, infrastructure).catch(async (err) => {
    await infrastructure.close();
    throw err;
  });
  const url = await gateway.service.listen({ signals: false });
  return {
    gateway,
    infrastructure,
    config,
    prefix,
    url,
    wsUrl: `${url.replace(/^http/, 'ws')}/ws`,
    close: () => gateway.service.close(),
  };
}

/** A message the client received (JSON). */
export type Received = Record<string, unknown> & { type: string };

/** A `ws` client that records every message and its close. */
export class TestClient {
  readonly ws: WebSocket;
  readonly messages: Received[] = [];
  /** Arrival time (ms since the epoch) of each message, same index. */
  readonly arrivals: number[] = [];
  readonly opened: Promise<void>;
  readonly closed: Promise<{ code: number; reason: string }>;
  private waiters: Array<() => void> = [];

  constructor(url: string, protocols?: string[]) {
    this.ws = new WebSocket(url, protocols);
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
    });
    this.closed = new Promise((resolve) => this.ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    this.ws.on('error', () => undefined);
    this.ws.on('message', (data) => {
      this.messages.push(JSON.parse(data.toString()) as Received);
      this.arrivals.push(Date.now());
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  /** Connects with the token in `Sec-WebSocket-Protocol: bearer, <token>` and waits for `authenticated`. */
  static async withToken(url: string, token: string): Promise<TestClient> {
    const client = new TestClient(url, ['bearer', token]);
    await client.opened;
    await client.next((m) => m.type === 'authenticated');
    return client;
  }

  send(message: unknown): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** The first message (from index `from`) matching `predicate`; waits up to `timeoutMs`. */
  async next(predicate: (m: Received) => boolean, timeoutMs = 10_000, from = 0): Promise<Received> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.slice(from).find(predicate);
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching message within ${timeoutMs} ms; got ${JSON.stringify(this.messages.map((m) => m.type))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Subscribes and waits for `subscribed` (or the `error` of that channel). */
  async subscribe(channel: string): Promise<Received> {
    const from = this.messages.length;
    this.send({ type: 'subscribe', channel });
    return this.next((m) => (m.type === 'subscribed' || m.type === 'error') && m.channel === channel, 10_000, from);
  }

  /** Sends `ping` and waits for its `pong`: proof that the connection is still served. */
  async roundTrip(): Promise<void> {
    const id = Math.random().toString(36).slice(2);
    const from = this.messages.length;
    this.send({ type: 'ping', id });
    await this.next((m) => m.type === 'pong' && m.id === id, 10_000, from);
  }

  /** Stops reading from the socket (the kernel buffers fill, then the gateway's). */
  pauseReading(): void {
    (this.ws as unknown as { _socket: { pause(): void } })._socket.pause();
  }

  resumeReading(): void {
    (this.ws as unknown as { _socket: { resume(): void } })._socket.resume();
  }

  close(): void {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.terminate();
  }
}

/** What a stand-in upstream saw. */
export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
}

/** A stand-in service on a free port: `handler` answers; every request is recorded. */
export interface StandIn {
  url: string;
  seen: SeenRequest[];
  close(): Promise<void>;
}

export type StandInHandler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

/** JSON reply helper for stand-ins. */
export function json(res: ServerResponse, status: number, body: unknown, type = 'application/json'): void {
  res.writeHead(status, { 'content-type': type });
  res.end(JSON.stringify(body));
}

export async function startStandIn(handler: StandInHandler): Promise<StandIn> {
  const seen: SeenRequest[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      seen.push({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers });
      if (req.url === '/health/ready') return json(res, 200, { status: 'ready' });
      handler(req, res, body);
    });
  });
  server.keepAliveTimeout = 1_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A TCP port nobody listens on (a dead upstream). */
export async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export { waitFor };
