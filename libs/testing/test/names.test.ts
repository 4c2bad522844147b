import { describe, expect, it } from 'vitest';
import { natsRequest } from '../src/nats-probe.js';
import { collectionPrefix, consumerName, createCleanup, randomPrefix, streamName, subjectPrefix, TEST_NATS_URL } from '../src/index.js';

// The rules the names must satisfy, as libs/storage/src/config.ts and libs/messaging/src/config.ts
// state them (the kit cannot import messaging: messaging's tests use the kit).
const COLLECTION_PREFIX = /^[a-z][a-z0-9_]{0,40}$/;
const NATS_SUBJECT_PREFIX = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;
const NATS_NAME = /^[A-Za-z0-9_-]+$/;

const { hostname, port } = new URL(TEST_NATS_URL);
async function jsApi(subject: string, body: unknown = ''): Promise<Record<string, unknown>> {
  const reply = await natsRequest(hostname, Number(port || 4222), subject, typeof body === 'string' ? body : JSON.stringify(body));
  if (reply === undefined) throw new Error(`no reply from ${subject}`);
  return JSON.parse(reply) as Record<string, unknown>;
}

describe('random names', () => {
  it('randomPrefix keeps the label and adds 12 random hex digits, lower-case and letter first', () => {
    const p = randomPrefix('fund');
    expect(p).toMatch(/^fund_[0-9a-f]{12}$/);
    expect(randomPrefix()).toMatch(/^t_[0-9a-f]{12}$/);
    expect(new Set(Array.from({ length: 200 }, () => randomPrefix('x'))).size).toBe(200);
  });

  it('randomPrefix makes any label safe: lower-cased, other characters to _, letter first, at most 16 characters', () => {
    expect(randomPrefix('Fund API.v2')).toMatch(/^fund_api_v2_[0-9a-f]{12}$/);
    expect(randomPrefix('9lives')).toMatch(/^t9lives_[0-9a-f]{12}$/);
    expect(randomPrefix('a-very-long-label-indeed')).toMatch(/^a_very_long_labe_[0-9a-f]{12}$/);
    expect(randomPrefix('')).toMatch(/^t_[0-9a-f]{12}$/);
  });

  it('derives a collection prefix, subject prefix, stream and durable name that the config shapes accept', () => {
    const p = randomPrefix('portfolio-service');
    expect(collectionPrefix(p)).toBe(`${p}_`);
    expect(collectionPrefix(p)).toMatch(COLLECTION_PREFIX);
    expect(subjectPrefix(p)).toBe(p);
    expect(streamName(p)).toBe(p.toUpperCase());
    expect(consumerName(p, 'fund deleted')).toBe(`${p}_fund_deleted`);
    expect(subjectPrefix(p)).toMatch(NATS_SUBJECT_PREFIX);
    expect(streamName(p)).toMatch(NATS_NAME);
    expect(consumerName(p, 'fund deleted')).toMatch(NATS_NAME);
    expect(streamName()).toMatch(/^S_[0-9A-F]{12}$/);
    expect(consumerName()).toMatch(/^c_[0-9a-f]{12}_consumer$/);
  });

  it('refuses a prefix randomPrefix could not have made', () => {
    expect(() => collectionPrefix('Fund')).toThrow(TypeError);
    expect(() => subjectPrefix('a.b')).toThrow(/not a test prefix/);
    expect(() => streamName('a b')).toThrow(TypeError);
    expect(() => consumerName('1x', 'c')).toThrow(TypeError);
  });

  it('the names work on the real NATS server: a stream on the subject prefix and a durable consumer', async () => {
    const cleanup = createCleanup();
    const p = randomPrefix('names');
    const stream = streamName(p);
    try {
      const created = await jsApi(`$JS.API.STREAM.CREATE.${stream}`, { name: stream, subjects: [`${subjectPrefix(p)}.fund.>`], storage: 'memory' });
      cleanup.add(() => jsApi(`$JS.API.STREAM.DELETE.${stream}`), 'stream');
      expect(created).toMatchObject({ config: { name: stream, subjects: [`${p}.fund.>`] } });
      const durable = consumerName(p, 'fund-deleted');
      const consumer = await jsApi(`$JS.API.CONSUMER.DURABLE.CREATE.${stream}.${durable}`, {
        stream_name: stream,
        config: { durable_name: durable, ack_policy: 'explicit', filter_subject: `${p}.fund.deleted` },
      });
      expect(consumer).toMatchObject({ name: durable, config: { filter_subject: `${p}.fund.deleted` } });
    } finally {
      await cleanup.run();
    }
  });
});
