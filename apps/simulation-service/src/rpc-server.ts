/**
 * The internal RPCs simulation-service ANSWERS (queue group `simulation-service`, so API
 * replicas share them): how optimization-service runs its candidates on the simulation
 * workers — the same runs, queue, shards, cache and events as `POST /api/simulations`, never
 * a second worker pool.
 * - `equihome.rpc.simulation.submit` `{ fund_id, fund_version, fund, portfolio_id, paths, seed,
 *   granularity, cache, label?, actor, parent? }` → `{ id, state, cached }`: a run of the given
 *   fund SNAPSHOT (a candidate: the fund with one parameter moved, no document fields) on the
 *   stored portfolio `portfolio_id` (read page by page from portfolio-service; of another fund
 *   → 422) or, with `portfolio_id: null`, on the portfolio generated from the fund and the
 *   seed (`generatePortfolio(fund, { seed })`, what `simulateFund` uses without a portfolio,
 *   so a candidate that changes the portfolio generation — zone allocations, LTV — gets its
 *   own). Audited and announced like an HTTP run (`actor` is the optimization's caller);
 *   `parent` is recorded on the run.
 * - `equihome.rpc.simulation.get` `{ id }` → `{ id, state, paths_done, paths_total, error,
 *   metrics }`, `metrics` (once completed) = the summary without bands and mergeable state:
 *   a few KB, far below NATS' 1 MB max payload whatever the paths.
 * - `equihome.rpc.simulation.cancel` `{ id, actor }` → `{ id, state, changed }` (idempotent).
 * Problems keep their codes (404 SIMULATION_NOT_FOUND / PORTFOLIO_NOT_FOUND, 422
 * FUND_NOT_SIMULATABLE…), answered as RPC problem replies.
 */
import type { Actor, SimulationMetrics } from '@equihome/domain';
import { generatePortfolio, type Fund as EngineFund } from '@equihome/finance';
import type { Messaging, MessagingLogger, Responder } from '@equihome/messaging';
import { PortfolioOfAnotherFund } from './errors.js';
import type { PortfolioSnapshot, PublicSummary } from './result-store.js';
import { fetchPortfolio } from './rpc.js';
import { cancelRun } from './run-cancel.js';
import { createRun, engineProblem, type SubmissionDeps } from './run-submission.js';
import { isTerminal, type Run } from './run-store.js';

export interface RpcServerDeps extends SubmissionDeps {
  log: MessagingLogger;
}

/** The metrics of a summary: what `equihome.rpc.simulation.get` answers. */
export function summaryMetrics(summary: PublicSummary): SimulationMetrics {
  const { engine_version, seed, paths, granularity, config_hash, fund_size, gross, fund, lp, gp, gp_economics, unfunded_loans } = summary;
  return { engine_version, seed, paths, granularity, config_hash, fund_size, gross, fund, lp, gp, gp_economics, unfunded_loans } as unknown as SimulationMetrics;
}

const resultOf = (run: Run) => run.cached_from ?? run.id;

/** Starts the three responders; `stop()` of each is called when the API closes. */
export function startRpcServer(messaging: Messaging, deps: RpcServerDeps): Responder[] {
  const { runs, results, log } = deps;
  const submit = messaging.serve('equihome.rpc.simulation.submit', async (req) => {
    const actor: Actor = { sub: req.actor.sub, role: req.actor.role };
    const simulated = req.fund;
    let portfolio: PortfolioSnapshot;
    if (req.portfolio_id !== null) {
      const stored = await fetchPortfolio(messaging, req.portfolio_id, { timeoutMs: deps.portfolioTimeoutMs, field: 'portfolio_id' });
      if (stored.fund_id !== req.fund_id) {
        throw PortfolioOfAnotherFund.create(`portfolio ${stored.id} belongs to fund ${stored.fund_id}, not ${req.fund_id}`, {
          errors: [{ path: 'portfolio_id', message: `belongs to fund ${stored.fund_id}` }],
        });
      }
      portfolio = { loans: stored.loans, metrics: stored.metrics };
    } else {
      try {
        const generated = generatePortfolio(simulated as EngineFund, { seed: req.seed });
        portfolio = { loans: generated.loans, metrics: generated.metrics };
      } catch (err) {
        throw engineProblem(err);
      }
    }
    const run = await createRun(
      deps,
      {
        fundId: req.fund_id,
        fundVersion: req.fund_version,
        simulated,
        portfolio,
        portfolioId: req.portfolio_id,
        source: req.portfolio_id !== null ? 'request' : 'generated',
        request: {
          fund_id: req.fund_id,
          ...(req.portfolio_id !== null ? { portfolio_id: req.portfolio_id } : {}),
          paths: req.paths,
          seed: req.seed,
          granularity: req.granularity,
          cache: req.cache,
          ...(req.label !== undefined ? { label: req.label } : {}),
        },
        label: req.label ?? null,
        parent: req.parent ?? null,
      },
      actor,
      { via: 'equihome.rpc.simulation.submit', ...(req.parent ? { parent: req.parent } : {}) },
      log,
    );
    return { id: run.id, state: run.state, cached: run.cached };
  });

  const get = messaging.serve('equihome.rpc.simulation.get', async ({ id }) => {
    const run = await runs.get(id);
    const summary = run.state === 'completed' ? await results.getSummary(resultOf(run)) : null;
    const pathsDone = isTerminal(run.state) ? (run.paths_done ?? 0) : (await results.finishedShards(id)).reduce((s, r) => s + r.paths, 0);
    return { id: run.id, state: run.state, paths_done: pathsDone, paths_total: run.paths_total, error: run.error, metrics: summary === null ? null : summaryMetrics(summary) };
  });

  const cancel = messaging.serve('equihome.rpc.simulation.cancel', async ({ id, actor }) => {
    const { run, changed } = await cancelRun(deps, id, { sub: actor.sub, role: actor.role }, { via: 'equihome.rpc.simulation.cancel' }, log);
    return { id: run.id, state: run.state, changed };
  });

  return [submit, get, cancel];
}
