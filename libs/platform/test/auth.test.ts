import { decodeJwt, decodeProtectedHeader, SignJWT, UnsecuredJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createService, createTokenVerifier, isProtectedPath, roleAtLeast, ROLES, signDevToken, type Role, type Service } from '../src/index.js';
import { buildTestService, SECRET, testConfig, token } from './test-app.js';

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
  const ISSUER = 'https://id.equihome.test';
  const AUDIENCE = 'equihome-api';
  let service: Service;
  beforeAll(async () => {
    service = await buildTestService({ JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE });
  });
  afterAll(() => service.close());
  const status = async (jwt: string) => (await service.app.inject({ url: '/api/things/1', headers: { authorization: `Bearer ${jwt}` } })).statusCode;
  const signed = (claims: { issuer?: string; audience?: string }) => signDevToken({ role: 'viewer', secret: SECRET, ...claims });

  it('accepts a token with the configured issuer and audience', async () => {
    expect(await status(await signed({ issuer: ISSUER, audience: AUDIENCE }))).toBe(200);
  });

  it('rejects a token with the right audience but no or another issuer', async () => {
    expect(await status(await signed({ audience: AUDIENCE }))).toBe(401);
    expect(await status(await signed({ issuer: 'https://evil.test', audience: AUDIENCE }))).toBe(401);
  });

  it('rejects a token with the right issuer but no or another audience', async () => {
    expect(await status(await signed({ issuer: ISSUER }))).toBe(401);
    expect(await status(await signed({ issuer: ISSUER, audience: 'another-api' }))).toBe(401);
  });
});

describe('token claims and algorithms', () => {
  let service: Service;
  beforeAll(async () => {
    service = await buildTestService();
  });
  afterAll(() => service.close());
  const send = (jwt: string) => service.app.inject({ url: '/api/things/1', headers: { authorization: `Bearer ${jwt}` } });
  const key = new TextEncoder().encode(SECRET);

  it('rejects an unsigned alg:none token carrying a full, valid-looking payload', async () => {
    const unsigned = new UnsecuredJWT({ role: 'admin' }).setSubject('mallory').setIssuedAt().setExpirationTime('1h').encode();
    const res = await send(unsigned);
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ code: 'TOKEN_INVALID' });
  });

  it('rejects a token signed with another secret although its sub, role and exp are valid', async () => {
    const forged = await new SignJWT({ role: 'admin' }).setProtectedHeader({ alg: 'HS256' }).setSubject('mallory').setIssuedAt().setExpirationTime('1h').sign(new TextEncoder().encode('another-secret-that-is-long-enough-0123456789'));
    const res = await send(forged);
    expect(res.statusCode).toBe(401);
    expect(res.json().detail).toBe('invalid token (ERR_JWS_SIGNATURE_VERIFICATION_FAILED)');
  });

  it('rejects a token signed with the right secret under another HMAC algorithm (only HS256)', async () => {
    const hs512 = await new SignJWT({ role: 'viewer' }).setProtectedHeader({ alg: 'HS512' }).setSubject('u1').setExpirationTime('1h').sign(key);
    const res = await send(hs512);
    expect(res.statusCode).toBe(401);
    expect(res.json().detail).toBe('invalid token (ERR_JOSE_ALG_NOT_ALLOWED)');
  });

  it('rejects a correctly signed token without a sub claim, or with an empty one', async () => {
    const noSub = await new SignJWT({ role: 'viewer' }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1h').sign(key);
    const emptySub = await new SignJWT({ role: 'viewer', sub: '' }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1h').sign(key);
    for (const jwt of [noSub, emptySub]) {
      const res = await send(jwt);
      expect(res.statusCode).toBe(401);
      expect(res.json()).toMatchObject({ code: 'TOKEN_INVALID', detail: 'invalid token: missing sub claim' });
    }
  });

  it('rejects a token that is not valid yet (nbf in the future)', async () => {
    const early = await new SignJWT({ role: 'viewer' }).setProtectedHeader({ alg: 'HS256' }).setSubject('u1').setNotBefore('10m').setExpirationTime('1h').sign(key);
    const res = await send(early);
    expect(res.statusCode).toBe(401);
    expect(res.json().detail).toBe('invalid token (ERR_JWT_CLAIM_VALIDATION_FAILED)');
  });

  it('names the role claim when it is missing', async () => {
    const noRole = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('u1').setExpirationTime('1h').sign(key);
    expect((await send(noRole)).json().detail).toBe('invalid token: role claim must be one of viewer, analyst, admin');
  });
});

describe('Authorization header', () => {
  let service: Service;
  beforeAll(async () => {
    service = await buildTestService();
  });
  afterAll(() => service.close());
  const send = (authorization: string | undefined) => service.app.inject({ url: '/api/things/1', headers: authorization === undefined ? {} : { authorization } });

  it('accepts the scheme in any case and whitespace around the token', async () => {
    const jwt = await token('viewer', 'dora');
    for (const header of [`Bearer ${jwt}`, `bearer ${jwt}`, `BEARER   ${jwt}  `]) {
      const res = await send(header);
      expect(res.statusCode, header).toBe(200);
      expect(res.json().sub).toBe('dora');
    }
  });

  it('rejects a header with anything but one token after Bearer, as TOKEN_INVALID with error="invalid_token"', async () => {
    const jwt = await token('viewer');
    for (const header of [`Bearer ${jwt} extra`, 'Bearer', 'Bearer ', `Token ${jwt}`, `x Bearer ${jwt}`]) {
      const res = await send(header);
      expect(res.statusCode, header).toBe(401);
      expect(res.json(), header).toMatchObject({ code: 'TOKEN_INVALID', detail: 'authorization header must be "Bearer <token>"' });
      expect(res.headers['www-authenticate']).toBe('Bearer realm="equihome", error="invalid_token"');
    }
  });

  it('answers a missing header with TOKEN_MISSING and a WWW-Authenticate challenge without an error', async () => {
    const res = await send(undefined);
    expect(res.json()).toMatchObject({ code: 'TOKEN_MISSING', detail: 'missing bearer token' });
    expect(res.headers['www-authenticate']).toBe('Bearer realm="equihome"');
  });

  it('enforces the admin minimum: analyst → 403 naming both roles, admin → 200', async () => {
    const admin = await createService({
      name: 'admin-only',
      config: testConfig(),
      routes: (app) => {
        app.delete('/api/things/:id', { config: { role: 'admin' } }, async () => ({ deleted: true }));
      },
    });
    try {
      const as = async (role: Role) => admin.app.inject({ method: 'DELETE', url: '/api/things/1', headers: { authorization: `Bearer ${await token(role)}` } });
      const refused = await as('analyst');
      expect(refused.statusCode).toBe(403);
      expect(refused.json().detail).toBe('role analyst is below the required role admin');
      expect((await as('admin')).statusCode).toBe(200);
    } finally {
      await admin.close();
    }
  });

  it('authenticates /api and everything under /api/, and nothing else', () => {
    expect(isProtectedPath('/api')).toBe(true);
    expect(isProtectedPath('/api/')).toBe(true);
    expect(isProtectedPath('/api/funds/:id')).toBe(true);
    expect(isProtectedPath('/apis')).toBe(false);
    expect(isProtectedPath('/health/live')).toBe(false);
    expect(isProtectedPath(undefined)).toBe(false);
  });

  it('leaves request.user null on public routes, even with a valid token', async () => {
    const open = await createService({
      name: 'public-user',
      config: testConfig(),
      routes: (app) => {
        app.get('/public/me', async (request) => ({ user: request.user }));
        app.get('/api/me', async (request) => ({ frozen: Object.isFrozen(request.user) }));
      },
    });
    try {
      const headers = { authorization: `Bearer ${await token('admin')}` };
      expect((await open.app.inject({ url: '/public/me', headers })).json()).toEqual({ user: null });
      expect((await open.app.inject({ url: '/api/me', headers })).json()).toEqual({ frozen: true });
    } finally {
      await open.close();
    }
  });
});

describe('createTokenVerifier', () => {
  const config = { JWT_SECRET: SECRET };
  const T0 = Date.UTC(2030, 0, 1);
  const at = (ms: number) => Math.floor(ms / 1000);
  const key = new TextEncoder().encode(SECRET);

  it('never serves a cached token at or past its exp', async () => {
    let clock = T0;
    const verify = createTokenVerifier(config, { now: () => clock });
    const jwt = await new SignJWT({ role: 'viewer' }).setProtectedHeader({ alg: 'HS256' }).setSubject('u1').setIssuedAt(at(T0)).setExpirationTime(at(T0) + 30).sign(key);
    await expect(verify(jwt)).resolves.toEqual({ sub: 'u1', role: 'viewer' });
    clock = T0 + 29_999;
    await expect(verify(jwt)).resolves.toEqual({ sub: 'u1', role: 'viewer' });
    clock = T0 + 30_000;
    await expect(verify(jwt)).rejects.toMatchObject({ status: 401, code: 'TOKEN_INVALID', detail: 'token expired' });
  });

  it('reuses a verified token within the cache lifetime, and checks it again afterwards', async () => {
    // A token valid from T0 on: verified at T0, then the clock goes back 10 s. Reused from the
    // cache it is accepted; checked again, jose refuses it (nbf in the future).
    let clock = T0;
    const verify = createTokenVerifier(config, { now: () => clock, cache: { ttlMs: 60_000 } });
    const jwt = await new SignJWT({ role: 'analyst' }).setProtectedHeader({ alg: 'HS256' }).setSubject('u2').setNotBefore(at(T0)).setExpirationTime(at(T0) + 3600).sign(key);
    await expect(verify(jwt)).resolves.toEqual({ sub: 'u2', role: 'analyst' });
    clock = T0 - 10_000;
    await expect(verify(jwt)).resolves.toEqual({ sub: 'u2', role: 'analyst' });
    const uncached = createTokenVerifier(config, { now: () => clock, cache: { maxEntries: 0 } });
    await expect(uncached(jwt)).rejects.toMatchObject({ status: 401, detail: 'invalid token (ERR_JWT_CLAIM_VALIDATION_FAILED)' });
  });

  it('returns a frozen user and never caches a rejected token', async () => {
    const verify = createTokenVerifier(config);
    const user = await verify(await token('admin', 'erin'));
    expect(user).toEqual({ sub: 'erin', role: 'admin' });
    expect(Object.isFrozen(user)).toBe(true);
    await expect(verify('not.a.jwt')).rejects.toMatchObject({ status: 401, detail: 'invalid token (ERR_JWS_INVALID)' });
    await expect(verify('not.a.jwt')).rejects.toMatchObject({ status: 401 });
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

  it('signDevToken refuses an unknown role, naming the roles', async () => {
    await expect(signDevToken({ role: 'root' as never, secret: SECRET })).rejects.toThrow('role: expected one of viewer, analyst, admin, got root');
  });
});

describe('signDevToken', () => {
  it('signs an HS256 JWT with sub dev-<role>, the role, iat and a 12 h exp by default', async () => {
    const jwt = await signDevToken({ role: 'analyst', secret: SECRET });
    expect(decodeProtectedHeader(jwt)).toEqual({ alg: 'HS256', typ: 'JWT' });
    const claims = decodeJwt(jwt);
    expect(claims).toMatchObject({ sub: 'dev-analyst', role: 'analyst' });
    expect(claims.exp! - claims.iat!).toBe(12 * 3600);
    expect(Math.abs(claims.iat! - Date.now() / 1000)).toBeLessThan(60);
    expect(claims.iss).toBeUndefined();
    expect(claims.aud).toBeUndefined();
  });

  it('takes the lifetime in seconds or as a jose time span, and sets sub, iss and aud when given', async () => {
    const seconds = decodeJwt(await signDevToken({ role: 'viewer', secret: SECRET, expiresIn: 90 }));
    expect(seconds.exp! - seconds.iat!).toBe(90);
    const span = decodeJwt(await signDevToken({ role: 'viewer', sub: 'frank', secret: SECRET, expiresIn: '15m', issuer: 'https://id.test', audience: 'api' }));
    expect(span).toMatchObject({ sub: 'frank', iss: 'https://id.test', aud: 'api' });
    expect(span.exp! - span.iat!).toBe(900);
  });
});
