import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, createService, LOCAL_DEV_JWT_SECRET, loadConfig } from '../src/index.js';

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig(undefined, {});
    expect(config).toMatchObject({
      PORT: 3000,
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      NODE_ENV: 'development',
      JWT_SECRET: LOCAL_DEV_JWT_SECRET,
      RATE_LIMIT_MAX: 300,
      BODY_LIMIT_BYTES: 5 * 1024 * 1024,
      CORS_ORIGIN: '*',
      TRUST_PROXY: false,
    });
  });

  it('stops with one line naming the variable when PORT is not a number', () => {
    const error = configError(() => loadConfig(undefined, { PORT: 'eighty' }));
    expect(error.message).toBe('config error: PORT: expected a number');
    expect(error.message).not.toContain('\n');
    expect(error.variables).toEqual(['PORT']);
  });

  it('names every bad variable, a missing required extra one included, on one line', () => {
    const error = configError(() => loadConfig({ DATABASE_URL: z.string() }, { LOG_LEVEL: 'loud', RATE_LIMIT_MAX: '0' }));
    expect(error.variables.sort()).toEqual(['DATABASE_URL', 'LOG_LEVEL', 'RATE_LIMIT_MAX']);
    expect(error.message).toContain('DATABASE_URL: required');
    expect(error.message).toContain('LOG_LEVEL: expected one of');
    expect(error.message).not.toContain('\n');
  });

  it('parses the service extras and treats empty strings as unset', () => {
    const config = loadConfig({ WORKERS: z.coerce.number().int().default(2) }, { WORKERS: '8', PORT: '' });
    expect(config.WORKERS).toBe(8);
    expect(config.PORT).toBe(3000);
  });

  it('refuses the local-only JWT secret in production', () => {
    const error = configError(() => loadConfig(undefined, { NODE_ENV: 'production' }));
    expect(error.message).toMatch(/^config error: JWT_SECRET: /);
    const explicit = configError(() => loadConfig(undefined, { NODE_ENV: 'production', JWT_SECRET: LOCAL_DEV_JWT_SECRET }));
    expect(explicit.variables).toEqual(['JWT_SECRET']);
  });

  it('accepts production with a private secret or a JWKS URL, and has no CORS origin by default there', () => {
    const secret = loadConfig(undefined, { NODE_ENV: 'production', JWT_SECRET: 'p'.repeat(40) });
    expect(secret.CORS_ORIGIN).toBeUndefined();
    const jwks = loadConfig(undefined, { NODE_ENV: 'production', JWT_JWKS_URL: 'https://id.example.com/.well-known/jwks.json' });
    expect(jwks.JWT_JWKS_URL).toBe('https://id.example.com/.well-known/jwks.json');
  });

  it('rejects a JWT secret shorter than 32 characters', () => {
    expect(configError(() => loadConfig(undefined, { JWT_SECRET: 'short' })).message).toBe('config error: JWT_SECRET: must be at least 32 characters');
  });

  it('parses TRUST_PROXY as a boolean, a hop count or an address list', () => {
    expect(loadConfig(undefined, { TRUST_PROXY: 'true' }).TRUST_PROXY).toBe(true);
    expect(loadConfig(undefined, { TRUST_PROXY: '2' }).TRUST_PROXY).toBe(2);
    expect(loadConfig(undefined, { TRUST_PROXY: '10.0.0.0/8, 127.0.0.1' }).TRUST_PROXY).toEqual(['10.0.0.0/8', '127.0.0.1']);
  });

});

describe('createService on a parsed config', () => {
  it('uses the config it is given, never the environment, and hands the same typed config to the routes', async () => {
    const config = loadConfig({ GREETING: z.string().default('hello'), WORKERS: z.coerce.number().int() }, { LOG_LEVEL: 'silent', BODY_LIMIT_BYTES: '64', WORKERS: '3' });
    const seen: unknown[] = [];
    const saved = process.env.BODY_LIMIT_BYTES;
    process.env.BODY_LIMIT_BYTES = '1048576'; // would accept the body below if read
    try {
      const service = await createService({
        name: 'parsed-config',
        config,
        routes: (app, ctx) => {
          const workers: number = ctx.config.WORKERS; // typed from the shape
          seen.push(ctx.config, workers, ctx.config.GREETING);
          app.post('/echo', async () => ({ ok: true }));
        },
      });
      try {
        expect(service.config).toBe(config);
        expect(seen).toEqual([config, 3, 'hello']);
        expect(seen[0]).toBe(config);
        const res = await service.app.inject({ method: 'POST', url: '/echo', payload: { text: 'x'.repeat(100) } });
        expect(res.statusCode).toBe(413);
      } finally {
        await service.close();
      }
    } finally {
      if (saved === undefined) delete process.env.BODY_LIMIT_BYTES;
      else process.env.BODY_LIMIT_BYTES = saved;
    }
  });
});
