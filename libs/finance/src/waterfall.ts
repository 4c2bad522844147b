/**
 * Distribution waterfall between investors (LPs) and the GP (MODEL.md §6).
 *
 * Conventions:
 * - All amounts are positive currency units (dollars): `contributions` are capital paid in
 *   by the investors who pay carry, `distributions` are the cash distributable to them and
 *   the GP's carry (after fees and expenses, before the carry split).
 * - Dates are ISO calendar dates (UTC days); day count Actual/365; the hurdle compounds
 *   annually: a dollar contributed grows at `(1+h)^(days/365)` until returned.
 * - Events on the same date: contributions are booked before distributions; otherwise
 *   input order.
 *
 * European (whole fund), on cumulative amounts, for each distribution in date order:
 * 1. Return of capital: 100 % to LPs until cumulative LP capital returned equals
 *    cumulative contributions.
 * 2. Preferred return: 100 % to LPs until the hurdle account is paid off. The hurdle
 *    account is the future value at `hurdle_rate` of contributions minus the future value
 *    of everything LPs have received; it is ≤ 0 exactly when the LPs' IRR on their dated
 *    flows so far is ≥ `hurdle_rate` (IRR-equivalent hurdle, compounding on unpaid pref).
 * 3. Catch-up: `catch_up_rate` of each dollar to the GP (the rest to LPs) until the GP's
 *    cumulative carry equals `carry_rate × (cumulative distributions − cumulative
 *    contributions)`. `catch_up_rate = 0` means no catch-up tier; any other value must be
 *    greater than `carry_rate` (a value in (0, carry_rate] is rejected, see
 *    {@link checkCatchUpRate}).
 * 4. Split: `carry_rate` to the GP, the rest to LPs.
 * At the end a true-up over all dated flows (ILPA clawback) returns to the LPs the lesser
 * of the GP's carry and the greater of (a) its carry above `carry_rate × max(0, total
 * profit)` and (b) the LPs' remaining hurdle shortfall (the hurdle account after the last
 * event), so a later capital call can never leave the LPs below the hurdle while the GP
 * keeps carry (`gp.clawback`; 0 otherwise).
 *
 * American (deal by deal): the same four tiers run separately on each `deal`'s
 * contributions and distributions (flows without `deal` form one "fund" group), carry
 * paid as each deal distributes. At the final distribution a clawback returns to the LPs
 * any GP carry above the European result over the whole fund, so the final GP amount is
 * never above the European amount.
 */
import { dayNumber } from './cashflow.js';
import { FinanceInputError } from './errors.js';

/** A dated, positive cash amount, optionally tagged with the deal it belongs to. */
export interface WaterfallFlow {
  /** ISO date `YYYY-MM-DD` (or a Date), read as a UTC calendar day. */
  date: string | Date;
  /** Positive amount in currency units. */
  amount: number;
  /** Deal identifier (used by the American structure). */
  deal?: string;
}

/** Waterfall input (MODEL.md §6). Rates are decimals (0.08 = 8 %). */
export interface WaterfallInput {
  structure: 'european' | 'american';
  /** Annual hurdle (preferred return), Actual/365 annual compounding, in [0, 1]. Default 0.08. */
  hurdle_rate?: number;
  /**
   * Hurdle as a multiple of contributions instead (in [1, 10]): the preferred-return tier
   * pays LPs until they have received `hurdle_multiple` × their contributions (no
   * compounding; `hurdle_rate` is then ignored). Absent = the IRR hurdle.
   */
  hurdle_multiple?: number;
  /** Share of each catch-up dollar going to the GP, 0 or in (carry_rate, 1]. Default 1.0. */
  catch_up_rate?: number;
  /** GP share of profit, in [0, 1). Default 0.20. */
  carry_rate?: number;
  /** Capital paid in by carry-paying investors. */
  contributions: WaterfallFlow[];
  /** Distributable cash, split between LPs and GP. */
  distributions: WaterfallFlow[];
}

/** LP (investor) totals per tier. `total` includes clawback received from the GP. */
export interface WaterfallLp {
  return_of_capital: number;
  preferred_return: number;
  catch_up: number;
  split: number;
  total: number;
}

/**
 * GP totals. `carried_interest` is the GP's share of the split tier; `clawback` (≥ 0) is
 * returned to LPs at the final distribution; `total = catch_up + carried_interest − clawback`.
 */
export interface WaterfallGp {
  catch_up: number;
  carried_interest: number;
  clawback: number;
  total: number;
}

/**
 * One row per distribution, in the order booked (date order; ties in input order), showing
 * how that distribution was split. `clawback` (GP → LP) is non-zero only on the final row,
 * where it is included in `lp_total` and subtracted in `gp_total`. `lp_cumulative` /
 * `gp_cumulative` are running totals after the row.
 */
export interface WaterfallTier {
  date: string;
  deal?: string;
  amount: number;
  return_of_capital: number;
  preferred_return: number;
  lp_catch_up: number;
  gp_catch_up: number;
  lp_split: number;
  gp_carried_interest: number;
  clawback: number;
  lp_total: number;
  gp_total: number;
  lp_cumulative: number;
  gp_cumulative: number;
}

export interface WaterfallResult {
  lp: WaterfallLp;
  gp: WaterfallGp;
  tiers: WaterfallTier[];
}

interface Event {
  day: number;
  kind: 0 | 1; // 0 contribution, 1 distribution
  amount: number;
  deal: string | undefined;
  index: number;
  date: string;
}

interface Terms {
  h: number;
  /** Multiple hurdle (> 0) or 0 for the IRR hurdle. */
  m: number;
  c: number;
  carry: number;
}

/** Running state of the European tiers for one pool of flows (whole fund or one deal). */
class TierState {
  private contributed = 0;
  private distributed = 0;
  private capitalReturned = 0;
  private hurdle = 0; // future value of (contributions − LP receipts) at the hurdle rate
  private day = Number.NaN;
  gpCarry = 0;

  constructor(private readonly terms: Terms) {}

  private accrue(day: number): void {
    if (this.terms.m === 0 && !Number.isNaN(this.day) && day > this.day && this.hurdle !== 0) {
      this.hurdle *= Math.pow(1 + this.terms.h, (day - this.day) / 365);
    }
    this.day = day;
  }

  contribute(day: number, amount: number): void {
    this.accrue(day);
    this.contributed += amount;
    this.hurdle += this.terms.m > 0 ? this.terms.m * amount : amount;
  }

  distribute(day: number, amount: number, row: WaterfallTier): void {
    this.accrue(day);
    const { c, carry } = this.terms;
    let left = amount;
    const roc = Math.min(left, Math.max(0, this.contributed - this.capitalReturned));
    left -= roc;
    this.capitalReturned += roc;
    this.hurdle -= roc;
    const pref = Math.min(left, Math.max(0, this.hurdle));
    left -= pref;
    this.hurdle -= pref;
    let gpCu = 0;
    let lpCu = 0;
    if (left > 0 && c > 0) {
      // GP + c·y = carry · (distributed + roc + pref + y − contributed)  ⇒  y = … / (c − carry)
      const profit = this.distributed + roc + pref - this.contributed;
      const need = Math.max(0, (carry * profit - this.gpCarry) / (c - carry));
      const y = Math.min(left, need);
      gpCu = c * y;
      lpCu = y - gpCu;
      left -= y;
    }
    let gpSplit = 0;
    let lpSplit = 0;
    if (left > 0) {
      gpSplit = carry * left;
      lpSplit = left - gpSplit;
    }
    this.hurdle -= lpCu + lpSplit;
    this.gpCarry += gpCu + gpSplit;
    this.distributed += amount;
    row.return_of_capital += roc;
    row.preferred_return += pref;
    row.lp_catch_up += lpCu;
    row.gp_catch_up += gpCu;
    row.lp_split += lpSplit;
    row.gp_carried_interest += gpSplit;
  }

  /**
   * Final true-up (ILPA clawback, whole fund, all dated flows): the GP returns the lesser of
   * the carry it holds and the greater of (a) its carry above `carry × max(0, profit)` and
   * (b) what the LPs still lack of their preferred return — the hurdle account after the
   * last event (> 0 exactly when the LPs' IRR on all their dated flows is below the hurdle).
   * After it the LPs are at or above the hurdle whenever the GP keeps any carry.
   */
  excessCarry(): number {
    const allowed = this.terms.carry * Math.max(0, this.distributed - this.contributed);
    let back = this.gpCarry - allowed > this.hurdle ? this.gpCarry - allowed : this.hurdle;
    if (back > this.gpCarry) back = this.gpCarry;
    return aboveNoise(back, this.distributed);
  }
}

/**
 * Split dated distributions between LPs and GP (European or American, see module doc).
 * Invariant: `lp.total + gp.total = Σ distributions` (to rounding).
 *
 * @throws FinanceInputError naming the field (`structure`, `hurdle_rate`, `carry_rate`,
 *   `catch_up_rate`, `contributions[i].amount`, `distributions[i].date`, …)
 */
export function waterfall(input: WaterfallInput): WaterfallResult {
  if (input === null || typeof input !== 'object') throw new FinanceInputError('input', 'must be an object');
  const { structure } = input;
  if (structure !== 'european' && structure !== 'american') {
    throw new FinanceInputError('structure', `must be "european" or "american", got ${String(structure)}`);
  }
  const terms = readTerms(input);
  const events = readEvents(input);

  const rows: WaterfallTier[] = [];
  if (structure === 'european') {
    const state = new TierState(terms);
    for (const e of events) {
      if (e.kind === 0) state.contribute(e.day, e.amount);
      else {
        const row = emptyRow(e);
        state.distribute(e.day, e.amount, row);
        rows.push(row);
      }
    }
    applyClawback(rows, state.excessCarry());
  } else {
    const pools = new Map<string, TierState>();
    const pool = (deal: string | undefined): TierState => {
      const key = deal ?? '\u0000fund';
      let s = pools.get(key);
      if (s === undefined) {
        s = new TierState(terms);
        pools.set(key, s);
      }
      return s;
    };
    for (const e of events) {
      if (e.kind === 0) pool(e.deal).contribute(e.day, e.amount);
      else {
        const row = emptyRow(e);
        pool(e.deal).distribute(e.day, e.amount, row);
        rows.push(row);
      }
    }
    const european = waterfall({ ...input, structure: 'european' });
    let gpBefore = 0;
    for (const r of rows) gpBefore += r.gp_catch_up + r.gp_carried_interest;
    let distributed = 0;
    for (const r of rows) distributed += r.amount;
    applyClawback(rows, aboveNoise(gpBefore - european.gp.total, distributed));
  }
  return summarise(rows);
}

/** `x` when it is a real positive amount, 0 when it is ≤ rounding noise relative to `scale`. */
function aboveNoise(x: number, scale: number): number {
  return x > 1e-12 * Math.max(1, scale) ? x : 0;
}

function applyClawback(rows: WaterfallTier[], amount: number): void {
  if (rows.length > 0 && amount > 0) rows[rows.length - 1].clawback = amount;
}

function summarise(rows: WaterfallTier[]): WaterfallResult {
  const lp: WaterfallLp = { return_of_capital: 0, preferred_return: 0, catch_up: 0, split: 0, total: 0 };
  const gp: WaterfallGp = { catch_up: 0, carried_interest: 0, clawback: 0, total: 0 };
  let lpCum = 0;
  let gpCum = 0;
  for (const r of rows) {
    r.lp_total = r.return_of_capital + r.preferred_return + r.lp_catch_up + r.lp_split + r.clawback;
    r.gp_total = r.gp_catch_up + r.gp_carried_interest - r.clawback;
    lpCum += r.lp_total;
    gpCum += r.gp_total;
    r.lp_cumulative = lpCum;
    r.gp_cumulative = gpCum;
    lp.return_of_capital += r.return_of_capital;
    lp.preferred_return += r.preferred_return;
    lp.catch_up += r.lp_catch_up;
    lp.split += r.lp_split;
    gp.catch_up += r.gp_catch_up;
    gp.carried_interest += r.gp_carried_interest;
    gp.clawback += r.clawback;
  }
  lp.total = lpCum;
  gp.total = gpCum;
  return { lp, gp, tiers: rows };
}

function emptyRow(e: Event): WaterfallTier {
  const row: WaterfallTier = {
    date: e.date,
    amount: e.amount,
    return_of_capital: 0,
    preferred_return: 0,
    lp_catch_up: 0,
    gp_catch_up: 0,
    lp_split: 0,
    gp_carried_interest: 0,
    clawback: 0,
    lp_total: 0,
    gp_total: 0,
    lp_cumulative: 0,
    gp_cumulative: 0,
  };
  if (e.deal !== undefined) row.deal = e.deal;
  return row;
}

function readRate(value: unknown, fallback: number, field: string, lo: number, hi: number, hiOpen: boolean): number {
  const v = value === undefined ? fallback : value;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < lo || (hiOpen ? v >= hi : v > hi)) {
    throw new FinanceInputError(field, `must be a number in [${lo}, ${hi}${hiOpen ? ')' : ']'}, got ${String(v)}`);
  }
  return v;
}

function readTerms(input: WaterfallInput): Terms {
  const h = readRate(input.hurdle_rate, 0.08, 'hurdle_rate', 0, 1, false);
  const m = input.hurdle_multiple === undefined ? 0 : readRate(input.hurdle_multiple, 1, 'hurdle_multiple', 1, 10, false);
  const carry = readRate(input.carry_rate, 0.2, 'carry_rate', 0, 1, true);
  const c = readRate(input.catch_up_rate, 1.0, 'catch_up_rate', 0, 1, false);
  checkCatchUpRate(c, carry, 'catch_up_rate');
  return { h, m, c, carry };
}

/**
 * The catch-up rule shared by `waterfall()` and fund validation: the catch-up rate is 0 (no
 * catch-up tier) or strictly greater than the carry rate. A rate in (0, carry] is rejected:
 * a catch-up paying the GP no more than the carry share of each dollar could never bring
 * the GP up to `carry × profit`.
 *
 * @throws FinanceInputError naming `field`
 */
export function checkCatchUpRate(catchUp: number, carry: number, field: string): void {
  if (catchUp !== 0 && !(catchUp > carry)) {
    throw new FinanceInputError(field, `must be 0 (no catch-up) or greater than the carry rate ${carry}, got ${catchUp}`);
  }
}

function readEvents(input: WaterfallInput): Event[] {
  const events: Event[] = [];
  const read = (list: unknown, field: 'contributions' | 'distributions', kind: 0 | 1): void => {
    if (!Array.isArray(list)) throw new FinanceInputError(field, 'must be an array of { date, amount, deal? }');
    list.forEach((f: unknown, i: number) => {
      const at = `${field}[${i}]`;
      if (f === null || typeof f !== 'object') throw new FinanceInputError(at, 'must be { date, amount, deal? }');
      const { date, amount, deal } = f as WaterfallFlow;
      if (typeof amount !== 'number' || !Number.isFinite(amount) || amount < 0) {
        throw new FinanceInputError(`${at}.amount`, `must be a finite amount >= 0, got ${String(amount)}`);
      }
      if (deal !== undefined && typeof deal !== 'string') {
        throw new FinanceInputError(`${at}.deal`, 'must be a string when given');
      }
      const day = dayNumber(date, `${at}.date`);
      const iso = new Date(day * 86_400_000).toISOString().slice(0, 10);
      events.push({ day, kind, amount, deal, index: events.length, date: iso });
    });
  };
  read(input.contributions, 'contributions', 0);
  read(input.distributions, 'distributions', 1);
  events.sort((a, b) => a.day - b.day || a.kind - b.kind || a.index - b.index);
  return events;
}
