import { describe, expect, it } from 'vitest';
import { Rng } from '../src/index.js';

// Reference: standard normal CDF values Φ(z) (Abramowitz & Stegun, Table 26.1).
const PHI: [number, number][] = [
  [-3, 0.0013498980316301],
  [-2, 0.0227501319481792],
  [-1, 0.158655253931457],
  [0, 0.5],
  [0.5, 0.691462461274013],
  [1, 0.841344746068543],
  [2, 0.977249868051821],
  [3, 0.99865010196837],
];

describe('Rng', () => {
  it('produces standard normals whose empirical CDF matches Φ within 4 standard errors (1,000,000 draws)', () => {
    const rng = new Rng(99, 1);
    const n = 1_000_000;
    const below = new Array(PHI.length).fill(0);
    let s = 0;
    let s2 = 0;
    let s4 = 0;
    for (let i = 0; i < n; i++) {
      const x = rng.normal();
      s += x;
      s2 += x * x;
      s4 += x * x * x * x;
      for (let j = 0; j < PHI.length; j++) if (x < PHI[j][0]) below[j]++;
    }
    PHI.forEach(([, p], j) => expect(Math.abs(below[j] / n - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / n)));
    expect(Math.abs(s / n)).toBeLessThan(4 / Math.sqrt(n));
    expect(Math.abs(s2 / n - 1)).toBeLessThan(4 * Math.sqrt(2 / n));
    expect(Math.abs(s4 / n - 3)).toBeLessThan(4 * Math.sqrt(96 / n));
  });

  it('produces uniforms strictly inside (0, 1) with mean 1/2', () => {
    const rng = new Rng(1, 2);
    let s = 0;
    for (let i = 0; i < 200_000; i++) {
      const u = rng.uniform();
      expect(u > 0 && u < 1).toBe(true);
      s += u;
    }
    expect(Math.abs(s / 200_000 - 0.5)).toBeLessThan(4 * Math.sqrt(1 / 12 / 200_000));
  });

  it('derives independent-looking streams from (seed, stream) and reproduces them after reseed', () => {
    const a = new Rng(7, 0);
    const first = Array.from({ length: 8 }, () => a.nextUint32());
    a.reseed(7, 0);
    expect(Array.from({ length: 8 }, () => a.nextUint32())).toStrictEqual(first);
    const b = new Rng(7, 1);
    const c = new Rng(8, 0);
    expect(Array.from({ length: 8 }, () => b.nextUint32())).not.toStrictEqual(first);
    expect(Array.from({ length: 8 }, () => c.nextUint32())).not.toStrictEqual(first);
    // Neighbouring streams are uncorrelated: correlation of 20,000 paired uniforms.
    const x = new Rng(5, 100);
    const y = new Rng(5, 101);
    let sxy = 0;
    let sx = 0;
    let sy = 0;
    const n = 20_000;
    for (let i = 0; i < n; i++) {
      const u = x.uniform();
      const v = y.uniform();
      sxy += u * v;
      sx += u;
      sy += v;
    }
    const cov = sxy / n - (sx / n) * (sy / n);
    expect(Math.abs(cov * 12)).toBeLessThan(4 / Math.sqrt(n));
  });
});
