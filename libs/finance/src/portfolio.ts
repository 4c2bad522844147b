import { brentRoot } from './brent.js';
import { FinanceInputError } from './errors.js';
import { appreciationShare, meanAdvance, validateFund } from './fund.js';
import { Rng, RNG_DOMAIN } from './rng.js';
import type { Fund, Loan, Portfolio, PortfolioMetrics } from './types.js';
import { ZONES } from './types.js';

/** Upper bound on the loans of one portfolio (guards against absurd size / min_loan_size). */
export const MAX_PORTFOLIO_LOANS = 1_000_000;

/**
 * Draws loan characteristics as MODEL.md §4, from a caller-owned {@link Rng}. Fixed
 * draw order per loan: size, ltv, early-exit coin, hold (uniform or normal). All
 * parameters are read once at construction (validated fund).
 */
export class LoanDrawer {
  readonly mean: number;
  readonly sd: number;
  readonly minSize: number;
  readonly maxSize: number;
  readonly ltvMean: number;
  readonly ltvSd: number;
  readonly minLtv: number;
  readonly maxLtv: number;
  readonly pEarly: number;
  readonly minHold: number;
  readonly avgExit: number;
  readonly exitSd: number;
  readonly loanTerm: number;
  readonly targets: Float64Array;
  /** Output of the last draw. */
  amount = 0;
  ltv = 0;
  /** Holding period, years. */
  hold = 0;

  constructor(fund: Fund) {
    const lp = fund.loan_parameters;
    this.mean = meanAdvance(fund);
    this.sd = lp.loan_size_std_dev;
    this.minSize = lp.min_loan_size;
    this.maxSize = lp.max_loan_size;
    this.ltvMean = lp.average_ltv;
    this.ltvSd = lp.ltv_std_dev;
    this.minLtv = lp.min_ltv;
    this.maxLtv = lp.max_ltv;
    this.pEarly = lp.early_exit_probability;
    this.minHold = lp.min_hold_years;
    this.avgExit = lp.avg_exit_year;
    this.exitSd = lp.exit_year_std_dev;
    this.loanTerm = lp.loan_term_years;
    const za = lp.zone_allocations;
    this.targets = Float64Array.of(za.green, za.orange, za.red);
  }

  /** Draws size (clipped normal), ltv (clipped normal) and holding period into the fields. */
  draw(rng: Rng): void {
    this.amount = clip(this.mean + this.sd * rng.normal(), this.minSize, this.maxSize);
    this.ltv = clip(this.ltvMean + this.ltvSd * rng.normal(), this.minLtv, this.maxLtv);
    this.hold = this.drawHold(rng);
  }

  /**
   * The same draws as {@link draw} (same random numbers, same values) written to
   * `out[0]` (amount), `out[1]` (ltv) and `out[2]` (holding period, years) instead of the
   * fields: the simulation's reinvestment loop then allocates nothing.
   */
  drawInto(rng: Rng, out: Float64Array): void {
    rng.normalAt(out, 0);
    out[0] = clip(this.mean + this.sd * out[0], this.minSize, this.maxSize);
    rng.normalAt(out, 1);
    out[1] = clip(this.ltvMean + this.ltvSd * out[1], this.minLtv, this.maxLtv);
    rng.uniformAt(out, 2);
    let h: number;
    if (out[2] < this.pEarly) {
      const lo = Math.min(this.minHold, this.avgExit);
      const hi = Math.max(this.minHold, this.avgExit);
      rng.uniformAt(out, 2);
      h = lo + (hi - lo) * out[2];
    } else {
      rng.normalAt(out, 2);
      h = this.avgExit + this.exitSd * out[2];
    }
    out[2] = clip(h, this.minHold, this.loanTerm);
  }

  /**
   * Holding period: with probability `early_exit_probability` uniform in
   * [min_hold_years, avg_exit_year], else Normal(avg_exit_year, exit_year_std_dev);
   * clipped to [min_hold_years, loan_term_years].
   */
  drawHold(rng: Rng): number {
    const early = rng.uniform() < this.pEarly;
    let h: number;
    if (early) {
      const lo = Math.min(this.minHold, this.avgExit);
      const hi = Math.max(this.minHold, this.avgExit);
      h = lo + (hi - lo) * rng.uniform();
    } else {
      h = this.avgExit + this.exitSd * rng.normal();
    }
    return clip(h, this.minHold, this.loanTerm);
  }

  /**
   * Zone whose allocation is furthest below target once `amount` is added to the
   * running per-zone totals `zoneTotals` (deterministic greedy: advance amounts track
   * `zone_allocations`). Zones with a zero target are never chosen.
   */
  pickZone(zoneTotals: Float64Array, amount: number): number {
    const total = zoneTotals[0] + zoneTotals[1] + zoneTotals[2] + amount;
    let best = -1;
    let bestDeficit = -Infinity;
    for (let z = 0; z < 3; z++) {
      if (this.targets[z] <= 0) continue;
      const deficit = this.targets[z] * total - zoneTotals[z];
      if (deficit > bestDeficit) {
        bestDeficit = deficit;
        best = z;
      }
    }
    return best;
  }
}

function clip(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}

/**
 * Generates the fund's initial portfolio (MODEL.md §4) from the stream `(seed, portfolio)`:
 * loans drawn until the deployable capital `size × deployment_ratio` is used (the last
 * loan is cut to the remainder when that is at least `min_loan_size`), zones assigned so
 * advance amounts track `zone_allocations`, originations spread evenly over
 * `deployment_period_years` (loan j of N at `j/N × period`), exit = origination + hold.
 */
export function generatePortfolio(fund: Fund, options: { seed: number }): Portfolio {
  validateFund(fund);
  const seed = options?.seed;
  if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0 || seed > Number.MAX_SAFE_INTEGER) {
    throw new FinanceInputError('seed', `must be a non-negative integer, got ${String(seed)}`);
  }
  const drawer = new LoanDrawer(fund);
  const deployable = fund.size * fund.operations.deployment_ratio;
  if (deployable / drawer.minSize > MAX_PORTFOLIO_LOANS) {
    throw new FinanceInputError('loan_parameters.min_loan_size', `too small for the fund size: more than ${MAX_PORTFOLIO_LOANS} loans`);
  }
  const rng = new Rng(seed, 0, RNG_DOMAIN.portfolio);
  const zoneTotals = new Float64Array(3);
  const amounts: number[] = [];
  const ltvs: number[] = [];
  const holds: number[] = [];
  const zones: number[] = [];
  let remaining = deployable;
  while (remaining >= drawer.minSize) {
    drawer.draw(rng);
    const amount = Math.min(drawer.amount, remaining);
    const z = drawer.pickZone(zoneTotals, amount);
    zoneTotals[z] += amount;
    remaining -= amount;
    amounts.push(amount);
    ltvs.push(drawer.ltv);
    holds.push(drawer.hold);
    zones.push(z);
  }
  const n = amounts.length;
  const period = fund.operations.deployment_period_years;
  const reinvestYears = fund.operations.reinvestment_period_years;
  const width = Math.max(4, String(n).length);
  const loans: Loan[] = new Array(n);
  for (let j = 0; j < n; j++) {
    const zone = ZONES[zones[j]];
    const origination = (period * j) / n;
    const exit = origination + holds[j];
    loans[j] = {
      id: `loan-${String(j + 1).padStart(width, '0')}`,
      loan_amount: amounts[j],
      property_value: amounts[j] / ltvs[j],
      ltv: ltvs[j],
      zone,
      appreciation_rate: fund.zone_parameters[zone].appreciation_rate,
      origination_year: origination,
      exit_year: exit,
      will_be_reinvested: exit <= reinvestYears,
    };
  }
  return { loans, metrics: portfolioMetrics(fund, loans) };
}

/** Latest loan exit, years from first close: origination ≤ 30 plus a hold ≤ loan_term_years ≤ 30. */
export const MAX_EXIT_YEAR = 60;

/** Validates a loan list (field names `loans.<i>.<field>`). */
export function validateLoans(loans: Loan[]): void {
  if (!Array.isArray(loans)) throw new FinanceInputError('loans', 'must be an array');
  if (loans.length > MAX_PORTFOLIO_LOANS) throw new FinanceInputError('loans', `at most ${MAX_PORTFOLIO_LOANS} loans`);
  for (let i = 0; i < loans.length; i++) {
    const l = loans[i];
    const p = `loans.${i}.`;
    if (typeof l !== 'object' || l === null) throw new FinanceInputError(`loans.${i}`, 'must be an object');
    const pos = (v: unknown, f: string) => {
      if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new FinanceInputError(p + f, `must be a positive finite number, got ${String(v)}`);
    };
    pos(l.loan_amount, 'loan_amount');
    pos(l.property_value, 'property_value');
    if (typeof l.ltv !== 'number' || !(l.ltv > 0 && l.ltv <= 1)) throw new FinanceInputError(p + 'ltv', `must be in (0, 1], got ${String(l.ltv)}`);
    if (!ZONES.includes(l.zone)) throw new FinanceInputError(p + 'zone', `must be green, orange or red, got ${String(l.zone)}`);
    if (typeof l.origination_year !== 'number' || !(l.origination_year >= 0 && l.origination_year <= 30)) {
      throw new FinanceInputError(p + 'origination_year', `must be in [0, 30], got ${String(l.origination_year)}`);
    }
    // Latest exit: origination at year 30 (deployment_period_years ≤ 30) + a 30-year hold (loan_term_years ≤ 30).
    if (typeof l.exit_year !== 'number' || !(l.exit_year >= l.origination_year && l.exit_year <= MAX_EXIT_YEAR)) {
      throw new FinanceInputError(p + 'exit_year', `must be in [origination_year, ${MAX_EXIT_YEAR}], got ${String(l.exit_year)}`);
    }
  }
}

/**
 * Expected payoff P(τ) of a loan whose property grows at its zone drift μ
 * (V = V0·e^{μτ}, the GBM mean), no default: `A(1 + rτ) + s(V − V0)` clamped to [0, V],
 * appreciation term floored at 0 under downside protection.
 */
function expectedPayoff(fund: Fund, loan: Loan, mu: number): number {
  const lp = fund.loan_parameters;
  const tau = loan.exit_year - loan.origination_year;
  const v = loan.property_value * Math.exp(mu * tau);
  let app = appreciationShare(fund, loan.ltv) * (v - loan.property_value);
  if (lp.downside_protection && app < 0) app = 0;
  const p = loan.loan_amount * (1 + lp.interest_rate * tau) + app;
  return p < 0 ? 0 : p > v ? v : p;
}

/**
 * Portfolio metrics block. `expected_irr` / `expected_multiple` are GROSS loan figures:
 * every property at its zone drift (`zone_parameters[z].appreciation_rate`, V0·e^{μτ}),
 * no defaults, no fees, no reinvestment; IRR with annual compounding on the fractional
 * year times (advance −A at origination, payoff +P at exit); null when unsolvable or
 * there are no loans. Averages are weighted by advance.
 */
export function portfolioMetrics(fund: Fund, loans: Loan[]): PortfolioMetrics {
  validateFund(fund);
  validateLoans(loans);
  let totalValue = 0;
  let totalAmount = 0;
  let ltvW = 0;
  let muW = 0;
  let totalPayoff = 0;
  const n = loans.length;
  const times = new Float64Array(2 * n);
  const flows = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    const l = loans[i];
    const mu = fund.zone_parameters[l.zone].appreciation_rate;
    const p = expectedPayoff(fund, l, mu);
    totalValue += l.property_value;
    totalAmount += l.loan_amount;
    ltvW += l.loan_amount * l.ltv;
    muW += l.loan_amount * mu;
    totalPayoff += p;
    times[2 * i] = l.origination_year;
    flows[2 * i] = -l.loan_amount;
    times[2 * i + 1] = l.exit_year;
    flows[2 * i + 1] = p;
  }
  if (n === 0) {
    return { total_initial_value: 0, total_loan_amount: 0, average_ltv: 0, weighted_appreciation_rate: 0, expected_irr: null, expected_multiple: 0 };
  }
  const irr = irrOnTimes(times, flows);
  return {
    total_initial_value: totalValue,
    total_loan_amount: totalAmount,
    average_ltv: ltvW / totalAmount,
    weighted_appreciation_rate: muW / totalAmount,
    expected_irr: Number.isFinite(irr) ? irr : null,
    expected_multiple: totalPayoff / totalAmount,
  };
}

/** IRR (annual compounding) of flows at fractional year times: Σ f·(1+r)^{−t} = 0; NaN if no root in (−0.99, 100]. */
export function irrOnTimes(times: Float64Array, flows: Float64Array): number {
  const npv = (r: number) => {
    const lg = Math.log1p(r);
    let s = 0;
    for (let i = 0; i < flows.length; i++) s += flows[i] * Math.exp(-lg * times[i]);
    return s;
  };
  return brentRoot(npv, -0.99, 100, 1e-12);
}

