import { z } from 'zod';
import { ResourceId } from './common.js';
import { FundInput } from './fund.js';
import { Granularity, OptimizationKind, RunActor, RunState, SimulationSummary } from './simulation.js';

/**
 * optimization-service (`/api/optimization/*`) and the internal simulation RPCs it drives.
 * Every request body is strict (an unknown key is a 400 naming it). Rates are decimals.
 */

/** Paths of every evaluation (each candidate is one simulation run of this many paths). */
export const MAX_OPTIMIZATION_PATHS = 100_000;
const paths = z.number().int().min(1).max(MAX_OPTIMIZATION_PATHS).default(2_000);
const seed = z.number().int().min(0).max(0xffffffff).optional().describe('uint32; drawn (and recorded in `request`) when absent');
const finite = z.number().finite();

/** `[min, max]` weight bounds of one zone: `0 ≤ min ≤ max ≤ 1`. */
export const WeightBounds = z
  .tuple([z.number().min(0).max(1), z.number().min(0).max(1)])
  .refine(([lo, hi]) => lo <= hi, { message: 'must be [min, max] with min <= max' });

/** Per-zone weight bounds (each default `[0, 1]`); the bounds must admit weights summing to 1. */
export const ZoneBounds = z
  .strictObject({ green: WeightBounds.optional(), orange: WeightBounds.optional(), red: WeightBounds.optional() })
  .superRefine((b, ctx) => {
    const lo = (b.green?.[0] ?? 0) + (b.orange?.[0] ?? 0) + (b.red?.[0] ?? 0);
    const hi = (b.green?.[1] ?? 1) + (b.orange?.[1] ?? 1) + (b.red?.[1] ?? 1);
    if (lo > 1 + 1e-12 || hi < 1 - 1e-12) ctx.addIssue({ code: 'custom', path: [], message: `infeasible: need sum(min) <= 1 <= sum(max), got ${lo} and ${hi}` });
  });
export type ZoneBounds = z.infer<typeof ZoneBounds>;

/** `POST /api/optimization/efficient-frontier`. */
export const EfficientFrontierRequest = z.strictObject({
  fund_id: ResourceId,
  portfolio_id: ResourceId.optional().describe('simulation method: every candidate is generated from the seed with its zone mix; the stored portfolio is only checked'),
  method: z.enum(['mean-variance', 'simulation']).default('mean-variance'),
  bounds: ZoneBounds.optional(),
  points: z.number().int().min(2).max(200).default(20).describe('mean-variance: frontier portfolios; simulation: candidate zone mixes'),
  risk_free_rate: z.number().min(-0.1).max(0.5).default(0.03),
  risk_measure: z.enum(['sd', 'cvar95']).default('sd'),
  paths,
  seed,
  granularity: Granularity.default('monthly'),
});
export type EfficientFrontierRequest = z.infer<typeof EfficientFrontierRequest>;

/** The tornado parameters (MODEL.md §9; libs/finance `SENSITIVITY_PARAMETERS`). */
export const SensitivityParameterName = z.enum([
  'appreciation_rate',
  'volatility',
  'default_rate',
  'avg_exit_year',
  'average_ltv',
  'management_fee_rate',
  'hurdle_rate',
  'performance_fee_rate',
  'origination_fee_rate',
]);
export type SensitivityParameterName = z.infer<typeof SensitivityParameterName>;

/** One tornado parameter; `low` / `high` are shifts or multipliers (see libs/finance SENSITIVITY_PARAMETERS), default the MODEL.md §9 ends. */
export const SensitivitySpec = z.strictObject({ parameter: SensitivityParameterName, low: finite.optional(), high: finite.optional() });

/** One axis of the heat map: a parameter and its shifts/multipliers (same kind as the tornado's). */
export const SensitivityAxis = z.strictObject({ parameter: SensitivityParameterName, values: z.array(finite).min(1).max(25) });

/** `POST /api/optimization/sensitivity`. */
export const SensitivityRequest = z.strictObject({
  fund_id: ResourceId,
  portfolio_id: ResourceId.optional(),
  parameters: z.array(SensitivitySpec).max(20).optional().describe('default (absent or empty): every MODEL.md §9 parameter'),
  paths,
  seed,
  granularity: Granularity.default('monthly'),
  grid: z
    .strictObject({ x: SensitivityAxis, y: SensitivityAxis })
    .refine((g) => g.x.values.length * g.y.values.length <= 400, { message: 'at most 400 cells (x.values × y.values)' })
    .optional(),
});
export type SensitivityRequest = z.infer<typeof SensitivityRequest>;

/** Parameters goal seek can solve for (absolute values). */
export const SolveParameter = z.enum(['management_fee_rate', 'hurdle_rate', 'performance_fee_rate', 'origination_fee_rate', 'average_ltv', 'green_allocation']);
export type SolveParameter = z.infer<typeof SolveParameter>;
export const SolveMetric = z.enum(['lp_net_irr_p50', 'lp_tvpi_p50', 'fund_net_irr_p50']);
export type SolveMetric = z.infer<typeof SolveMetric>;

/** `POST /api/optimization/solve` (goal seek). */
export const SolveRequest = z.strictObject({
  fund_id: ResourceId,
  portfolio_id: ResourceId.optional(),
  parameter: SolveParameter,
  target: z.strictObject({ metric: SolveMetric, value: finite }),
  bounds: z
    .tuple([finite, finite])
    .refine(([lo, hi]) => lo < hi, { message: 'must be [lo, hi] with lo < hi' })
    .optional()
    .describe("absolute values of the parameter; default: the parameter's valid range"),
  paths,
  seed,
  granularity: Granularity.default('monthly'),
  tolerance: z.number().positive().max(0.1).default(0.0005),
  max_iterations: z.number().int().min(2).max(60).default(30),
});
export type SolveRequest = z.infer<typeof SolveRequest>;

/** `?wait=true`: answer 200 with the completed document when it ends within 30 s. */
export const OptimizationWaitQuery = z.strictObject({ wait: z.enum(['true', 'false']).optional() });

/** 202 of every POST. */
export const OptimizationAccepted = z.object({ id: z.string(), state: RunState, status_url: z.string() });
export type OptimizationAccepted = z.infer<typeof OptimizationAccepted>;

/**
 * `GET /api/optimization/:id` (and the 200 of `?wait=true`). `result` depends on the kind
 * (see the service README); `problem` is the problem document of a job that ended in a
 * client error (goal seek: target out of reach, 422 with `attainable`).
 */
export const OptimizationDocument = z.object({
  id: z.string(),
  kind: OptimizationKind,
  state: RunState,
  progress: z.number().min(0).max(1),
  fund_id: z.string(),
  fund_version: z.number().int().nullable(),
  request: z.looseObject({}),
  result: z.looseObject({}).nullable(),
  error: z.string().nullable(),
  problem: z.looseObject({}).nullable(),
  runs: z.array(z.string()).describe('the simulation runs of the candidates (simulation-service ids)'),
  actor: RunActor,
  created_at: z.iso.datetime({ offset: true }),
  started_at: z.iso.datetime({ offset: true }).nullable(),
  completed_at: z.iso.datetime({ offset: true }).nullable(),
});
export type OptimizationDocument = z.infer<typeof OptimizationDocument>;

// ---- internal RPCs of simulation-service (optimization-service submits its candidates) ----

/**
 * `equihome.rpc.simulation.submit`: a run of a full fund snapshot (the parameters of a
 * candidate, no document fields), on a stored portfolio (`portfolio_id`) or on one generated
 * from the fund and the seed (`portfolio_id: null`, what `simulateFund` does without one).
 */
export const SimulationSubmitRpcRequest = z.strictObject({
  fund_id: ResourceId,
  fund_version: z.number().int().nonnegative().nullable(),
  fund: FundInput,
  portfolio_id: ResourceId.nullable(),
  paths: z.number().int().min(1).max(1_000_000),
  seed: z.number().int().min(0).max(0xffffffff),
  granularity: Granularity.default('monthly'),
  cache: z.boolean().default(true),
  label: z.string().max(200).optional(),
  actor: RunActor,
  parent: z.strictObject({ kind: z.literal('optimization'), id: z.string().min(1).max(100) }).optional(),
});
export const SimulationSubmitRpcReply = z.object({ id: z.string(), state: RunState, cached: z.boolean() });

/** The figures of a completed run an optimizer needs: the summary without bands and state (a few KB). */
export const SimulationMetrics = SimulationSummary.pick({
  engine_version: true,
  seed: true,
  paths: true,
  granularity: true,
  config_hash: true,
  fund_size: true,
  gross: true,
  fund: true,
  lp: true,
  gp: true,
  gp_economics: true,
  unfunded_loans: true,
});
export type SimulationMetrics = z.infer<typeof SimulationMetrics>;

/** `equihome.rpc.simulation.get`: state of a run and, once completed, its metrics. */
export const SimulationGetRpcRequest = z.strictObject({ id: ResourceId });
export const SimulationGetRpcReply = z.object({
  id: z.string(),
  state: RunState,
  paths_done: z.number().int().nonnegative(),
  paths_total: z.number().int().positive(),
  error: z.string().nullable(),
  metrics: SimulationMetrics.nullable(),
});
export type SimulationGetRpcReply = z.infer<typeof SimulationGetRpcReply>;

/** `equihome.rpc.simulation.cancel`: cancels a live run (a finished one is answered as it is: `changed: false`). */
export const SimulationCancelRpcRequest = z.strictObject({ id: ResourceId, actor: RunActor });
export const SimulationCancelRpcReply = z.object({ id: z.string(), state: RunState, changed: z.boolean() });
