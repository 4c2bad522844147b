/**
 * The candidates of a job: the fund's parameters with one thing changed, each simulated as
 * one run with the job's paths and seed (common random numbers: path i draws from the stream
 * (seed, i) whatever the candidate). Every candidate is checked by the domain `Fund` rules
 * and the engine's `validateFund` BEFORE anything is stored or submitted, so a request whose
 * moved values break the fund is a 400 naming the request field.
 */
import { FundInput, type FundParameters, type SensitivityRequest, type SolveParameter, type ZoneBounds } from '@equihome/domain';
import { applySensitivity, FinanceInputError, SENSITIVITY_PARAMETERS, validateFund, type Fund as EngineFund, type SensitivityParameter } from '@equihome/finance';
import { PlatformProblems } from '@equihome/platform';
import { canonicalHash } from '@equihome/domain';

/** One simulation of a job: a fund snapshot on a portfolio (stored id, or null = generated from the seed). */
export interface Candidate {
  key: string;
  label: string;
  fund: FundParameters;
  portfolio_id: string | null;
}

export const invalid = (path: string, message: string) => PlatformProblems.ValidationFailed.create(`invalid body: ${path}: ${message}`, { errors: [{ path, message }] });

/** The fund checked as a whole (domain rules, then the engine's); a failure is a 400 on `field`. */
export function checkedFund(fund: FundParameters, field: string): FundParameters {
  const parsed = FundInput.safeParse(fund);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw invalid(field, `moves the fund out of its valid range (${issue.path.join('.')}: ${issue.message})`);
  }
  try {
    validateFund(fund as unknown as EngineFund);
  } catch (err) {
    if (err instanceof FinanceInputError) throw invalid(field, `moves the fund out of its valid range (${err.field}: ${err.message})`);
    throw err;
  }
  return fund;
}

export function candidate(fund: FundParameters, portfolioId: string | null, label: string): Candidate {
  return { key: canonicalHash({ fund, portfolio_id: portfolioId }), label, fund, portfolio_id: portfolioId };
}

/**
 * Parameters that shape the INITIAL portfolio's generation (LTVs → advances; exit years; zone
 * mix): a candidate moving one of them is always simulated on the portfolio generated from the
 * seed with its own parameters (as libs/finance `sensitivity()` does for every variant) —
 * a stored portfolio would keep the old loans. Other candidates use the job's portfolio.
 */
export const PORTFOLIO_SHAPING: ReadonlySet<string> = new Set(['average_ltv', 'avg_exit_year', 'green_allocation', 'zone_allocations']);

/** The moved fund of a tornado end (libs/finance `applySensitivity`: clamped into the valid range). */
export const moved = (fund: FundParameters, parameter: SensitivityParameter, value: number): FundParameters =>
  applySensitivity(fund as unknown as EngineFund, parameter, value) as unknown as FundParameters;

export interface TornadoPlanRow {
  parameter: SensitivityParameter;
  kind: 'shift' | 'multiplier';
  low: number;
  high: number;
  lowCandidate: Candidate;
  highCandidate: Candidate;
}

export interface SensitivityPlan {
  base: Candidate;
  rows: TornadoPlanRow[];
  grid: { x: { parameter: SensitivityParameter; kind: string; values: number[] }; y: { parameter: SensitivityParameter; kind: string; values: number[] }; cells: Candidate[][] } | null;
}

/** The tornado (every MODEL.md §9 parameter by default) and the optional heat map of a sensitivity request. */
export function sensitivityPlan(fund: FundParameters, body: SensitivityRequest, portfolioId: string | null): SensitivityPlan {
  const specs =
    body.parameters === undefined || body.parameters.length === 0 ? (Object.keys(SENSITIVITY_PARAMETERS) as SensitivityParameter[]).map((parameter) => ({ parameter, low: undefined, high: undefined })) : body.parameters;
  const portfolioFor = (...parameters: string[]) => (parameters.some((p) => PORTFOLIO_SHAPING.has(p)) ? null : portfolioId);
  const base = candidate(fund, portfolioId, 'base');
  const rows = specs.map((s, i): TornadoPlanRow => {
    const parameter = s.parameter as SensitivityParameter;
    const def = SENSITIVITY_PARAMETERS[parameter];
    const low = s.low ?? def.low;
    const high = s.high ?? def.high;
    const p = portfolioFor(parameter);
    return {
      parameter,
      kind: def.kind,
      low,
      high,
      lowCandidate: candidate(checkedFund(moved(fund, parameter, low), `parameters.${i}.low`), p, `${parameter} low ${low}`),
      highCandidate: candidate(checkedFund(moved(fund, parameter, high), `parameters.${i}.high`), p, `${parameter} high ${high}`),
    };
  });
  let grid: SensitivityPlan['grid'] = null;
  if (body.grid !== undefined) {
    const x = body.grid.x.parameter as SensitivityParameter;
    const y = body.grid.y.parameter as SensitivityParameter;
    if (x === y) throw invalid('grid.y.parameter', 'must differ from grid.x.parameter');
    const p = portfolioFor(x, y);
    const cells = body.grid.y.values.map((yv, j) =>
      body.grid!.x.values.map((xv, i) => candidate(checkedFund(moved(moved(fund, x, xv), y, yv), `grid.x.values.${i}`), p, `grid ${x}=${xv} ${y}=${yv} (${i},${j})`)),
    );
    grid = { x: { parameter: x, kind: SENSITIVITY_PARAMETERS[x].kind, values: body.grid.x.values }, y: { parameter: y, kind: SENSITIVITY_PARAMETERS[y].kind, values: body.grid.y.values }, cells };
  }
  return { base, rows, grid };
}

export interface Weights {
  green: number;
  orange: number;
  red: number;
}

/** Bounds with their defaults ([0, 1] each). */
export function zoneBounds(bounds: ZoneBounds | undefined): Record<keyof Weights, [number, number]> {
  return { green: bounds?.green ?? [0, 1], orange: bounds?.orange ?? [0, 1], red: bounds?.red ?? [0, 1] };
}

/**
 * Candidate zone mixes for the simulation frontier: the points of the simplex lattice of
 * step 1/k inside the bounds, for the smallest k (≤ 100) with at least `points` of them; when
 * there are more, exactly `points` are taken, evenly spaced in the lattice's order (green,
 * then orange, ascending). Every mix sums to 1 (red = (k − i − j)/k).
 */
export function zoneLattice(bounds: Record<keyof Weights, [number, number]>, points: number): Weights[] {
  const inside = (v: number, [lo, hi]: [number, number]) => v >= lo - 1e-12 && v <= hi + 1e-12;
  let best: Weights[] = [];
  for (let k = 1; k <= 100; k++) {
    const found: Weights[] = [];
    for (let i = 0; i <= k; i++) {
      for (let j = 0; i + j <= k; j++) {
        const w = { green: i / k, orange: j / k, red: (k - i - j) / k };
        if (inside(w.green, bounds.green) && inside(w.orange, bounds.orange) && inside(w.red, bounds.red)) found.push(w);
      }
    }
    if (found.length > best.length) best = found;
    if (found.length >= points) break;
  }
  if (best.length <= points) return best;
  return Array.from({ length: points }, (_, i) => best[Math.round((i * (best.length - 1)) / (points - 1))]);
}

export function withZoneAllocations(fund: FundParameters, w: Weights): FundParameters {
  const f = structuredClone(fund);
  f.loan_parameters.zone_allocations = { green: w.green, orange: w.orange, red: w.red };
  return f;
}

/** Goal seek: the fund with `parameter` set to the absolute `value` (green_allocation moves orange/red pro rata). */
export function withSolveParameter(fund: FundParameters, parameter: SolveParameter, value: number): FundParameters {
  const f = structuredClone(fund);
  switch (parameter) {
    case 'management_fee_rate':
    case 'hurdle_rate':
    case 'performance_fee_rate':
    case 'origination_fee_rate':
      f.fee_structure[parameter] = value;
      break;
    case 'average_ltv':
      f.loan_parameters.average_ltv = value;
      break;
    case 'green_allocation': {
      const za = f.loan_parameters.zone_allocations;
      const rest = za.orange + za.red;
      const left = 1 - value;
      const orange = rest > 0 ? (left * za.orange) / rest : left / 2;
      f.loan_parameters.zone_allocations = { green: value, orange, red: left - orange };
      break;
    }
  }
  return f;
}

/** The parameter's value in the fund. */
export function solveParameterValue(fund: FundParameters, parameter: SolveParameter): number {
  if (parameter === 'average_ltv') return fund.loan_parameters.average_ltv;
  if (parameter === 'green_allocation') return fund.loan_parameters.zone_allocations.green;
  return fund.fee_structure[parameter];
}

/** Default bounds of goal seek: the parameter's valid range for this fund. */
export function defaultSolveBounds(fund: FundParameters, parameter: SolveParameter): [number, number] {
  switch (parameter) {
    case 'management_fee_rate':
      return [0, 0.05];
    case 'hurdle_rate':
      return [0, 0.2];
    case 'performance_fee_rate': {
      const cu = fund.fee_structure.catch_up_rate;
      return [0, cu > 0 ? Math.min(0.5, cu - 1e-6) : 0.5];
    }
    case 'origination_fee_rate':
      return [0, 0.1];
    case 'average_ltv':
      return [fund.loan_parameters.min_ltv, fund.loan_parameters.max_ltv];
    case 'green_allocation':
      return [0, 1];
  }
}
