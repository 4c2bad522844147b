import Fastify, { type FastifyBaseLogger } from 'fastify';
import { describe, expect, it } from 'vitest';
import { recordingLogger, silentLogger } from '../src/index.js';

/** libs/messaging's MessagingLogger, restated (the kit cannot import messaging; messaging's tests use these loggers as one). */
interface MessagingLogger {
  info: (fields: Record<string, unknown>, message: string) => void;
  warn: (fields: Record<string, unknown>, message: string) => void;
  error: (fields: Record<string, unknown>, message: string) => void;
}

describe('test loggers', () => {
  it('silentLogger fits fastify (loggerInstance) and messaging, and logs nothing', async () => {
    const asFastify: FastifyBaseLogger = silentLogger;
    const asMessaging: MessagingLogger = silentLogger;
    const app = Fastify({ loggerInstance: asFastify });
    app.get('/', async (request) => {
      request.log.info({ a: 1 }, 'hello');
      return { ok: true };
    });
    const reply = await app.inject({ method: 'GET', url: '/' });
    await app.close();
    expect(reply.json()).toEqual({ ok: true });
    expect(asMessaging.warn({}, 'x')).toBeUndefined();
    expect(silentLogger.child({ reqId: 1 })).toBe(silentLogger);
    expect(silentLogger.isLevelEnabled('error')).toBe(false);
  });

  it('recordingLogger keeps pino call forms, Errors as err, and child bindings, in one list', () => {
    const log = recordingLogger();
    log.info({ id: 'f1' }, 'fund created');
    log.warn('plain message');
    const boom = new Error('boom');
    log.error(boom, 'failed');
    const child = log.child({ reqId: 'r1' });
    child.debug({ step: 2 }, 'inner');
    expect(log.lines).toEqual([
      { level: 'info', message: 'fund created', fields: { id: 'f1' } },
      { level: 'warn', message: 'plain message', fields: {} },
      { level: 'error', message: 'failed', fields: { err: boom } },
      { level: 'debug', message: 'inner', fields: { reqId: 'r1', step: 2 } },
    ]);
    expect(child.lines).toBe(log.lines);
    expect(log.find('error', 'fail')).toHaveLength(1);
    expect(log.find('info', 'deleted')).toHaveLength(0);
  });

  it('recordingLogger records what fastify logs through it', async () => {
    const log = recordingLogger();
    const app = Fastify({ loggerInstance: log as FastifyBaseLogger });
    app.get('/', async (request) => {
      request.log.warn({ a: 1 }, 'inside the route');
      return {};
    });
    await app.inject({ method: 'GET', url: '/' });
    await app.close();
    const line = log.find('warn', 'inside the route')[0];
    expect(line.fields).toMatchObject({ a: 1, reqId: expect.any(String) });
  });
});
