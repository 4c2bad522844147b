import { StoreError } from './errors.js';

/**
 * Runs a readiness check: resolves with `check()`'s value when it settles within `timeoutMs`,
 * else rejects with StoreError `UNAVAILABLE` naming `backend`; a failing check is wrapped
 * the same way (its error kept as `cause`).
 */
export async function probe<T>(backend: string, timeoutMs: number, check: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StoreError('UNAVAILABLE', `${backend} did not answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    const pending = check();
    pending.catch(() => undefined); // after a timeout nobody awaits it: no unhandled rejection
    return await Promise.race([pending, timeout]);
  } catch (err) {
    if (err instanceof StoreError) throw err;
    throw new StoreError('UNAVAILABLE', `${backend} unreachable: ${(err as Error).message}`, { cause: err });
  } finally {
    clearTimeout(timer);
  }
}
