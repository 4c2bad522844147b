/**
 * simulation-service's catalogue of problems (besides the platform's: VALIDATION_FAILED,
 * TOKEN_*, ROLE_TOO_LOW, RATE_LIMITED, STORE_UNAVAILABLE…). Problems of the services it calls
 * keep their owners' codes (`FUND_NOT_FOUND` from the domain's `FundProblems`,
 * `PORTFOLIO_NOT_FOUND` from `PortfolioProblems`), so a missing fund reads the same everywhere.
 */
import { FundProblems, PortfolioProblems } from '@equihome/domain';
import { defineProblem, resourceProblems } from '@equihome/platform';

const define = (spec: { status: number; code: string; title: string }, description: string) => defineProblem(spec.status, spec.code, spec.title, description);

export const SimulationNotFound = defineProblem(404, 'SIMULATION_NOT_FOUND', 'Simulation not found', 'no simulation run has this id');
/** 404 for the fund a request names (answered by fund-service). */
export const FundNotFound = define(FundProblems.FundNotFound, 'fund-service has no fund with this id');
/** 404 for the portfolio a request names (answered by portfolio-service). */
export const PortfolioNotFound = define(PortfolioProblems.PortfolioNotFound, 'portfolio-service has no portfolio with this id');
export const PortfolioOfAnotherFund = defineProblem(422, 'PORTFOLIO_OF_ANOTHER_FUND', 'Portfolio of another fund', 'the portfolio belongs to another fund than fund_id');
export const FundNotSimulatable = defineProblem(422, 'FUND_NOT_SIMULATABLE', 'Fund cannot be simulated', "the engine refuses the fund's parameters or the portfolio; `errors` names the field");
export const SimulationFinished = defineProblem(409, 'SIMULATION_FINISHED', 'Simulation already finished', 'the run is completed, failed or cancelled: there is nothing to cancel');
export const SimulationNotCompleted = defineProblem(409, 'SIMULATION_NOT_COMPLETED', 'Simulation not completed', 'the run has no results (yet): it is queued, running, failed or cancelled');
export const FundServiceUnavailable = defineProblem(503, 'FUND_SERVICE_UNAVAILABLE', 'Fund service unavailable', 'fund-service did not answer (no responders, timeout, NATS down); see Retry-After');
export const FundServiceError = defineProblem(502, 'FUND_SERVICE_ERROR', 'Fund service error', 'fund-service answered with a server error or an invalid fund');
export const PortfolioServiceUnavailable = defineProblem(
  503,
  'PORTFOLIO_SERVICE_UNAVAILABLE',
  'Portfolio service unavailable',
  'portfolio-service did not answer (no responders, timeout, NATS down); see Retry-After',
);
export const PortfolioServiceError = defineProblem(502, 'PORTFOLIO_SERVICE_ERROR', 'Portfolio service error', 'portfolio-service answered with a server error or an invalid portfolio');

/** Storage errors of runs as problems: 404 SIMULATION_NOT_FOUND, 400 for a bad cursor, 503 STORE_UNAVAILABLE. */
export const runProblems = resourceProblems({ resource: 'simulation', notFound: SimulationNotFound });
