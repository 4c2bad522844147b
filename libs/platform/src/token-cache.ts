/**
 * A short-lived memory of bearer tokens that verified successfully, so that a client
 * sending the same token on every request costs one signature check per `ttlMs` instead of
 * one per request. Bounded three ways:
 * - an entry never outlives the token's `exp` (nor `ttlMs`, default 60 s, which bounds how
 *   long a key removed from the JWKS keeps admitting tokens it signed);
 * - at most `maxEntries` tokens (default 5,000; the oldest entry is dropped first), and
 *   tokens longer than `MAX_CACHED_TOKEN_LENGTH` are never kept — at most ~10 MB;
 * - only successes are kept: a rejected token is checked again every time.
 * Entries are keyed by the whole token string, so a token differing in any byte (a forged
 * signature, another payload) is a miss.
 */

/** What a successful verification yields: the value to reuse and the token's `exp` claim (seconds since the epoch), when it has one. */
export interface VerifiedToken<T> {
  value: T;
  exp?: number;
}

export interface TokenCacheOptions {
  /** Most tokens kept (default 5,000); 0 turns the cache off. */
  maxEntries?: number;
  /** Longest a verified token is reused without checking it again, ms (default 60,000). */
  ttlMs?: number;
  /** Clock in ms since the epoch (default `Date.now`); tests pass a fake one. */
  now?: () => number;
}

/** Tokens longer than this (characters) are verified every time, never kept. */
export const MAX_CACHED_TOKEN_LENGTH = 2_048;
export const DEFAULT_TOKEN_CACHE_ENTRIES = 5_000;
export const DEFAULT_TOKEN_CACHE_TTL_MS = 60_000;

interface Entry<T> {
  value: T;
  /** First instant (ms) at which the entry is no longer used. */
  expiresAt: number;
}

/**
 * Wraps `verify` with the cache described above. `verify` must throw for an invalid token;
 * its result is reused until `min(now + ttlMs, exp × 1000)` (jose treats a token as expired
 * from the second `exp` on, so it is never served from the cache once jose would reject it).
 */
export function cacheVerifiedTokens<T>(verify: (token: string) => Promise<VerifiedToken<T>>, options: TokenCacheOptions = {}): (token: string) => Promise<T> {
  const maxEntries = options.maxEntries ?? DEFAULT_TOKEN_CACHE_ENTRIES;
  const ttlMs = options.ttlMs ?? DEFAULT_TOKEN_CACHE_TTL_MS;
  const now = options.now ?? Date.now;
  if (maxEntries <= 0 || ttlMs <= 0) return async (token) => (await verify(token)).value;
  const entries = new Map<string, Entry<T>>();
  return async (token) => {
    const hit = entries.get(token);
    if (hit !== undefined) {
      if (now() < hit.expiresAt) return hit.value;
      entries.delete(token);
    }
    const { value, exp } = await verify(token);
    if (token.length <= MAX_CACHED_TOKEN_LENGTH) {
      const verifiedAt = now();
      const expiresAt = exp === undefined ? verifiedAt + ttlMs : Math.min(verifiedAt + ttlMs, exp * 1000);
      if (expiresAt > verifiedAt) {
        if (entries.size >= maxEntries) entries.delete(entries.keys().next().value as string);
        entries.set(token, { value, expiresAt });
      }
    }
    return value;
  };
}
