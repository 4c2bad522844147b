import {
  IdParams,
  pageOf,
  SimulationAccepted,
  SimulationListQuery,
  SimulationRequest,
  SimulationRun,
  SimulationRunItem,
  SimulationSeries,
  SimulationSeriesQuery,
  SimulationStatus,
  type SimulationSummary,
} from '@equihome/domain';
import type { MessagingLogger } from '@equihome/messaging';
import { PlatformProblems, problemResponses, type FastifyZodInstance } from '@equihome/platform';
import {
  FundNotFound,
  FundNotSimulatable,
  FundServiceError,
  FundServiceUnavailable,
  PortfolioNotFound,
  PortfolioOfAnotherFund,
  PortfolioServiceError,
  PortfolioServiceUnavailable,
  SimulationFinished,
  SimulationNotCompleted,
  SimulationNotFound,
} from '../errors.js';
import { storedStatus } from '../events.js';
import { cancelRun } from '../run-cancel.js';
import { etaSeconds, type LiveProgress, type ProgressTracker } from '../progress.js';
import type { PublicSummary } from '../result-store.js';
import { submitRun, type SubmissionDeps } from '../run-submission.js';
import { isTerminal, type Run } from '../run-store.js';

export interface SimulationRoutesDeps extends SubmissionDeps {
  progress: ProgressTracker;
  log: MessagingLogger;
}

const { StoreUnavailable } = PlatformProblems;
/** The run whose stored result a run answers with: its own, or for a cache hit the run it hit. */
const resultOf = (run: Run) => run.cached_from ?? run.id;
const statusUrl = (id: string) => `/api/simulations/${id}/status`;

/**
 * The engine's summary as the wire schema types it: the same object (the domain schema is
 * loose, documenting the engine's fields; the engine's interfaces lack its index signature).
 */
const wireSummary = (summary: PublicSummary | null) => summary as unknown as SimulationSummary | null;

/** The API shape of a run (`summary` given only for a completed run). */
function runReply(run: Run, pathsDone: number, summary: PublicSummary | null) {
  return {
    id: run.id,
    state: run.state,
    fund_id: run.fund_id,
    fund_version: run.fund_version,
    portfolio_id: run.portfolio_id,
    portfolio_source: run.portfolio_source,
    label: run.label,
    request: run.request,
    paths_done: pathsDone,
    paths_total: run.paths_total,
    cached: run.cached,
    created_at: run.created_at,
    started_at: run.started_at,
    completed_at: run.completed_at,
    duration_ms: run.duration_ms,
    engine_version: run.engine_version,
    actor: run.actor,
    error: run.error,
    summary: wireSummary(summary),
  };
}

/**
 * `/api/simulations`: start (analyst), read, status, list, series (viewer), cancel (analyst).
 * Bodies and replies are the domain schemas (strict input: an unknown key is a 400 naming
 * it). Every run records its actor; creation, cancellation and the end of a run are audited
 * and announced through the outbox (see events.ts).
 */
export function simulationRoutes(app: FastifyZodInstance, deps: SimulationRoutesDeps): void {
  const { runs, results, progress } = deps;

  /** Paths done and ETA of a run: frozen when it ended; else the larger of the stored shards and the live job events. */
  async function currentProgress(run: Run): Promise<LiveProgress> {
    if (isTerminal(run.state)) return { paths_done: run.paths_done ?? 0, eta_seconds: null };
    const live = progress.live(run.id);
    const stored = (await results.finishedShards(run.id)).reduce((s, r) => s + r.paths, 0);
    if (live !== null && live.paths_done >= stored) return live;
    const started = run.started_at ? Date.parse(run.started_at) : NaN;
    return { paths_done: stored, eta_seconds: Number.isNaN(started) ? null : etaSeconds(stored, run.paths_total, Date.now() - started), ...(live?.partial ? { partial: live.partial } : {}) };
  }

  app.post(
    '/api/simulations',
    {
      config: { role: 'analyst' },
      schema: {
        tags: ['simulations'],
        summary: 'Start a Monte Carlo run (202; poll status_url or watch equihome.simulation.progress); an identical completed run answers at once from the cache',
        body: SimulationRequest,
        response: {
          202: SimulationAccepted,
          ...problemResponses(
            400,
            401,
            403,
            FundNotFound,
            PortfolioNotFound,
            413,
            415,
            PortfolioOfAnotherFund,
                      FundNotSimulatable,
            429,
            FundServiceError,
            PortfolioServiceError,
            FundServiceUnavailable,
            PortfolioServiceUnavailable,
            StoreUnavailable,
          ),
        },
      },
    },
    async (request, reply) => {
      const steps: string[] = [];
      let last = performance.now();
      const timing = (step: string) => {
        const now = performance.now();
        steps.push(`${step};dur=${(now - last).toFixed(1)}`);
        last = now;
      };
      const run = await submitRun(deps, request.body, { sub: request.user.sub, role: request.user.role }, request.id, request.log, timing);
      return reply
        .code(202)
        .header('server-timing', steps.join(', '))
        .header('location', `/api/simulations/${run.id}`)
        .send({ id: run.id, state: run.state, status_url: statusUrl(run.id), cached: run.cached });
    },
  );

  app.get(
    '/api/simulations',
    {
      config: { role: 'viewer' },
      schema: {
        tags: ['simulations'],
        summary: 'List runs in submission order (cursor paging; filters fund_id, state); without summaries',
        querystring: SimulationListQuery,
        response: { 200: pageOf(SimulationRunItem), ...problemResponses(400, 401, 403, 429, StoreUnavailable) },
      },
    },
    async (request) => {
      const page = await runs.list(request.query);
      return {
        items: page.items.map((run) => {
          const { summary: _none, ...item } = runReply(run, isTerminal(run.state) ? (run.paths_done ?? 0) : (progress.live(run.id)?.paths_done ?? 0), null);
          return item;
        }),
        next_cursor: page.next_cursor,
      };
    },
  );

  app.get(
    '/api/simulations/:id',
    {
      config: { role: 'viewer' },
      schema: {
        tags: ['simulations'],
        summary: "Read a run: request, state, progress and, once completed, the engine's summary",
        params: IdParams,
        response: { 200: SimulationRun, ...problemResponses(400, 401, 403, SimulationNotFound, 429, StoreUnavailable) },
      },
    },
    async (request) => {
      const run = await runs.get(request.params.id);
      const [{ paths_done }, summary] = await Promise.all([currentProgress(run), run.state === 'completed' ? results.getSummary(resultOf(run)) : null]);
      return runReply(run, paths_done, summary);
    },
  );

  app.get(
    '/api/simulations/:id/status',
    {
      config: { role: 'viewer' },
      schema: {
        tags: ['simulations'],
        summary: 'State, paths done, ETA (and the partial LP IRR/TVPI percentiles) of a run',
        params: IdParams,
        response: { 200: SimulationStatus, ...problemResponses(400, 401, 403, SimulationNotFound, 429, StoreUnavailable) },
      },
    },
    async (request) => {
      const run = await runs.get(request.params.id);
      const live = await currentProgress(run);
      return { ...storedStatus(run, live.paths_done, live.eta_seconds), ...(live.partial ? { partial: live.partial } : {}) };
    },
  );

  app.get(
    '/api/simulations/:id/series',
    {
      config: { role: 'viewer' },
      schema: {
        tags: ['simulations'],
        summary: 'Per-period percentile bands (p5…p95) of nav | lp_distributions | dpi | tvpi, from the time-series table',
        params: IdParams,
        querystring: SimulationSeriesQuery,
        response: { 200: SimulationSeries, ...problemResponses(400, 401, 403, SimulationNotFound, SimulationNotCompleted, 429, StoreUnavailable) },
      },
    },
    async (request) => {
      const run = await runs.get(request.params.id);
      if (run.state !== 'completed') throw SimulationNotCompleted.create(`simulation ${run.id} is ${run.state}: no series`);
      const metric = request.query.metric;
      return { id: run.id, metric, ...(await results.getSeries(resultOf(run), metric)) };
    },
  );

  app.delete(
    '/api/simulations/:id',
    {
      config: { role: 'analyst' },
      schema: {
        tags: ['simulations'],
        summary: 'Cancel a run (202): pending shards are removed, running ones stop at their next checkpoint; 409 when it already ended',
        params: IdParams,
        response: { 202: SimulationStatus, ...problemResponses(400, 401, 403, SimulationNotFound, SimulationFinished, 429, StoreUnavailable) },
      },
    },
    async (request, reply) => {
      const id = request.params.id;
      const { run, changed } = await cancelRun(deps, id, { sub: request.user.sub, role: request.user.role }, { request_id: request.id }, request.log);
      if (!changed) throw SimulationFinished.create(`simulation ${id} is already ${run.state}`, { errors: [{ path: 'id', message: `run is ${run.state}` }] });
      return reply.code(202).send(storedStatus(run));
    },
  );
}
