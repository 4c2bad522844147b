/**
 * Mergeable, exactly-combinable statistics (the `state` of a SimulationSummary).
 *
 * - Percentiles come from FIXED-BIN histograms (integer counts; bin layout fixed by the
 *   metric, never by the data), so merging shards is integer addition: exact and
 *   order-independent. Values outside the range are clamped into the edge bins; the
 *   exact min/max are kept and bound every reported percentile.
 * - Means and standard deviations come from EXACT integer sums: each value is quantised
 *   to `round(x·scale)` (scale 2^24 for ratios, 2^4 for dollars) and the integers and
 *   their squares are summed exactly (double accumulators kept below 2^53, flushed into
 *   BigInt); the sums are serialised as decimal strings. Any split of the paths into
 *   shards, merged in any order, therefore yields bit-identical results.
 * All state is plain JSON (numbers, strings, arrays).
 */

export interface HistogramState {
  lo: number;
  width: number;
  bins: number;
  /** Index of the first stored bin; `counts` runs from it to the last non-empty bin. */
  offset: number;
  counts: number[];
}

export interface ExactSumState {
  scale: number;
  /** Σ round(x·scale), decimal integer string. */
  sum: string;
  /** Σ round(x·scale)², decimal integer string. */
  sum_sq: string;
}

export interface ScalarState {
  /** Paths with a defined value. */
  count: number;
  /** Paths where the metric is undefined (e.g. no IRR solution, no payback). */
  missing: number;
  min: number | null;
  max: number | null;
  sums: ExactSumState;
  hist: HistogramState;
}

export interface BandState {
  lo: number;
  width: number;
  bins: number;
  /** Per period: trimmed histogram (offset + counts). */
  periods: { offset: number; counts: number[] }[];
}

const TWO31 = 2147483648;
const FLUSH_EVERY = 1 << 21;

/** Exact sum of quantised values (see module doc). */
export class ExactSum {
  private acc = 0;
  private a2 = 0;
  private b2 = 0;
  private c2 = 0;
  private pending = 0;
  private big = 0n;
  private bigSq = 0n;

  constructor(readonly scale: number) {}

  add(x: number): void {
    const q = Math.round(x * this.scale);
    if (q > -TWO31 && q < TWO31) {
      this.acc += q;
      const qh = Math.floor(q / 65536);
      const ql = q - qh * 65536;
      this.a2 += qh * qh;
      this.b2 += qh * ql;
      this.c2 += ql * ql;
      if (++this.pending === FLUSH_EVERY) this.flush();
    } else {
      const b = BigInt(q);
      this.big += b;
      this.bigSq += b * b;
    }
  }

  private flush(): void {
    // q² = qh²·2^32 + 2·qh·ql·2^16 + ql²
    this.big += BigInt(this.acc);
    this.bigSq += (BigInt(this.a2) << 32n) + (BigInt(this.b2) << 17n) + BigInt(this.c2);
    this.acc = 0;
    this.a2 = 0;
    this.b2 = 0;
    this.c2 = 0;
    this.pending = 0;
  }

  toState(): ExactSumState {
    this.flush();
    return { scale: this.scale, sum: this.big.toString(), sum_sq: this.bigSq.toString() };
  }
}

/** Streaming accumulator of one per-path scalar: dense fixed-bin histogram + exact sums. */
export class ScalarAccumulator {
  private readonly counts: Int32Array;
  private readonly sums: ExactSum;
  private count = 0;
  private missing = 0;
  private min = Infinity;
  private max = -Infinity;

  constructor(
    readonly lo: number,
    readonly width: number,
    readonly bins: number,
    scale: number,
  ) {
    this.counts = new Int32Array(bins);
    this.sums = new ExactSum(scale);
  }

  /** Adds a value; non-finite values are counted as missing. */
  add(x: number): void {
    if (!Number.isFinite(x)) {
      this.missing++;
      return;
    }
    this.count++;
    if (x < this.min) this.min = x;
    if (x > this.max) this.max = x;
    let b = Math.floor((x - this.lo) / this.width);
    if (b < 0) b = 0;
    else if (b >= this.bins) b = this.bins - 1;
    this.counts[b]++;
    this.sums.add(x);
  }

  toState(): ScalarState {
    return {
      count: this.count,
      missing: this.missing,
      min: this.count > 0 ? this.min : null,
      max: this.count > 0 ? this.max : null,
      sums: this.sums.toState(),
      hist: { lo: this.lo, width: this.width, bins: this.bins, ...trim(this.counts, 0, this.bins) },
    };
  }
}

/**
 * Per-period fixed-bin histograms (memory independent of the number of paths). The summary
 * fills `counts` (layout period × bins + bin) directly in its per-path loop.
 */
export class BandAccumulator {
  readonly counts: Int32Array;
  constructor(
    readonly periods: number,
    readonly lo: number,
    readonly width: number,
    readonly bins: number,
  ) {
    this.counts = new Int32Array(periods * bins);
  }

  toState(): BandState {
    const periods: { offset: number; counts: number[] }[] = [];
    for (let k = 0; k < this.periods; k++) periods.push(trim(this.counts, k * this.bins, this.bins));
    return { lo: this.lo, width: this.width, bins: this.bins, periods };
  }
}

function trim(counts: Int32Array, start: number, len: number): { offset: number; counts: number[] } {
  let first = 0;
  while (first < len && counts[start + first] === 0) first++;
  if (first === len) return { offset: 0, counts: [] };
  let last = len - 1;
  while (counts[start + last] === 0) last--;
  return { offset: first, counts: Array.from(counts.subarray(start + first, start + last + 1)) };
}

function addTrimmed(
  a: { offset: number; counts: number[] },
  b: { offset: number; counts: number[] },
): { offset: number; counts: number[] } {
  if (a.counts.length === 0) return { offset: b.offset, counts: b.counts.slice() };
  if (b.counts.length === 0) return { offset: a.offset, counts: a.counts.slice() };
  const lo = Math.min(a.offset, b.offset);
  const hi = Math.max(a.offset + a.counts.length, b.offset + b.counts.length);
  const out = new Array<number>(hi - lo).fill(0);
  for (let i = 0; i < a.counts.length; i++) out[a.offset - lo + i] += a.counts[i];
  for (let i = 0; i < b.counts.length; i++) out[b.offset - lo + i] += b.counts[i];
  return { offset: lo, counts: out };
}

export function mergeScalar(a: ScalarState, b: ScalarState): ScalarState {
  if (a.hist.lo !== b.hist.lo || a.hist.width !== b.hist.width || a.hist.bins !== b.hist.bins || a.sums.scale !== b.sums.scale) {
    throw new Error('incompatible histogram layouts');
  }
  const min = a.min === null ? b.min : b.min === null ? a.min : Math.min(a.min, b.min);
  const max = a.max === null ? b.max : b.max === null ? a.max : Math.max(a.max, b.max);
  return {
    count: a.count + b.count,
    missing: a.missing + b.missing,
    min,
    max,
    sums: {
      scale: a.sums.scale,
      sum: (BigInt(a.sums.sum) + BigInt(b.sums.sum)).toString(),
      sum_sq: (BigInt(a.sums.sum_sq) + BigInt(b.sums.sum_sq)).toString(),
    },
    hist: { lo: a.hist.lo, width: a.hist.width, bins: a.hist.bins, ...addTrimmed(a.hist, b.hist) },
  };
}

export function mergeBand(a: BandState, b: BandState): BandState {
  if (a.lo !== b.lo || a.width !== b.width || a.bins !== b.bins || a.periods.length !== b.periods.length) {
    throw new Error('incompatible band layouts');
  }
  return { lo: a.lo, width: a.width, bins: a.bins, periods: a.periods.map((p, k) => addTrimmed(p, b.periods[k])) };
}

/**
 * Percentile p ∈ [0, 1] of a trimmed histogram of n values: the value at continuous rank
 * p·n, linearly interpolated inside its bin, then bounded by [min, max].
 */
export function histPercentile(h: { lo: number; width: number; offset: number; counts: number[] }, n: number, p: number, min: number, max: number): number {
  if (n <= 0 || h.counts.length === 0) return 0;
  const target = p * n;
  let cum = 0;
  let value = max;
  for (let i = 0; i < h.counts.length; i++) {
    const c = h.counts[i];
    if (c > 0 && cum + c >= target) {
      const frac = (target - cum) / c;
      value = h.lo + h.width * (h.offset + i + frac);
      break;
    }
    cum += c;
  }
  return value < min ? min : value > max ? max : value;
}

/** Mean of the lowest fraction `q` of the values (CVaR), from bin midpoints bounded by [min, max]. */
export function histLowerTailMean(h: HistogramState, n: number, q: number, min: number, max: number): number {
  if (n <= 0 || h.counts.length === 0) return 0;
  const mass = q * n;
  let left = mass;
  let s = 0;
  for (let i = 0; i < h.counts.length && left > 0; i++) {
    const c = h.counts[i];
    if (c === 0) continue;
    let mid = h.lo + h.width * (h.offset + i + 0.5);
    mid = mid < min ? min : mid > max ? max : mid;
    const take = c < left ? c : left;
    s += take * mid;
    left -= take;
  }
  return s / (mass - left);
}

/** Mean and sample sd from exact sums of n values. */
export function exactMoments(s: ExactSumState, n: number): { mean: number; sd: number } {
  if (n <= 0) return { mean: 0, sd: 0 };
  const sum = BigInt(s.sum);
  const sumSq = BigInt(s.sum_sq);
  const mean = Number(sum) / s.scale / n;
  if (n < 2) return { mean, sd: 0 };
  const N = BigInt(n);
  const num = N * sumSq - sum * sum; // n·Σq² − (Σq)² ≥ 0, exact
  const variance = Number(num) / (n * (n - 1)) / (s.scale * s.scale);
  return { mean, sd: Math.sqrt(variance > 0 ? variance : 0) };
}
