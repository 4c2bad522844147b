/**
 * A service killed with SIGKILL (a child Node process, tsx with the workspace's source
 * condition, killed by pid) at the two dangerous moments: between commit and publish, and
 * between publish and marking as sent. Either way the event ends up in JetStream exactly once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startOutboxRelay, type OutboxRelay } from '../src/index.js';
import { NATS_URL, readStream, TEST_DATABASE_URL, testWorld, wrapPublish, type TestWorld } from './helpers.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const fixture = fileURLToPath(new URL('./fixtures/crashing-service.ts', import.meta.url));

let world: TestWorld;
const children: ChildProcess[] = [];
const relays: OutboxRelay[] = [];
beforeEach(async () => {
  world = await testWorld();
});
afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await Promise.all(relays.splice(0).map((r) => r.stop()));
  await world.cleanup();
});

/** Starts the fixture; resolves with its first stdout line starting with `prefix`, and the child. */
function startService(mode: 'commit' | 'publish', prefix: string): Promise<{ child: ChildProcess; words: string[] }> {
  const child = spawn(process.execPath, ['--conditions=@equihome/source', '--import', 'tsx', fixture], {
    cwd: root,
    env: { ...process.env, MODE: mode, DATABASE_URL: TEST_DATABASE_URL, NATS_URL, SUBJECT_PREFIX: world.prefix, STREAM: world.stream, COLLECTION: world.collection },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    let buffer = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const line = buffer.split('\n').find((l) => l.startsWith(prefix));
      if (line) resolve({ child, words: line.split(' ').slice(1) });
    });
    child.once('exit', (code, signal) => reject(new Error(`service exited (${code ?? signal}) before "${prefix}": ${stderr}`)));
  });
}

/** SIGKILL by pid, then wait until the process is gone. */
async function kill(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  process.kill(child.pid!, 'SIGKILL');
  await exited;
  expect(child.signalCode).toBe('SIGKILL');
}

describe('a service killed with SIGKILL', { timeout: 90_000 }, () => {
  it('between commit and publish: the committed event is published after restart, exactly once', async () => {
    const { child, words } = await startService('commit', 'COMMITTED ');
    const [fundId, eventId] = words;
    await kill(child);
    // The change committed, its event did not go out.
    expect(await world.store.collection(world.collection).get(fundId)).toMatchObject({ id: fundId, version: 1 });
    expect((await world.messaging.jsm.streams.info(world.stream)).state.messages).toBe(0);
    expect(await world.outboxRows()).toEqual([expect.objectContaining({ id: eventId, sent_at: null })]);

    // "Restart": a relay of the same service starts and drains what the dead process left.
    const relay = startOutboxRelay({ messaging: world.messaging, outbox: world.store.outbox, logger: world.logger });
    relays.push(relay);
    await relay.flush({ timeoutMs: 15_000 });
    const events = await readStream(world.messaging, world.stream);
    expect(events.map((e) => [e.msgId, e.envelope.type, e.envelope.data.fund.id])).toEqual([[eventId, 'equihome.fund.created', fundId]]);
  });

  it('between publish and marking sent: the event is published again with the same id and JetStream stores it once', async () => {
    // A committed change waiting in the outbox.
    const setup = await startService('commit', 'COMMITTED ');
    const [fundId, eventId] = setup.words;
    await kill(setup.child);

    const { child, words } = await startService('publish', 'PUBLISHED ');
    expect(words).toEqual([eventId, '1']); // stored as stream message 1…
    await kill(child); // …and the relay died before its transaction marked it sent
    expect(await world.outboxRows()).toEqual([expect.objectContaining({ id: eventId, sent_at: null })]);

    const acks: Array<{ id: string; duplicate: boolean; seq: number }> = [];
    const messaging = wrapPublish(world.messaging, async (envelope, publish) => {
      const ack = await publish();
      acks.push({ id: envelope.id, ...ack });
      return ack;
    });
    const relay = startOutboxRelay({ messaging, outbox: world.store.outbox, logger: world.logger });
    relays.push(relay);
    await relay.flush({ timeoutMs: 15_000 });
    expect(acks).toEqual([{ id: eventId, duplicate: true, seq: 1 }]); // re-published, recognised as the same event
    const events = await readStream(world.messaging, world.stream);
    expect(events.map((e) => [e.msgId, e.envelope.data.fund.id])).toEqual([[eventId, fundId]]);
    expect(await world.outboxRows()).toEqual([expect.objectContaining({ id: eventId, sent_at: expect.any(Date) })]);
  });
});
