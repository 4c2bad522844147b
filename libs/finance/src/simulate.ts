import { FinanceInputError } from './errors.js';
import { validateFund } from './fund.js';
import { generatePortfolio, validateLoans } from './portfolio.js';
import { SimulationEngine, STEPS_PER_YEAR } from './simulate-engine.js';
import { finalizeSummary, SummaryAccumulator, unionRanges } from './summary.js';
import type { SimulationSummary } from './summary.js';
import type { Fund, Granularity, Portfolio } from './types.js';

/** Version of the simulation model; part of every summary and of result cache keys. */
export const ENGINE_VERSION = '2.0.0';

/** Largest number of paths of one simulation. */
export const MAX_PATHS = 100_000_000;

export interface SimulateOptions {
  /** Total paths of the simulation (path indices 0…paths−1). */
  paths: number;
  /** Seed (non-negative integer); path i draws only from the stream (seed, i). */
  seed: number;
  granularity: Granularity;
  /** Shard: simulate only paths [start, end) of [0, paths). Default: all. */
  path_range?: [number, number];
  /** Initial portfolio; default `generatePortfolio(fund, { seed })`. */
  portfolio?: Portfolio;
  /** Called about every 1,000 paths and at the end with (paths done, paths in this call). */
  onProgress?: (done: number, total: number) => void;
}

function checkInt(v: unknown, field: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new FinanceInputError(field, `must be an integer in [${min}, ${max}], got ${String(v)}`);
  }
  return v;
}

function checkGranularity(g: unknown): Granularity {
  if (g !== 'monthly' && g !== 'quarterly' && g !== 'yearly') {
    throw new FinanceInputError('granularity', `must be monthly, quarterly or yearly, got ${String(g)}`);
  }
  return g;
}

/** Validates the fund and returns the engine for it (portfolio given or generated from the seed). */
function prepare(fund: Fund, seed: number, granularity: Granularity, portfolio: Portfolio | undefined): { engine: SimulationEngine; portfolio: Portfolio } {
  validateFund(fund);
  let p = portfolio;
  if (p === undefined) p = generatePortfolio(fund, { seed });
  else {
    if (typeof p !== 'object' || p === null) throw new FinanceInputError('portfolio', 'must be an object');
    validateLoans(p.loans);
  }
  return { engine: new SimulationEngine(fund, granularity, p), portfolio: p };
}

/**
 * Monte Carlo simulation of the fund (MODEL.md §3–§8) over paths `path_range` (default
 * all of [0, paths)). Pure and deterministic: the summary depends only on (fund,
 * portfolio, paths range, seed, granularity, ENGINE_VERSION); shards merged with
 * `mergeSummaries` reproduce the single-call result bit for bit. The initial portfolio
 * is fixed across paths; each path draws its own zone index paths, defaults, property
 * noise and reinvestment loans.
 */
export function simulateFund(fund: Fund, options: SimulateOptions): SimulationSummary {
  if (typeof options !== 'object' || options === null) throw new FinanceInputError('options', 'must be an object');
  const paths = checkInt(options.paths, 'paths', 1, MAX_PATHS);
  const seed = checkInt(options.seed, 'seed', 0, Number.MAX_SAFE_INTEGER);
  const granularity = checkGranularity(options.granularity);
  let start = 0;
  let end = paths;
  if (options.path_range !== undefined) {
    if (!Array.isArray(options.path_range) || options.path_range.length !== 2) throw new FinanceInputError('path_range', 'must be [start, end)');
    start = checkInt(options.path_range[0], 'path_range.0', 0, paths);
    end = checkInt(options.path_range[1], 'path_range.1', start, paths);
  }
  const { engine, portfolio } = prepare(fund, seed, granularity, options.portfolio);
  const acc = new SummaryAccumulator(engine.periods, engine.stepsPerYear, fund.size, engine.closeCount);
  const total = end - start;
  const onProgress = options.onProgress;
  for (let i = start; i < end; i++) {
    engine.runPath(seed, i);
    acc.addPath(engine);
    if (onProgress !== undefined && (i - start + 1) % 1000 === 0 && i + 1 < end) onProgress(i - start + 1, total);
  }
  if (onProgress !== undefined) onProgress(total, total);
  return finalizeSummary(acc.toState(), {
    engine_version: ENGINE_VERSION,
    seed,
    path_ranges: unionRanges([[start, end]]),
    granularity,
    steps_per_year: STEPS_PER_YEAR[granularity],
    periods: engine.periods,
    config_hash: configHash(fund, portfolio),
    fund_size: fund.size,
  });
}

/** The ledger of one path (debugging, tests): per-period arrays and totals, dollars. */
export interface PathLedger {
  steps_per_year: number;
  periods: number;
  years: number[];
  /** Capital called from all partners (LP share = 1 − gp_commitment_rate). */
  calls: number[];
  advances: number[];
  proceeds: number[];
  /** Origination fees kept by the fund (recipient "fund"). */
  fund_fee_income: number[];
  management_fees: number[];
  /** Fund expenses and set-up costs paid. */
  expenses: number[];
  distributions: number[];
  lp_distributions: number[];
  gp_distributions: number[];
  /** GP carried interest inside gp_distributions (after any clawback). */
  carry: number[];
  cash: number[];
  nav: number[];
  gp_origination_fees: number;
  /** Management fee offset by GP origination fees (`management_fee_offset_rate`), dollars. */
  management_fee_offsets: number;
  unpaid_fees: number;
  /** Initial loans not originated (commitments exhausted, or dated at/after the term). */
  unfunded_loans: number;
  /** Loans originated per zone (initial and reinvestment), each ending in a default or an exit. */
  zone_loans: number[];
  zone_defaults: number[];
  zone_exits: number[];
  zone_losses: number[];
  conservation_error: number;
  /** Carry paid as distributions happened (before the final true-up), and returned at the end (dollars). */
  carry_paid: number;
  clawback: number;
  /** Net carry of the whole-fund European waterfall on the same fund flows (= Σ carry when european). */
  european_net_carry: number;
  /** Year after which the fund was wound down (every asset realised; no fees afterwards), or null. */
  wound_down_at: number | null;
  /** Later closes (`closes`, in order; empty with one close): year joined, amount, equalisation paid (with interest) and catch-up fee. */
  closes: { year: number; amount: number; equalisation: number; catch_up_fee: number }[];
  /** LP net IRR of each close (index 0 = the first close; empty with one close); null when undefined. */
  lp_irr_by_close: (number | null)[];
  /** Recallable distributions (operations.recallable_cap_rate): recalls (inside `calls`) and recallable principal distributed (inside `distributions`), per period; zeros when off. */
  recalls: number[];
  recallable_distributions: number[];
  /** Subscription line (leverage.subscription_line): balance after each period (0 without one); cost of all leverage (line interest + unused fees + NAV facility interest); line draws. */
  facility_balance: number[];
  facility_cost: number;
  facility_draws: number;
  /** NAV facility (leverage.nav_facility): balance after each period, interest, draws, and the balance written off at the end (0 without one). */
  nav_facility_balance: number[];
  nav_facility_cost: number;
  nav_facility_draws: number;
  nav_facility_shortfall: number;
  /** LP IRR of the same path without the facility (ILPA disclosure); null without a facility. */
  lp_irr_without_facility: number | null;
  /** Annualised IRRs; null when undefined (the summary places unsolvable ones, see MODEL-NOTES). */
  irr: { gross: number | null; fund: number | null; lp: number | null; gp: number | null };
}

/** Runs a single path `path` of the simulation seeded by `seed` and returns its full ledger. */
export function simulatePath(
  fund: Fund,
  options: { seed: number; path: number; granularity: Granularity; portfolio?: Portfolio },
): PathLedger {
  const seed = checkInt(options?.seed, 'seed', 0, Number.MAX_SAFE_INTEGER);
  const path = checkInt(options.path, 'path', 0, MAX_PATHS);
  const granularity = checkGranularity(options.granularity);
  const { engine: e } = prepare(fund, seed, granularity, options.portfolio);
  e.runPath(seed, path);
  const arr = (a: Float64Array) => Array.from(a);
  const nn = (x: number) => (Number.isFinite(x) ? x : null);
  const years: number[] = [];
  for (let k = 0; k <= e.periods; k++) years.push(k / e.stepsPerYear);
  return {
    steps_per_year: e.stepsPerYear,
    periods: e.periods,
    years,
    calls: arr(e.calls),
    advances: arr(e.advances),
    proceeds: arr(e.proceeds),
    fund_fee_income: arr(e.fundFeeIncome),
    management_fees: arr(e.managementFees),
    expenses: arr(e.expenses),
    distributions: arr(e.distributions),
    lp_distributions: arr(e.lpDistributions),
    gp_distributions: arr(e.gpDistributions),
    carry: arr(e.carry),
    cash: arr(e.cash),
    nav: arr(e.nav),
    gp_origination_fees: e.gpOriginationFees,
    management_fee_offsets: e.feeOffsets,
    unpaid_fees: e.feesPayable,
    unfunded_loans: e.unfundedLoans,
    zone_loans: arr(e.zoneLoans),
    zone_defaults: arr(e.zoneDefaults),
    zone_exits: arr(e.zoneExits),
    zone_losses: arr(e.zoneLosses),
    conservation_error: e.conservationError,
    carry_paid: e.carryPaid,
    clawback: e.clawback,
    european_net_carry: e.europeanCarryPaid - e.europeanClawback,
    wound_down_at: e.windDownPeriod >= 0 ? e.windDownPeriod / e.stepsPerYear : null,
    facility_balance: arr(e.lineBalance),
    facility_cost: e.facilityCost,
    facility_draws: e.facilityDraws,
    closes: (fund.closes ?? []).map((c, i) => ({
      year: e.closeYear(i),
      amount: c.amount,
      equalisation: e.closeEqualisation[i],
      catch_up_fee: e.closeCatchUpFee(i),
    })),
    lp_irr_by_close: Array.from(e.closeIrr, nn),
    recalls: e.recalls.length > 0 ? arr(e.recalls) : new Array<number>(e.periods + 1).fill(0),
    recallable_distributions: e.recallableDistributions.length > 0 ? arr(e.recallableDistributions) : new Array<number>(e.periods + 1).fill(0),
    nav_facility_balance: arr(e.navBalance),
    nav_facility_cost: e.navCost,
    nav_facility_draws: e.navDraws,
    nav_facility_shortfall: e.navShortfall,
    lp_irr_without_facility: e.hasFacility ? nn(e.lpIrrWithoutFacility) : null,
    irr: { gross: nn(e.grossIrr), fund: nn(e.fundIrr), lp: nn(e.lpIrr), gp: nn(e.gpIrr) },
  };
}

/** FNV-1a (two 32-bit lanes) of the canonical JSON (sorted keys) of fund and portfolio loans. */
export function configHash(fund: Fund, portfolio: Portfolio): string {
  const { id: _id, version: _v, created_at: _c, updated_at: _u, ...params } = fund;
  const text = canonical({ fund: params, loans: portfolio.loans });
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x01000193 + 0x100);
  }
  return (h1 >>> 0).toString(16).padStart(8, '0') + (h2 >>> 0).toString(16).padStart(8, '0');
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}
