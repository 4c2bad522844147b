import { existsSync, readlinkSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { natsRequest } from '../src/nats-probe.js';
import { createCleanup, listenerPid, localNatsServer, probeNats, randomPrefix, startPrivateNatsServer, streamName, withNatsStopped } from '../src/index.js';

const cleanup = createCleanup();
afterEach(() => cleanup.run());

/** A JetStream API call over the raw protocol: the parsed reply, or undefined when nobody answered. */
async function jsApi(port: number, subject: string, body: unknown = ''): Promise<Record<string, unknown> | undefined> {
  const reply = await natsRequest('127.0.0.1', port, subject, typeof body === 'string' ? body : JSON.stringify(body));
  return reply === undefined ? undefined : (JSON.parse(reply) as Record<string, unknown>);
}

describe('a private nats-server', () => {
  it('stops for real (process gone, port closed, clients cut off) and restarts with its JetStream store kept', async () => {
    const server = await startPrivateNatsServer();
    cleanup.add(() => server.dispose(), 'private server');
    expect(await probeNats(server.host, server.port, { jetstream: true })).toBe(true);
    const firstPid = server.pid()!;
    expect(firstPid).toBeGreaterThan(0);
    const stream = streamName(randomPrefix('natsctl'));
    const created = await jsApi(server.port, `$JS.API.STREAM.CREATE.${stream}`, { name: stream, subjects: [`${stream.toLowerCase()}.>`], storage: 'file' });
    expect(created).toMatchObject({ config: { name: stream } });

    const client = connect({ host: server.host, port: server.port });
    const cutOff = new Promise<void>((resolve) => client.once('close', () => resolve()));
    client.on('error', () => undefined);
    await new Promise((resolve) => client.once('data', resolve));

    await server.stop();
    await cutOff;
    expect(existsSync(`/proc/${firstPid}`)).toBe(false);
    expect(server.pid()).toBeUndefined();
    expect(listenerPid(server.port)).toBeUndefined();
    expect(await server.isReachable()).toBe(false);

    await server.start();
    expect(await server.isReachable()).toBe(true);
    expect(server.pid()).not.toBe(firstPid);
    const info = await jsApi(server.port, `$JS.API.STREAM.INFO.${stream}`);
    expect(info).toMatchObject({ config: { name: stream, storage: 'file' } });
  });

  it('start() and stop() leave a running or stopped server alone; dispose() deletes its store', async () => {
    const server = await startPrivateNatsServer();
    cleanup.add(() => server.dispose());
    const pid = server.pid();
    await server.start();
    expect(server.pid()).toBe(pid);
    await server.stop();
    await server.stop();
    expect(server.pid()).toBeUndefined();
    expect(existsSync(server.storeDir)).toBe(true);
    await server.dispose();
    expect(existsSync(server.storeDir)).toBe(false);
  });

  it('withNatsStopped runs the body with the server down and restarts it even when the body throws', async () => {
    const server = await startPrivateNatsServer();
    cleanup.add(() => server.dispose());
    const seen = await withNatsStopped(server, () => server.isReachable());
    expect(seen).toBe(false);
    expect(await server.isReachable()).toBe(true);
    await expect(
      withNatsStopped(server, async () => {
        throw new Error('assertion failed while NATS was down');
      }),
    ).rejects.toThrow('assertion failed while NATS was down');
    expect(await probeNats(server.host, server.port, { jetstream: true })).toBe(true);
  });

  it('probeNats tells a server without JetStream apart', async () => {
    const server = await startPrivateNatsServer({ jetstream: false });
    cleanup.add(() => server.dispose());
    expect(await probeNats(server.host, server.port)).toBe(true);
    expect(await probeNats(server.host, server.port, { jetstream: true, timeoutMs: 1_000 })).toBe(false);
  });
});

describe('the shared nats-server', () => {
  it('is found as the nats-server listening on NATS_URL, and reachable with JetStream', async () => {
    const server = localNatsServer();
    const pid = server.pid();
    expect(pid).toBeGreaterThan(0);
    expect(readlinkSync(`/proc/${pid}/exe`)).toMatch(/\/nats-server$/);
    await expect(server.waitUntilReachable({ timeoutMs: 5_000 })).resolves.toBeUndefined();
  });

  it('never signals a process that is not a nats-server, and does not take it for one', async () => {
    const impostor = createServer((socket) => socket.end('HTTP/1.1 400 Bad Request\r\n\r\n'));
    await new Promise<void>((resolve) => impostor.listen(0, '127.0.0.1', resolve));
    cleanup.add(() => new Promise<void>((resolve) => impostor.close(() => resolve())));
    const port = (impostor.address() as { port: number }).port;
    const control = localNatsServer(`nats://127.0.0.1:${port}`);
    await expect(control.stop()).rejects.toThrow(/not a nats-server/);
    expect(impostor.listening).toBe(true);
    expect(await control.isReachable()).toBe(false);
  });
});
