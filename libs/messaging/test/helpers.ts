import { randomBytes } from 'node:crypto';
import { connectMessaging, type Messaging, type MessagingLogger } from '../src/index.js';

/** Random token for stream, consumer and subject names, so parallel tests never collide. */
export const randomToken = (): string => randomBytes(6).toString('hex');

export interface LogLine {
  level: 'info' | 'warn' | 'error';
  message: string;
  fields: Record<string, unknown>;
}

/** Logger that records lines instead of printing them. */
export function recordingLogger(): MessagingLogger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  return {
    lines,
    info: (fields, message) => lines.push({ level: 'info', message, fields }),
    warn: (fields, message) => lines.push({ level: 'warn', message, fields }),
    error: (fields, message) => lines.push({ level: 'error', message, fields }),
  };
}

/** A private world: subject prefix `t<token>` and stream `T_<token>` on the real server. */
export interface TestWorld {
  token: string;
  prefix: string;
  stream: string;
  open(name?: string): Promise<Messaging & { logger: ReturnType<typeof recordingLogger> }>;
  cleanup(): Promise<void>;
}

export function testWorld(): TestWorld {
  const token = randomToken();
  const prefix = `t${token}`;
  const stream = `T_${token}`;
  const opened: Messaging[] = [];
  return {
    token,
    prefix,
    stream,
    async open(name = 'test-service') {
      const logger = recordingLogger();
      const m = await connectMessaging({ name, subjectPrefix: prefix, stream, logger, servers: process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222' });
      opened.push(m);
      return Object.assign(m, { logger });
    },
    async cleanup() {
      const live = opened.find((m) => !m.nc.isClosed());
      if (live) {
        await live.jsm.streams.delete(stream).catch(() => undefined);
      }
      await Promise.all(opened.map((m) => m.close()));
    },
  };
}

/** Polls `predicate` until it returns a value; rejects after `ms` so a missing delivery fails the test. */
export function waitFor<T>(predicate: () => T | undefined, ms = 10_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const tick = () => {
      const v = predicate();
      if (v !== undefined) return resolve(v);
      if (Date.now() - started > ms) return reject(new Error(`condition not met within ${ms} ms`));
      setTimeout(tick, 20);
    };
    tick();
  });
}

/** Like `waitFor` for an async probe (e.g. a consumer info request). */
export async function waitForAsync<T>(probe: () => Promise<T | undefined>, ms = 10_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() - started > ms) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A minimal valid fund document (schema defaults fill the model parameters). */
export function sampleFund(id = 'fund-1') {
  return {
    id,
    version: 1,
    created_at: '2026-01-31T00:00:00Z',
    updated_at: '2026-01-31T00:00:00Z',
    name: 'Equihome Fund I',
    size: 100_000_000,
    vintage_year: 2026,
  };
}
