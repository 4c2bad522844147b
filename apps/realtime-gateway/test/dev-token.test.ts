/**
 * `GET /auth/dev-token`: served only by a gateway that verifies with the public local secret
 * outside production (so the results page signs in by itself on a developer's machine), and
 * absent (404) everywhere else.
 */
import { describe, expect, it } from 'vitest';
import { startGateway, TestClient } from './helpers.js';

describe('GET /auth/dev-token', () => {
  it('hands out a token of the asked role and subject that the gateway itself accepts, with the local secret outside production', async () => {
    const gw = await startGateway();
    try {
      const res = await fetch(`${gw.url}/auth/dev-token?role=viewer&sub=alice`);
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      const body = (await res.json()) as { token: string; sub: string; role: string; expires_in_s: number };
      expect(body).toMatchObject({ sub: 'alice', role: 'viewer', expires_in_s: 43_200 });
      const client = await TestClient.withToken(gw.wsUrl, body.token);
      expect(client.messages.find((m) => m.type === 'authenticated')).toMatchObject({ sub: 'alice', role: 'viewer' });
      client.ws.close();
      expect(((await (await fetch(`${gw.url}/auth/dev-token`)).json()) as { role: string; sub: string })).toMatchObject({ role: 'analyst', sub: 'dev-analyst' });
      const bad = await fetch(`${gw.url}/auth/dev-token?role=root`);
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { errors: { path: string }[] }).errors[0].path).toBe('role');
    } finally {
      await gw.close();
    }
  });

  it('does not exist with a private JWT_SECRET, nor in production', async () => {
    for (const env of [{ JWT_SECRET: 'a-private-secret-of-at-least-32-characters!' }, { NODE_ENV: 'production', JWT_SECRET: 'a-private-secret-of-at-least-32-characters!' }]) {
      const gw = await startGateway({ env });
      try {
        const res = await fetch(`${gw.url}/auth/dev-token?role=analyst`);
        expect(res.status, JSON.stringify(env)).toBe(404);
      } finally {
        await gw.close();
      }
    }
  });
});
