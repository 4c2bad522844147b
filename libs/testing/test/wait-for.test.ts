import { describe, expect, it } from 'vitest';
import { waitFor, WaitForTimeoutError } from '../src/index.js';

describe('waitFor', () => {
  it('resolves with the first value that is not undefined, null or false', async () => {
    let calls = 0;
    const values = [undefined, null, false, 0, 'late'];
    await expect(waitFor(() => values[calls++], { intervalMs: 1 })).resolves.toBe(0);
    expect(calls).toBe(4);
  });

  it('awaits an async probe and counts a throwing probe as not yet', async () => {
    let calls = 0;
    const value = await waitFor(
      async () => {
        calls += 1;
        if (calls < 3) throw new Error('server restarting');
        return { ready: true };
      },
      { intervalMs: 1 },
    );
    expect(value).toEqual({ ready: true });
    expect(calls).toBe(3);
  });

  it('rejects with WaitForTimeoutError naming what was awaited, with the last probe error as cause', async () => {
    const err = await waitFor(() => undefined, { timeoutMs: 60, intervalMs: 5, message: 'fund.deleted handled' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WaitForTimeoutError);
    expect((err as Error).message).toBe('fund.deleted handled: not met within 60 ms');
    expect((err as Error).cause).toBeUndefined();

    const failing = await waitFor(
      () => {
        throw new Error('connection refused');
      },
      { timeoutMs: 40, intervalMs: 5 },
    ).catch((e: unknown) => e);
    expect((failing as Error).message).toBe('condition: not met within 40 ms');
    expect(((failing as Error).cause as Error).message).toBe('connection refused');
  });

  it('gives up on a probe that never settles instead of hanging', async () => {
    const err = await waitFor(() => new Promise<never>(() => undefined), { timeoutMs: 50, message: 'hung probe' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WaitForTimeoutError);
    expect((err as Error).message).toContain('hung probe');
  });
});
