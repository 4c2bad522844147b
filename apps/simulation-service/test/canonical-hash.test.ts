import { ENGINE_VERSION } from '@equihome/finance';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cacheKey, canonicalHash, canonicalJson } from '../src/canonical-hash.js';

describe('canonicalJson / canonicalHash', () => {
  it('ignores key order and undefined members, keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, 1], c: undefined } })).toBe('{"a":{"d":[3,1]},"b":1}');
    expect(canonicalHash({ x: 1, y: [1, 2] })).toBe(canonicalHash({ y: [1, 2], x: 1 }));
    expect(canonicalHash({ y: [2, 1] })).not.toBe(canonicalHash({ y: [1, 2] }));
  });

  it('hashes a value and its JSON round trip (what PostgreSQL JSONB gives back) the same, and any change differently', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (a, b) => {
        expect(canonicalHash(JSON.parse(JSON.stringify(a)))).toBe(canonicalHash(a));
        if (canonicalJson(a) !== canonicalJson(b)) expect(canonicalHash(a)).not.toBe(canonicalHash(b));
      }),
      { numRuns: 300 },
    );
  });
});

describe('cacheKey', () => {
  const base = { fund: 'f'.repeat(64), portfolio: 'p'.repeat(64), paths: 10_000, seed: 7, granularity: 'monthly', engineVersion: ENGINE_VERSION };

  it('changes with every input the summary depends on, and only with them', () => {
    const key = cacheKey(base);
    expect(cacheKey({ ...base })).toBe(key);
    for (const change of [{ fund: 'g'.repeat(64) }, { portfolio: 'q'.repeat(64) }, { paths: 10_001 }, { seed: 8 }, { granularity: 'yearly' }, { engineVersion: '0.0.0' }]) {
      expect(cacheKey({ ...base, ...change }), JSON.stringify(change)).not.toBe(key);
    }
    expect(key).toMatch(/^[0-9a-f]{64}$/);
  });
});
