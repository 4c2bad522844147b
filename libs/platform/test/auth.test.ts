import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roleAtLeast, ROLES, signDevToken, type Service } from '../src/index.js';
import { buildTestService, SECRET, token } from './test-app.js';

const validBody = { name: 'x', loan_parameters: { zone_allocations: [0.5, 0.5] } };

describe('JWT bearer auth on /api/*', () => {
  let service: Service;
  beforeAll(async () => {
    service = await buildTestService();
  });
  afterAll(() => service.close());

  it('returns 401 problem+json with WWW-Authenticate: Bearer when no token is sent', async () => {
    const res = await service.app.inject({ url: '/api/things/1' });
    expect(res.statusCode).toBe(401);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(res.json()).toMatchObject({ status: 401, title: 'Unauthorized', code: 'TOKEN_MISSING', instance: '/api/things/1' });
  });

  it('returns 401 for a token signed with another secret', async () => {
    const forged = await signDevToken({ role: 'admin', secret: 'another-secret-that-is-long-enough-0123456789' });
    const res = await service.app.inject({ url: '/api/things/1', headers: { authorization: `Bearer ${forged}` } });
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toContain('error="invalid_token"');
    expect(res.json().code).toBe('TOKEN_INVALID');
  });

  it('returns 401 for a malformed token and for a non-Bearer scheme', async () => {
    const garbage = await service.app.inject({ url: '/api/things/1', headers: { authorization: 'Bearer not.a.jwt' } });
    expect(garbage.statusCode).toBe(401);
    const basic = await service.app.inject({ url: '/api/things/1', headers: { authorization: 'Basic dXNlcjpwYXNz' } });
    expect(basic.statusCode).toBe(401);
  });

  it('returns 401 for an expired token', async () => {
    const expired = await new SignJWT({ role: 'admin' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('u1')
      .setIssuedAt(Math.floor(Date.now() / 1000) - 7200)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 3600)
      .sign(new TextEncoder().encode(SECRET));
    const res = await service.app.inject({ url: '/api/things/1', headers: { authorization: `Bearer ${expired}` } });
    expect(res.statusCode).toBe(401);
    expect(res.json().detail).toBe('token expired');
  });

  it('returns 401 for a token whose role claim is not a known role', async () => {
    const odd = await new SignJWT({ role: 'superuser' }).setProtectedHeader({ alg: 'HS256' }).setSubject('u1').setExpirationTime('1h').sign(new TextEncoder().encode(SECRET));
    const res = await service.app.inject({ url: '/api/things/1', headers: { authorization: `Bearer ${odd}` } });
    expect(res.statusCode).toBe(401);
    expect(res.json().detail).toContain('role claim');
  });

  it('returns 403 when the role is below the route minimum (viewer on an analyst route)', async () => {
    const res = await service.app.inject({ method: 'POST', url: '/api/things', headers: { authorization: `Bearer ${await token('viewer')}` }, payload: validBody });
    expect(res.statusCode).toBe(403);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({ status: 403, code: 'ROLE_TOO_LOW' });
  });

  it('accepts analyst and admin on an analyst route', async () => {
    for (const role of ['analyst', 'admin'] as const) {
      const res = await service.app.inject({ method: 'POST', url: '/api/things', headers: { authorization: `Bearer ${await token(role)}` }, payload: validBody });
      expect(res.statusCode).toBe(201);
    }
  });

  it('exposes the verified sub and role as request.user', async () => {
    const res = await service.app.inject({ url: '/api/things/7', headers: { authorization: `Bearer ${await token('viewer', 'alice')}` } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ id: '7', sub: 'alice', role: 'viewer' });
  });

  it('leaves health, metrics and docs public', async () => {
    for (const url of ['/health/live', '/health/ready', '/metrics', '/openapi.json']) {
      expect((await service.app.inject({ url })).statusCode).toBe(200);
    }
  });
});

describe('issuer and audience', () => {
  it('rejects a token without the configured issuer and accepts one with it', async () => {
    const service = await buildTestService({ JWT_ISSUER: 'https://id.equihome.test', JWT_AUDIENCE: 'equihome-api' });
    try {
      const plain = await token('viewer');
      expect((await service.app.inject({ url: '/api/things/1', headers: { authorization: `Bearer ${plain}` } })).statusCode).toBe(401);
      const good = await signDevToken({ role: 'viewer', secret: SECRET, issuer: 'https://id.equihome.test', audience: 'equihome-api' });
      expect((await service.app.inject({ url: '/api/things/1', headers: { authorization: `Bearer ${good}` } })).statusCode).toBe(200);
    } finally {
      await service.close();
    }
  });
});

describe('roles', () => {
  it('orders viewer < analyst < admin', () => {
    expect(ROLES).toEqual(['viewer', 'analyst', 'admin']);
    expect(roleAtLeast('admin', 'analyst')).toBe(true);
    expect(roleAtLeast('analyst', 'analyst')).toBe(true);
    expect(roleAtLeast('viewer', 'analyst')).toBe(false);
    expect(roleAtLeast('analyst', 'admin')).toBe(false);
  });

  it('signDevToken refuses an unknown role', async () => {
    await expect(signDevToken({ role: 'root' as never, secret: SECRET })).rejects.toThrow(/role/);
  });
});
