import { describe, expect, it } from 'vitest';
import { authHeader, authHeaders, signTestToken, tokens, tokenSubject } from '../src/index.js';

// The kit loads platform lazily (libs whose tests use the kit for names or loggers need not
// load fastify), so its own tests import it the same way.
const { createTokenVerifier, loadConfig, ROLES } = await import('@equihome/platform');

/** The verifier a service under test builds from its config (JWT_SECRET unset → LOCAL_DEV_JWT_SECRET). */
const verify = createTokenVerifier(loadConfig({}, { NODE_ENV: 'test' }));

describe('tokens per role', () => {
  it('tokens() signs one token per role that platform verifies with sub <prefix>-<role>', async () => {
    const signed = await tokens({ prefix: 'fund_0a1b2c3d4e5f' });
    expect(Object.keys(signed).sort()).toEqual([...ROLES].sort());
    for (const role of ROLES) {
      await expect(verify(signed[role])).resolves.toEqual({ sub: `fund_0a1b2c3d4e5f-${role}`, role });
    }
    expect(new Set(Object.values(signed)).size).toBe(3);
  });

  it('the default subject is test-<role>', async () => {
    expect(tokenSubject('admin')).toBe('test-admin');
    await expect(verify((await tokens()).viewer)).resolves.toEqual({ sub: 'test-viewer', role: 'viewer' });
  });

  it('authHeader(role) and authHeaders() are Bearer headers of verifiable tokens', async () => {
    const header = await authHeader('analyst', { prefix: 'p' });
    expect(header).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
    await expect(verify(header.slice('Bearer '.length))).resolves.toEqual({ sub: 'p-analyst', role: 'analyst' });
    const headers = await authHeaders();
    await expect(verify(headers.admin.replace(/^Bearer /, ''))).resolves.toEqual({ sub: 'test-admin', role: 'admin' });
  });

  it('a token signed with another secret, or for another issuer, is rejected', async () => {
    const other = await signTestToken('admin', { secret: 'another-secret-of-at-least-thirty-two-chars' });
    await expect(verify(other)).rejects.toMatchObject({ status: 401 });
    const strict = createTokenVerifier(loadConfig({}, { NODE_ENV: 'test', JWT_ISSUER: 'https://id.equihome.test', JWT_AUDIENCE: 'equihome' }));
    await expect(strict(await signTestToken('viewer'))).rejects.toMatchObject({ status: 401 });
    await expect(strict(await signTestToken('viewer', { issuer: 'https://id.equihome.test', audience: 'equihome' }))).resolves.toEqual({
      sub: 'test-viewer',
      role: 'viewer',
    });
  });
});
