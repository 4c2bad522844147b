/**
 * optimization-service's catalogue of problems (besides the platform's: VALIDATION_FAILED,
 * TOKEN_*, ROLE_TOO_LOW, RATE_LIMITED, STORE_UNAVAILABLE…). Problems of the services it calls
 * keep their owners' codes (FUND_NOT_FOUND, PORTFOLIO_NOT_FOUND), so they read the same everywhere.
 */
import { FundProblems, PortfolioProblems } from '@equihome/domain';
import { defineProblem, resourceProblems } from '@equihome/platform';

const define = (spec: { status: number; code: string; title: string }, description: string) => defineProblem(spec.status, spec.code, spec.title, description);

export const OptimizationNotFound = defineProblem(404, 'OPTIMIZATION_NOT_FOUND', 'Optimization not found', 'no optimization job has this id');
export const FundNotFound = define(FundProblems.FundNotFound, 'fund-service has no fund with this id');
export const PortfolioNotFound = define(PortfolioProblems.PortfolioNotFound, 'portfolio-service has no portfolio with this id');
export const PortfolioOfAnotherFund = defineProblem(422, 'PORTFOLIO_OF_ANOTHER_FUND', 'Portfolio of another fund', 'the portfolio belongs to another fund than fund_id');
export const FundNotSimulatable = defineProblem(422, 'FUND_NOT_SIMULATABLE', 'Fund cannot be simulated', "the engine refuses the fund's parameters; `errors` names the field");
export const OptimizationInfeasible = defineProblem(422, 'OPTIMIZATION_INFEASIBLE', 'Optimization infeasible', 'the problem has no solution for this fund (e.g. a risk-free rate above every attainable return); `errors` names the field');
export const TargetOutOfReach = defineProblem(
  422,
  'TARGET_OUT_OF_REACH',
  'Target out of reach',
  'goal seek: the target is outside the range the bounds attain; `attainable` = [min, max] of the metric over the bounds',
);
export const TooMuchWork = defineProblem(422, 'TOO_MUCH_WORK', 'Too much work', 'candidates × paths exceed OPT_MAX_TOTAL_PATHS');
export const OptimizationFinished = defineProblem(409, 'OPTIMIZATION_FINISHED', 'Optimization already finished', 'the job is completed, failed or cancelled: there is nothing to cancel');
export const FundServiceUnavailable = defineProblem(503, 'FUND_SERVICE_UNAVAILABLE', 'Fund service unavailable', 'fund-service did not answer (no responders, timeout, NATS down); see Retry-After');
export const FundServiceError = defineProblem(502, 'FUND_SERVICE_ERROR', 'Fund service error', 'fund-service answered with a server error or an invalid fund');
export const PortfolioServiceUnavailable = defineProblem(503, 'PORTFOLIO_SERVICE_UNAVAILABLE', 'Portfolio service unavailable', 'portfolio-service did not answer; see Retry-After');
export const PortfolioServiceError = defineProblem(502, 'PORTFOLIO_SERVICE_ERROR', 'Portfolio service error', 'portfolio-service answered with a server error or an invalid portfolio');

/** Storage errors of jobs as problems: 404 OPTIMIZATION_NOT_FOUND, 503 STORE_UNAVAILABLE. */
export const optimizationProblems = resourceProblems({ resource: 'optimization', notFound: OptimizationNotFound });
