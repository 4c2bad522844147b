import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createPool, createRedis, postgresTls, redisTls, tlsEnv, TlsConfigError } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'tls-test-'));
const caFile = join(dir, 'ca.pem');
writeFileSync(caFile, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');

describe('PostgreSQL TLS from the URL and the environment', () => {
  it('uses no TLS locally without sslmode, and strips nothing else from the URL', () => {
    expect(postgresTls('postgres://u@db:5432/equihome?application_name=x', { NODE_ENV: 'development' })).toEqual({ connectionString: 'postgres://u@db:5432/equihome?application_name=x', ssl: false });
  });

  it('verifies the server by default in production, with the CA file when given', () => {
    const { connectionString, ssl } = postgresTls('postgres://u:p@db:5432/equihome', { NODE_ENV: 'production', DATABASE_SSL_CA_FILE: caFile });
    expect(connectionString).toBe('postgres://u:p@db:5432/equihome');
    expect(ssl).toMatchObject({ rejectUnauthorized: true, ca: expect.stringContaining('BEGIN CERTIFICATE') });
    expect(ssl && ssl.checkServerIdentity).toBeUndefined(); // verify-full: host name checked too
  });

  it('honours sslmode=verify-full / verify-ca with sslrootcert, removing them from the string pg parses', () => {
    const full = postgresTls(`postgres://db/equihome?sslmode=verify-full&sslrootcert=${encodeURIComponent(caFile)}`, { NODE_ENV: 'production' });
    expect(full.connectionString).toBe('postgres://db/equihome');
    expect(full.ssl).toMatchObject({ rejectUnauthorized: true, ca: expect.stringContaining('BEGIN CERTIFICATE') });
    const ca = postgresTls('postgres://db/equihome?sslmode=verify-ca', { NODE_ENV: 'production' });
    expect(ca.ssl).toMatchObject({ rejectUnauthorized: true });
    expect(ca.ssl && typeof ca.ssl.checkServerIdentity).toBe('function');
  });

  it('refuses, in production, every mode that does not verify the server', () => {
    for (const mode of ['disable', 'allow', 'prefer', 'require', 'no-verify']) {
      expect(() => postgresTls(`postgres://db/equihome?sslmode=${mode}`, { NODE_ENV: 'production' })).toThrow(TlsConfigError);
      expect(() => postgresTls(`postgres://db/equihome?sslmode=${mode}`, { NODE_ENV: 'production' })).toThrow(/DATABASE_URL: sslmode=.* does not verify/);
    }
    expect(postgresTls('postgres://db/equihome?sslmode=require', { NODE_ENV: 'development' }).ssl).toEqual({ rejectUnauthorized: false });
    expect(() => postgresTls('postgres://db/equihome?sslmode=bogus', {})).toThrow(/unknown sslmode=bogus/);
  });

  it('reads DATABASE_SSL_CA_FILE / REDIS_TLS_CA_FILE / NODE_ENV from the environment, empty meaning unset', () => {
    expect(tlsEnv({ DATABASE_SSL_CA_FILE: '', REDIS_TLS_CA_FILE: caFile, NODE_ENV: 'production' })).toEqual({ DATABASE_SSL_CA_FILE: undefined, REDIS_TLS_CA_FILE: caFile, NODE_ENV: 'production' });
  });
});

describe('Redis TLS', () => {
  it('turns TLS on for rediss:// and always verifies the server', () => {
    expect(redisTls('rediss://cache:6380', {})).toEqual({ rejectUnauthorized: true });
    expect(redisTls('rediss://cache:6380', { REDIS_TLS_CA_FILE: caFile })).toMatchObject({ rejectUnauthorized: true, ca: expect.stringContaining('BEGIN') });
    expect(redisTls('redis://cache:6379', {})).toBeUndefined();
  });

  it('refuses a CA file with a plain redis:// URL (it would silently not be used)', () => {
    expect(() => redisTls('redis://cache:6379', { REDIS_TLS_CA_FILE: caFile })).toThrow(/REDIS_TLS_CA_FILE: is set but REDIS_URL is not rediss/);
  });

  it('hands the options to the ioredis client createRedis builds', () => {
    const client = createRedis('rediss://127.0.0.1:1', { lazyConnect: true, tls: { REDIS_TLS_CA_FILE: caFile }, onError: () => undefined });
    expect(client.options.tls).toMatchObject({ rejectUnauthorized: true, ca: expect.stringContaining('BEGIN') });
    client.disconnect();
  });

  it('hands the options to the pg.Pool createPool builds', async () => {
    const pool = createPool('postgres://db.invalid/equihome?sslmode=verify-full', { tls: { DATABASE_SSL_CA_FILE: caFile } });
    expect((pool as unknown as { options: { ssl: unknown; connectionString: string } }).options).toMatchObject({ connectionString: 'postgres://db.invalid/equihome', ssl: { rejectUnauthorized: true, ca: expect.stringContaining('BEGIN') } });
    await pool.end();
  });
});
