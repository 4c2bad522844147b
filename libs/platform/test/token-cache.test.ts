import { describe, expect, it } from 'vitest';
import { cacheVerifiedTokens, DEFAULT_TOKEN_CACHE_ENTRIES, DEFAULT_TOKEN_CACHE_TTL_MS, MAX_CACHED_TOKEN_LENGTH, type TokenCacheOptions, type VerifiedToken } from '../src/index.js';

const T0 = 1_900_000_000_000; // ms, a whole second

/** A cache over a fake verifier that counts its calls; tokens starting with `bad` are rejected; `exp` per token. */
function setup(options: Omit<TokenCacheOptions, 'now'> = {}, exp: (token: string) => number | undefined = () => undefined) {
  const clock = { now: T0 };
  const calls: string[] = [];
  const verify = async (token: string): Promise<VerifiedToken<string>> => {
    calls.push(token);
    if (token.startsWith('bad')) throw new Error(`rejected ${token}`);
    const e = exp(token);
    return { value: `user-of-${token}`, ...(e === undefined ? {} : { exp: e }) };
  };
  const cached = cacheVerifiedTokens(verify, { ...options, now: () => clock.now });
  return { clock, calls, cached };
}

describe('cacheVerifiedTokens', () => {
  it('verifies a token once and reuses the result until the lifetime ends, then verifies it again', async () => {
    const { clock, calls, cached } = setup({ ttlMs: 1_000 });
    expect(await cached('t1')).toBe('user-of-t1');
    clock.now = T0 + 999;
    expect(await cached('t1')).toBe('user-of-t1');
    expect(calls).toEqual(['t1']);
    clock.now = T0 + 1_000;
    expect(await cached('t1')).toBe('user-of-t1');
    expect(calls).toEqual(['t1', 't1']);
    clock.now = T0 + 1_999; // the fresh entry lives from the second verification on
    await cached('t1');
    expect(calls).toEqual(['t1', 't1']);
  });

  it('defaults to a 60 s lifetime and 5,000 tokens', async () => {
    expect(DEFAULT_TOKEN_CACHE_TTL_MS).toBe(60_000);
    expect(DEFAULT_TOKEN_CACHE_ENTRIES).toBe(5_000);
    const { clock, calls, cached } = setup();
    await cached('t1');
    clock.now = T0 + 59_999;
    await cached('t1');
    expect(calls).toHaveLength(1);
    clock.now = T0 + 60_000;
    await cached('t1');
    expect(calls).toHaveLength(2);
  });

  it('never keeps an entry past the token’s exp, even within the lifetime', async () => {
    const { clock, calls, cached } = setup({ ttlMs: 60_000 }, () => T0 / 1000 + 10);
    await cached('t1');
    clock.now = T0 + 9_999;
    await cached('t1');
    expect(calls).toHaveLength(1);
    clock.now = T0 + 10_000;
    await cached('t1');
    expect(calls).toHaveLength(2);
  });

  it('uses the lifetime when exp is later', async () => {
    const { clock, calls, cached } = setup({ ttlMs: 1_000 }, () => T0 / 1000 + 3600);
    await cached('t1');
    clock.now = T0 + 1_000;
    await cached('t1');
    expect(calls).toHaveLength(2);
  });

  it('does not keep a token whose exp is now or past', async () => {
    const { calls, cached } = setup({}, (t) => (t === 'now' ? T0 / 1000 : T0 / 1000 - 1));
    await cached('now');
    await cached('now');
    await cached('past');
    await cached('past');
    expect(calls).toEqual(['now', 'now', 'past', 'past']);
  });

  it('does not let a token it cannot keep take the place of one it keeps', async () => {
    const { calls, cached } = setup({ maxEntries: 1 }, (t) => (t === 'past' ? T0 / 1000 - 1 : t === 'now' ? T0 / 1000 : undefined));
    await cached('a');
    await cached('past');
    await cached('now');
    await cached('a');
    expect(calls).toEqual(['a', 'past', 'now']);
  });

  it('never keeps a rejection: a rejected token is verified again every time', async () => {
    const { calls, cached } = setup();
    await expect(cached('bad-1')).rejects.toThrow('rejected bad-1');
    await expect(cached('bad-1')).rejects.toThrow('rejected bad-1');
    expect(calls).toEqual(['bad-1', 'bad-1']);
  });

  it('keeps at most maxEntries tokens, dropping the oldest first', async () => {
    const { calls, cached } = setup({ maxEntries: 2 });
    await cached('a');
    await cached('b');
    await cached('c'); // drops a
    expect(calls).toEqual(['a', 'b', 'c']);
    await cached('c');
    await cached('b');
    expect(calls).toEqual(['a', 'b', 'c']);
    await cached('a'); // verified again, drops b
    await cached('c');
    expect(calls).toEqual(['a', 'b', 'c', 'a']);
    await cached('b');
    expect(calls).toEqual(['a', 'b', 'c', 'a', 'b']);
  });

  it('frees the entry of an expired token so it does not count against the bound', async () => {
    const { clock, calls, cached } = setup({ maxEntries: 2, ttlMs: 1_000 });
    await cached('a');
    clock.now = T0 + 500;
    await cached('b');
    clock.now = T0 + 1_000; // a expired
    await cached('a'); // re-verified: replaces its own expired entry, b stays
    await cached('b');
    expect(calls).toEqual(['a', 'b', 'a']);
  });

  it(`never keeps a token longer than ${MAX_CACHED_TOKEN_LENGTH} characters`, async () => {
    const { calls, cached } = setup();
    const longest = 'x'.repeat(MAX_CACHED_TOKEN_LENGTH);
    const tooLong = 'y'.repeat(MAX_CACHED_TOKEN_LENGTH + 1);
    for (const t of [longest, longest, tooLong, tooLong]) await cached(t);
    expect(calls.map((t) => t.length)).toEqual([MAX_CACHED_TOKEN_LENGTH, MAX_CACHED_TOKEN_LENGTH + 1, MAX_CACHED_TOKEN_LENGTH + 1]);
  });

  it('is off with maxEntries 0 or a zero lifetime', async () => {
    for (const options of [{ maxEntries: 0 }, { ttlMs: 0 }]) {
      const { calls, cached } = setup(options);
      expect(await cached('t1')).toBe('user-of-t1');
      await cached('t1');
      expect(calls, JSON.stringify(options)).toEqual(['t1', 't1']);
    }
  });

  it('tells tokens apart by every character', async () => {
    const { calls, cached } = setup();
    expect(await cached('abc.def.ghi')).toBe('user-of-abc.def.ghi');
    expect(await cached('abc.def.ghj')).toBe('user-of-abc.def.ghj');
    expect(calls).toHaveLength(2);
  });
});
