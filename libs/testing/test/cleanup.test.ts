import { describe, expect, it } from 'vitest';
import { CleanupError, createCleanup } from '../src/index.js';

describe('cleanup registry', () => {
  it('runs the steps last added first, each awaited', async () => {
    const cleanup = createCleanup();
    const order: string[] = [];
    cleanup.add(() => order.push('pool'));
    cleanup.add(async () => {
      await new Promise((resolve) => setTimeout(resolve, 10));
      order.push('stream');
    });
    cleanup.add(() => order.push('service'));
    expect(cleanup.size).toBe(3);
    await cleanup.run();
    expect(order).toEqual(['service', 'stream', 'pool']);
    expect(cleanup.size).toBe(0);
  });

  it('runs every step even when some fail, then rejects with all errors and their labels', async () => {
    const cleanup = createCleanup();
    const ran: string[] = [];
    cleanup.add(() => ran.push('first'), 'first');
    cleanup.add(() => {
      throw new Error('stream gone');
    }, 'delete stream');
    cleanup.add(async () => {
      ran.push('third');
      throw new Error('already closed');
    });
    const err = await cleanup.run().catch((e: unknown) => e);
    expect(ran).toEqual(['third', 'first']);
    expect(err).toBeInstanceOf(CleanupError);
    expect(err).toBeInstanceOf(AggregateError);
    const { errors, labels, message } = err as CleanupError;
    expect(errors.map((e) => (e as Error).message)).toEqual(['already closed', 'stream gone']);
    expect(labels).toEqual(['step 3', 'delete stream']);
    expect(message).toBe('2 cleanup step(s) failed: step 3: already closed; delete stream: stream gone');
  });

  it('forgets the steps it ran: the registry is reused and a second run does nothing', async () => {
    const cleanup = createCleanup();
    let runs = 0;
    cleanup.add(() => {
      runs += 1;
    });
    await cleanup.run();
    await cleanup.run();
    expect(runs).toBe(1);
    const step = cleanup.add(() => {
      runs += 10;
    });
    expect(typeof step).toBe('function');
    await cleanup.run();
    expect(runs).toBe(11);
  });
});
