import { describe, expect, it } from 'vitest';
import { scopedIdempotencyKey } from '../src/index.js';

describe('scopedIdempotencyKey', () => {
  it('gives the same stored key for the same caller and key, and different ones across callers or keys', () => {
    const a = scopedIdempotencyKey({ sub: 'alice' }, 'k-1');
    expect(scopedIdempotencyKey({ sub: 'alice' }, 'k-1')).toBe(a);
    expect(scopedIdempotencyKey({ sub: 'bob' }, 'k-1')).not.toBe(a);
    expect(scopedIdempotencyKey({ sub: 'alice' }, 'k-2')).not.toBe(a);
    expect(scopedIdempotencyKey({ sub: 'ab' }, 'c')).not.toBe(scopedIdempotencyKey({ sub: 'a' }, 'bc'));
    expect(a).toMatch(/^[0-9a-f]{64}$/);
  });
});
