import { randomInt } from 'node:crypto';
import type { EfficientFrontierRequest, FundParameters, OptimizationKind, SensitivityRequest, SolveRequest } from '@equihome/domain';
import { efficientFrontier, FinanceInputError } from '@equihome/finance';
import { checkedFund, defaultSolveBounds, invalid, sensitivityPlan, withSolveParameter, zoneBounds } from './candidates.js';
import { OptimizationInfeasible, TooMuchWork } from './errors.js';
import { frontierCandidates } from './jobs.js';
import { ZONES, zoneMoments } from './zone-moments.js';

export type JobRequest = EfficientFrontierRequest | SensitivityRequest | SolveRequest;

/** What a POST turns into before anything is written: the recorded request, and the result when it is computed at once. */
export interface Plan {
  request: Record<string, unknown>;
  /** Simulations the job will run at most. */
  simulations: number;
  /** Mean-variance: the result (computed in-process; the job is created completed). */
  result: Record<string, unknown> | null;
}

const drawSeed = () => randomInt(0, 0x1_0000_0000);

const weightsOf = (w: number[]) => ({ green: w[0], orange: w[1], red: w[2] });

/** The mean-variance frontier on the model-derived zone moments (see zone-moments.ts). */
export function meanVarianceResult(fund: FundParameters, req: EfficientFrontierRequest): Record<string, unknown> {
  const moments = zoneMoments(fund);
  const b = zoneBounds(req.bounds);
  let fr;
  try {
    fr = efficientFrontier({ expected_returns: moments.expected_returns, covariance: moments.covariance, bounds: [b.green, b.orange, b.red], risk_free_rate: req.risk_free_rate, points: req.points });
  } catch (err) {
    if (err instanceof FinanceInputError) {
      throw OptimizationInfeasible.create(`no mean-variance frontier for this fund: ${err.message}`, { errors: [{ path: err.field.startsWith('bounds') ? 'bounds' : err.field, message: err.message }] });
    }
    throw err;
  }
  const point = (p: { weights: number[]; expected_return: number; volatility: number }) => ({ weights: weightsOf(p.weights), expected_return: p.expected_return, volatility: p.volatility });
  return {
    method: 'mean-variance',
    moments: 'model',
    inputs: { zones: ZONES, hold_years: moments.hold_years, survival: moments.survival, expected_returns: moments.expected_returns, covariance: moments.covariance },
    risk_free_rate: req.risk_free_rate,
    min_variance: point(fr.min_variance),
    max_sharpe: { ...point(fr.max_sharpe), sharpe: fr.max_sharpe.sharpe },
    frontier: fr.frontier.map(point),
  };
}

/**
 * Validates a request against the fund and plans it: every candidate fund is built and
 * checked now (a 400 naming the request field when a moved value breaks the fund), the work is
 * bounded (422 TOO_MUCH_WORK), the seed drawn when absent. Nothing is written here.
 */
export function planJob(kind: OptimizationKind, body: JobRequest, fund: FundParameters, maxTotalPaths: number): Plan {
  const seed = body.seed ?? drawSeed();
  const request = { ...body, seed } as Record<string, unknown>;
  let simulations: number;
  let result: Record<string, unknown> | null = null;
  if (kind === 'efficient-frontier') {
    const req = body as EfficientFrontierRequest;
    if (req.method === 'mean-variance') {
      result = meanVarianceResult(fund, req);
      simulations = 0;
    } else {
      const cands = frontierCandidates(fund, req);
      if (cands.length === 0) throw OptimizationInfeasible.create('no zone mix of the lattice (step 1/100) lies inside the bounds', { errors: [{ path: 'bounds', message: 'too narrow' }] });
      cands.forEach((c, i) => checkedFund(c.candidate.fund, i === 0 ? 'bounds' : 'bounds'));
      simulations = cands.length;
    }
  } else if (kind === 'sensitivity') {
    const plan = sensitivityPlan(fund, body as SensitivityRequest, (body as SensitivityRequest).portfolio_id ?? null);
    simulations = 1 + plan.rows.length * 2 + (plan.grid?.cells.flat().length ?? 0);
  } else {
    const req = body as SolveRequest;
    const [lo, hi] = req.bounds ?? defaultSolveBounds(fund, req.parameter);
    if (req.bounds !== undefined) {
      checkedFund(withSolveParameter(fund, req.parameter, lo), 'bounds.0');
      checkedFund(withSolveParameter(fund, req.parameter, hi), 'bounds.1');
    } else if (!(lo < hi)) {
      throw invalid('parameter', `has no range to search for this fund (${lo} … ${hi})`);
    }
    simulations = req.max_iterations;
  }
  if (simulations * body.paths > maxTotalPaths) {
    throw TooMuchWork.create(`${simulations} simulations × ${body.paths} paths exceed ${maxTotalPaths} paths`, { errors: [{ path: 'paths', message: `at most ${Math.floor(maxTotalPaths / Math.max(1, simulations))} for this job` }] });
  }
  return { request, simulations, result };
}
