import { z } from 'zod';
import { PageQuery, ResourceId, text } from './common.js';

export const Granularity = z.enum(['monthly', 'quarterly', 'yearly']);
export type Granularity = z.infer<typeof Granularity>;

/** Largest `paths` of one simulation run through the API. */
export const MAX_SIMULATION_PATHS = 1_000_000;

/**
 * Body of `POST /api/simulations` (strict: an unknown key is a 400 naming it).
 * - `portfolio_id` absent → the fund's most recent portfolio (as announced by
 *   portfolio-service's events), else one generated in-service from the fund and `seed`.
 * - `seed` absent → one is drawn (uint32) and stored with the run, so every run is reproducible.
 * - `overrides`: a partial fund (`{ "scenario": { "name": "gfc" } }`), deep-merged onto the
 *   fund (objects merged key by key, arrays and scalars replaced) and validated as a whole
 *   fund by the domain `Fund` schema; errors name `overrides.<path>`.
 * - `cache = false` forces a compute even when an identical run has completed.
 */
export const SimulationRequest = z.strictObject({
  fund_id: ResourceId,
  portfolio_id: ResourceId.optional(),
  paths: z.number().int().min(1).max(MAX_SIMULATION_PATHS).default(10_000),
  seed: z.number().int().min(0).max(0xffffffff).optional(),
  granularity: Granularity.default('monthly'),
  overrides: z.record(z.string(), z.unknown()).optional().describe('partial fund deep-merged onto the fund, e.g. { "fee_structure": { "hurdle_rate": 0.06 } }'),
  cache: z.boolean().default(true),
  label: text().trim().min(1).max(200).optional(),
});
export type SimulationRequest = z.infer<typeof SimulationRequest>;

export const RunState = z.enum(['queued', 'running', 'completed', 'failed', 'cancelled']);
export type RunState = z.infer<typeof RunState>;

/** Percentiles of a per-path metric; null when no path has a value (engine 2.0.0: "no value" is null, never 0). */
const pct = z.number().nullable();
export const Percentiles = z.object({
  p1: pct, p5: pct, p10: pct, p25: pct, p50: pct,
  p75: pct, p90: pct, p95: pct, p99: pct,
});

/**
 * What a client watching a run sees converge: the percentiles of LP net IRR (annual
 * decimal) and LP TVPI over the `paths` of the shards finished so far (merged exactly).
 */
/** Per-period percentile bands of one metric (dollars for NAV), indexed like `years`. */
export const PartialBands = z.object({
  years: z.array(z.number()),
  p5: z.array(z.number()),
  p25: z.array(z.number()),
  p50: z.array(z.number()),
  p75: z.array(z.number()),
  p95: z.array(z.number()),
});
export type PartialBands = z.infer<typeof PartialBands>;

export const PartialPercentiles = z.object({
  paths: z.number().int().nonnegative(),
  lp_irr: Percentiles,
  lp_tvpi: Percentiles,
  /** The NAV fan of the finished shards (at most 61 points: quarterly for a monthly run), so a client draws the fan chart converging. */
  nav: PartialBands.optional(),
});
export type PartialPercentiles = z.infer<typeof PartialPercentiles>;

/**
 * `GET /api/simulations/:id/status`, and the data of the `equihome.simulation.*` events.
 * `eta_seconds` is null until a rate is known (and once the run is finished); `started_at`
 * is when the first shard started; `partial` (progress events) the converging percentiles.
 */
export const SimulationStatus = z.object({
  id: z.string(),
  state: RunState,
  paths_done: z.number().int().nonnegative(),
  paths_total: z.number().int().positive(),
  eta_seconds: z.number().nonnegative().nullable(),
  started_at: z.iso.datetime({ offset: true }).nullable().optional(),
  error: z.string().nullable().optional(),
  partial: PartialPercentiles.optional(),
});
export type SimulationStatus = z.infer<typeof SimulationStatus>;

/** What the progress events carry (the same shape as the status). */
export const SimulationProgress = SimulationStatus;
export type SimulationProgress = SimulationStatus;

/**
 * Distribution of one per-path metric over paths (NaN-free: levels without contributions are
 * `missing`; unsolvable IRRs are placed and counted in the level's `irr_unsolvable`). Every
 * statistic is null when `count` is 0.
 */
export const MetricDistribution = Percentiles.extend({
  mean: pct,
  sd: pct,
  count: z.number().int(),
  missing: z.number().int().optional(),
  min: pct.optional(),
  max: pct.optional(),
});
export type MetricDistribution = z.infer<typeof MetricDistribution>;

/*
 * The engine's `SimulationSummary` (libs/finance) on the wire, documented field by field.
 * Every object is loose: the reply carries whatever the engine computed, never less
 * (a renamed or added engine field is not silently dropped by the reply serializer).
 */
const num = z.number();
const Distribution = z.looseObject({
  mean: pct, sd: pct, count: num, missing: num, min: pct, max: pct,
  p1: pct, p5: pct, p10: pct, p25: pct, p50: pct, p75: pct, p90: pct, p95: pct, p99: pct,
});
const Level = z.looseObject({
  irr: Distribution.describe('annual IRR (xirr, Actual/365), decimal'),
  tvpi: Distribution,
  dpi: Distribution,
  moic: Distribution,
  payback_years: Distribution,
  probability_of_loss: num.describe('share of paths with TVPI < 1'),
  var95: z.looseObject({ irr: pct, tvpi: pct }),
  cvar95: z.looseObject({ irr: pct, tvpi: pct }),
  irr_unsolvable: z.looseObject({ count: num, placed_low: num, placed_high: num }).optional().describe('IRRs without a root, placed at −100% (losing) or +300% (winning) so percentiles cover every path'),
  no_contributions: num.optional().describe('paths on which the level paid nothing in (metrics missing)'),
});
const Band = z.looseObject({ p5: z.array(num), p25: z.array(num), p50: z.array(num), p75: z.array(num), p95: z.array(num) });
const ZoneSummary = z.looseObject({ loans: num, defaults: num, exits: num, losses: num, default_rate: num });

/** The finished summary of a run (the engine's SimulationSummary without its mergeable `state`). */
export const SimulationSummary = z.looseObject({
  engine_version: z.string(),
  seed: num,
  paths: num,
  path_ranges: z.array(z.array(num)),
  granularity: Granularity,
  steps_per_year: num,
  periods: num,
  config_hash: z.string(),
  fund_size: num,
  gross: Level.describe('loans: advances out, proceeds in, before fees'),
  fund: Level.describe('all partners, net of fees, before carry'),
  lp: Level.describe('investors, net of fees and carry'),
  gp: Level.describe('GP commitment plus carry'),
  max_drawdown: Distribution,
  gp_economics: z.looseObject({ management_fees: num, origination_fees: num, carried_interest: num }),
  bands: z.looseObject({ years: z.array(num), nav: Band, lp_distributions: Band, dpi: Band, tvpi: Band }),
  zones: z.looseObject({ green: ZoneSummary, orange: ZoneSummary, red: ZoneSummary }),
  unfunded_loans: num,
  conservation_max_error: num,
});
export type SimulationSummary = z.infer<typeof SimulationSummary>;

/** Who started a run (the `{ sub, role }` of the caller's token; the same shape as the events' `Actor`). */
export const RunActor = z.object({ sub: z.string(), role: z.string() });

/** Where the run's portfolio came from. */
export const PortfolioSource = z.enum(['request', 'latest', 'generated']);
export type PortfolioSource = z.infer<typeof PortfolioSource>;

/** The request as the run recorded it: defaults filled, the seed drawn when absent. */
export const RecordedSimulationRequest = z.object({
  fund_id: z.string(),
  portfolio_id: z.string().optional(),
  paths: z.number().int(),
  seed: z.number().int(),
  granularity: Granularity,
  overrides: z.record(z.string(), z.unknown()).optional(),
  cache: z.boolean(),
  label: z.string().optional(),
});
export type RecordedSimulationRequest = z.infer<typeof RecordedSimulationRequest>;

/** `GET /api/simulations/:id`. Times are ISO-8601 UTC; `summary` only when `completed`. */
export const SimulationRun = z.object({
  id: z.string(),
  state: RunState,
  fund_id: z.string(),
  fund_version: z.number().int().nullable(),
  portfolio_id: z.string().nullable().describe('null when the portfolio was generated in-service from the seed'),
  portfolio_source: PortfolioSource,
  label: z.string().nullable(),
  request: RecordedSimulationRequest,
  paths_done: z.number().int().nonnegative(),
  paths_total: z.number().int().positive(),
  cached: z.boolean(),
  created_at: z.iso.datetime({ offset: true }),
  started_at: z.iso.datetime({ offset: true }).nullable(),
  completed_at: z.iso.datetime({ offset: true }).nullable(),
  duration_ms: z.number().int().nonnegative().nullable(),
  engine_version: z.string(),
  actor: RunActor,
  error: z.string().nullable(),
  summary: SimulationSummary.nullable(),
});
export type SimulationRun = z.infer<typeof SimulationRun>;

/** A list item: the run without its summary. */
export const SimulationRunItem = SimulationRun.omit({ summary: true });
export type SimulationRunItem = z.infer<typeof SimulationRunItem>;

/** 202 of `POST /api/simulations` (also 202 for a cache hit, already `completed`). */
export const SimulationAccepted = z.object({
  id: z.string(),
  state: RunState,
  status_url: z.string(),
  cached: z.boolean(),
});
export type SimulationAccepted = z.infer<typeof SimulationAccepted>;

/** `GET /api/simulations?fund_id=&state=&limit=&cursor=` (newest last: UUIDv7 order). */
export const SimulationListQuery = PageQuery.extend({
  fund_id: ResourceId.optional(),
  state: RunState.optional(),
});
export type SimulationListQuery = z.infer<typeof SimulationListQuery>;

export const SeriesMetric = z.enum(['nav', 'lp_distributions', 'dpi', 'tvpi']);
export type SeriesMetric = z.infer<typeof SeriesMetric>;

export const SimulationSeriesQuery = z.strictObject({ metric: SeriesMetric.default('nav') });
export type SimulationSeriesQuery = z.infer<typeof SimulationSeriesQuery>;

/**
 * `GET /api/simulations/:id/series?metric=`: per-period percentile bands (fan chart) of one
 * metric, read from the time-series table; arrays indexed like `years` (years from the first
 * close). NAV and LP distributions in dollars, DPI/TVPI as multiples.
 */
export const SimulationSeries = z.object({
  id: z.string(),
  metric: SeriesMetric,
  years: z.array(z.number()),
  p5: z.array(z.number()),
  p25: z.array(z.number()),
  p50: z.array(z.number()),
  p75: z.array(z.number()),
  p95: z.array(z.number()),
});
export type SimulationSeries = z.infer<typeof SimulationSeries>;

/** What `equihome.optimization.*` events carry: the job's state and progress (0…1). */
export const OptimizationKind = z.enum(['efficient-frontier', 'sensitivity', 'solve']);
export type OptimizationKind = z.infer<typeof OptimizationKind>;

export const OptimizationStatus = z.object({
  id: z.string(),
  kind: OptimizationKind,
  state: RunState,
  progress: z.number().min(0).max(1),
  error: z.string().nullable().optional(),
});
export type OptimizationStatus = z.infer<typeof OptimizationStatus>;

export const OptimizationRequest = z.strictObject({
  fund_id: ResourceId,
  kind: z.enum(['frontier', 'simulation_frontier', 'sensitivity']),
  paths: z.number().int().min(1).max(100_000).default(2_000),
  seed: z.number().int().min(0).max(0xffffffff).optional(),
  points: z.number().int().min(2).max(200).default(20),
  risk_free_rate: z.number().min(-0.1).max(0.5).default(0.03),
});
export type OptimizationRequest = z.infer<typeof OptimizationRequest>;
