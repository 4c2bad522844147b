import { createCleanup, randomPrefix, recordingLogger, streamName, subjectPrefix, TEST_NATS_URL, type RecordingLogger } from '@equihome/testing';
import { connectMessaging, type Messaging } from '../src/index.js';

export { recordingLogger, waitFor, type LogLine, type RecordingLogger } from '@equihome/testing';

/** Random token for stream, consumer and subject names (the kit's `randomPrefix`), so parallel tests never collide. */
export const randomToken = (): string => randomPrefix('t');

/** A private world on the real server: subject prefix `<prefix>` and stream `<PREFIX>` from one `randomPrefix('msg')`. */
export interface TestWorld {
  prefix: string;
  stream: string;
  /** A connection of its own (service `name`), with a recording logger; closed by `cleanup`. */
  open(name?: string): Promise<Messaging & { logger: RecordingLogger }>;
  /** Deletes the stream (through a connection still open) and closes every connection. */
  cleanup(): Promise<void>;
}

export function testWorld(): TestWorld {
  const prefix = randomPrefix('msg');
  const stream = streamName(prefix);
  const opened: Messaging[] = [];
  const cleanup = createCleanup();
  // Registered first, so it runs last: the stream goes once every connection is closed.
  cleanup.add(async () => {
    const m = await connectMessaging({ name: 'test-cleanup', servers: TEST_NATS_URL, logger: recordingLogger() });
    try {
      await m.jsm.streams.delete(stream).catch(() => undefined);
    } finally {
      await m.close();
    }
  }, 'delete stream');
  return {
    prefix,
    stream,
    async open(name = 'test-service') {
      const logger = recordingLogger();
      const m = await connectMessaging({ name, subjectPrefix: subjectPrefix(prefix), stream, logger, servers: TEST_NATS_URL });
      opened.push(m);
      cleanup.add(() => m.close(), `close ${name}`);
      return Object.assign(m, { logger });
    },
    cleanup: () => cleanup.run(),
  };
}

/** A minimal valid fund document (schema defaults fill the model parameters). */
export function sampleFund(id = 'fund-1') {
  return {
    id,
    version: 1,
    created_at: '2026-01-31T00:00:00Z',
    updated_at: '2026-01-31T00:00:00Z',
    name: 'Equihome Fund I',
    size: 100_000_000,
    vintage_year: 2026,
  };
}
