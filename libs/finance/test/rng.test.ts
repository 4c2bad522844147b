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
    let outside = 0;
    for (let i = 0; i < 200_000; i++) {
      const u = rng.uniform();
      if (!(u > 0 && u < 1)) outside++;
      s += u;
    }
    expect(outside).toBe(0);
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

  it('fills typed arrays with exactly the sequence of single draws', () => {
    const a = new Rng(11, 3, 2);
    const b = new Rng(11, 3, 2);
    const u = new Float64Array(1000);
    const z = new Float64Array(5000);
    a.fillUniform(u, 1000);
    a.fillNormal(z, 5000);
    expect(Array.from(u)).toStrictEqual(Array.from({ length: 1000 }, () => b.uniform()));
    // 5,000 normals reach the ziggurat's wedge and tail branches.
    expect(Array.from(z)).toStrictEqual(Array.from({ length: 5000 }, () => b.normal()));
    // …and consume exactly `count` draws: both streams stay in step afterwards.
    expect(a.nextUint32()).toBe(b.nextUint32());
    expect(Math.max(...z.map(Math.abs))).toBeGreaterThan(3);
  });

  it('separates domains and 64-bit seeds and streams', () => {
    const first = (seed: number, stream: number, domain: number) => new Rng(seed, stream, domain).nextUint32();
    const draws = [first(1, 0, 0), first(1, 0, 1), first(1, 0, 2), first(2 ** 32 + 1, 0, 0), first(1, 2 ** 32, 0), first(1, 1, 0)];
    expect(new Set(draws).size).toBe(draws.length);
  });

  it('draws Box–Muller normals with the standard normal moments, in pairs reset by reseed', () => {
    const rng = new Rng(4, 4);
    const n = 200_000;
    let s = 0;
    let s2 = 0;
    let below = 0;
    for (let i = 0; i < n; i++) {
      const x = rng.normalBoxMuller();
      s += x;
      s2 += x * x;
      if (x < -1) below++;
    }
    expect(Math.abs(s / n)).toBeLessThan(4 / Math.sqrt(n));
    expect(Math.abs(s2 / n - 1)).toBeLessThan(4 * Math.sqrt(2 / n));
    expect(Math.abs(below / n - 0.158655253931457)).toBeLessThan(4 * Math.sqrt((0.16 * 0.84) / n));
    const a = new Rng(9, 9);
    const x0 = a.normalBoxMuller();
    a.normalBoxMuller();
    a.reseed(9, 9);
    expect(a.normalBoxMuller()).toBe(x0);
  });

  it('has tails of the right weight beyond the ziggurat base layer (|z| > 3.44)', () => {
    // P(|Z| > 3.442619855899) = 5.76e-4: 2 million draws give about 1,150 tail values.
    const rng = new Rng(123, 7);
    const n = 2_000_000;
    let tail = 0;
    let far = 0;
    for (let i = 0; i < n; i++) {
      const x = Math.abs(rng.normal());
      if (x > 3.442619855899) tail++;
      if (x > 4) far++;
    }
    const p = 5.7611e-4;
    expect(Math.abs(tail / n - p)).toBeLessThan(4 * Math.sqrt(p / n));
    const q = 6.334e-5; // P(|Z| > 4)
    expect(Math.abs(far / n - q)).toBeLessThan(4 * Math.sqrt(q / n));
  });
});
