import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dayNumber, irr, xirr, xnpv } from '../src/index.js';
import type { DatedFlow } from '../src/index.js';
import { expectInputError } from './helpers.js';

// Issue 12 §3: xirr parses each date once (a hand-written YYYY-MM-DD parser, no Date per
// flow), accepts day numbers and Dates as well as ISO strings, and finds the root closest to
// the guess by walking the grid outward from the guess — with the same results as before.

const excel: DatedFlow[] = [
  { date: '2008-01-01', amount: -10000 },
  { date: '2008-03-01', amount: 2750 },
  { date: '2008-10-30', amount: 4250 },
  { date: '2009-02-15', amount: 3250 },
  { date: '2009-04-01', amount: 2750 },
];

describe('xirr inputs', () => {
  it('gives the Excel reference 0.373362535 from ISO strings, Dates and day numbers alike', () => {
    const days = excel.map((f) => ({ date: Date.parse(`${f.date as string}T00:00:00Z`) / 86_400_000, amount: f.amount }));
    const dates = excel.map((f) => ({ date: new Date(`${f.date as string}T00:00:00Z`), amount: f.amount }));
    for (const flows of [excel, days, dates]) expect(xirr(flows)).toBeCloseTo(0.37336253351883, 9);
    expect(xnpv(0.09, days)).toBeCloseTo(2086.647602031535, 6);
    expect(dayNumber(13_879, 'd')).toBe(13_879);
    expectInputError(() => xirr([{ date: Number.NaN, amount: -1 }, { date: 5, amount: 2 }]), 'flows[0].date');
  });

  it('parses YYYY-MM-DD exactly as Date.parse does, and rejects impossible days (any year, leap years)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 31 }), (y, m, d) => {
        const iso = `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
        const ms = Date.parse(`${iso}T00:00:00Z`);
        const valid = Number.isFinite(ms) && new Date(ms).toISOString().slice(0, 10) === iso;
        if (valid) expect(dayNumber(iso, 'd')).toBe(Math.floor(ms / 86_400_000));
        else expectInputError(() => dayNumber(iso, 'd'), 'd');
      }),
      { numRuns: 3000 },
    );
    for (const bad of ['2024-13-01', '2023-02-29', '1900-02-29', '2024-00-10', '2024-1-011', '2024/01/01', 'abcd-ef-gh']) expectInputError(() => dayNumber(bad, 'd'), 'd');
    expect(dayNumber('2000-02-29', 'd')).toBe(11_016);
    expect(dayNumber('1970-01-01', 'd')).toBe(0);
  });
});

/**
 * The whole-grid scan of engine 1.1.0 (reference, written independently): the same L grid
 * (1% steps near 0, ×1.04 to |L| = 12, ×1.25 beyond, ends −36 and 700), NPV scaled by
 * e^{c·L} (c = last time for L < 0, first otherwise) so it cannot overflow, every sign change
 * refined by bisection and accepted on a residual ≤ 1e-9 of Σ|terms|; the root closest to the guess.
 */
function fullScan(amounts: number[], years: number[], guess: number): number {
  const tmax = Math.max(...years);
  const scaled = (L: number) => {
    const c = L < 0 ? tmax : 0;
    let v = 0;
    let abs = 0;
    amounts.forEach((a, i) => {
      const term = a * Math.exp(-(years[i] - c) * L);
      v += term;
      abs += Math.abs(term);
    });
    return { v, abs };
  };
  const grid: number[] = [];
  for (let k = -100; k <= 100; k++) grid.push(k * 0.01);
  for (let x = 1.04; x <= 12; x *= 1.04) grid.push(x, -x);
  for (let x = 12 * 1.25; x < 36; x *= 1.25) grid.push(-x);
  for (let x = 12 * 1.25; x < 700; x *= 1.25) grid.push(x);
  grid.push(-36, 700);
  grid.sort((a, b) => a - b);
  let best = Number.NaN;
  for (let k = 1; k < grid.length; k++) {
    let a = grid[k - 1];
    let b = grid[k];
    const fa = scaled(a).v;
    const fb = scaled(b).v;
    if (fa === 0 || fb === 0 || fa < 0 === fb < 0) continue;
    for (let i = 0; i < 200; i++) {
      const mid = (a + b) / 2;
      if (scaled(a).v < 0 === scaled(mid).v < 0) a = mid;
      else b = mid;
    }
    const L = (a + b) / 2;
    const { v, abs } = scaled(L);
    const r = Math.expm1(L);
    if (!(r > -1) || !Number.isFinite(r) || !(Math.abs(v) <= 1e-9 * abs)) continue;
    if (Number.isNaN(best) || Math.abs(r - guess) < Math.abs(best - guess)) best = r;
  }
  return best;
}

describe('xirr with several sign changes: the outward walk finds the same root as the full scan', () => {
  it('on random non-conventional dated flows (fee calls between distributions), for several guesses', () => {
    const flow = fc.record({ amount: fc.integer({ min: -50_000, max: 50_000 }).filter((x) => x !== 0), gap: fc.integer({ min: 1, max: 400 }) });
    fc.assert(
      fc.property(fc.array(flow, { minLength: 3, maxLength: 60 }), fc.constantFrom(-0.5, -0.1, 0, 0.1, 0.4, 2), (list, guess) => {
        let day = 18_000;
        const dated: DatedFlow[] = [{ date: day, amount: -100_000 }];
        for (const f of list) dated.push({ date: (day += f.gap), amount: f.amount });
        const years = dated.map((f) => ((f.date as number) - 18_000) / 365);
        const expected = fullScan(dated.map((f) => f.amount), years, guess);
        const got = xirr(dated, guess);
        // Same grid, same rule: the same root (relative agreement; roots near −1 compared in L).
        if (Number.isFinite(expected)) expect(Math.log1p(got)).toBeCloseTo(Math.log1p(expected), 6);
      }),
      { numRuns: 300 },
    );
  });

  it('a known two-root flow: −100, +230, −132 has roots 10% and 20%; the guess picks the nearer', () => {
    const flows = [-100, 230, -132];
    expect(irr(flows, 0.05)).toBeCloseTo(0.1, 10);
    expect(irr(flows, 0.25)).toBeCloseTo(0.2, 10);
    const dated = flows.map((amount, i) => ({ date: 18_000 + 365 * i, amount }));
    expect(xirr(dated, 0.12)).toBeCloseTo(0.1, 10);
    expect(xirr(dated, 0.19)).toBeCloseTo(0.2, 10);
  });
});
