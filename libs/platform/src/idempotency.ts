import { createHash } from 'node:crypto';
import type { AuthUser } from './auth.js';

/**
 * The stored form of an `Idempotency-Key`: scoped to the caller (`sub`), so the same key
 * from two users names two different creates, and hashed to a fixed length.
 */
export function scopedIdempotencyKey(user: Pick<AuthUser, 'sub'>, key: string): string {
  return createHash('sha256').update(`${user.sub}\n${key}`).digest('hex');
}
