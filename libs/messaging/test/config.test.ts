import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { connectMessaging, natsConfigShape, natsConnectOptions } from '../src/index.js';
import { randomToken, recordingLogger } from './helpers.js';

const schema = z.object(natsConfigShape);

describe('natsConfigShape and natsConnectOptions', () => {
  it('defaults to the local server and the EQUIHOME stream without a subject prefix', () => {
    const config = schema.parse({});
    expect(config).toEqual({ NATS_URL: 'nats://127.0.0.1:4222', NATS_STREAM: 'EQUIHOME' });
    expect(natsConnectOptions(config)).toEqual({ servers: 'nats://127.0.0.1:4222', stream: 'EQUIHOME' });
  });

  it('rejects a stream name or subject prefix with characters NATS does not allow, naming the variable', () => {
    const result = schema.safeParse({ NATS_STREAM: 'a.b', NATS_SUBJECT_PREFIX: 'x..y' });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path[0]).sort()).toEqual(['NATS_STREAM', 'NATS_SUBJECT_PREFIX']);
  });

  it('connects to the real server with the subject prefix and stream from the config', async () => {
    const token = randomToken();
    const config = schema.parse({ NATS_URL: process.env['NATS_URL'], NATS_SUBJECT_PREFIX: `t${token}`, NATS_STREAM: `T_${token}` });
    const m = await connectMessaging({ ...natsConnectOptions(config), name: 'config-test', logger: recordingLogger() });
    try {
      await m.ensureStream();
      const info = await m.jsm.streams.info(`T_${token}`);
      expect(info.config.subjects.every((s) => s.startsWith(`t${token}.`))).toBe(true);
    } finally {
      await m.jsm.streams.delete(`T_${token}`).catch(() => undefined);
      await m.close();
    }
  });

  it('maps the TLS variables to the client: CA, mutual TLS with both files, tls:// URLs; refuses a certificate without its key', () => {
    expect(natsConnectOptions(schema.parse({ NATS_TLS_CA_FILE: '/ca.pem' }))).toMatchObject({ tls: { caFile: '/ca.pem' } });
    expect(natsConnectOptions(schema.parse({ NATS_TLS_CERT_FILE: '/c.pem', NATS_TLS_KEY_FILE: '/k.pem' }))).toMatchObject({ tls: { certFile: '/c.pem', keyFile: '/k.pem' } });
    expect(natsConnectOptions(schema.parse({ NATS_URL: 'tls://nats:4222' }))).toMatchObject({ tls: {} });
    expect(natsConnectOptions(schema.parse({}))).not.toHaveProperty('tls');
    expect(() => natsConnectOptions(schema.parse({ NATS_TLS_CERT_FILE: '/c.pem' }))).toThrow(/NATS_TLS_CERT_FILE and NATS_TLS_KEY_FILE go together/);
  });

  it('requires TLS when asked: the local plain-text server is refused rather than used unencrypted', async () => {
    const config = schema.parse({ NATS_URL: process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222' });
    await expect(connectMessaging({ ...natsConnectOptions(config), tls: {}, name: 'tls-test', logger: recordingLogger() })).rejects.toThrow(/cannot connect to NATS.*server does not support 'tls'/);
  });
});
