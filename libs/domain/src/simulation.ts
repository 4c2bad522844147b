import { z } from 'zod';
import { ResourceId } from './common.js';

export const Granularity = z.enum(['monthly', 'quarterly', 'yearly']);
export type Granularity = z.infer<typeof Granularity>;

export const SimulationRequest = z.strictObject({
  fund_id: ResourceId,
  portfolio_id: ResourceId.optional(),
  paths: z.number().int().min(1).max(1_000_000).default(10_000),
  seed: z.number().int().min(0).max(0xffffffff).optional(),
  granularity: Granularity.default('monthly'),
});
export type SimulationRequest = z.infer<typeof SimulationRequest>;

export const RunState = z.enum(['queued', 'running', 'completed', 'failed', 'cancelled']);
export type RunState = z.infer<typeof RunState>;

export const SimulationStatus = z.object({
  id: z.string(),
  state: RunState,
  paths_done: z.number().int().nonnegative(),
  paths_total: z.number().int().positive(),
  eta_seconds: z.number().nonnegative().nullable(),
  error: z.string().nullable().optional(),
});
export type SimulationStatus = z.infer<typeof SimulationStatus>;

export const Percentiles = z.object({
  p1: z.number(), p5: z.number(), p10: z.number(), p25: z.number(), p50: z.number(),
  p75: z.number(), p90: z.number(), p95: z.number(), p99: z.number(),
});

/** Distribution of one per-path metric over paths (NaN-free: unsolvable IRRs are counted apart). */
export const MetricDistribution = Percentiles.extend({
  mean: z.number(),
  sd: z.number(),
  count: z.number().int(),
});
export type MetricDistribution = z.infer<typeof MetricDistribution>;

export const OptimizationKind = z.enum(['efficient-frontier', 'sensitivity', 'solve']);
export type OptimizationKind = z.infer<typeof OptimizationKind>;

/** What `equihome.optimization.*` events carry: the job's state and progress (0…1). */
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
