/** Options of `waitFor`; durations in milliseconds. */
export interface WaitForOptions {
  /** Give up after this long (default 10 000). */
  timeoutMs?: number;
  /** Pause between two probes (default 25). */
  intervalMs?: number;
  /** What was awaited, for the error: `fund.deleted event handled` (default `condition`). */
  message?: string;
}

/** `waitFor` gave up: the message names what was awaited; `cause` is the probe's last error, if it threw. */
export class WaitForTimeoutError extends Error {
  override name = 'WaitForTimeoutError';
  constructor(
    message: string,
    readonly timeoutMs: number,
    options?: ErrorOptions,
  ) {
    super(`${message}: not met within ${timeoutMs} ms`, options);
  }
}

/** What counts as "not yet": `undefined`, `null` and `false`. Everything else is the result. */
export type WaitForResult<T> = Exclude<T, undefined | null | false>;

/**
 * Probes `predicate` (sync or async) every `intervalMs` until it returns something other
 * than `undefined`, `null` or `false`, and resolves to that value. A probe that throws
 * counts as "not yet" (the server may be restarting); a probe still running at the deadline
 * is not waited for. Rejects with `WaitForTimeoutError` after `timeoutMs`, so a missing
 * delivery fails the test with `message` instead of hanging.
 */
export async function waitFor<T>(predicate: () => T | Promise<T>, options: WaitForOptions = {}): Promise<WaitForResult<T>> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const intervalMs = options.intervalMs ?? 25;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  let threw = false;
  for (;;) {
    const remaining = deadline - Date.now();
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<typeof EXPIRED>((resolve) => {
      timer = setTimeout(() => resolve(EXPIRED), Math.max(0, remaining));
    });
    try {
      const value = await Promise.race([Promise.resolve().then(predicate), expired]);
      if (value !== EXPIRED && value !== undefined && value !== null && value !== false) return value as WaitForResult<T>;
      threw = false;
    } catch (err) {
      lastError = err;
      threw = true;
    } finally {
      clearTimeout(timer);
    }
    if (Date.now() >= deadline) {
      throw new WaitForTimeoutError(options.message ?? 'condition', timeoutMs, threw ? { cause: lastError } : undefined);
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(intervalMs, Math.max(0, deadline - Date.now()))));
  }
}

const EXPIRED = Symbol('expired');

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
