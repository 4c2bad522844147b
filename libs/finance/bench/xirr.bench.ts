/**
 * Benchmark of the public IRR solvers (printed figures, never asserted): `xirr` on 100 dated
 * flows (ISO strings, Dates and day numbers) beside `irr` on 100 periodic flows.
 * Run: `npx tsx libs/finance/bench/xirr.bench.ts`. Single thread; CPU time of the process.
 * Reference: pyxirr publishes 46 µs for 100 dated flows.
 */
import { irr, xirr } from '../src/index.js';
import type { DatedFlow } from '../src/index.js';

/** 100 monthly-ish flows: a call, 98 mixed interim flows, a final distribution (one sign change). */
function flows(): { amounts: number[]; days: number[] } {
  const amounts: number[] = [-1_000_000];
  const days: number[] = [Date.UTC(2020, 0, 1) / 86_400_000];
  let seed = 12345;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  for (let i = 1; i < 99; i++) {
    amounts.push(i < 20 ? -20_000 * (1 + rnd()) : 15_000 * (1 + rnd()));
    days.push(days[0] + Math.round(i * 30.4 + rnd() * 5));
  }
  amounts.push(900_000);
  days.push(days[0] + 3650);
  return { amounts, days };
}

const { amounts, days } = flows();
const iso = (d: number) => new Date(d * 86_400_000).toISOString().slice(0, 10);
const asIso: DatedFlow[] = amounts.map((amount, i) => ({ date: iso(days[i]), amount }));
const asDate: DatedFlow[] = amounts.map((amount, i) => ({ date: new Date(days[i] * 86_400_000), amount }));
const asDay = amounts.map((amount, i) => ({ date: days[i], amount })) as unknown as DatedFlow[];
const periodic = amounts.slice();

function cpu(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

function perCall(label: string, fn: () => number, calls = 20_000): void {
  let sink = 0;
  for (let i = 0; i < 2_000; i++) sink += fn(); // warm-up (JIT)
  let best = Infinity;
  for (let run = 0; run < 5; run++) {
    const c0 = cpu();
    for (let i = 0; i < calls; i++) sink += fn();
    best = Math.min(best, (cpu() - c0) / calls);
  }
  console.log(`${label.padEnd(44)} ${(best * 1e6).toFixed(1).padStart(7)} µs/call (best of 5 × ${calls})  [${(sink / (calls * 5 + 2000)).toFixed(6)}]`);
}

console.log(`100 flows; xirr = ${xirr(asIso)}; irr = ${irr(periodic)} (per period)`);
perCall('irr, 100 periodic flows', () => irr(periodic));
perCall('xirr, 100 dated flows, ISO date strings', () => xirr(asIso));
perCall('xirr, 100 dated flows, Date objects', () => xirr(asDate));
// Non-conventional: fee calls between distributions (many sign changes → the root scan).
const mixed: DatedFlow[] = asIso.map((f, i) => ({ date: f.date, amount: i > 20 && i % 3 === 0 ? -5_000 : f.amount }));
console.log(`non-conventional: xirr = ${xirr(mixed)}`);
perCall('xirr, 100 dated flows, ISO, many sign changes', () => xirr(mixed), 5_000);
let dayOk = true;
try {
  xirr(asDay);
} catch {
  dayOk = false;
}
if (dayOk) perCall('xirr, 100 dated flows, day numbers', () => xirr(asDay));
else console.log('xirr, day numbers: not supported by this version');
