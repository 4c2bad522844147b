import { randomBytes } from 'node:crypto';
import { FundInput, type Fund } from '@equihome/domain';
import { connectMessaging, type Messaging } from '@equihome/messaging';
import type { FastifyZodInstance } from '@equihome/platform';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createFundEvents } from '../src/events.js';

const token = () => randomBytes(6).toString('hex');
let messaging: Messaging;
let stream: string;

beforeEach(async () => {
  const t = token();
  stream = `T_${t}`;
  messaging = await connectMessaging({
    name: 'fund-service',
    servers: process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
    subjectPrefix: `t${t}`,
    stream,
    logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
  });
});
afterEach(async () => {
  await messaging.jsm.streams.delete(stream).catch(() => undefined);
  await messaging.close();
});

function recordingLog() {
  const lines: { level: string; fields: Record<string, unknown>; msg: string }[] = [];
  const at = (level: string) => (fields: Record<string, unknown>, msg: string) => lines.push({ level, fields, msg });
  return { lines, log: { error: at('error'), warn: at('warn'), info: at('info') } as unknown as FastifyZodInstance['log'] };
}

const fund: Fund = {
  id: '01900000-0000-7000-8000-000000000042',
  version: 1,
  created_at: '2026-01-31T00:00:00.000Z',
  updated_at: '2026-01-31T00:00:00.000Z',
  ...FundInput.parse({ name: 'Retry', size: 1_000_000, vintage_year: 2026 }),
};
const actor = { sub: 'u1', role: 'analyst' };

describe('fund event publishing', () => {
  it('retries a failed publish with the same event id, then logs an error instead of throwing', async () => {
    // No stream exists on this private prefix, so every JetStream publish fails.
    const publish = vi.spyOn(messaging, 'publish');
    const { lines, log } = recordingLog();
    await expect(createFundEvents(messaging, log, { attempts: 3, retryDelayMs: 1 }).created(fund, actor)).resolves.toBeUndefined();
    expect(publish).toHaveBeenCalledTimes(3);
    const ids = publish.mock.calls.map((call) => call[2]?.id);
    expect(new Set(ids).size).toBe(1);
    expect(lines.filter((l) => l.level === 'warn')).toHaveLength(2);
    expect(lines.filter((l) => l.level === 'error')).toEqual([expect.objectContaining({ msg: 'event not published: giving up', fields: expect.objectContaining({ fundId: fund.id }) })]);
  });

  it('stores an event once when it is published, even if a retry repeats it (JetStream de-duplication by id)', async () => {
    await messaging.ensureStream();
    const { log } = recordingLog();
    await createFundEvents(messaging, log).deleted(fund.id, actor);
    // publish resolved after the JetStream ack, so the event is stored by now.
    const info = await messaging.jsm.streams.info(stream);
    expect(info.state.messages).toBe(1);
    const stored = await messaging.jsm.streams.getMessage(stream, { seq: 1 });
    const envelope = stored!.json<{ id: string; data: unknown }>();
    // Re-publishing the same envelope id (what a retry does) is dropped as a duplicate.
    const again = await messaging.publish('equihome.fund.deleted', { id: fund.id, actor }, { id: envelope.id });
    expect(again.duplicate).toBe(true);
    expect((await messaging.jsm.streams.info(stream)).state.messages).toBe(1);
    expect(envelope.data).toEqual({ id: fund.id, actor });
  });
});
