import { FinanceError, FinanceInputError } from './errors.js';
import type { SimulationEngine } from './simulate-engine.js';
import type { BandState, ScalarState } from './summary-state.js';
import {
  BandAccumulator,
  ExactSum,
  exactMoments,
  histLowerTailMean,
  histPercentile,
  mergeBand,
  mergeScalar,
  ScalarAccumulator,
} from './summary-state.js';
import type { ExactSumState } from './summary-state.js';
import type { Granularity, Zone } from './types.js';

/**
 * Distribution of a per-path metric over paths. `count` = paths with a defined value,
 * `missing` = undefined ones. When no path has a value (`count` 0) every statistic is
 * `null` ("no value"), never 0; the level's counts say why (`no_contributions`).
 */
export interface MetricDistribution {
  mean: number | null;
  sd: number | null;
  count: number;
  missing: number;
  min: number | null;
  max: number | null;
  p1: number | null;
  p5: number | null;
  p10: number | null;
  p25: number | null;
  p50: number | null;
  p75: number | null;
  p90: number | null;
  p95: number | null;
  p99: number | null;
}

/**
 * IRRs that no rate solves although the level paid in (see MODEL-NOTES "IRR placement"):
 * they are never dropped; a losing path (TVPI < 1) is placed at −100% (`placed_low`), a
 * winning one at the histogram cap +300% (`placed_high`), so percentiles, VaR and CVaR are
 * over every path that paid in.
 */
export interface IrrUnsolvable {
  count: number;
  placed_low: number;
  placed_high: number;
}

/**
 * Metrics of one economic level. IRRs are annual decimals; multiples are ratios;
 * `payback_years` is years from the first close to the first period where cumulative
 * net flow (distributions − contributions) is ≥ 0. `var95` is the 5th percentile of the
 * metric (the level not beaten on 95% of paths), `cvar95` the mean of the worst 5%.
 */
export interface LevelSummary {
  irr: MetricDistribution;
  tvpi: MetricDistribution;
  dpi: MetricDistribution;
  moic: MetricDistribution;
  payback_years: MetricDistribution;
  /** Share of paths with TVPI < 1. */
  probability_of_loss: number;
  var95: { irr: number | null; tvpi: number | null };
  cvar95: { irr: number | null; tvpi: number | null };
  /** Paths whose IRR has no root but were placed by the documented rule (counted in `irr.count`). */
  irr_unsolvable: IrrUnsolvable;
  /** Paths on which this level paid nothing in: IRR, TVPI, DPI and payback are undefined (`missing`). */
  no_contributions: number;
}

/**
 * Carried interest and its timing (means per path, dollars; years from the first close).
 * `carry_paid` is paid as distributions happen (before the final true-up), `clawback`
 * returned at the end, `net_carry = carry_paid − clawback`; `mean_payment_year` the
 * carry-weighted mean year of `carry_paid` (null without carry). `european` is the same for
 * the whole-fund European waterfall on the same fund flows (identical when the fund is
 * European); `timing_difference_years` = this structure's mean payment year − European.
 */
export interface CarryTiming {
  structure: 'european' | 'american';
  carry_paid: number;
  clawback: number;
  net_carry: number;
  mean_payment_year: number | null;
  european: { carry_paid: number; clawback: number; net_carry: number; mean_payment_year: number | null };
  timing_difference_years: number | null;
}

/** Per-period percentile bands (fan chart); arrays are indexed like `years`. */
export interface Band {
  p5: number[];
  p25: number[];
  p50: number[];
  p75: number[];
  p95: number[];
}

export interface ZoneSummary {
  /** Mean per path. */
  loans: number;
  defaults: number;
  exits: number;
  /** Mean dollars lost per path (advance − proceeds on loans that returned less than their advance). */
  losses: number;
  /** Share of resolved loans that defaulted, over all paths. */
  default_rate: number;
}

export const LEVELS = ['gross', 'fund', 'lp', 'gp'] as const;
export type Level = (typeof LEVELS)[number];
/** Accumulated per level; `moic` is reported from the `tvpi` state (identical values, see MODEL-NOTES). */
const LEVEL_METRICS = ['irr', 'tvpi', 'dpi', 'payback_years'] as const;
const ZONE_KEYS: Zone[] = ['green', 'orange', 'red'];

/** The mergeable state: everything else in a summary is derived from it. */
export interface SummaryState {
  scalars: Record<string, ScalarState>;
  /** Exact integer counters (path counts, loan counts). */
  counters: Record<string, number>;
  /** Exact dollar sums (means per path). */
  sums: Record<string, ExactSumState>;
  bands: { nav: BandState; lp_distributions: BandState; dpi: BandState; tvpi: BandState };
  /** Largest relative conservation error seen on any path. */
  conservation_max_error: number;
}

/**
 * Result of a simulation (or of merged shards). Plain JSON. Levels: `gross` (loans:
 * advances out, proceeds in), `fund` (net of fees, all partners, before carry), `lp`
 * (investors, after fees and carry), `gp` (GP commitment plus carry; fees apart in
 * `gp_economics`).
 */
export interface SimulationSummary {
  engine_version: string;
  seed: number;
  /** Number of paths summarised. */
  paths: number;
  /** Covered path index ranges [start, end), sorted and coalesced. */
  path_ranges: [number, number][];
  granularity: Granularity;
  steps_per_year: number;
  periods: number;
  /** Fingerprint of (fund, portfolio): shards of different inputs cannot be merged. */
  config_hash: string;
  /** Fund size (dollars); NAV and distribution bands are stored as multiples of it. */
  fund_size: number;
  gross: LevelSummary;
  fund: LevelSummary;
  lp: LevelSummary;
  gp: LevelSummary;
  /** Max drawdown of total value (NAV + cumulative distributions) from its running peak, fraction. */
  max_drawdown: MetricDistribution;
  /** Mean per path, dollars. */
  gp_economics: { management_fees: number; origination_fees: number; carried_interest: number; management_fee_offsets: number };
  carry_timing: CarryTiming;
  /** Paths wound down before the term (every asset realised: fees and expenses stopped). */
  wound_down_paths: number;
  /**
   * Leverage (ILPA disclosure), null without a subscription line or NAV facility: LP net IRR
   * with the facilities (= `lp.irr`) and without them (the same paths and market draws,
   * leverage off), the mean cost of all leverage per path (line interest + unused fees + NAV
   * interest), and of the NAV facility alone: mean interest and draws per path, and the
   * paths on which its balance was not repaid in full (written off at the end).
   */
  facility: {
    paths: number;
    lp_irr_with: MetricDistribution;
    lp_irr_without: MetricDistribution;
    cost: number;
    nav_cost: number;
    nav_draws: number;
    nav_shortfall_paths: number;
  } | null;
  /**
   * Multiple closes (`closes`), null with one close: the LP net IRR of each close (index 0 =
   * the first close; an unsolvable IRR placed as for the levels), and the mean equalisation
   * (with interest) and catch-up fee paid by each later close, dollars per path.
   */
  closes: { lp_irr_by_close: MetricDistribution[]; equalisation: number[]; catch_up_fees: number[] } | null;
  /**
   * Recallable distributions (`operations.recallable_cap_rate`), null when off: mean per
   * path of the principal distributed as recallable and of what was recalled, dollars.
   */
  recallable: { paths: number; distributed: number; recalled: number } | null;
  bands: { years: number[]; nav: Band; lp_distributions: Band; dpi: Band; tvpi: Band };
  zones: Record<Zone, ZoneSummary>;
  /** Mean number of initial loans per path not originated (commitments exhausted, or dated at/after the term). */
  unfunded_loans: number;
  conservation_max_error: number;
  state: SummaryState;
}

/** Counter layout: paths, unfunded loans, loss count per level, then (loans, defaults, exits) per zone. */
const COUNTER_NAMES = [
  'paths',
  'unfunded_loans',
  ...LEVELS.map((l) => `${l}.loss`),
  ...ZONE_KEYS.flatMap((z) => [`zone.${z}.loans`, `zone.${z}.defaults`, `zone.${z}.exits`]),
  ...LEVELS.flatMap((l) => [`${l}.irr_placed_low`, `${l}.irr_placed_high`, `${l}.no_contributions`]),
  'wound_down',
  'american',
  'facility_paths',
  'facility.nav_shortfall',
  'recallable_paths',
];
const C_PATHS = 0;
const C_UNFUNDED = 1;
const C_LOSS = 2;
const C_ZONE = 2 + LEVELS.length;
const C_IRR = C_ZONE + 3 * ZONE_KEYS.length;
const C_WOUND = C_IRR + 3 * LEVELS.length;
const C_AMERICAN = C_WOUND + 1;
const C_FACILITY = C_AMERICAN + 1;
const C_NAV_SHORTFALL = C_FACILITY + 1;
const C_RECALLABLE = C_NAV_SHORTFALL + 1;
/** Where an unsolvable IRR of a paying-in level is placed: −100% (loss) or the histogram cap. */
const IRR_PLACED_LOW = -1;
const IRR_PLACED_HIGH = 3;

const RATIO_SCALE = 2 ** 24;
const DOLLAR_SCALE = 2 ** 4;
const BAND_BINS = 500;
/** Band bin widths: NAV 0.5% of fund size, LP distributions / DPI / TVPI 0.01. */
const BAND_NAV_INV_WIDTH = 200;
const BAND_MULT_INV_WIDTH = 100;

/** Counts value x (≥ 0 scale, lo = 0) into period k of a band histogram, clamped to the edge bins. */
function bandAdd(counts: Int32Array, k: number, x: number, invWidth: number): void {
  let b = Math.floor(x * invWidth);
  if (!(b >= 0)) b = 0;
  else if (b >= BAND_BINS) b = BAND_BINS - 1;
  counts[k * BAND_BINS + b]++;
}

function scalarFor(metric: (typeof LEVEL_METRICS)[number] | 'drawdown', stepsPerYear: number, periods: number): ScalarAccumulator {
  switch (metric) {
    case 'irr':
      return new ScalarAccumulator(-1, 1e-4, 40_000, RATIO_SCALE);
    case 'payback_years':
      return new ScalarAccumulator(-0.5 / stepsPerYear, 1 / stepsPerYear, periods + 1, RATIO_SCALE);
    case 'drawdown':
      return new ScalarAccumulator(0, 5e-4, 2_001, RATIO_SCALE);
    default:
      return new ScalarAccumulator(0, 1e-3, 10_000, RATIO_SCALE);
  }
}

/** Streams per-path results of a {@link SimulationEngine} into the mergeable state. */
export class SummaryAccumulator {
  private readonly scalars = new Map<string, ScalarAccumulator>();
  private readonly levelAcc: ScalarAccumulator[][] = [];
  private readonly drawdown: ScalarAccumulator;
  /** Exact integer counters, named by COUNTER_NAMES. */
  private readonly counterValues = new Float64Array(COUNTER_NAMES.length);
  private readonly sums = new Map<string, ExactSum>();
  private readonly bandNav: BandAccumulator;
  private readonly bandLp: BandAccumulator;
  private readonly bandDpi: BandAccumulator;
  private readonly bandTvpi: BandAccumulator;
  private conservationMax = 0;
  /** Per-path scratch of addPath: paid-in, distributed and payback of the four levels. */
  private readonly levelScratch = new Float64Array(12);
  private readonly mgmtSum = new ExactSum(DOLLAR_SCALE);
  private readonly origSum = new ExactSum(DOLLAR_SCALE);
  private readonly carrySum = new ExactSum(DOLLAR_SCALE);
  private readonly lossSums = [new ExactSum(DOLLAR_SCALE), new ExactSum(DOLLAR_SCALE), new ExactSum(DOLLAR_SCALE)];
  private readonly offsetSum = new ExactSum(DOLLAR_SCALE);
  private readonly facilityCost = new ExactSum(DOLLAR_SCALE);
  private readonly navCost = new ExactSum(DOLLAR_SCALE);
  private readonly navDraws = new ExactSum(DOLLAR_SCALE);
  private readonly recallDistributed = new ExactSum(DOLLAR_SCALE);
  private readonly recallRecalled = new ExactSum(DOLLAR_SCALE);
  private readonly lpIrrWithout: ScalarAccumulator;
  private readonly carryPaid = new ExactSum(DOLLAR_SCALE);
  private readonly carryYears = new ExactSum(DOLLAR_SCALE);
  private readonly clawback = new ExactSum(DOLLAR_SCALE);
  private readonly euCarryPaid = new ExactSum(DOLLAR_SCALE);
  private readonly euCarryYears = new ExactSum(DOLLAR_SCALE);
  private readonly euClawback = new ExactSum(DOLLAR_SCALE);

  private readonly closeIrr: ScalarAccumulator[] = [];
  private readonly closeEq: ExactSum[] = [];
  private readonly closeFees: ExactSum[] = [];

  constructor(
    private readonly periods: number,
    private readonly stepsPerYear: number,
    private readonly size: number,
    closes = 0,
  ) {
    if (closes > 0) {
      for (let c = 0; c <= closes; c++) {
        const acc = scalarFor('irr', stepsPerYear, periods);
        this.closeIrr.push(acc);
        this.scalars.set(`closes.lp_irr.${c}`, acc);
      }
      for (let i = 0; i < closes; i++) {
        const eq = new ExactSum(DOLLAR_SCALE);
        const fee = new ExactSum(DOLLAR_SCALE);
        this.closeEq.push(eq);
        this.closeFees.push(fee);
        this.sums.set(`closes.equalisation.${i}`, eq);
        this.sums.set(`closes.catch_up_fee.${i}`, fee);
      }
    }
    for (const level of LEVELS) {
      const row: ScalarAccumulator[] = [];
      for (const m of LEVEL_METRICS) {
        const acc = scalarFor(m, stepsPerYear, periods);
        this.scalars.set(`${level}.${m}`, acc);
        row.push(acc);
      }
      this.levelAcc.push(row);
    }
    this.drawdown = scalarFor('drawdown', stepsPerYear, periods);
    this.scalars.set('max_drawdown', this.drawdown);
    this.lpIrrWithout = scalarFor('irr', stepsPerYear, periods);
    this.scalars.set('lp.irr_without_facility', this.lpIrrWithout);
    this.sums.set('gp.management_fees', this.mgmtSum);
    this.sums.set('gp.origination_fees', this.origSum);
    this.sums.set('gp.carried_interest', this.carrySum);
    ZONE_KEYS.forEach((z, i) => this.sums.set(`zone.${z}.losses`, this.lossSums[i]));
    this.sums.set('gp.management_fee_offsets', this.offsetSum);
    this.sums.set('facility.cost', this.facilityCost);
    this.sums.set('facility.nav_cost', this.navCost);
    this.sums.set('facility.nav_draws', this.navDraws);
    this.sums.set('recallable.distributed', this.recallDistributed);
    this.sums.set('recallable.recalled', this.recallRecalled);
    this.sums.set('carry.paid', this.carryPaid);
    this.sums.set('carry.paid_years', this.carryYears);
    this.sums.set('carry.clawback', this.clawback);
    this.sums.set('carry.european_paid', this.euCarryPaid);
    this.sums.set('carry.european_paid_years', this.euCarryYears);
    this.sums.set('carry.european_clawback', this.euClawback);
    const P = periods + 1;
    this.bandNav = new BandAccumulator(P, 0, 1 / BAND_NAV_INV_WIDTH, BAND_BINS);
    this.bandLp = new BandAccumulator(P, 0, 1 / BAND_MULT_INV_WIDTH, BAND_BINS);
    this.bandDpi = new BandAccumulator(P, 0, 1 / BAND_MULT_INV_WIDTH, BAND_BINS);
    this.bandTvpi = new BandAccumulator(P, 0, 1 / BAND_MULT_INV_WIDTH, BAND_BINS);
  }

  /** Adds the path last run by `engine`. */
  addPath(e: SimulationEngine): void {
    const n = this.periods;
    const S = this.stepsPerYear;
    const g = e.fund.fee_structure.gp_commitment_rate;
    const endCash = e.cash[n];
    const cv = this.counterValues;
    cv[C_PATHS]++;
    // Per level: paid-in, distributed and payback from the per-period vectors (one pass
    // over the periods for the four levels; each sum accumulates in period order).
    const lvl = this.levelScratch;
    {
      const adv = e.advances;
      const calls = e.calls;
      const proceeds = e.proceeds;
      const dists = e.distributions;
      const lpDists = e.lpDistributions;
      const gpDists = e.gpDistributions;
      const s2 = 1 - g;
      let p0 = 0, p1 = 0, p2 = 0, p3 = 0;
      let d0 = 0, d1 = 0, d2 = 0, d3 = 0;
      let b0 = Number.NaN, b1 = Number.NaN, b2 = Number.NaN, b3 = Number.NaN;
      for (let k = 0; k <= n; k++) {
        const c = calls[k];
        p0 += 1 * adv[k];
        d0 += proceeds[k];
        p1 += 1 * c;
        d1 += dists[k];
        p2 += s2 * c;
        d2 += lpDists[k];
        p3 += g * c;
        d3 += gpDists[k];
        if (b0 !== b0 && p0 > 0 && d0 >= p0) b0 = k / S;
        if (b1 !== b1 && p1 > 0 && d1 >= p1) b1 = k / S;
        if (b2 !== b2 && p2 > 0 && d2 >= p2) b2 = k / S;
        if (b3 !== b3 && p3 > 0 && d3 >= p3) b3 = k / S;
      }
      lvl[0] = p0; lvl[1] = p1; lvl[2] = p2; lvl[3] = p3;
      lvl[4] = d0; lvl[5] = d1; lvl[6] = d2; lvl[7] = d3;
      lvl[8] = b0; lvl[9] = b1; lvl[10] = b2; lvl[11] = b3;
    }
    for (let l = 0; l < 4; l++) {
      const share = l < 2 ? 1 : l === 2 ? 1 - g : g;
      const navEnd = l === 0 ? 0 : share * endCash;
      const paidIn = lvl[l];
      const distributed = lvl[4 + l];
      const payback = lvl[8 + l];
      let irr = l === 0 ? e.grossIrr : l === 1 ? e.fundIrr : l === 2 ? e.lpIrr : e.gpIrr;
      const row = this.levelAcc[l];
      if (paidIn > 0 && irr !== irr) {
        // No root although the level paid in: never dropped (MODEL-NOTES "IRR placement").
        const winning = distributed + navEnd > paidIn;
        irr = winning ? IRR_PLACED_HIGH : IRR_PLACED_LOW;
        cv[C_IRR + 3 * l + (winning ? 1 : 0)]++;
      } else if (!(paidIn > 0)) {
        irr = Number.NaN;
        cv[C_IRR + 3 * l + 2]++;
      }
      row[0].add(irr);
      if (paidIn > 0) {
        const tvpi = (distributed + navEnd) / paidIn;
        row[1].add(tvpi);
        row[2].add(distributed / paidIn);
        row[3].add(payback);
        if (tvpi < 1) cv[C_LOSS + l]++;
      } else {
        row[1].add(Number.NaN);
        row[2].add(Number.NaN);
        row[3].add(Number.NaN);
      }
    }
    // Bands and drawdown.
    const lpShare = 1 - g;
    let cumCalls = 0;
    let cumLp = 0;
    let cumDist = 0;
    let peak = 0;
    let maxDd = 0;
    const invSize = 1 / this.size;
    let mgmt = 0;
    let carry = 0;
    for (let k = 0; k <= n; k++) {
      mgmt += e.managementFees[k];
      carry += e.carry[k];
      cumCalls += lpShare * e.calls[k];
      cumLp += e.lpDistributions[k];
      cumDist += e.distributions[k];
      const nav = e.nav[k];
      const invCalls = cumCalls > 0 ? 1 / cumCalls : 0;
      bandAdd(this.bandNav.counts, k, nav * invSize, BAND_NAV_INV_WIDTH);
      bandAdd(this.bandLp.counts, k, cumLp * invSize, BAND_MULT_INV_WIDTH);
      bandAdd(this.bandDpi.counts, k, cumLp * invCalls, BAND_MULT_INV_WIDTH);
      bandAdd(this.bandTvpi.counts, k, (cumLp + lpShare * nav) * invCalls, BAND_MULT_INV_WIDTH);
      const tv = nav + cumDist;
      if (tv > peak) peak = tv;
      else if (peak > 0) {
        const dd = (peak - tv) / peak;
        if (dd > maxDd) maxDd = dd;
      }
    }
    this.drawdown.add(maxDd);
    for (let z = 0; z < 3; z++) {
      cv[C_ZONE + 3 * z] += e.zoneLoans[z];
      cv[C_ZONE + 3 * z + 1] += e.zoneDefaults[z];
      cv[C_ZONE + 3 * z + 2] += e.zoneExits[z];
      this.lossSums[z].add(e.zoneLosses[z]);
    }
    this.mgmtSum.add(mgmt);
    this.carrySum.add(carry);
    this.origSum.add(e.gpOriginationFees);
    this.offsetSum.add(e.feeOffsets);
    if (e.hasFacility) {
      cv[C_FACILITY]++;
      this.lpIrrWithout.add(e.lpIrrWithoutFacility);
      this.facilityCost.add(e.facilityCost);
      this.navCost.add(e.navCost);
      this.navDraws.add(e.navDraws);
      if (e.navShortfall > 0) cv[C_NAV_SHORTFALL]++;
    }
    for (let c = 0; c < this.closeIrr.length; c++) {
      const irr = e.closeIrr[c];
      this.closeIrr[c].add(irr === irr ? irr : e.closeFlowSum[c] > 0 ? IRR_PLACED_HIGH : IRR_PLACED_LOW);
    }
    for (let i = 0; i < this.closeEq.length; i++) {
      this.closeEq[i].add(e.closeEqualisation[i]);
      this.closeFees[i].add(e.closeCatchUpFee(i));
    }
    if (e.recalls.length > 0) {
      cv[C_RECALLABLE]++;
      let rd = 0;
      let rr = 0;
      for (let k = 0; k <= n; k++) {
        rd += e.recallableDistributions[k];
        rr += e.recalls[k];
      }
      this.recallDistributed.add(rd);
      this.recallRecalled.add(rr);
    }
    this.carryPaid.add(e.carryPaid);
    this.carryYears.add(e.carryPaidYears);
    this.clawback.add(e.clawback);
    this.euCarryPaid.add(e.europeanCarryPaid);
    this.euCarryYears.add(e.europeanCarryPaidYears);
    this.euClawback.add(e.europeanClawback);
    if (e.windDownPeriod >= 0) cv[C_WOUND]++;
    if (e.fund.fee_structure.waterfall_structure === 'american') cv[C_AMERICAN]++;
    cv[C_UNFUNDED] += e.unfundedLoans;
    if (e.conservationError > this.conservationMax) this.conservationMax = e.conservationError;
  }

  toState(): SummaryState {
    const scalars: Record<string, ScalarState> = {};
    for (const [k, v] of this.scalars) scalars[k] = v.toState();
    const sums: Record<string, ExactSumState> = {};
    for (const [k, v] of this.sums) sums[k] = v.toState();
    return {
      scalars,
      counters: Object.fromEntries(COUNTER_NAMES.map((name, i) => [name, this.counterValues[i]])),
      sums,
      bands: { nav: this.bandNav.toState(), lp_distributions: this.bandLp.toState(), dpi: this.bandDpi.toState(), tvpi: this.bandTvpi.toState() },
      conservation_max_error: this.conservationMax,
    };
  }
}

const PCTS = [
  ['p1', 0.01],
  ['p5', 0.05],
  ['p10', 0.1],
  ['p25', 0.25],
  ['p50', 0.5],
  ['p75', 0.75],
  ['p90', 0.9],
  ['p95', 0.95],
  ['p99', 0.99],
] as const;

function closesSummary(state: SummaryState, paths: number): SimulationSummary['closes'] {
  const irrs: MetricDistribution[] = [];
  for (let c = 0; state.scalars[`closes.lp_irr.${c}`] !== undefined; c++) irrs.push(distribution(state.scalars[`closes.lp_irr.${c}`]));
  if (irrs.length === 0) return null;
  const mean = (key: string) => (paths > 0 ? exactMoments(state.sums[key], paths).mean : 0);
  const later = irrs.length - 1;
  return {
    lp_irr_by_close: irrs,
    equalisation: Array.from({ length: later }, (_, i) => mean(`closes.equalisation.${i}`)),
    catch_up_fees: Array.from({ length: later }, (_, i) => mean(`closes.catch_up_fee.${i}`)),
  };
}

function distribution(s: ScalarState): MetricDistribution {
  const out = { mean: null, sd: null, count: s.count, missing: s.missing, min: null, max: null } as MetricDistribution;
  if (s.count === 0 || s.min === null || s.max === null) {
    for (const [name] of PCTS) out[name] = null;
    return out;
  }
  const { mean, sd } = exactMoments(s.sums, s.count);
  out.mean = mean;
  out.sd = sd;
  out.min = s.min;
  out.max = s.max;
  for (const [name, p] of PCTS) out[name] = histPercentile(s.hist, s.count, p, s.min, s.max);
  return out;
}

function tailMean(s: ScalarState): number | null {
  if (s.count === 0 || s.min === null || s.max === null) return null;
  return histLowerTailMean(s.hist, s.count, 0.05, s.min, s.max);
}

function band(b: BandState, scale: number, n: number): Band {
  const out: Band = { p5: [], p25: [], p50: [], p75: [], p95: [] };
  const hi = b.lo + b.width * b.bins;
  for (const p of b.periods) {
    const h = { lo: b.lo, width: b.width, offset: p.offset, counts: p.counts };
    out.p5.push(histPercentile(h, n, 0.05, b.lo, hi) * scale);
    out.p25.push(histPercentile(h, n, 0.25, b.lo, hi) * scale);
    out.p50.push(histPercentile(h, n, 0.5, b.lo, hi) * scale);
    out.p75.push(histPercentile(h, n, 0.75, b.lo, hi) * scale);
    out.p95.push(histPercentile(h, n, 0.95, b.lo, hi) * scale);
  }
  return out;
}

export interface SummaryMeta {
  engine_version: string;
  seed: number;
  path_ranges: [number, number][];
  granularity: Granularity;
  steps_per_year: number;
  periods: number;
  config_hash: string;
  fund_size: number;
}

/** Derives every reported figure from the mergeable state (deterministic). */
export function finalizeSummary(state: SummaryState, meta: SummaryMeta): SimulationSummary {
  const paths = state.counters.paths;
  const perPath = (s: ExactSumState) => exactMoments(s, paths).mean;
  const level = (l: Level): LevelSummary => {
    const sc = (m: string) => state.scalars[`${l}.${m}`];
    const irr = distribution(sc('irr'));
    const tvpi = distribution(sc('tvpi'));
    return {
      irr,
      tvpi,
      dpi: distribution(sc('dpi')),
      moic: tvpi,
      payback_years: distribution(sc('payback_years')),
      probability_of_loss: paths > 0 ? state.counters[`${l}.loss`] / paths : 0,
      var95: { irr: irr.p5, tvpi: tvpi.p5 },
      cvar95: { irr: tailMean(sc('irr')), tvpi: tailMean(sc('tvpi')) },
      irr_unsolvable: {
        count: state.counters[`${l}.irr_placed_low`] + state.counters[`${l}.irr_placed_high`],
        placed_low: state.counters[`${l}.irr_placed_low`],
        placed_high: state.counters[`${l}.irr_placed_high`],
      },
      no_contributions: state.counters[`${l}.no_contributions`],
    };
  };
  const total = (key: string) => Number(BigInt(state.sums[key].sum)) / state.sums[key].scale;
  const meanYear = (paid: string, years: string): number | null => {
    const p = total(paid);
    return p > 0 ? total(years) / p : null;
  };
  const carryPaid = perPath(state.sums['carry.paid']);
  const clawback = perPath(state.sums['carry.clawback']);
  const euPaid = perPath(state.sums['carry.european_paid']);
  const euClawback = perPath(state.sums['carry.european_clawback']);
  const year = meanYear('carry.paid', 'carry.paid_years');
  const euYear = meanYear('carry.european_paid', 'carry.european_paid_years');
  const zones = {} as Record<Zone, ZoneSummary>;
  for (const z of ZONE_KEYS) {
    const loans = state.counters[`zone.${z}.loans`];
    const defaults = state.counters[`zone.${z}.defaults`];
    zones[z] = {
      loans: paths > 0 ? loans / paths : 0,
      defaults: paths > 0 ? defaults / paths : 0,
      exits: paths > 0 ? state.counters[`zone.${z}.exits`] / paths : 0,
      losses: perPath(state.sums[`zone.${z}.losses`]),
      default_rate: loans > 0 ? defaults / loans : 0,
    };
  }
  const years: number[] = [];
  for (let k = 0; k <= meta.periods; k++) years.push(k / meta.steps_per_year);
  return {
    engine_version: meta.engine_version,
    seed: meta.seed,
    paths,
    path_ranges: meta.path_ranges,
    granularity: meta.granularity,
    steps_per_year: meta.steps_per_year,
    periods: meta.periods,
    config_hash: meta.config_hash,
    fund_size: meta.fund_size,
    gross: level('gross'),
    fund: level('fund'),
    lp: level('lp'),
    gp: level('gp'),
    max_drawdown: distribution(state.scalars.max_drawdown),
    gp_economics: {
      management_fees: perPath(state.sums['gp.management_fees']),
      origination_fees: perPath(state.sums['gp.origination_fees']),
      carried_interest: perPath(state.sums['gp.carried_interest']),
      management_fee_offsets: perPath(state.sums['gp.management_fee_offsets']),
    },
    carry_timing: {
      structure: state.counters.american > 0 ? 'american' : 'european',
      carry_paid: carryPaid,
      clawback,
      net_carry: carryPaid - clawback,
      mean_payment_year: year,
      european: { carry_paid: euPaid, clawback: euClawback, net_carry: euPaid - euClawback, mean_payment_year: euYear },
      timing_difference_years: year !== null && euYear !== null ? year - euYear : null,
    },
    wound_down_paths: state.counters.wound_down,
    facility:
      state.counters.facility_paths > 0
        ? {
            paths: state.counters.facility_paths,
            lp_irr_with: distribution(state.scalars['lp.irr']),
            lp_irr_without: distribution(state.scalars['lp.irr_without_facility']),
            cost: exactMoments(state.sums['facility.cost'], state.counters.facility_paths).mean,
            nav_cost: exactMoments(state.sums['facility.nav_cost'], state.counters.facility_paths).mean,
            nav_draws: exactMoments(state.sums['facility.nav_draws'], state.counters.facility_paths).mean,
            nav_shortfall_paths: state.counters['facility.nav_shortfall'],
          }
        : null,
    closes: closesSummary(state, paths),
    recallable:
      state.counters.recallable_paths > 0
        ? {
            paths: state.counters.recallable_paths,
            distributed: exactMoments(state.sums['recallable.distributed'], state.counters.recallable_paths).mean,
            recalled: exactMoments(state.sums['recallable.recalled'], state.counters.recallable_paths).mean,
          }
        : null,
    bands: {
      years,
      nav: band(state.bands.nav, meta.fund_size, paths),
      lp_distributions: band(state.bands.lp_distributions, meta.fund_size, paths),
      dpi: band(state.bands.dpi, 1, paths),
      tvpi: band(state.bands.tvpi, 1, paths),
    },
    zones,
    unfunded_loans: paths > 0 ? state.counters.unfunded_loans / paths : 0,
    conservation_max_error: state.conservation_max_error,
    state,
  };
}

/** Sorted, coalesced union of path ranges; throws on overlap. */
export function unionRanges(ranges: [number, number][]): [number, number][] {
  const sorted = ranges.filter((r) => r[1] > r[0]).map((r) => [r[0], r[1]] as [number, number]).sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && r[0] < last[1]) throw new FinanceError(`overlapping path ranges [${last[0]}, ${last[1]}) and [${r[0]}, ${r[1]})`, 'SUMMARY_OVERLAP');
    if (last !== undefined && r[0] === last[1]) last[1] = r[1];
    else out.push(r);
  }
  return out;
}

/**
 * Merges shard summaries of ONE simulation (same engine version, seed, granularity and
 * inputs; disjoint path ranges) into the summary of their union. Exact: merging any
 * split of [0, N) gives the same JSON as simulating [0, N) in one call.
 */
export function mergeSummaries(parts: SimulationSummary[]): SimulationSummary {
  if (!Array.isArray(parts) || parts.length === 0) throw new FinanceError('mergeSummaries needs at least one summary', 'SUMMARY_EMPTY');
  parts.forEach((p, i) => {
    if (typeof p !== 'object' || p === null || typeof p.state !== 'object' || p.state === null || !Array.isArray(p.path_ranges)) {
      throw new FinanceInputError(`parts.${i}`, 'must be a SimulationSummary (with its state)');
    }
  });
  const first = parts[0];
  for (const p of parts) {
    if (p.engine_version !== first.engine_version || p.seed !== first.seed || p.granularity !== first.granularity || p.periods !== first.periods || p.config_hash !== first.config_hash || p.fund_size !== first.fund_size) {
      throw new FinanceError('summaries come from different simulations (engine version, seed, granularity or inputs differ)', 'SUMMARY_MISMATCH');
    }
  }
  let state = first.state;
  for (let i = 1; i < parts.length; i++) state = mergeStates(state, parts[i].state);
  return finalizeSummary(state, {
    engine_version: first.engine_version,
    seed: first.seed,
    path_ranges: unionRanges(parts.flatMap((p) => p.path_ranges)),
    granularity: first.granularity,
    steps_per_year: first.steps_per_year,
    periods: first.periods,
    config_hash: first.config_hash,
    fund_size: first.fund_size,
  });
}

function mergeStates(a: SummaryState, b: SummaryState): SummaryState {
  const scalars: Record<string, ScalarState> = {};
  for (const k of Object.keys(a.scalars)) scalars[k] = mergeScalar(a.scalars[k], b.scalars[k]);
  const counters: Record<string, number> = {};
  for (const k of Object.keys(a.counters)) counters[k] = a.counters[k] + b.counters[k];
  const sums: Record<string, ExactSumState> = {};
  for (const k of Object.keys(a.sums)) {
    sums[k] = {
      scale: a.sums[k].scale,
      sum: (BigInt(a.sums[k].sum) + BigInt(b.sums[k].sum)).toString(),
      sum_sq: (BigInt(a.sums[k].sum_sq) + BigInt(b.sums[k].sum_sq)).toString(),
    };
  }
  return {
    scalars,
    counters,
    sums,
    bands: {
      nav: mergeBand(a.bands.nav, b.bands.nav),
      lp_distributions: mergeBand(a.bands.lp_distributions, b.bands.lp_distributions),
      dpi: mergeBand(a.bands.dpi, b.bands.dpi),
      tvpi: mergeBand(a.bands.tvpi, b.bands.tvpi),
    },
    conservation_max_error: Math.max(a.conservation_max_error, b.conservation_max_error),
  };
}
