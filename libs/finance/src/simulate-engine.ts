import { FinanceInputError } from './errors.js';
import { annualNetIrr, pathIrr } from './path-irr.js';
import { appreciationShare, isoDay, zoneIndex } from './fund.js';
import { LoanDrawer } from './portfolio.js';
import { cholesky3 } from './prices.js';
import { Rng, RNG_DOMAIN } from './rng.js';
import type { Fund, Granularity, Portfolio } from './types.js';

/** Periods per year for each granularity. */
export const STEPS_PER_YEAR: Record<Granularity, number> = { monthly: 12, quarterly: 4, yearly: 1 };

const MONTHS_PER_DISTRIBUTION = { monthly: 1, quarterly: 3, annual: 12 } as const;

/**
 * The per-path Monte Carlo engine (MODEL.md §1–§7), structure-of-arrays: every buffer is
 * allocated once per engine and reused for each path; a path's work is
 * O(zones × periods + loans × log(periods)), never loans × periods.
 *
 * Time grid: period k = 0…n (n = term × stepsPerYear) is the instant k/stepsPerYear
 * years after the first close; flows of the interval ((k−1)/S, k/S] are booked at k.
 * Loan origination/exit years are snapped to the nearest grid point; interest and the
 * property's path run over the snapped holding period. Cash-flow sign convention in the
 * per-level flow vectors: contributions negative, distributions positive (investor view).
 */
export class SimulationEngine {
  readonly fund: Fund;
  readonly stepsPerYear: number;
  readonly periods: number;
  readonly dt: number;
  // Zone data (index 0 green, 1 orange, 2 red).
  private readonly chol: Float64Array;
  /** Per period k (1…n) × zone: log-drift and volatility of the step (k−1 → k), scenario applied. */
  private readonly stepDrift: Float64Array;
  private readonly stepVol: Float64Array;
  /** Per period k × zone: annual base hazard (default rate × scenario multiplier). */
  private readonly baseHazard: Float64Array;
  private readonly recovery: Float64Array;
  private readonly kappa: number;
  // Initial loans, sorted by origination period (SoA).
  readonly loanCount: number;
  private readonly lA: Float64Array;
  private readonly lV0: Float64Array;
  private readonly lS: Float64Array;
  private readonly lZone: Int32Array;
  private readonly lOrig: Int32Array;
  /** Per-path draws of each loan: default-threshold uniform and property-noise normal. */
  private readonly loanU: Float64Array;
  private readonly loanZ: Float64Array;
  private readonly marketNormals: Float64Array;
  private readonly lExit: Int32Array;
  /** Loans originating at period k are lOrder[firstLoan[k] … firstLoan[k+1]). */
  private readonly firstLoan: Int32Array;
  private readonly initialZoneTotals: Float64Array;
  private readonly drawer: LoanDrawer;
  /** Scratch of the reinvestment draws: amount, ltv, holding years. */
  private readonly drawn = new Float64Array(3);
  /** appreciationShare(fund, ltv) = shareIsLtv ? ltv : shareRate. */
  private readonly shareIsLtv: boolean;
  private readonly shareRate: number;
  // Ledger parameters.
  private readonly size: number;
  private readonly gpShare: number;
  private readonly feeRate: Float64Array; // per period k: management fee rate (annual) in force
  private readonly feeBasis: 0 | 1 | 2; // committed, invested, nav
  private readonly expensePerPeriod: number;
  private readonly setupCosts: number;
  private readonly origFeeRate: number;
  private readonly origFeeToFund: boolean;
  private readonly interest: number;
  private readonly downside: boolean;
  private readonly propVol: number;
  private readonly foreclosurePeriods: number;
  /** Share of the property value kept at exit (1, or 0.9 under `valuation_haircut_10`). */
  private readonly exitValueKeep: number;
  private readonly liquidationKeep: number;
  private readonly reinvestLastPeriod: number; // last k with k/S ≤ reinvestment years (and < n)
  private readonly reinvestEvery: number;
  private readonly distributeEvery: number;
  private readonly minReinvestment: number;
  private readonly reserve: number;
  /**
   * Later closes (none = empty): count, period, amount, catch-up fee of each (committed-basis
   * fees from the first close); commitments added and catch-up fees per period; the first
   * close's amount; the equalisation interest rate.
   */
  readonly closeCount: number;
  private readonly closeK: Int32Array;
  private readonly closeAmount: Float64Array;
  private readonly closeFee: Float64Array;
  private readonly closeAdd: Float64Array;
  private readonly closeFeeAt: Float64Array;
  private readonly firstClose: number;
  private readonly eqRate: number;
  /** Per path (closes only): LP IRR of each close (index 0 = the first; NaN when none), equalisation paid by each later close. */
  readonly closeIrr: Float64Array;
  readonly closeEqualisation: Float64Array;
  /** Σ of each close's LP flows (its sign places an unsolvable IRR, as for the levels). */
  readonly closeFlowSum: Float64Array;
  private readonly cohortFlow: Float64Array;
  /** Recallable distributions: total that may be recalled (cap × commitments; 0 = off). */
  private readonly recallCap: number;
  private readonly scheduledCalls: Float64Array | null;
  private readonly hurdleFactor: number;
  /** Hurdle as a multiple of contributions (`hurdle_type: 'multiple'`), or 0 for the IRR hurdle. */
  private readonly hurdleMultiple: number;
  /** Share of GP origination fees offsetting the management fee (0 = off). */
  private readonly feeOffsetRate: number;
  /** Subscription credit line (0 size = none): size, annual rate, unused fee, periods a draw may stay out. */
  private readonly lineSize: number;
  private readonly lineRate: number;
  private readonly lineUnused: number;
  private readonly linePeriods: number;
  /** Per period: draws falling due (repaid by an LP call) at that period. */
  private readonly lineDue: Float64Array;
  /** NAV facility (0 max LTV = none): max LTV against the open loan book, annual rate, first period without draws. */
  private readonly navLtv: number;
  private readonly navRate: number;
  private readonly navSweepStart: number;
  /** True when the fund has leverage (a subscription line or a NAV facility). */
  get hasFacility(): boolean {
    return this.lineSize > 0 || this.navLtv > 0;
  }
  /** Whether leverage is used on the current run (false for the "without facility" twin run). */
  private leverageActive = false;
  private readonly carryRate: number;
  private readonly catchUp: number;
  // Per-path buffers.
  private readonly rng = new Rng();
  /** Zone index levels I_z(k), k = 0…n, layout k*3+z. */
  readonly index: Float64Array;
  /** Cumulative hazard H_z(k), layout z*(n+1)+k (contiguous per zone for binary search). */
  private readonly cumHazard: Float64Array;
  /**
   * Per period k, interleaved at k*4: loan proceeds arriving, their principal part, the
   * foreclosure-value delta and the live-loan count delta (+1 originated, −1 last proceeds).
   */
  private readonly perPeriod: Float64Array;
  // Open-loan mark aggregates, deltas per period × zone: ΣA, ΣA·o, Σ s·V0/I(o), Σ s·V0.
  /** Interleaved per period k: [ΣA z0..2, ΣA·o z0..2, Σ s·V0/I(o) z0..2, Σ s·V0 z0..2] at k*12 (contiguous per period). */
  private readonly dAgg: Float64Array;
  private readonly american: boolean;
  /** American deals (one per loan), bucketed by the period their proceeds arrive (only when american). */
  private dealHead: Int32Array;
  private dealNext: Int32Array;
  private dealA: Float64Array;
  private dealO: Int32Array;
  private dealClose: Int32Array;
  private dealAmount: Float64Array;
  private dealCount = 0;
  /** Per period: cumulative fees per open advance dollar (P) and its hurdle-discounted twin (Q). */
  private readonly feeP: Float64Array;
  private readonly feeQ: Float64Array;
  /** hurdle factor (1+h)^{k/S}, k = 0…n. */
  private readonly hurdlePow: Float64Array;
  private readonly zoneTotals = new Float64Array(3);
  /** ς√τ and ς²τ/2 for a holding period of m periods. */
  private readonly noise: Float64Array; // interleaved at 2m: ς√τ, ς²τ/2
  // Per-path outputs (per period), public for the summary and the debug ledger.
  readonly calls: Float64Array;
  readonly advances: Float64Array;
  readonly proceeds: Float64Array;
  readonly fundFeeIncome: Float64Array;
  readonly managementFees: Float64Array;
  readonly expenses: Float64Array;
  readonly distributions: Float64Array;
  readonly lpDistributions: Float64Array;
  readonly gpDistributions: Float64Array;
  readonly carry: Float64Array;
  readonly cash: Float64Array;
  readonly nav: Float64Array;
  private readonly flow: Float64Array;
  /** Recallable distributions (only with recallable_cap_rate > 0, else empty): recalls inside calls, recallable principal inside distributions. */
  readonly recalls: Float64Array;
  readonly recallableDistributions: Float64Array;
  // Per-path scalar outputs.
  /** Per-zone counters of the path in one buffer: loans, defaults, exits, losses (3 each). */
  private readonly zoneStats = new Float64Array(12);
  readonly zoneLoans = this.zoneStats.subarray(0, 3);
  readonly zoneDefaults = this.zoneStats.subarray(3, 6);
  readonly zoneExits = this.zoneStats.subarray(6, 9);
  readonly zoneLosses = this.zoneStats.subarray(9, 12);
  gpOriginationFees = 0;
  /** Management fee offset by GP origination fees on the last path (dollars). */
  feeOffsets = 0;
  /** Subscription line on the last path: balance after each period, total interest + unused fees, draws. */
  readonly lineBalance: Float64Array;
  facilityCost = 0;
  facilityDraws = 0;
  /** NAV facility on the last path: balance after each period, interest, draws, balance written off at the end. */
  readonly navBalance: Float64Array;
  navCost = 0;
  navDraws = 0;
  navShortfall = 0;
  /** LP IRR of the same path without the facility (placed like the summary's IRRs; NaN without a facility). */
  lpIrrWithoutFacility = Number.NaN;
  unfundedLoans = 0;
  /** Period after which the fund was wound down (all assets realised), or −1. */
  windDownPeriod = -1;
  /** Carry of the fund's structure: paid before the final true-up, and clawed back at the end. */
  carryPaid = 0;
  carryPaidYears = 0;
  clawback = 0;
  /** The same for a European whole-fund waterfall on the same fund flows (equal when european). */
  europeanCarryPaid = 0;
  europeanCarryPaidYears = 0;
  europeanClawback = 0;
  feesPayable = 0;
  conservationError = 0;
  /** Annualised IRRs (NaN when undefined) and multiples of the last path. */
  grossIrr = 0;
  fundIrr = 0;
  lpIrr = 0;
  gpIrr = 0;

  constructor(fund: Fund, granularity: Granularity, portfolio: Portfolio) {
    const S = STEPS_PER_YEAR[granularity];
    if (S === undefined) throw new FinanceInputError('granularity', `must be monthly, quarterly or yearly, got ${String(granularity)}`);
    this.fund = fund;
    this.stepsPerYear = S;
    const n = fund.term * S;
    this.periods = n;
    const dt = 1 / S;
    this.dt = dt;
    const zp = [fund.zone_parameters.green, fund.zone_parameters.orange, fund.zone_parameters.red];
    const zc = fund.zone_correlations;
    this.chol = cholesky3(zc.green_orange, zc.green_red, zc.orange_red);
    this.recovery = Float64Array.from(zp, (z) => z.recovery_rate);
    const lp = fund.loan_parameters;
    this.kappa = lp.default_price_sensitivity;

    // Scenario overlay per period (k covers months ((k−1)·12/S, k·12/S]; a shock applies
    // when the period's mid-month lies in [from_month, to_month)).
    const driftAdd = new Float64Array((n + 1) * 3);
    const volMult = new Float64Array((n + 1) * 3).fill(1);
    const defMult = new Float64Array((n + 1) * 3).fill(1);
    const shocks = scenarioShocks(fund);
    for (let k = 1; k <= n; k++) {
      const mid = ((k - 0.5) * 12) / S;
      for (const s of shocks) {
        if (mid < s.from_month || mid >= s.to_month) continue;
        for (let z = 0; z < 3; z++) {
          if (s.zone !== undefined && zoneIndex(s.zone) !== z) continue;
          const add = s.drift_add === 'stagnation' ? -zp[z].appreciation_rate : s.drift_add;
          driftAdd[k * 3 + z] += add;
          volMult[k * 3 + z] *= s.vol_mult;
          defMult[k * 3 + z] *= s.default_mult;
        }
      }
    }
    this.stepDrift = new Float64Array((n + 1) * 3);
    this.stepVol = new Float64Array((n + 1) * 3);
    this.baseHazard = new Float64Array((n + 1) * 3);
    for (let k = 1; k <= n; k++) {
      for (let z = 0; z < 3; z++) {
        const sig = zp[z].volatility * volMult[k * 3 + z];
        this.stepDrift[k * 3 + z] = (zp[z].appreciation_rate + driftAdd[k * 3 + z] - 0.5 * sig * sig) * dt;
        this.stepVol[k * 3 + z] = sig * Math.sqrt(dt);
        this.baseHazard[k * 3 + z] = zp[z].default_rate * defMult[k * 3 + z];
      }
    }
    // Stress library (MODEL-NOTES "Stress library"): an immediate national home-price decline
    // is a level jump of every zone index in the first period; the valuation haircut applies
    // to the property value at exit and lengthens foreclosures.
    const stress = STRESS[fund.scenario.name];
    if (stress !== undefined && stress.jump !== 0 && n >= 1) for (let z = 0; z < 3; z++) this.stepDrift[3 + z] += stress.jump;
    this.exitValueKeep = stress?.exit_keep ?? 1;

    // Initial loans.
    const loans = portfolio.loans;
    const order = loans.map((_, i) => i);
    const origK = loans.map((l) => Math.round(l.origination_year * S));
    order.sort((a, b) => origK[a] - origK[b] || a - b);
    const m = loans.length;
    this.loanCount = m;
    // One extra slot (index m) holds the reinvestment loan being originated.
    this.lA = new Float64Array(m + 1);
    this.lV0 = new Float64Array(m + 1);
    this.lS = new Float64Array(m + 1);
    this.lZone = new Int32Array(m + 1);
    this.loanU = new Float64Array(m + 1);
    this.loanZ = new Float64Array(m + 1);
    this.lOrig = new Int32Array(m);
    this.lExit = new Int32Array(m);
    this.firstLoan = new Int32Array(n + 2);
    this.initialZoneTotals = new Float64Array(3);
    for (let j = 0; j < m; j++) {
      const l = loans[order[j]];
      this.lA[j] = l.loan_amount;
      this.lV0[j] = l.property_value;
      this.lS[j] = appreciationShare(fund, l.ltv);
      this.lZone[j] = zoneIndex(l.zone);
      this.lOrig[j] = origK[order[j]];
      // At least one period between origination and exit (flows of a period are booked once).
      this.lExit[j] = Math.max(this.lOrig[j] + 1, Math.round(l.exit_year * S));
      this.initialZoneTotals[this.lZone[j]] += l.loan_amount;
    }
    let j = 0;
    for (let k = 0; k <= n + 1; k++) {
      while (j < m && this.lOrig[j] < k) j++;
      this.firstLoan[k] = j;
    }
    this.drawer = new LoanDrawer(fund);
    this.shareIsLtv = lp.appreciation_share_method === 'ltv';
    this.shareRate = lp.appreciation_share_rate;

    const fs = fund.fee_structure;
    const ops = fund.operations;
    this.size = fund.size;
    this.gpShare = fs.gp_commitment_rate;
    this.feeRate = new Float64Array(n + 1);
    for (let k = 1; k <= n; k++) {
      const start = (k - 1) * dt;
      const sd = fs.fee_step_down;
      this.feeRate[k] = sd !== null && sd !== undefined && start >= sd.after_year - 1e-12 ? sd.rate : fs.management_fee_rate;
    }
    this.feeBasis = fs.management_fee_basis === 'committed' ? 0 : fs.management_fee_basis === 'invested' ? 1 : 2;
    this.expensePerPeriod = fs.expense_rate * fund.size * dt;
    this.setupCosts = fs.setup_costs;
    this.origFeeRate = fs.origination_fee_rate;
    this.origFeeToFund = fs.origination_fee_recipient === 'fund';
    this.interest = lp.interest_rate;
    this.downside = lp.downside_protection;
    this.propVol = lp.property_volatility;
    this.foreclosurePeriods = Math.round(((lp.foreclosure_months + (stress?.extra_foreclosure_months ?? 0)) * S) / 12);
    this.liquidationKeep = 1 - ops.liquidation_discount;
    this.reinvestLastPeriod = Math.min(n - 1, Math.floor(ops.reinvestment_period_years * S + 1e-9));
    this.reinvestEvery = Math.max(1, Math.round((3 * S) / 12));
    this.distributeEvery = Math.max(1, Math.round((MONTHS_PER_DISTRIBUTION[ops.distribution_frequency] * S) / 12));
    this.minReinvestment = ops.min_reinvestment;
    this.reserve = ops.cash_reserve_rate * fund.size;
    this.recallCap = (ops.recallable_cap_rate ?? 0) * fund.size;
    const closes = fund.closes ?? [];
    const C = closes.length;
    this.closeCount = C;
    this.closeK = new Int32Array(C);
    this.closeAmount = new Float64Array(C);
    this.closeFee = new Float64Array(C);
    this.closeAdd = new Float64Array(C > 0 ? n + 1 : 0);
    this.closeFeeAt = new Float64Array(C > 0 ? n + 1 : 0);
    this.closeIrr = new Float64Array(C > 0 ? C + 1 : 0);
    this.closeEqualisation = new Float64Array(C);
    this.closeFlowSum = new Float64Array(C > 0 ? C + 1 : 0);
    this.cohortFlow = new Float64Array(C > 0 ? n + 1 : 0);
    let later = 0;
    // Dates count from the first close, 1 January of the vintage year.
    const day0 = isoDay(`${fund.vintage_year}-01-01`, 'vintage_year');
    if (C > 0) {
      closes.forEach((c, i) => {
        const years = (isoDay(c.date, `closes.${i}.date`) - day0) / 365;
        // A close joins at the start of period k ≥ 1 and takes part in that period's flows.
        const k = Math.min(n, Math.max(1, Math.round(years * S)));
        this.closeK[i] = k;
        this.closeAmount[i] = c.amount;
        this.closeAdd[k] += c.amount;
        // Fees from the first close: committed-basis fees of periods 1 … k−1 on its amount,
        // paid at its close (period k's own fee already counts it).
        if (this.feeBasis === 0) {
          let r = 0;
          for (let j = 1; j < k; j++) r += this.feeRate[j];
          this.closeFee[i] = c.amount * r * dt;
          this.closeFeeAt[k] += this.closeFee[i];
        }
        later += c.amount;
      });
    }
    this.firstClose = fund.size - later;
    this.eqRate = fund.fee_structure.equalisation_rate ?? fund.fee_structure.hurdle_rate;
    if (fund.capital_calls.length > 0) {
      this.scheduledCalls = new Float64Array(n + 1);
      fund.capital_calls.forEach((c, i) => {
        const years = (isoDay(c.date, `capital_calls.${i}.date`) - day0) / 365;
        const k = Math.min(n, Math.max(0, Math.round(years * S)));
        this.scheduledCalls![k] += c.amount;
      });
    } else {
      this.scheduledCalls = null;
    }
    this.hurdleMultiple = fs.hurdle_type === 'multiple' ? (fs.hurdle_multiple ?? 1) : 0;
    // A multiple hurdle does not compound: the hurdle account is multiple × contributions − receipts.
    this.hurdleFactor = this.hurdleMultiple > 0 ? 1 : Math.pow(1 + fs.hurdle_rate, dt);
    this.feeOffsetRate = fs.origination_fee_recipient === 'gp' ? (fs.management_fee_offset_rate ?? 0) : 0;
    const line = fund.leverage?.subscription_line;
    this.lineSize = line?.size ?? 0;
    this.lineRate = line?.rate ?? 0;
    this.lineUnused = line?.unused_fee ?? 0;
    this.linePeriods = line === undefined ? 0 : Math.max(1, Math.round((line.max_days_outstanding / 365) * S));
    this.lineDue = new Float64Array(this.lineSize > 0 ? n + 1 : 0);
    this.lineBalance = new Float64Array(n + 1);
    const nav = fund.leverage?.nav_facility;
    this.navLtv = nav?.max_ltv ?? 0;
    this.navRate = nav?.rate ?? 0;
    // Draws at reinvestment batches k < navSweepStart (within the facility's term and the
    // reinvestment period); from navSweepStart on, every free dollar repays it.
    this.navSweepStart = nav === undefined ? 0 : Math.min(Math.round(nav.term * S), this.reinvestLastPeriod + 1);
    this.navBalance = new Float64Array(n + 1);
    this.carryRate = fs.performance_fee_rate;
    // Validated (checkCatchUpRate): 0 = no catch-up tier, otherwise above the carry rate.
    this.catchUp = fs.catch_up_rate;

    this.noise = new Float64Array(2 * (n + 1));
    for (let m = 0; m <= n; m++) {
      this.noise[2 * m] = this.propVol * Math.sqrt(m * dt);
      this.noise[2 * m + 1] = 0.5 * this.propVol * this.propVol * m * dt;
    }
    const len = n + 2;
    this.marketNormals = new Float64Array(3 * n);
    this.index = new Float64Array((n + 1) * 3);
    this.cumHazard = new Float64Array((n + 1) * 3);
    this.perPeriod = new Float64Array(len * 4);
    this.dAgg = new Float64Array(len * 12);
    this.american = fs.waterfall_structure === 'american';
    const cap = this.american ? m + 1024 : 0;
    this.dealHead = new Int32Array(this.american ? len : 0);
    this.dealNext = new Int32Array(cap);
    this.dealA = new Float64Array(cap);
    this.dealO = new Int32Array(cap);
    this.dealClose = new Int32Array(cap);
    this.dealAmount = new Float64Array(cap);
    this.feeP = new Float64Array(this.american ? n + 1 : 0);
    this.feeQ = new Float64Array(this.american ? n + 1 : 0);
    this.hurdlePow = new Float64Array(n + 1);
    for (let k = 0; k <= n; k++) this.hurdlePow[k] = fs.hurdle_type === 'multiple' ? 1 : Math.pow(1 + fs.hurdle_rate, k * dt);
    this.calls = new Float64Array(n + 1);
    this.advances = new Float64Array(n + 1);
    this.proceeds = new Float64Array(n + 1);
    this.fundFeeIncome = new Float64Array(n + 1);
    this.managementFees = new Float64Array(n + 1);
    this.expenses = new Float64Array(n + 1);
    this.distributions = new Float64Array(n + 1);
    this.lpDistributions = new Float64Array(n + 1);
    this.gpDistributions = new Float64Array(n + 1);
    this.carry = new Float64Array(n + 1);
    this.cash = new Float64Array(n + 1);
    this.nav = new Float64Array(n + 1);
    this.flow = new Float64Array(n + 1);
    this.recalls = new Float64Array(this.recallCap > 0 ? n + 1 : 0);
    this.recallableDistributions = new Float64Array(this.recallCap > 0 ? n + 1 : 0);
  }

  /** Draws the correlated zone index paths and the cumulative default hazards of one path. */
  private drawMarket(): void {
    const n = this.periods;
    const S = this.stepsPerYear;
    const L = this.chol;
    const idx = this.index;
    const H = this.cumHazard;
    const rng = this.rng;
    const dt = this.dt;
    const kappa = this.kappa;
    let x0 = 0;
    let x1 = 0;
    let x2 = 0;
    const eps = this.marketNormals;
    rng.fillNormal(eps, 3 * n);
    idx[0] = 1;
    idx[1] = 1;
    idx[2] = 1;
    H[0] = 0;
    H[n + 1] = 0;
    H[2 * (n + 1)] = 0;
    for (let k = 1; k <= n; k++) {
      const e0 = eps[3 * k - 3];
      const e1 = eps[3 * k - 2];
      const e2 = eps[3 * k - 1];
      const b = k * 3;
      x0 += this.stepDrift[b] + this.stepVol[b] * (L[0] * e0);
      x1 += this.stepDrift[b + 1] + this.stepVol[b + 1] * (L[3] * e0 + L[4] * e1);
      x2 += this.stepDrift[b + 2] + this.stepVol[b + 2] * (L[6] * e0 + L[7] * e1 + L[8] * e2);
      idx[b] = Math.exp(x0);
      idx[b + 1] = Math.exp(x1);
      idx[b + 2] = Math.exp(x2);
      // Hazard over (k−1, k]: trailing 12-month index return observed at k−1
      // (since the first close during the first year).
      const back = (k - 1 - S > 0 ? k - 1 - S : 0) * 3;
      const prev = (k - 1) * 3;
      for (let z = 0; z < 3; z++) {
        const r = idx[prev + z] / idx[back + z] - 1;
        const h = this.baseHazard[b + z] * (1 + (r < 0 ? -kappa * r : 0));
        const o = z * (n + 1);
        H[o + k] = H[o + k - 1] + h * dt;
      }
    }
  }

  /**
   * Originates a loan at period `o` (advance A, value V0, share s, zone z, planned exit
   * period `e`): decides default/exit from the path's market and the loan's own draws
   * and
   * scatters its proceeds and its mark-to-model aggregates into the future periods.
   * Reads the loan's per-path draws `loanU[j]` (default threshold) and `loanZ[j]`
   * (idiosyncratic property noise).
   */
  private originate(j: number, o: number, e: number): void {
    const A = this.lA[j];
    const V0 = this.lV0[j];
    const s = this.lS[j];
    const z = this.lZone[j];
    const n = this.periods;
    const u = this.loanU[j];
    const end = e < n ? e : n;
    const pp = this.perPeriod;
    const zs = this.zoneStats;
    // Default: first k in (o, end) with H(k) − H(o) ≥ −ln u (an Exp(1) threshold).
    // Since −ln u ≥ 1 − u, the loan surely survives when 1 − u > ΔH: the log is only
    // taken when a default is possible.
    const H = this.cumHazard;
    const base = z * (n + 1);
    const dH = H[base + end] - H[base + o];
    let closeK = end;
    let defaulted = false;
    if (end > o && 1 - u <= dH) {
      const target = H[base + o] - Math.log(u);
      if (H[base + end] >= target) {
        let lo = o + 1;
        let hi = end;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (H[base + mid] >= target) hi = mid;
          else lo = mid + 1;
        }
        // The exit period counts: a default in (e − 1, e] is a default (MODEL-NOTES).
        defaulted = true;
        closeK = lo;
      }
    }
    let amount: number;
    let at: number;
    if (defaulted) {
      amount = this.recovery[z] * A;
      at = closeK + this.foreclosurePeriods;
      if (at > n) {
        at = n;
        amount *= this.liquidationKeep;
      }
      pp[closeK * 4 + 2] += amount;
      pp[at * 4 + 2] -= amount;
      zs[3 + z] += 1;
    } else {
      const m = closeK - o;
      const tau = m * this.dt;
      let v = V0 * (this.index[closeK * 3 + z] / this.index[o * 3 + z]);
      // Idiosyncratic noise exp(ς·W(τ) − ς²τ/2), W(τ) ~ N(0, τ): one normal per exiting loan.
      if (this.propVol > 0) v *= Math.exp(this.noise[2 * m] * this.loanZ[j] - this.noise[2 * m + 1]);
      v *= this.exitValueKeep;
      let app = s * (v - V0);
      if (this.downside && app < 0) app = 0;
      amount = A * (1 + this.interest * tau) + app;
      if (amount > v) amount = v;
      if (amount < 0) amount = 0;
      if (e > n) amount *= this.liquidationKeep;
      at = closeK;
      zs[6 + z] += 1;
    }
    zs[z] += 1;
    if (amount < A) zs[9 + z] += A - amount;
    pp[at * 4] += amount;
    pp[at * 4 + 1] += amount < A ? amount : A;
    pp[o * 4 + 3] += 1;
    pp[at * 4 + 3] -= 1;
    if (this.american) this.addDeal(A, o, closeK, at, amount);
    const sv = s * V0;
    const sw = sv / this.index[o * 3 + z];
    const Ao = A * o;
    const d = this.dAgg;
    const oz = o * 12 + z;
    const cz = closeK * 12 + z;
    d[oz] += A;
    d[oz + 3] += Ao;
    d[oz + 6] += sw;
    d[oz + 9] += sv;
    d[cz] -= A;
    d[cz + 3] -= Ao;
    d[cz + 6] -= sw;
    d[cz + 9] -= sv;
  }

  /** Records loan j's American deal (advance A, originated o, closed c, proceeds `amount` at period `at`). */
  private addDeal(A: number, o: number, c: number, at: number, amount: number): void {
    const i = this.dealCount++;
    if (i >= this.dealA.length) {
      const grow = <T extends Float64Array | Int32Array>(a: T): T => {
        const b = new (a.constructor as new (n: number) => T)(a.length * 2);
        b.set(a);
        return b;
      };
      this.dealNext = grow(this.dealNext);
      this.dealA = grow(this.dealA);
      this.dealO = grow(this.dealO);
      this.dealClose = grow(this.dealClose);
      this.dealAmount = grow(this.dealAmount);
    }
    this.dealA[i] = A;
    this.dealO[i] = o;
    this.dealClose[i] = c;
    this.dealAmount[i] = amount;
    this.dealNext[i] = this.dealHead[at];
    this.dealHead[at] = i;
  }

  /**
   * Carry of the American deals whose proceeds arrive at period k (MODEL-NOTES "American"):
   * each deal = the loan's advance plus its pro-rata share of the fees and expenses accrued
   * while it was open, LP share; its hurdle accrues from each contribution's period.
   */
  private dealCarry(k: number, lpShare: number): number {
    let total = 0;
    const carry = this.carryRate;
    const cu = this.catchUp;
    const hp = this.hurdlePow;
    for (let i = this.dealHead[k]; i >= 0; i = this.dealNext[i]) {
      const A = this.dealA[i];
      const o = this.dealO[i];
      const c = this.dealClose[i];
      const contributed = lpShare * A * (1 + this.feeP[c] - this.feeP[o]);
      const hurdle = this.hurdleMultiple > 0 ? this.hurdleMultiple * contributed : lpShare * A * (hp[k] / hp[o] + (this.feeQ[c] - this.feeQ[o]) * hp[k]);
      let left = lpShare * this.dealAmount[i];
      const roc = left < contributed ? left : contributed;
      left -= roc;
      const owed = hurdle - roc;
      const pref = owed > 0 ? (left < owed ? left : owed) : 0;
      left -= pref;
      if (!(left > 0)) continue;
      let gp = 0;
      if (cu > 0) {
        const need = (carry * pref) / (cu - carry);
        const y = left < need ? left : need;
        gp += cu * y;
        left -= y;
      }
      gp += carry * left;
      total += gp;
    }
    return total;
  }

  /**
   * Runs path `path` of the simulation seeded by `seed`, filling the per-period outputs
   * and per-path scalars. Conservation (checked, reported as `conservationError`):
   * calls + proceeds + fund-side fees = advances + management fees + expenses +
   * distributions + cash held at the end.
   */
  runPath(seed: number, path: number): void {
    if (this.hasFacility) {
      // The ILPA disclosure: the same path (same draws) without the facility first.
      this.leverageActive = false;
      this.runOne(seed, path);
      this.lpIrrWithoutFacility = this.lpIrr === this.lpIrr ? this.lpIrr : this.lpFlowSum > 0 ? 3 : -1;
      this.leverageActive = true;
    }
    this.runOne(seed, path);
  }

  /** Sum of the LP flow vector of the last run (its sign is the sign of LP TVPI − 1). */
  private lpFlowSum = 0;

  private runOne(seed: number, path: number): void {
    const n = this.periods;
    const rng = this.rng;
    rng.reseed(seed, path, RNG_DOMAIN.path);
    this.perPeriod.fill(0);
    this.dAgg.fill(0);
    if (this.american) {
      this.dealHead.fill(-1);
      this.dealCount = 0;
    }
    this.zoneStats.fill(0);
    this.zoneTotals.set(this.initialZoneTotals);
    this.drawMarket();
    rng.fillUniform(this.loanU, this.loanCount);
    rng.fillNormal(this.loanZ, this.loanCount);

    const S = this.stepsPerYear;
    const size = this.size;
    const g = this.gpShare;
    const lpShare = 1 - g;
    const hf = this.hurdleFactor;
    const carryRate = this.carryRate;
    const cu = this.catchUp;
    const drawer = this.drawer;
    const minSize = drawer.minSize;
    let cash = 0;
    let pool = 0; // returned principal reserved for reinvestment (part of cash)
    let undeployed = 0; // scheduled-call capital not yet used (part of cash, not distributable)
    let payable = 0; // fees/expenses accrued but unpaid
    let called = 0;
    let totalProceeds = 0;
    let totalAdvances = 0;
    let totalFundFees = 0;
    let totalMgmt = 0;
    let totalExpenses = 0;
    let totalDist = 0;
    let gpOrig = 0;
    let unfunded = 0;
    // Open-loan aggregates (per zone) and foreclosure value.
    let sa0 = 0, sa1 = 0, sa2 = 0, sao0 = 0, sao1 = 0, sao2 = 0;
    let sw0 = 0, sw1 = 0, sw2 = 0, sv0 = 0, sv1 = 0, sv2 = 0;
    let fcValue = 0;
    let prevNav = 0;
    // Waterfall state (European, on the LP share of distributions).
    let wContributed = 0;
    let wDistributed = 0;
    let wReturned = 0;
    let wHurdle = 0;
    let wCarry = 0;
    // Commitments that may still be called grow with recallable distributions (MODEL-NOTES).
    let commitment = this.closeCount > 0 ? this.firstClose : size;
    // Commitments closed so far (the committed fee basis; later closes add theirs).
    let closedSize = commitment;
    const recallCap = this.recallCap;
    let recallable = 0; // distributed principal that may still be recalled
    let recalled = 0;
    this.recalls.fill(0);
    this.recallableDistributions.fill(0);
    // Wind-down: once every loan is realised (none open, no recovery pending, no initial loan
    // left to originate, no reinvestment possible) fees, expenses and calls stop.
    let live = 0;
    let originated = 0;
    let wound = false;
    this.windDownPeriod = -1;
    const reinvestThreshold = this.minReinvestment > minSize ? this.minReinvestment : minSize;
    const american = this.american;
    const offsetRate = this.feeOffsetRate;
    const hurdleOnCall = this.hurdleMultiple > 0 ? this.hurdleMultiple : 1;
    let offsetCredit = 0;
    let offsets = 0;
    // Subscription line: balance drawn, and its totals (costs are fund expenses).
    const lineOn = this.leverageActive && this.lineSize > 0;
    const lineSize = this.lineSize;
    let lineBal = 0;
    let lineDraws = 0;
    let lineRepaid = 0;
    let lineCost = 0;
    if (lineOn) this.lineDue.fill(0);
    // NAV facility: balance, totals (interest is a fund expense), balance written off.
    const navOn = this.leverageActive && this.navLtv > 0;
    const navLtv = this.navLtv;
    let navBal = 0;
    let navDrawn = 0;
    let navRepaid = 0;
    let navCostT = 0;
    let navLost = 0;
    let amerAccrued = 0;
    let amerPaid = 0;
    let carryPaid = 0;
    let carryYears = 0;
    let euPaid = 0;
    let euYears = 0;
    this.clawback = 0;
    this.europeanClawback = 0;

    for (let k = 0; k <= n; k++) {
      const last = k === n;
      if (k > 0) wHurdle *= hf;
      let callK = 0;
      let advK = 0;
      let feeIncK = 0;
      let catchUpK = 0;
      if (recallable > 0 && k > this.reinvestLastPeriod) {
        // The right to recall ends with the reinvestment period: nothing of it is called after.
        commitment -= recallable;
        if (commitment < called + lineBal) commitment = called + lineBal;
        recallable = 0;
      }
      if (this.closeCount > 0 && this.closeAdd[k] > 0) {
        // Later close(s) at k: commitments grow; their catch-up fees (fees from the first
        // close) are called from them and paid to the GP at once.
        commitment += this.closeAdd[k];
        closedSize += this.closeAdd[k];
        catchUpK = this.closeFeeAt[k];
        if (catchUpK > 0) {
          called += catchUpK;
          callK += catchUpK;
        }
      }
      // 1. Loan proceeds.
      const perPeriod = this.perPeriod;
      const inK = perPeriod[k * 4];
      cash += inK;
      totalProceeds += inK;
      if (k <= this.reinvestLastPeriod) pool += perPeriod[k * 4 + 1];
      let lineCostK = 0;
      if (lineOn && k > 0) {
        // Interest on the balance outstanding over the period and the unused fee (a fund
        // expense), then the draws falling due are repaid by an LP call (all at the term).
        lineCostK = (lineBal * this.lineRate + (wound ? 0 : (lineSize - lineBal) * this.lineUnused)) * this.dt;
        let due = last ? lineBal : this.lineDue[k];
        if (due > lineBal) due = lineBal;
        if (due > 0) {
          called += due;
          callK += due;
          lineBal -= due;
          lineRepaid += due;
        }
        lineCost += lineCostK;
      }
      if (navOn && k > 0 && navBal > 0) {
        // Interest over (k−1, k] on the NAV facility's balance: a fund expense.
        const c = navBal * this.navRate * this.dt;
        lineCostK += c;
        navCostT += c;
      }
      // Scheduled capital calls.
      if (this.scheduledCalls !== null && !wound && this.scheduledCalls[k] > 0) {
        const c = Math.min(this.scheduledCalls[k], commitment - called - lineBal);
        if (c > 0) {
          called += c;
          callK += c;
          cash += c;
          undeployed += c;
        }
      }
      // 2. Fees and expenses of the period.
      let mgmt = 0;
      if (k > 0 && !wound) {
        const rate = this.feeRate[k];
        const basis = this.feeBasis === 0 ? closedSize : this.feeBasis === 1 ? sa0 + sa1 + sa2 : prevNav;
        mgmt = rate * basis * this.dt;
        if (offsetCredit > 0 && mgmt > 0) {
          // Management-fee offset: GP origination fees credited so far reduce the fee.
          const off = offsetCredit < mgmt ? offsetCredit : mgmt;
          mgmt -= off;
          offsetCredit -= off;
          offsets += off;
        }
      }
      const expense = k > 0 ? (wound ? 0 : this.expensePerPeriod) : this.setupCosts;
      const expenseK = expense + lineCostK;
      payable += mgmt + expenseK;
      if (american) {
        // Fees and expenses of the period, per dollar of advance open during it (set-up costs
        // and periods without open loans stay with the fund, outside every deal).
        const openA = sa0 + sa1 + sa2;
        const per = k > 0 && openA > 0 ? (mgmt + expenseK) / openA : 0;
        this.feeP[k] = (k > 0 ? this.feeP[k - 1] : 0) + per;
        this.feeQ[k] = (k > 0 ? this.feeQ[k - 1] : 0) + per / this.hurdlePow[k];
      }
      let mgmtK = 0;
      let expK = 0;
      if (payable > 0) {
        let free = cash - pool;
        if (free < payable) {
          let c = Math.min(payable - free, commitment - called - lineBal);
          if (c > 0 && lineOn && !last && !wound && lineBal < lineSize) {
            // Drawn on the subscription line instead of called; repaid by a call later.
            const dr = c < lineSize - lineBal ? c : lineSize - lineBal;
            lineBal += dr;
            lineDraws += dr;
            this.lineDue[k + this.linePeriods < n ? k + this.linePeriods : n] += dr;
            cash += dr;
            free += dr;
            c -= dr;
          }
          if (c > 0) {
            called += c;
            callK += c;
            cash += c;
            free += c;
          }
        }
        if (free < payable && pool > 0) {
          const take = Math.min(pool, payable - free);
          pool -= take;
          free += take;
        }
        const pay = free < payable ? free : payable;
        cash -= pay;
        payable -= pay;
        undeployed = undeployed > pay ? undeployed - pay : 0;
        // Split the period's payment: fees accrued are paid in order of accrual; the
        // split between management fees and expenses is pro rata to what accrued.
        const accrued = mgmt + expenseK;
        if (accrued > 0 && pay > 0) {
          mgmtK = (pay * mgmt) / accrued;
          expK = pay - mgmtK;
        } else if (pay > 0) {
          // Paying off earlier arrears: book as management fees.
          mgmtK = pay;
        }
      }
      // 3. Initial loans originating at k (none at the term: the fund ends there).
      for (let j = this.firstLoan[k], end = last ? j : this.firstLoan[k + 1]; j < end; j++) {
        const A = this.lA[j];
        const fee = this.origFeeRate * A;
        const need = this.origFeeToFund ? A - fee : A;
        let free = cash - pool;
        // Call only what will be deployed: a loan the cash and the remaining commitments
        // cannot fund is skipped before anything is called for it.
        if (free + (commitment - called - lineBal) < need - 1e-9 * A) {
          unfunded++;
          continue;
        }
        if (free < need) {
          let c = Math.min(need - free, commitment - called - lineBal);
          if (c > 0 && lineOn && !wound && lineBal < lineSize) {
            const dr = c < lineSize - lineBal ? c : lineSize - lineBal;
            lineBal += dr;
            lineDraws += dr;
            this.lineDue[k + this.linePeriods < n ? k + this.linePeriods : n] += dr;
            cash += dr;
            free += dr;
            c -= dr;
          }
          if (c > 0) {
            called += c;
            callK += c;
            cash += c;
            free += c;
          }
        }
        if (free < need - 1e-9 * A) {
          unfunded++;
          continue;
        }
        cash -= A;
        advK += A;
        if (this.origFeeToFund) {
          cash += fee;
          feeIncK += fee;
        } else {
          gpOrig += fee;
          offsetCredit += offsetRate * fee;
        }
        undeployed = undeployed > need ? undeployed - need : 0;
        originated++;
        this.originate(j, k, this.lExit[j]);
      }
      // 4. Reinvestment of returned principal (quarterly batches during the reinvestment period),
      // topped up by a NAV facility draw to its max LTV after the batch (MODEL-NOTES).
      let navDrawK = 0;
      const batch = k <= this.reinvestLastPeriod && k % this.reinvestEvery === 0;
      // Recallable distributions join the batch's pool; only what the batch spends beyond the
      // returned principal is recalled (below).
      const recallOffer = batch && recallable > 0 ? recallable : 0;
      if (recallOffer > 0) {
        pool += recallOffer;
        cash += recallOffer;
      }
      if (navOn && batch && k < this.navSweepStart && !wound) {
        const b12 = k * 12;
        const book = sa0 + sa1 + sa2 + this.dAgg[b12] + this.dAgg[b12 + 1] + this.dAgg[b12 + 2];
        const room = (navLtv * book - navBal) / (1 - navLtv);
        if (room >= minSize && pool + room >= reinvestThreshold) {
          navDrawK = room;
          navBal += room;
          navDrawn += room;
          pool += room;
          cash += room;
        }
      }
      if (batch && pool >= this.minReinvestment && pool >= minSize && !(navBal > 0 && k >= this.navSweepStart)) {
        while (pool >= minSize) {
          const dr = this.drawn;
          drawer.drawInto(rng, dr);
          const A = dr[0] < pool ? dr[0] : pool;
          const ltv = dr[1];
          // drawer.pickZone(zoneTotals, A), inlined (no boxed argument per loan).
          const zt = this.zoneTotals;
          const targets = drawer.targets;
          const zTotal = zt[0] + zt[1] + zt[2] + A;
          let z = -1;
          let bestDeficit = -Infinity;
          for (let zz = 0; zz < 3; zz++) {
            if (targets[zz] <= 0) continue;
            const deficit = targets[zz] * zTotal - zt[zz];
            if (deficit > bestDeficit) {
              bestDeficit = deficit;
              z = zz;
            }
          }
          zt[z] += A;
          const hold = Math.round(dr[2] * S);
          const e = k + (hold > 1 ? hold : 1);
          const fee = this.origFeeRate * A;
          pool -= A;
          cash -= A;
          advK += A;
          if (this.origFeeToFund) {
            cash += fee;
            feeIncK += fee;
          } else {
            gpOrig += fee;
            offsetCredit += offsetRate * fee;
          }
          const V0 = A / ltv;
          const slot = this.loanCount; // scratch slot for a reinvestment loan
          this.lA[slot] = A;
          this.lV0[slot] = V0;
          this.lS[slot] = this.shareIsLtv ? ltv : this.shareRate; // appreciationShare(fund, ltv)
          this.lZone[slot] = z;
          rng.uniformAt(this.loanU, slot);
          rng.normalAt(this.loanZ, slot);
          originated++;
          this.originate(slot, k, e);
        }
      }
      if (navDrawK > 0 && pool > 0) {
        // What the batch did not use goes straight back to the lender.
        const back = pool < navDrawK ? pool : navDrawK;
        pool -= back;
        cash -= back;
        navBal -= back;
        navRepaid += back;
      }
      if (recallOffer > 0) {
        // Spent in order: returned principal, recalled distributions, the NAV facility.
        const unused = pool < recallOffer ? pool : recallOffer;
        const recall = recallOffer - unused;
        pool -= unused;
        cash -= unused;
        if (recall > 0) {
          recallable -= recall;
          recalled += recall;
          called += recall;
          callK += recall;
          this.recalls[k] = recall;
        }
      }
      if (k > this.reinvestLastPeriod) pool = 0;
      // Update open-loan aggregates to the state after period k.
      const b = k * 3;
      const dAgg = this.dAgg;
      const b12 = k * 12;
      sa0 += dAgg[b12]; sa1 += dAgg[b12 + 1]; sa2 += dAgg[b12 + 2];
      sao0 += dAgg[b12 + 3]; sao1 += dAgg[b12 + 4]; sao2 += dAgg[b12 + 5];
      sw0 += dAgg[b12 + 6]; sw1 += dAgg[b12 + 7]; sw2 += dAgg[b12 + 8];
      sv0 += dAgg[b12 + 9]; sv1 += dAgg[b12 + 10]; sv2 += dAgg[b12 + 11];
      fcValue += perPeriod[k * 4 + 2];
      live += perPeriod[k * 4 + 3];
      if (!wound && !last && originated > 0 && live === 0 && this.firstLoan[k + 1] === this.loanCount && (k >= this.reinvestLastPeriod || pool < reinvestThreshold)) {
        wound = true;
        this.windDownPeriod = k;
        pool = 0;
        undeployed = 0;
        if (lineBal > 0) {
          // The line is repaid (by a call) and cancelled at the wind-down.
          called += lineBal;
          callK += lineBal;
          lineRepaid += lineBal;
          lineBal = 0;
        }
      }
      if (navOn && navBal > 0) {
        // NAV facility repayment before any distribution: the excess over max LTV of the open
        // book, or (from the end of the draw period, at the wind-down and at the term) all of it.
        const book = sa0 + sa1 + sa2;
        const due = last || wound || k >= this.navSweepStart ? navBal : navBal - navLtv * book;
        const avail = cash - undeployed;
        const pay = due < avail ? due : avail;
        if (pay > 0) {
          cash -= pay;
          navBal -= pay;
          navRepaid += pay;
          if (pool > avail - pay) pool = avail - pay;
        }
        if ((last || wound) && navBal > 0) {
          // Limited recourse: what the fund's assets cannot repay is the lender's loss.
          navLost += navBal;
          navBal = 0;
        }
      }
      if (american && this.dealHead[k] >= 0) amerAccrued += this.dealCarry(k, lpShare);
      // 5. Distributions.
      let distK = 0;
      let lpK = 0;
      let gpK = 0;
      let carryK = 0;
      // LP share of the period's calls enters the waterfall (booked before distributions).
      if (callK > 0) {
        wContributed += lpShare * callK;
        wHurdle += hurdleOnCall * lpShare * callK;
      }
      if (last || wound || (k > 0 && k % this.distributeEvery === 0)) {
        let keep = last || wound ? 0 : pool + undeployed + this.reserve;
        // Recallable distributions: returned principal is distributed during the reinvestment
        // period, within what may still be recalled (cap − recalled − recallable).
        let recallRoom = 0;
        if (recallCap > 0 && !last && !wound && k <= this.reinvestLastPeriod && pool > 0) {
          const room = recallCap - recalled - recallable;
          recallRoom = room < pool ? (room > 0 ? room : 0) : pool;
          keep -= recallRoom;
        }
        const d = cash - keep;
        if (d > 1e-9) {
          distK = d;
          cash -= d;
          if (recallRoom > 0) {
            const x = recallRoom < d ? recallRoom : d;
            pool -= x;
            recallable += x;
            commitment += x;
            this.recallableDistributions[k] = x;
          }
          // Waterfall on the LP share.
          let left = lpShare * d;
          const roc = Math.min(left, Math.max(0, wContributed - wReturned));
          left -= roc;
          wReturned += roc;
          wHurdle -= roc;
          const pref = Math.min(left, Math.max(0, wHurdle));
          left -= pref;
          wHurdle -= pref;
          let gpCu = 0;
          let lpCu = 0;
          if (left > 0 && cu > 0) {
            const profit = wDistributed + roc + pref - wContributed;
            const need = Math.max(0, (carryRate * profit - wCarry) / (cu - carryRate));
            const y = left < need ? left : need;
            gpCu = cu * y;
            lpCu = y - gpCu;
            left -= y;
          }
          let gpSplit = 0;
          let lpSplit = 0;
          if (left > 0) {
            gpSplit = carryRate * left;
            lpSplit = left - gpSplit;
          }
          wHurdle -= lpCu + lpSplit;
          const euK = gpCu + gpSplit;
          wCarry += euK;
          wDistributed += lpShare * d;
          carryK = euK;
          if (american) {
            // American: the carry of the deals realised so far, paid from this distribution.
            const owed = amerAccrued - amerPaid;
            carryK = owed > 0 ? (owed < lpShare * d ? owed : lpShare * d) : 0;
            amerPaid += carryK;
          }
          lpK = lpShare * d - carryK;
          gpK = g * d + carryK;
          carryPaid += carryK;
          carryYears += carryK * k * this.dt;
          euPaid += euK;
          euYears += euK * k * this.dt;
        }
        if (last) {
          // Final true-up (ILPA clawback) of the whole-fund European waterfall on all flows:
          // the GP returns the lesser of the carry it holds and the greater of (a) its carry
          // above carry_rate × total LP-share profit and (b) what the LPs still lack of their
          // hurdle (the hurdle account after the final distribution).
          const allowed = carryRate * Math.max(0, wDistributed - wContributed);
          let euBack = wCarry - allowed > wHurdle ? wCarry - allowed : wHurdle;
          if (euBack > wCarry) euBack = wCarry;
          if (!(euBack > 1e-12 * Math.max(1, wDistributed))) euBack = 0;
          let excess = euBack;
          if (american) {
            // Never above the European result over the whole fund.
            const euFinal = wCarry - euBack;
            excess = amerPaid - euFinal;
            if (!(excess > 1e-12 * Math.max(1, wDistributed))) excess = 0;
          }
          if (excess > 0) {
            carryK -= excess;
            lpK += excess;
            gpK -= excess;
          }
          this.clawback = excess;
          this.europeanClawback = euBack;
        }
      }
      totalDist += distK;
      // 6. NAV: cash + open loans marked to model (accrued interest, appreciation share at
      // the zone index, no idiosyncratic noise, no clamp) + defaulted loans at recovery value.
      const tYears = k * this.dt;
      const r = this.interest;
      const i0 = this.index[b];
      const i1 = this.index[b + 1];
      const i2 = this.index[b + 2];
      const openValue =
        sa0 + sa1 + sa2 + r * (tYears * (sa0 + sa1 + sa2) - (sao0 + sao1 + sao2) * this.dt) + i0 * sw0 + i1 * sw1 + i2 * sw2 - sv0 - sv1 - sv2;
      const navK = cash + openValue + fcValue;
      prevNav = navK - lineBal - navBal;
      this.calls[k] = callK;
      this.advances[k] = advK;
      this.proceeds[k] = inK;
      this.fundFeeIncome[k] = feeIncK;
      this.managementFees[k] = mgmtK + catchUpK;
      this.expenses[k] = expK;
      this.distributions[k] = distK;
      this.lpDistributions[k] = lpK;
      this.gpDistributions[k] = gpK;
      this.carry[k] = carryK;
      this.cash[k] = cash;
      this.nav[k] = navK - lineBal - navBal;
      this.lineBalance[k] = lineBal;
      this.navBalance[k] = navBal;
      totalAdvances += advK;
      totalFundFees += feeIncK;
      totalMgmt += mgmtK + catchUpK;
      totalExpenses += expK;
    }
    this.gpOriginationFees = gpOrig;
    this.feeOffsets = offsets;
    this.carryPaid = carryPaid;
    this.carryPaidYears = carryYears;
    this.europeanCarryPaid = euPaid;
    this.europeanCarryPaidYears = euYears;
    // Initial loans dated at or after the term are never originated: counted as unfunded.
    this.unfundedLoans = unfunded + (this.loanCount - this.firstLoan[n]);
    this.feesPayable = payable;
    this.facilityCost = lineCost + navCostT;
    this.facilityDraws = lineDraws;
    this.navCost = navCostT;
    this.navDraws = navDrawn;
    this.navShortfall = navLost;
    const lhs = called + totalProceeds + totalFundFees + lineDraws + navDrawn;
    const rhs = totalAdvances + totalMgmt + totalExpenses + totalDist + cash + lineRepaid + navRepaid;
    this.conservationError = Math.abs(lhs - rhs) / Math.max(1, lhs);

    // IRRs on the per-period flow vectors (periodic, annualised as (1+r)^S − 1).
    const flow = this.flow;
    // Flows built and scanned in one pass each (annualNetIrr: inflow − share·outflow, + end cash).
    this.grossIrr = annualNetIrr(flow, this.proceeds, this.advances, 1, n, false, 0, S);
    this.fundIrr = annualNetIrr(flow, this.distributions, this.calls, 1, n, true, cash, S);
    this.lpIrr = annualNetIrr(flow, this.lpDistributions, this.calls, lpShare, n, true, lpShare * cash, S);
    if (this.hasFacility) {
      let fs = 0;
      for (let k = 0; k <= n; k++) fs += flow[k];
      this.lpFlowSum = fs;
    }
    this.gpIrr = annualNetIrr(flow, this.gpDistributions, this.calls, g, n, true, g * cash, S);
    if (this.closeCount > 0) this.closeIrrs(lpShare, cash);
  }

  /** Year (on the period grid) at which later close i joins. */
  closeYear(i: number): number {
    return this.closeK[i] / this.stepsPerYear;
  }

  /** Catch-up fee (committed-basis fees from the first close) paid by later close i. */
  closeCatchUpFee(i: number): number {
    return this.closeFee[i];
  }

  /**
   * LP IRR of each close (MODEL-NOTES "Multiple closes"): a later close pays, at its period,
   * its share a/closed of the LP net contributions before it (calls less catch-up fees, less
   * distributions) with simple interest at the equalisation rate, floored at 0, plus its own
   * catch-up fee; the closes already in receive it pro rata to their commitments. From its
   * close on, each close holds a/closed of every LP flow.
   */
  private closeIrrs(lpShare: number, endCash: number): void {
    const n = this.periods;
    const C = this.closeCount;
    const S = this.stepsPerYear;
    const dt = this.dt;
    const r = this.eqRate;
    const calls = this.calls;
    const lpD = this.lpDistributions;
    const fee = this.closeFeeAt;
    const eq = this.closeEqualisation;
    // Equalisation of each later close, in order (several at one period are taken in turn).
    let closedBefore = this.firstClose;
    for (let i = 0; i < C; i++) {
      const kc = this.closeK[i];
      const a = this.closeAmount[i];
      let past = 0;
      for (let j = 0; j < kc; j++) past += (lpD[j] - lpShare * (calls[j] - fee[j])) * -(1 + r * (kc - j) * dt);
      const e = past > 0 ? (past * a) / (closedBefore + a) : 0;
      eq[i] = e;
      closedBefore += a;
    }
    const flow = this.cohortFlow;
    for (let c = 0; c <= C; c++) {
      const a = c === 0 ? this.firstClose : this.closeAmount[c - 1];
      const joined = c === 0 ? 0 : this.closeK[c - 1];
      let closed = this.firstClose;
      let next = 0; // next later close to add to `closed`
      for (let k = 0; k <= n; k++) {
        while (next < C && this.closeK[next] <= k) closed += this.closeAmount[next++];
        flow[k] = k < joined ? 0 : (a / closed) * (lpD[k] - lpShare * (calls[k] - fee[k]));
      }
      flow[n] += (a / closed) * lpShare * endCash;
      if (c > 0) flow[joined] -= eq[c - 1] + lpShare * this.closeFee[c - 1];
      // Equalisation received from the closes after this one.
      let before = this.firstClose;
      for (let i = 0; i < C; i++) {
        if (i >= c) flow[this.closeK[i]] += (eq[i] * a) / before;
        before += this.closeAmount[i];
      }
      let total = 0;
      for (let k = 0; k <= n; k++) total += flow[k];
      this.closeFlowSum[c] = total;
      const irr = pathIrr(flow, n + 1);
      this.closeIrr[c] = irr === irr ? Math.pow(1 + irr, S) - 1 : Number.NaN;
    }
  }
}

interface ResolvedShock {
  from_month: number;
  to_month: number;
  zone?: 'green' | 'orange' | 'red';
  drift_add: number | 'stagnation';
  vol_mult: number;
  default_mult: number;
}

/**
 * Scenario overlays as shocks: `gfc` = −20% over months 12–36 (drift_add = ln(0.8)/2 per
 * year in every zone) with defaults ×3; `stagnation` = zone drift set to 0 for months
 * 0–60; `rate_shock` = default hazard ×2 and drift −2pp a year for months 0–36; `custom` =
 * the fund's `shocks` (ignored for the other names).
 */
function scenarioShocks(fund: Fund): ResolvedShock[] {
  const out: ResolvedShock[] = [];
  const name = fund.scenario.name;
  if (name === 'gfc') out.push({ from_month: 12, to_month: 36, drift_add: Math.log(0.8) / 2, vol_mult: 1, default_mult: 3 });
  if (name === 'stagnation') out.push({ from_month: 0, to_month: 60, drift_add: 'stagnation', vol_mult: 1, default_mult: 1 });
  if (name === 'rate_shock') out.push({ from_month: 0, to_month: 36, drift_add: -0.02, vol_mult: 1, default_mult: 2 });
  if (name === 'custom') for (const s of fund.scenario.shocks) out.push({ ...s });
  return out;
}

/** The stress library's effects beyond shocks (see MODEL-NOTES "Stress library" for sources). */
const STRESS: Partial<Record<string, { jump: number; exit_keep: number; extra_foreclosure_months: number }>> = {
  hpa_decline_10: { jump: Math.log(0.9), exit_keep: 1, extra_foreclosure_months: 0 },
  hpa_decline_25: { jump: Math.log(0.75), exit_keep: 1, extra_foreclosure_months: 0 },
  valuation_haircut_10: { jump: 0, exit_keep: 0.9, extra_foreclosure_months: 12 },
};
