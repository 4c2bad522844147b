import { randomUUID } from 'node:crypto';
import {
  EfficientFrontierRequest,
  IdParams,
  OptimizationAccepted,
  OptimizationDocument,
  OptimizationWaitQuery,
  SensitivityRequest,
  SolveRequest,
  type FundParameters,
  type OptimizationKind,
} from '@equihome/domain';
import { uuidv7, type Messaging } from '@equihome/messaging';
import { PlatformProblems, problemResponses, type FastifyZodInstance } from '@equihome/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { OptimizationServiceConfig } from '../config.js';
import {
  FundNotFound,
  FundNotSimulatable,
  FundServiceError,
  FundServiceUnavailable,
  OptimizationFinished,
  OptimizationInfeasible,
  OptimizationNotFound,
  PortfolioNotFound,
  PortfolioServiceError,
  PortfolioServiceUnavailable,
  TargetOutOfReach,
  TooMuchWork,
} from '../errors.js';
import { recordJobChange } from '../events.js';
import type { JobRunner } from '../jobs.js';
import { isTerminal, type Optimization, type OptimizationStore } from '../optimization-store.js';
import { planJob, type JobRequest } from '../plan.js';
import { ExtendedProblem } from '../problems.js';
import { checkPortfolio, fetchFund } from '../rpc.js';

export interface OptimizationRoutesDeps {
  jobs: OptimizationStore;
  messaging: Messaging;
  runner: JobRunner;
  config: OptimizationServiceConfig;
}

const { StoreUnavailable } = PlatformProblems;
const statusUrl = (id: string) => `/api/optimization/${id}`;

/** The API shape of a job (internal fields — fund snapshot, candidate map, lease — left out). */
export function documentOf(job: Optimization) {
  return {
    id: job.id,
    kind: job.kind,
    state: job.state,
    progress: job.progress,
    fund_id: job.fund_id,
    fund_version: job.fund_version,
    request: job.request,
    result: job.result,
    error: job.error,
    problem: job.problem,
    runs: job.runs,
    actor: job.actor,
    created_at: job.created_at,
    started_at: job.started_at,
    completed_at: job.completed_at,
  };
}

function fundParameters(fund: { id: string; version: number; created_at: string; updated_at: string } & FundParameters): FundParameters {
  const { id: _i, version: _v, created_at: _c, updated_at: _u, ...parameters } = fund;
  return parameters as FundParameters;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * `/api/optimization`: three POSTs (analyst) that accept a job (202 `{ id, state, status_url }`
 * + Location; `?wait=true` → 200 with the document when it ends within OPT_WAIT_MS), GET
 * (viewer) and DELETE (analyst: cancel; 409 OPTIMIZATION_FINISHED once it ended).
 */
export function optimizationRoutes(app: FastifyZodInstance, deps: OptimizationRoutesDeps): void {
  const { jobs, messaging, runner, config } = deps;
  const common = [400, 401, 403, FundNotFound, PortfolioNotFound, 413, 415, 429, FundServiceError, PortfolioServiceError, FundServiceUnavailable, PortfolioServiceUnavailable, StoreUnavailable] as const;

  async function accept(kind: OptimizationKind, body: JobRequest, request: FastifyRequest, reply: FastifyReply, wait: boolean) {
    const actor = { sub: request.user!.sub, role: request.user!.role };
    const fund = await fetchFund(messaging, body.fund_id, { timeoutMs: config.FUND_RPC_TIMEOUT_MS, field: 'fund_id' });
    if (body.portfolio_id !== undefined) await checkPortfolio(messaging, body.portfolio_id, fund.id, { timeoutMs: config.PORTFOLIO_RPC_TIMEOUT_MS, field: 'portfolio_id' });
    const parameters = fundParameters(fund as never);
    const plan = planJob(kind, body, parameters, config.OPT_MAX_TOTAL_PATHS);
    const now = new Date().toISOString();
    const id = uuidv7();
    const job = await jobs.create(
      id,
      {
        kind,
        state: plan.result !== null ? 'completed' : 'queued',
        progress: plan.result !== null ? 1 : 0,
        fund_id: fund.id,
        fund_version: fund.version,
        fund: parameters,
        request: plan.request,
        result: plan.result,
        error: null,
        problem: null,
        runs: [],
        candidates: {},
        actor,
        started_at: plan.result !== null ? now : null,
        completed_at: plan.result !== null ? now : null,
        owner: null,
        lease_until: null,
      },
      (tx, created) => recordJobChange(tx, 'create', created, actor, { request_id: request.id, simulations: plan.simulations }),
    );
    if (!isTerminal(job.state)) void runner.launch(job.id).catch((err: Error) => request.log.warn({ err: err.message, jobId: job.id }, 'job not started here (the sweeper resumes it)'));
    if (wait) {
      const deadline = Date.now() + config.OPT_WAIT_MS;
      let current: Optimization = job;
      while (!isTerminal(current.state) && Date.now() < deadline) {
        await sleep(100);
        current = (await jobs.find(id)) ?? current;
      }
      if (isTerminal(current.state)) {
        if (current.state === 'failed' && current.problem !== null && current.problem.code === TargetOutOfReach.code) throw ExtendedProblem.fromStored(TargetOutOfReach, current.problem);
        return reply.code(200).send(documentOf(current));
      }
    }
    return reply.code(202).header('location', statusUrl(job.id)).send({ id: job.id, state: job.state, status_url: statusUrl(job.id) });
  }

  const postSchema = (summary: string, body: typeof EfficientFrontierRequest | typeof SensitivityRequest | typeof SolveRequest, extra: unknown[]) => ({
    config: { role: 'analyst' as const },
    schema: {
      tags: ['optimization'],
      summary,
      body,
      querystring: OptimizationWaitQuery,
      response: { 200: OptimizationDocument, 202: OptimizationAccepted, ...problemResponses(...([...common, ...extra] as Parameters<typeof problemResponses>)) },
    },
  });

  app.post(
    '/api/optimization/efficient-frontier',
    postSchema('Efficient frontier over zone weights: mean-variance on model-derived zone moments (in-process), or a simulation frontier of candidate zone mixes (runs on the simulation workers, common random numbers)', EfficientFrontierRequest, [OptimizationInfeasible, TooMuchWork, FundNotSimulatable]),
    async (request, reply) => accept('efficient-frontier', request.body as JobRequest, request, reply, request.query.wait === 'true'),
  );
  app.post(
    '/api/optimization/sensitivity',
    postSchema('Tornado over the MODEL.md §9 parameters (and an optional heat map), every evaluation on common random numbers', SensitivityRequest, [TooMuchWork, FundNotSimulatable]),
    async (request, reply) => accept('sensitivity', request.body as JobRequest, request, reply, request.query.wait === 'true'),
  );
  app.post(
    '/api/optimization/solve',
    // 422 is not declared here: TARGET_OUT_OF_REACH carries the `attainable` extension member, which a declared schema would strip.
    postSchema('Goal seek: the value of one parameter that attains a target metric (bracketing on common random numbers); with ?wait=true a target out of reach is a 422 TARGET_OUT_OF_REACH with `attainable`', SolveRequest, []),
    async (request, reply) => accept('solve', request.body as JobRequest, request, reply, request.query.wait === 'true'),
  );

  app.get(
    '/api/optimization/:id',
    {
      config: { role: 'viewer' },
      schema: { tags: ['optimization'], summary: 'A job: state, progress, request, result (once completed), error', params: IdParams, response: { 200: OptimizationDocument, ...problemResponses(400, 401, 403, OptimizationNotFound, 429, StoreUnavailable) } },
    },
    async (request) => documentOf(await jobs.get(request.params.id)),
  );

  app.delete(
    '/api/optimization/:id',
    {
      config: { role: 'analyst' },
      schema: {
        tags: ['optimization'],
        summary: 'Cancel a job (202 with the document): its candidate runs are cancelled; 409 OPTIMIZATION_FINISHED when it already ended (also a second DELETE)',
        params: IdParams,
        response: { 202: OptimizationDocument, ...problemResponses(400, 401, 403, OptimizationNotFound, OptimizationFinished, 429, StoreUnavailable) },
      },
    },
    async (request, reply) => {
      const id = request.params.id;
      const actor = { sub: request.user!.sub, role: request.user!.role };
      const { job, changed } = await jobs.change(
        id,
        (cur) => (isTerminal(cur.state) ? null : { state: 'cancelled', completed_at: new Date().toISOString(), owner: null, lease_until: null }),
        (tx, updated) => recordJobChange(tx, 'cancel', updated, actor, { request_id: request.id }),
      );
      if (!changed) throw OptimizationFinished.create(`optimization ${id} is already ${job.state}`, { errors: [{ path: 'id', message: `job is ${job.state}` }] });
      const local = runner.localRuns(id);
      runner.cancelLocal(id);
      await runner.cancelRuns([...job.runs, ...local], actor);
      return reply.code(202).send(documentOf(job));
    },
  );
}

export const replicaName = () => `${process.pid}-${randomUUID().slice(0, 8)}`;
