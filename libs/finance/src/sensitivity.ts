import { FinanceInputError } from './errors.js';
import { validateFund } from './fund.js';
import { simulateFund } from './simulate.js';
import type { Fund, Granularity } from './types.js';

/** Parameters of the tornado (MODEL.md §9) and how `low`/`high` are read for each. */
export const SENSITIVITY_PARAMETERS = {
  /** Added to every zone's annual drift (default −0.02 / +0.02). */
  appreciation_rate: { kind: 'shift', low: -0.02, high: 0.02 },
  /** Multiplies every zone's volatility (default ×0.5 / ×1.5). */
  volatility: { kind: 'multiplier', low: 0.5, high: 1.5 },
  /** Multiplies every zone's default rate (default ×0.5 / ×2). */
  default_rate: { kind: 'multiplier', low: 0.5, high: 2 },
  /** `loan_parameters.avg_exit_year` ± 2 years. */
  avg_exit_year: { kind: 'shift', low: -2, high: 2 },
  /** `loan_parameters.average_ltv` ± 0.1. */
  average_ltv: { kind: 'shift', low: -0.1, high: 0.1 },
  /** `fee_structure.management_fee_rate` ± 0.5pp. */
  management_fee_rate: { kind: 'shift', low: -0.005, high: 0.005 },
  /** `fee_structure.hurdle_rate` ± 2pp. */
  hurdle_rate: { kind: 'shift', low: -0.02, high: 0.02 },
  /** Carry (`fee_structure.performance_fee_rate`) ± 5pp. */
  performance_fee_rate: { kind: 'shift', low: -0.05, high: 0.05 },
  /** `fee_structure.origination_fee_rate` ± 1pp. */
  origination_fee_rate: { kind: 'shift', low: -0.01, high: 0.01 },
} as const;

export type SensitivityParameter = keyof typeof SENSITIVITY_PARAMETERS;

/** One tornado parameter; `low`/`high` override the defaults (shift or multiplier, see SENSITIVITY_PARAMETERS). */
export interface SensitivitySpec {
  parameter: SensitivityParameter;
  low?: number;
  high?: number;
}

export interface TornadoRow {
  parameter: SensitivityParameter;
  kind: 'shift' | 'multiplier';
  /** The shift or multiplier applied at the low / high end. */
  low: number;
  high: number;
  /** The metric (LP net IRR median, annual) at the low / high end; NaN (JSON null) when no path paid in. */
  metric_low: number;
  metric_high: number;
  /** The metric of the unchanged fund (same for every row). */
  base: number;
  /** |metric_high − metric_low|. */
  swing: number;
}

export interface TornadoResult {
  metric: 'lp_net_irr_p50';
  /** Metric of the unchanged fund. */
  base: number;
  paths: number;
  seed: number;
  granularity: Granularity;
  /** Sorted by swing, largest first. */
  rows: TornadoRow[];
}

function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}

/** The fund with one parameter moved; results are clamped into the parameter's valid range. */
export function applySensitivity(fund: Fund, parameter: SensitivityParameter, value: number): Fund {
  const f: Fund = structuredClone(fund);
  const lp = f.loan_parameters;
  const fs = f.fee_structure;
  switch (parameter) {
    case 'appreciation_rate':
      for (const z of [f.zone_parameters.green, f.zone_parameters.orange, f.zone_parameters.red]) z.appreciation_rate = clamp(z.appreciation_rate + value, -0.5, 0.5);
      break;
    case 'volatility':
      for (const z of [f.zone_parameters.green, f.zone_parameters.orange, f.zone_parameters.red]) z.volatility = clamp(z.volatility * value, 0, 1);
      break;
    case 'default_rate':
      for (const z of [f.zone_parameters.green, f.zone_parameters.orange, f.zone_parameters.red]) z.default_rate = clamp(z.default_rate * value, 0, 1);
      break;
    case 'avg_exit_year':
      lp.avg_exit_year = clamp(lp.avg_exit_year + value, 0, 30);
      break;
    case 'average_ltv':
      lp.average_ltv = clamp(lp.average_ltv + value, lp.min_ltv, lp.max_ltv);
      break;
    case 'management_fee_rate':
      fs.management_fee_rate = clamp(fs.management_fee_rate + value, 0, 0.1);
      break;
    case 'hurdle_rate':
      fs.hurdle_rate = clamp(fs.hurdle_rate + value, 0, 0.5);
      break;
    case 'performance_fee_rate':
      fs.performance_fee_rate = clamp(fs.performance_fee_rate + value, 0, 0.5);
      break;
    case 'origination_fee_rate':
      fs.origination_fee_rate = clamp(fs.origination_fee_rate + value, 0, 0.1);
      break;
  }
  return f;
}

/**
 * {@link applySensitivity}, then fund validation: a moved value that breaks a cross-field
 * rule (e.g. carry moved up to a non-zero `catch_up_rate`) is reported on `field`, the
 * end of the spec that moved it.
 */
function checkedVariant(fund: Fund, parameter: SensitivityParameter, value: number, field: string): Fund {
  const f = applySensitivity(fund, parameter, value);
  try {
    validateFund(f);
  } catch (e) {
    if (e instanceof FinanceInputError) throw new FinanceInputError(field, `moves the fund out of its valid range (${e.message})`);
    throw e;
  }
  return f;
}

/**
 * Tornado sensitivity (MODEL.md §9): each parameter at its low and high value, every run
 * with the same `seed` and `paths` (common random numbers; the initial portfolio is
 * regenerated from the seed for each variant, so only the moved parameter differs).
 * Metric: median LP net IRR. An empty or omitted `parameters` list means all of
 * {@link SENSITIVITY_PARAMETERS}. A moved value that makes the fund invalid (carry moved to
 * or above a non-zero `catch_up_rate`) is a FinanceInputError on `parameters.<i>.low|high`.
 */
export function sensitivity(
  fund: Fund,
  options: { parameters?: SensitivitySpec[]; paths: number; seed: number; granularity?: Granularity },
): TornadoResult {
  validateFund(fund);
  if (typeof options !== 'object' || options === null) throw new FinanceInputError('options', 'must be an object');
  const specs: SensitivitySpec[] =
    options.parameters === undefined || options.parameters.length === 0
      ? (Object.keys(SENSITIVITY_PARAMETERS) as SensitivityParameter[]).map((parameter) => ({ parameter }))
      : options.parameters;
  if (!Array.isArray(specs)) throw new FinanceInputError('parameters', 'must be an array');
  const granularity = options.granularity ?? 'monthly';
  specs.forEach((s, i) => {
    if (typeof s !== 'object' || s === null || !(s.parameter in SENSITIVITY_PARAMETERS)) {
      throw new FinanceInputError(`parameters.${i}.parameter`, `must be one of ${Object.keys(SENSITIVITY_PARAMETERS).join(', ')}`);
    }
    for (const end of ['low', 'high'] as const) {
      const v = s[end];
      if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v))) throw new FinanceInputError(`parameters.${i}.${end}`, 'must be a finite number');
    }
  });
  // Every variant is built and validated before the first simulation runs.
  const variants = specs.map((s, i) => {
    const def = SENSITIVITY_PARAMETERS[s.parameter];
    const low = s.low ?? def.low;
    const high = s.high ?? def.high;
    return {
      parameter: s.parameter,
      kind: def.kind,
      low,
      high,
      lowFund: checkedVariant(fund, s.parameter, low, `parameters.${i}.low`),
      highFund: checkedVariant(fund, s.parameter, high, `parameters.${i}.high`),
    };
  });
  const run = (f: Fund) => simulateFund(f, { paths: options.paths, seed: options.seed, granularity }).lp.irr.p50 ?? Number.NaN;
  const base = run(fund);
  const rows: TornadoRow[] = variants.map((v) => {
    const metricLow = run(v.lowFund);
    const metricHigh = run(v.highFund);
    return { parameter: v.parameter, kind: v.kind, low: v.low, high: v.high, metric_low: metricLow, metric_high: metricHigh, base, swing: Math.abs(metricHigh - metricLow) };
  });
  rows.sort((a, b) => b.swing - a.swing || a.parameter.localeCompare(b.parameter));
  return { metric: 'lp_net_irr_p50', base, paths: options.paths, seed: options.seed, granularity, rows };
}
