import { randomInt } from 'node:crypto';
import type { Actor, Fund, Granularity, PortfolioSource, RecordedSimulationRequest, SimulationRequest } from '@equihome/domain';
import { ENGINE_VERSION, FinanceInputError, generatePortfolio, simulateFund, type Fund as EngineFund, type Portfolio as EnginePortfolio } from '@equihome/finance';
import { uuidv7, type Messaging, type MessagingLogger } from '@equihome/messaging';
import { cacheKey, canonicalHash } from './canonical-hash.js';
import { FundNotSimulatable, PortfolioNotFound, PortfolioOfAnotherFund } from './errors.js';
import { recordRunChange } from './events.js';
import { applyOverrides } from './overrides.js';
import type { FundSnapshot, PortfolioSnapshot, ResultStore } from './result-store.js';
import { fetchFund, fetchPortfolio } from './rpc.js';
import type { Run, RunData, RunParent, RunStore } from './run-store.js';
import { planShards, shardSize } from './shard-plan.js';
import type { SimulationQueue } from './simulation-queue.js';

export interface SubmissionDeps {
  messaging: Messaging;
  runs: RunStore;
  results: ResultStore;
  queue: SimulationQueue;
  fundTimeoutMs: number;
  portfolioTimeoutMs: number;
  /** SIM_SHARD_PATHS. */
  shardPaths: number;
}

/** Marks the end of a step of the submission (its name), for the `Server-Timing` header. */
export type Timing = (step: string) => void;

/** uint32 seed from the OS CSPRNG, for a request without one. */
const drawSeed = () => randomInt(0, 0x1_0000_0000);

/** The engine's input errors → 422 naming the field (`fund.<field>` or `portfolio.<field>`). */
export function engineProblem(err: unknown): unknown {
  if (!(err instanceof FinanceInputError)) return err;
  const path = err.field.startsWith('loans') || err.field.startsWith('portfolio') ? `portfolio.${err.field}` : `fund.${err.field}`;
  return FundNotSimulatable.create(`the engine refuses the run's input: ${err.message}`, { errors: [{ path, message: err.message }] });
}

/** The parameters of a fund without its document fields: what a run simulates. */
export function fundSnapshot(fund: Fund): FundSnapshot {
  const { id: _id, version: _v, created_at: _c, updated_at: _u, ...parameters } = fund;
  return parameters as FundSnapshot;
}

/**
 * The portfolio a run simulates:
 * - `portfolio_id` given → that portfolio (portfolio-service, `equihome.rpc.portfolio.page`,
 *   read page by page: any size); 404 → 404 PORTFOLIO_NOT_FOUND, of another fund → 422
 *   PORTFOLIO_OF_ANOTHER_FUND;
 * - absent → the fund's most recent portfolio as announced by portfolio-service's events;
 *   if it was deleted
 *   meanwhile, or the fund has none → one generated in-service from the fund and the run's
 *   seed (`generatePortfolio(fund, { seed })`, what `simulateFund` uses without a portfolio).
 */
async function resolvePortfolio(
  deps: SubmissionDeps,
  fund: Fund,
  simulated: FundSnapshot,
  request: { fund_id: string; portfolio_id?: string | undefined },
  seed: number,
): Promise<{ snapshot: PortfolioSnapshot; portfolioId: string | null; source: PortfolioSource }> {
  const fetch = (id: string, field: string) => fetchPortfolio(deps.messaging, id, { timeoutMs: deps.portfolioTimeoutMs, field });
  if (request.portfolio_id !== undefined) {
    const portfolio = await fetch(request.portfolio_id, 'portfolio_id');
    if (portfolio.fund_id !== fund.id) {
      throw PortfolioOfAnotherFund.create(`portfolio ${portfolio.id} belongs to fund ${portfolio.fund_id}, not ${fund.id}`, {
        errors: [{ path: 'portfolio_id', message: `belongs to fund ${portfolio.fund_id}` }],
      });
    }
    return { snapshot: { loans: portfolio.loans, metrics: portfolio.metrics }, portfolioId: portfolio.id, source: 'request' };
  }
  const latest = await deps.results.latestPortfolio(fund.id);
  if (latest !== null) {
    try {
      const portfolio = await fetch(latest.portfolio_id, 'portfolio_id');
      if (portfolio.fund_id === fund.id) return { snapshot: { loans: portfolio.loans, metrics: portfolio.metrics }, portfolioId: portfolio.id, source: 'latest' };
    } catch (err) {
      if (!PortfolioNotFound.is(err)) throw err;
      await deps.results.forgetPortfolio(latest.portfolio_id);
    }
  }
  try {
    const generated = generatePortfolio(simulated as EngineFund, { seed });
    return { snapshot: { loans: generated.loans, metrics: generated.metrics }, portfolioId: null, source: 'generated' };
  } catch (err) {
    throw engineProblem(err);
  }
}

/** The engine's own validation of the inputs, without simulating a path (0-path range): a run the API accepts never fails on its input. */
function assertSimulatable(fund: FundSnapshot, portfolio: PortfolioSnapshot, seed: number, granularity: Granularity, paths: number): void {
  try {
    simulateFund(fund as EngineFund, { paths, seed, granularity, path_range: [0, 0], portfolio: portfolio as EnginePortfolio });
  } catch (err) {
    throw engineProblem(err);
  }
}

/**
 * Accepts a run: validate → load (fund, overrides, portfolio) → snapshot → cache or
 * create + enqueue. Everything that can reject the request happens before anything is
 * written, so a rejected request leaves no run, no event and no job. Then:
 * - a cache hit (`cache`, and a completed run with the same key) → a new run, completed at
 *   once with `cached: true`, `cached_from` = that run, whose stored result (summary and
 *   series) it answers with; its `completed` event;
 * - else a `queued` run and its `queued` event (one transaction), then the flow. A flow
 *   that cannot be enqueued (Redis down) is logged, not an error: the run is recorded and
 *   the reconciler enqueues it once Redis is back.
 */
export async function submitRun(deps: SubmissionDeps, body: SimulationRequest, actor: Actor, requestId: string, log: MessagingLogger, timing?: Timing): Promise<Run> {
  const mark = timing ?? (() => undefined);
  const fund = await fetchFund(deps.messaging, body.fund_id, { timeoutMs: deps.fundTimeoutMs, field: 'fund_id' });
  mark('fund');
  const simulated = fundSnapshot(applyOverrides(fund, body.overrides));
  const seed = body.seed ?? drawSeed();
  const { snapshot: portfolio, portfolioId, source } = await resolvePortfolio(deps, fund, simulated, body, seed);
  mark('portfolio');
  const request: RecordedSimulationRequest = {
    fund_id: body.fund_id,
    ...(body.portfolio_id !== undefined ? { portfolio_id: body.portfolio_id } : {}),
    paths: body.paths,
    seed,
    granularity: body.granularity,
    ...(body.overrides !== undefined ? { overrides: body.overrides } : {}),
    cache: body.cache,
    ...(body.label !== undefined ? { label: body.label } : {}),
  };
  return createRun(deps, { fundId: fund.id, fundVersion: fund.version, simulated, portfolio, portfolioId, source, request, label: body.label ?? null, parent: null }, actor, { request_id: requestId }, log, mark);
}

/** What a run is created from: loaded, resolved and recorded inputs (HTTP submission or the submit RPC). */
export interface PreparedRun {
  fundId: string;
  fundVersion: number | null;
  simulated: FundSnapshot;
  portfolio: PortfolioSnapshot;
  portfolioId: string | null;
  source: PortfolioSource;
  request: RecordedSimulationRequest;
  label: string | null;
  /** The job that submitted the run (an optimization), or null. */
  parent: RunParent | null;
}

/**
 * The second half of a submission, shared by the HTTP route and `equihome.rpc.simulation.submit`:
 * snapshot hashes and cache key → a cache hit (a new run, completed at once) or the engine's
 * check, the snapshots, a `queued` run with its event (one transaction), and the flow.
 */
export async function createRun(deps: SubmissionDeps, prepared: PreparedRun, actor: Actor, audit: Record<string, unknown>, log: MessagingLogger, timing?: Timing): Promise<Run> {
  const mark = timing ?? (() => undefined);
  const { simulated, portfolio, request } = prepared;
  const seed = request.seed;
  const body = { paths: request.paths, granularity: request.granularity, cache: request.cache };
  const fundHash = canonicalHash(simulated);
  const portfolioHash = canonicalHash(portfolio);
  const key = cacheKey({ fund: fundHash, portfolio: portfolioHash, paths: body.paths, seed, granularity: body.granularity, engineVersion: ENGINE_VERSION });
  mark('hash');
  const size = shardSize(body.paths, deps.shardPaths);
  const now = new Date().toISOString();
  const data: RunData = {
    fund_id: prepared.fundId,
    fund_version: prepared.fundVersion,
    portfolio_id: prepared.portfolioId,
    portfolio_source: prepared.source,
    label: prepared.label,
    request,
    state: 'queued',
    paths_total: body.paths,
    shard_paths: size,
    shard_count: Math.ceil(body.paths / size),
    generation: 0,
    enqueued_at: now,
    fund_snapshot: fundHash,
    portfolio_snapshot: portfolioHash,
    cache_key: key,
    cached: false,
    cached_from: null,
    started_at: null,
    completed_at: null,
    duration_ms: null,
    paths_done: null,
    engine_version: ENGINE_VERSION,
    actor: { sub: actor.sub, role: actor.role },
    error: null,
    ...(prepared.parent !== null ? { parent: prepared.parent } : {}),
  };
  const id = uuidv7();

  // A cache hit: the inputs were validated and snapshotted by the run that computed it.
  if (body.cache) {
    const hit = await deps.runs.findCompletedByCacheKey(key);
    if (hit !== null && (await deps.results.hasResult(hit.id))) {
      mark('cache');
      const run = await deps.runs.create(
        id,
        { ...data, state: 'completed', cached: true, cached_from: hit.id, started_at: now, completed_at: now, duration_ms: 0, paths_done: body.paths, enqueued_at: null },
        (tx, created) => recordRunChange(tx, 'create', created, actor, { ...audit, cached_from: hit.id }),
      );
      mark('store');
      return run;
    }
    mark('cache');
  }
  assertSimulatable(simulated, portfolio, seed, body.granularity, body.paths);
  mark('check');
  await Promise.all([deps.results.putSnapshot('fund', simulated, fundHash), deps.results.putSnapshot('portfolio', portfolio, portfolioHash)]);
  const run = await deps.runs.create(id, data, (tx, created) => recordRunChange(tx, 'create', created, actor, audit));
  mark('store');
  try {
    await deps.queue.enqueue(run, planShards(run.paths_total, run.shard_paths));
  } catch (err) {
    log.warn({ err: (err as Error).message, runId: run.id }, 'run recorded but not enqueued (Redis unavailable?): the reconciler will enqueue it');
  }
  mark('enqueue');
  return run;
}
