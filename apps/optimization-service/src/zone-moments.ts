/**
 * Zone expected returns and covariance for the mean-variance frontier, derived from the fund's
 * model parameters (MODEL.md §1–§4; the derivation is in the README, "Mean-variance inputs").
 *
 * A zone's book is many loans of the same zone, held the mean holding period
 *   τ = p·(min_hold + avg_exit)/2 + (1 − p)·avg_exit      (p = early_exit_probability)
 * Per dollar advanced, a surviving loan pays back M = 1 + r·τ + k·(G − 1), where r is the
 * simple interest rate, G = V(τ)/V0 the zone index growth (lognormal, E[G] = e^{μτ}) and
 * k = s/ltv the appreciation share per dollar of advance (k = 1 for the `ltv` method, the
 * fund's `appreciation_share_rate / average_ltv` for `fixed`). A share q = e^{−d·τ} of the
 * book survives the base default hazard d; the rest recovers `recovery_rate` per dollar. In a
 * diversified book the idiosyncratic property noise and the default draws average out, so
 *   E[M_z] = q_z·(1 + r·τ + k·(e^{μ_z τ} − 1)) + (1 − q_z)·recovery_z
 *   Cov(M_i, M_j) = q_i·q_j·k²·e^{(μ_i+μ_j)τ}·(e^{ρ_ij σ_i σ_j τ} − 1)
 * (the covariance of correlated lognormal index growths). Annualised as simple annual
 * returns R = (M − 1)/τ: E[R_z] = (E[M_z] − 1)/τ and Cov(R) = Cov(M)/τ².
 * Not modelled: the price-dependent hazard (κ), the [0, V] clamp, downside protection, fees,
 * reinvestment and the term cut-off — this is the asset-level view; the simulation frontier
 * is the fund-level one.
 */
import type { FundParameters } from '@equihome/domain';

export const ZONES = ['green', 'orange', 'red'] as const;

export interface ZoneMoments {
  zones: readonly ['green', 'orange', 'red'];
  /** τ, years. */
  hold_years: number;
  /** q_z = e^{−d_z τ}. */
  survival: number[];
  /** E[R_z], annual decimals. */
  expected_returns: number[];
  /** Cov(R_i, R_j), annual decimals². */
  covariance: number[][];
}

export function zoneMoments(fund: FundParameters): ZoneMoments {
  const lp = fund.loan_parameters;
  const p = lp.early_exit_probability;
  const tau = p * ((lp.min_hold_years + lp.avg_exit_year) / 2) + (1 - p) * lp.avg_exit_year;
  if (!(tau > 0)) throw new RangeError('the mean holding period must be positive');
  const k = lp.appreciation_share_method === 'ltv' ? 1 : lp.appreciation_share_rate / lp.average_ltv;
  const r = lp.interest_rate;
  const z = ZONES.map((name) => fund.zone_parameters[name]);
  const c = fund.zone_correlations;
  const rho = [
    [1, c.green_orange, c.green_red],
    [c.green_orange, 1, c.orange_red],
    [c.green_red, c.orange_red, 1],
  ];
  const survival = z.map((zp) => Math.exp(-zp.default_rate * tau));
  const expected_returns = z.map((zp, i) => {
    const m = survival[i] * (1 + r * tau + k * (Math.exp(zp.appreciation_rate * tau) - 1)) + (1 - survival[i]) * zp.recovery_rate;
    return (m - 1) / tau;
  });
  const covariance = z.map(() => [0, 0, 0]);
  for (let i = 0; i < 3; i++) {
    for (let j = i; j < 3; j++) {
      const [zi, zj] = [z[i], z[j]];
      const cov = survival[i] * survival[j] * k * k * Math.exp((zi.appreciation_rate + zj.appreciation_rate) * tau) * Math.expm1(rho[i][j] * zi.volatility * zj.volatility * tau);
      covariance[i][j] = covariance[j][i] = cov / (tau * tau);
    }
  }
  return { zones: ZONES, hold_years: tau, survival, expected_returns, covariance };
}
