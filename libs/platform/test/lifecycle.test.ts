import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createService, createTokenVerifier, loadConfig } from '../src/index.js';
import { buildTestService, SECRET, token } from './test-app.js';

describe('logging', () => {
  it('logs a 5xx with its request id and the stack server-side only', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const service = await buildTestService({ LOG_LEVEL: 'info' }, { logStream: { write: (line) => lines.push(JSON.parse(line)) } });
    try {
      const res = await service.app.inject({ url: '/api/boom', headers: { authorization: `Bearer ${await token('viewer')}`, 'x-request-id': 'trace-me-42' } });
      expect(res.statusCode).toBe(500);
      const errorLine = lines.find((l) => l.level === 50);
      expect(errorLine).toMatchObject({ reqId: 'trace-me-42', service: 'test-service', msg: 'request failed' });
      expect(JSON.stringify(errorLine)).toContain('secret internal detail');
      expect(res.body).not.toContain('secret internal detail');
    } finally {
      await service.close();
    }
  });
});

describe('request log', () => {
  it('writes one line per request, once its reply is sent, with method, url, status and response time', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const service = await buildTestService({ LOG_LEVEL: 'info' }, { logStream: { write: (line) => lines.push(JSON.parse(line)) } });
    try {
      await service.app.inject({ url: '/health/live?probe=1', headers: { 'x-request-id': 'one-line-1' } });
      const mine = lines.filter((l) => l.reqId === 'one-line-1');
      expect(mine).toEqual([expect.objectContaining({ level: 30, msg: 'request completed', method: 'GET', url: '/health/live?probe=1', statusCode: 200, responseTime: expect.any(Number) })]);
    } finally {
      await service.close();
    }
  });
});

describe('CORS', () => {
  it('answers a preflight from any origin by default and exposes x-request-id', async () => {
    const service = await buildTestService();
    try {
      const res = await service.app.inject({
        method: 'OPTIONS',
        url: '/api/things',
        headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST' },
      });
      expect(res.statusCode).toBe(204);
      expect(res.headers['access-control-allow-origin']).toBe('*');
      const get = await service.app.inject({ url: '/health/live', headers: { origin: 'http://localhost:5173' } });
      expect(get.headers['access-control-expose-headers']).toContain('x-request-id');
    } finally {
      await service.close();
    }
  });

  it('allows only the listed origins when CORS_ORIGIN is a list', async () => {
    const service = await buildTestService({ CORS_ORIGIN: 'https://app.equihome.test' });
    try {
      const ok = await service.app.inject({ url: '/health/live', headers: { origin: 'https://app.equihome.test' } });
      expect(ok.headers['access-control-allow-origin']).toBe('https://app.equihome.test');
      const other = await service.app.inject({ url: '/health/live', headers: { origin: 'https://evil.test' } });
      expect(other.headers['access-control-allow-origin']).toBeUndefined();
    } finally {
      await service.close();
    }
  });
});

describe('close()', () => {
  it('runs onClose hooks in order only after the in-flight request was answered and HTTP closed, once, even when called twice', async () => {
    const events: string[] = [];
    let entered!: () => void;
    const inHandler = new Promise<void>((resolve) => (entered = resolve));
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const service = await buildTestService({ PORT: '0' }, {
      routes: (app) => {
        app.addHook('onResponse', async (request) => {
          if (request.url === '/slow') events.push('DONE');
        });
        app.get('/slow', async () => {
          entered();
          await gate;
          return { done: true };
        });
      },
      onClose: [
        async () => {
          events.push(`first:listening=${service.app.server.listening}`);
        },
        async () => {
          events.push('second');
        },
      ],
    });
    const url = await service.listen({ signals: false });
    const response = fetch(`${url}/slow`);
    await inHandler;
    const closing = Promise.all([service.close(), service.close()]);
    await new Promise((resolve) => setTimeout(resolve, 50)); // time for a misordered close to run its hooks
    expect(events).toEqual([]);
    release();
    expect((await response).status).toBe(200);
    await closing;
    expect(events).toEqual(['DONE', 'first:listening=false', 'second']);
  });

  it('still runs later hooks when one fails, then rejects naming the failure count', async () => {
    const calls: string[] = [];
    const service = await buildTestService({}, {
      onClose: [
        async () => {
          throw new Error('nats drain failed');
        },
        async () => {
          calls.push('pool.end');
        },
      ],
    });
    await expect(service.close()).rejects.toThrow('1 onClose hook(s) failed');
    expect(calls).toEqual(['pool.end']);
  });
});

describe('JWKS verification (production)', () => {
  let jwks: Server;
  let jwksUrl: string;
  let privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256');
    privateKey = pair.privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    jwks = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/.well-known/jwks.json`;
  });
  afterAll(() => new Promise<void>((resolve) => jwks.close(() => resolve())));

  it('accepts an RS256 token from the key set and rejects an HS256 token signed with a shared secret', async () => {
    const service = await createService({
      name: 'jwks-service',
      config: loadConfig(undefined, { LOG_LEVEL: 'silent', NODE_ENV: 'production', JWT_JWKS_URL: jwksUrl, JWT_ISSUER: 'https://id.test' }),
      routes: (app) => {
        app.get('/api/me', async (request) => request.user);
      },
    });
    try {
      const good = await new SignJWT({ role: 'analyst' })
        .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
        .setSubject('carol')
        .setIssuer('https://id.test')
        .setExpirationTime('5m')
        .sign(privateKey);
      const ok = await service.app.inject({ url: '/api/me', headers: { authorization: `Bearer ${good}` } });
      expect(ok.statusCode).toBe(200);
      expect(ok.json()).toEqual({ sub: 'carol', role: 'analyst' });
      const hs = await new SignJWT({ role: 'admin' }).setProtectedHeader({ alg: 'HS256' }).setSubject('mallory').setIssuer('https://id.test').setExpirationTime('5m').sign(new TextEncoder().encode(SECRET));
      expect((await service.app.inject({ url: '/api/me', headers: { authorization: `Bearer ${hs}` } })).statusCode).toBe(401);
    } finally {
      await service.close();
    }
  });

  it('checks the issuer and audience of key-set tokens, on the verifier’s clock', async () => {
    const T0 = Date.UTC(2020, 0, 1); // long past: on the real clock these tokens are expired
    const verify = createTokenVerifier({ JWT_SECRET: SECRET, JWT_JWKS_URL: jwksUrl, JWT_ISSUER: 'https://id.test', JWT_AUDIENCE: 'equihome-api' }, { now: () => T0 });
    const sign = (issuer: string, audience: string) =>
      new SignJWT({ role: 'viewer' }).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).setSubject('gina').setIssuer(issuer).setAudience(audience).setIssuedAt(T0 / 1000).setExpirationTime(T0 / 1000 + 300).sign(privateKey);
    await expect(verify(await sign('https://id.test', 'equihome-api'))).resolves.toEqual({ sub: 'gina', role: 'viewer' });
    await expect(verify(await sign('https://evil.test', 'equihome-api'))).rejects.toMatchObject({ status: 401, detail: 'invalid token (ERR_JWT_CLAIM_VALIDATION_FAILED)' });
    await expect(verify(await sign('https://id.test', 'other-api'))).rejects.toMatchObject({ status: 401, detail: 'invalid token (ERR_JWT_CLAIM_VALIDATION_FAILED)' });
  });
});
