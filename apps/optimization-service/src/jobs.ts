import { setMaxListeners } from 'node:events';
import type { FundParameters, SensitivityRequest, SimulationMetrics, SolveRequest, EfficientFrontierRequest } from '@equihome/domain';
import type { Messaging, MessagingLogger } from '@equihome/messaging';
import { candidate, PORTFOLIO_SHAPING, sensitivityPlan, withSolveParameter, withZoneAllocations, zoneBounds, zoneLattice, defaultSolveBounds, type Candidate } from './candidates.js';
import type { OptimizationServiceConfig } from './config.js';
import { TargetOutOfReach } from './errors.js';
import { recordJobChange, SERVICE_ACTOR } from './events.js';
import { isTerminal, type Optimization, type OptimizationData, type OptimizationStore } from './optimization-store.js';
import { ExtendedProblem } from './problems.js';
import { transientRpcError } from './rpc.js';
import type { RunWatcher } from './run-watcher.js';
import { goalSeek, nonDominated } from './search.js';

/** Why a driver stopped without ending its job (another replica resumes it after a shutdown or a lost lease). */
export class JobAborted extends Error {
  constructor(readonly reason: 'cancelled' | 'shutdown' | 'lost' | 'ended') {
    super(`job driver stopped: ${reason}`);
  }
}

/** The job ends `failed` with this problem document (a client error found while running: goal seek out of reach). */
class JobProblem extends Error {
  constructor(readonly problem: ExtendedProblem) {
    super(problem.detail ?? problem.title);
  }
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });

async function pool<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) await work(items[next++]);
    }),
  );
}

export interface JobDeps {
  jobs: OptimizationStore;
  messaging: Messaging;
  watcher: RunWatcher;
  config: OptimizationServiceConfig;
  log: MessagingLogger;
  /** This replica's name in `owner`. */
  owner: string;
}

const SUBMIT_ATTEMPTS = 5;

/** One running job on this replica: its candidates' runs, progress, lease. */
class JobContext {
  readonly controller = new AbortController();
  private readonly submitted: Record<string, string>;
  private readonly runs: string[];
  private lastProgressAt = 0;

  constructor(
    private readonly deps: JobDeps,
    public job: Optimization,
  ) {
    // one listener per awaited run and per back-off sleep: more than the default 10
    setMaxListeners(0, this.controller.signal);
    this.submitted = { ...job.candidates };
    this.runs = [...job.runs];
  }

  get signal() {
    return this.controller.signal;
  }

  get runIds(): readonly string[] {
    return this.runs;
  }

  /** CAS update of the job while it is live and this replica owns it (lease renewed); else the driver stops. */
  async update(fields: (cur: Optimization) => Partial<OptimizationData>, progressEvent = false): Promise<void> {
    let stop: JobAborted | undefined;
    const { jobs, owner, config } = this.deps;
    const { job } = await jobs.change(
      this.job.id,
      (cur) => {
        stop = undefined;
        if (isTerminal(cur.state)) stop = new JobAborted(cur.state === 'cancelled' ? 'cancelled' : 'ended');
        else if (cur.owner !== owner) stop = new JobAborted('lost');
        return stop ? null : { ...fields(cur), lease_until: new Date(Date.now() + config.OPT_LEASE_MS).toISOString() };
      },
      progressEvent ? (tx, updated) => recordJobChange(tx, 'progress', updated, SERVICE_ACTOR) : undefined,
    );
    this.job = job;
    if (stop) {
      this.controller.abort(stop);
      throw stop;
    }
  }

  /** Progress (0…1), written with its event at most every OPT_PROGRESS_INTERVAL_MS. */
  async progress(fraction: number): Promise<void> {
    const now = Date.now();
    if (now - this.lastProgressAt < this.deps.config.OPT_PROGRESS_INTERVAL_MS) return;
    this.lastProgressAt = now;
    await this.update(() => ({ progress: Math.min(0.99, Math.max(0, fraction)) }), true);
  }

  private async submit(c: Candidate): Promise<string> {
    const { messaging, config } = this.deps;
    const request = this.job.request as { paths: number; seed: number; granularity: 'monthly' | 'quarterly' | 'yearly' };
    for (let attempt = 1; ; attempt++) {
      try {
        const reply = await messaging.request(
          'equihome.rpc.simulation.submit',
          {
            fund_id: this.job.fund_id,
            fund_version: this.job.fund_version,
            fund: c.fund,
            portfolio_id: c.portfolio_id,
            paths: request.paths,
            seed: request.seed,
            granularity: request.granularity,
            cache: true,
            label: `optimization ${this.job.id}: ${c.label}`.slice(0, 200),
            actor: this.job.actor,
            parent: { kind: 'optimization', id: this.job.id },
          },
          { timeoutMs: config.SIMULATION_RPC_TIMEOUT_MS },
        );
        return reply.id;
      } catch (err) {
        if (!transientRpcError(err) || attempt >= SUBMIT_ATTEMPTS) throw err;
        this.deps.log.warn({ err: (err as Error).message, jobId: this.job.id, attempt }, 'candidate not submitted (simulation-service unavailable?); retrying');
        await sleep(250 * 2 ** attempt, this.signal);
      }
    }
  }

  /**
   * Runs the candidates on the simulation workers and returns their metrics by key: identical
   * candidates run once; a candidate already submitted by this job (a resumed driver) is
   * re-attached to its run unless that run failed or was cancelled. `onDone` after each end.
   */
  async evaluate(candidates: Candidate[], onDone?: () => void): Promise<Map<string, SimulationMetrics>> {
    const unique = [...new Map(candidates.map((c) => [c.key, c])).values()];
    const ids = new Map<string, string>();
    await pool(unique, this.deps.config.OPT_SUBMIT_CONCURRENCY, async (c) => {
      let id: string | undefined = this.submitted[c.key];
      if (id !== undefined) {
        const run = await this.deps.watcher.get(id).catch(() => null);
        if (run === null || run.state === 'failed' || run.state === 'cancelled') id = undefined;
      }
      if (this.signal.aborted) throw this.signal.reason;
      ids.set(c.key, id ?? (await this.submit(c)));
    });
    const fresh = [...ids].filter(([key, id]) => this.submitted[key] !== id);
    for (const [key, id] of fresh) {
      this.submitted[key] = id;
      this.runs.push(id);
    }
    if (fresh.length > 0) await this.update(() => ({ runs: [...this.runs], candidates: { ...this.submitted } }));
    const out = new Map<string, SimulationMetrics>();
    await Promise.all(
      unique.map(async (c) => {
        const run = await this.deps.watcher.wait(ids.get(c.key)!, this.signal);
        if (run.state !== 'completed' || run.metrics === null) throw new Error(`candidate ${c.label}: simulation run ${run.id} ${run.state}${run.error ? `: ${run.error}` : ''}`);
        out.set(c.key, run.metrics);
        onDone?.();
      }),
    );
    return out;
  }
}

type Granular = { paths: number; seed: number; granularity: string };

async function runSensitivity(ctx: JobContext, fund: FundParameters): Promise<Record<string, unknown>> {
  const req = ctx.job.request as unknown as SensitivityRequest & Granular;
  const plan = sensitivityPlan(fund, req, req.portfolio_id ?? null);
  const all = [plan.base, ...plan.rows.flatMap((r) => [r.lowCandidate, r.highCandidate]), ...(plan.grid?.cells.flat() ?? [])];
  const total = new Set(all.map((c) => c.key)).size;
  let done = 0;
  const m = await ctx.evaluate(all, () => void ctx.progress(++done / total).catch(() => undefined));
  const of = (c: Candidate) => m.get(c.key)!;
  // engine 2: a statistic without values is null; as libs/finance sensitivity() does, NaN (JSON null) in the rows
  const v = (x: number | null | undefined) => x ?? Number.NaN;
  const base = of(plan.base);
  const rows = plan.rows.map((r) => {
    const lo = of(r.lowCandidate);
    const hi = of(r.highCandidate);
    return {
      parameter: r.parameter,
      kind: r.kind,
      low: r.low,
      high: r.high,
      metric_low: v(lo.lp.irr.p50),
      metric_high: v(hi.lp.irr.p50),
      base: v(base.lp.irr.p50),
      swing: Math.abs(v(hi.lp.irr.p50) - v(lo.lp.irr.p50)),
      tvpi_low: v(lo.lp.tvpi.p50),
      tvpi_high: v(hi.lp.tvpi.p50),
      irr_p5_low: v(lo.lp.irr.p5),
      irr_p5_high: v(hi.lp.irr.p5),
    };
  });
  rows.sort((a, b) => b.swing - a.swing || a.parameter.localeCompare(b.parameter));
  return {
    metric: 'lp_net_irr_p50',
    base: v(base.lp.irr.p50),
    base_tvpi_p50: v(base.lp.tvpi.p50),
    base_irr_p5: v(base.lp.irr.p5),
    paths: req.paths,
    seed: req.seed,
    granularity: req.granularity,
    portfolio_id: req.portfolio_id ?? null,
    rows,
    ...(plan.grid
      ? { grid: { x: plan.grid.x, y: plan.grid.y, lp_net_irr_p50: plan.grid.cells.map((row) => row.map((c) => v(of(c).lp.irr.p50))) } }
      : {}),
  };
}

/** The candidates of a simulation frontier (also used to validate the request before it is accepted). */
export function frontierCandidates(fund: FundParameters, req: EfficientFrontierRequest) {
  return zoneLattice(zoneBounds(req.bounds), req.points).map((w) => ({
    weights: w,
    candidate: candidate(withZoneAllocations(fund, w), null, `zones green ${w.green.toFixed(4)} orange ${w.orange.toFixed(4)} red ${w.red.toFixed(4)}`),
  }));
}

async function runSimulationFrontier(ctx: JobContext, fund: FundParameters): Promise<Record<string, unknown>> {
  const req = ctx.job.request as unknown as EfficientFrontierRequest & Granular;
  const cands = frontierCandidates(fund, req);
  let done = 0;
  const m = await ctx.evaluate(
    cands.map((c) => c.candidate),
    () => void ctx.progress(++done / cands.length).catch(() => undefined),
  );
  const points = cands.map(({ weights, candidate: c }) => {
    const lp = m.get(c.key)!.lp;
    const sd = lp.irr.sd ?? null;
    const cvar = (lp.cvar95.irr as number | null | undefined) ?? null;
    const risk = req.risk_measure === 'sd' ? sd : cvar === null ? null : -cvar;
    return { weights, lp_net_irr_p50: lp.irr.p50 ?? null, lp_net_irr_sd: sd, lp_net_irr_cvar95: cvar, lp_tvpi_p50: lp.tvpi.p50 ?? null, risk };
  });
  // a candidate whose statistics have no value (no path paid in) cannot be ranked: it stays in `candidates` only
  const ranked = points.filter((p): p is typeof p & { risk: number; lp_net_irr_p50: number } => p.risk !== null && p.lp_net_irr_p50 !== null);
  return { method: 'simulation', risk_measure: req.risk_measure, paths: req.paths, seed: req.seed, granularity: req.granularity, candidates: points, frontier: nonDominated(ranked) };
}

function metricOf(metric: SolveRequest['target']['metric'], m: SimulationMetrics): number {
  const value = metric === 'lp_net_irr_p50' ? m.lp.irr.p50 : metric === 'lp_tvpi_p50' ? m.lp.tvpi.p50 : m.fund.irr.p50;
  if (value === null || value === undefined) throw new Error(`${metric} has no value for a candidate (no path paid in)`);
  return value;
}

async function runSolve(ctx: JobContext, fund: FundParameters): Promise<Record<string, unknown>> {
  const req = ctx.job.request as unknown as SolveRequest & Granular;
  const [lo, hi] = req.bounds ?? defaultSolveBounds(fund, req.parameter);
  const portfolioId = PORTFOLIO_SHAPING.has(req.parameter) ? null : (req.portfolio_id ?? null);
  const f = async (x: number) => {
    const c = candidate(withSolveParameter(fund, req.parameter, x), portfolioId, `${req.parameter} = ${x}`);
    return metricOf(req.target.metric, (await ctx.evaluate([c])).get(c.key)!);
  };
  const res = await goalSeek(f, { lo, hi, target: req.target.value, tolerance: req.tolerance, maxIterations: req.max_iterations }, (it) => void ctx.progress(it / req.max_iterations).catch(() => undefined));
  if (!res.ok) {
    const [a, b] = res.attainable;
    throw new JobProblem(
      new ExtendedProblem(
        TargetOutOfReach,
        `${req.target.metric} = ${req.target.value} is not attained for ${req.parameter} in [${lo}, ${hi}]: the bounds attain [${a}, ${b}]`,
        { attainable: [a, b], bounds: [lo, hi], metric: req.target.metric, parameter: req.parameter },
        [{ path: 'target.value', message: `outside the attainable range [${a}, ${b}]` }],
      ),
    );
  }
  return {
    parameter: req.parameter,
    value: res.value,
    achieved: res.achieved,
    target: req.target,
    iterations: res.iterations,
    bracket: res.bracket,
    converged: res.converged,
    paths: req.paths,
    seed: req.seed,
    granularity: req.granularity,
    portfolio_id: portfolioId,
  };
}

/**
 * Drives the jobs of this replica. A job is driven by ONE replica at a time, under a lease
 * (`owner`, `lease_until`, compare-and-set on the document, renewed at a third of
 * OPT_LEASE_MS); a sweeper (every OPT_SWEEP_INTERVAL_MS) takes over live jobs whose lease
 * expired — a replica that died or stopped — and resumes them: candidates already submitted
 * are re-attached to their runs (`candidates` on the document), completed ones come back at
 * once, and the result is the same (deterministic runs). Exactly one terminal event per job.
 */
export class JobRunner {
  private readonly local = new Map<string, { ctx: JobContext; done: Promise<void> }>();
  private sweeper: NodeJS.Timeout | undefined;
  private sweeping = false;
  private stopped = false;

  constructor(private readonly deps: JobDeps) {}

  start(): void {
    this.sweeper = setInterval(() => void this.sweep(), this.deps.config.OPT_SWEEP_INTERVAL_MS);
    this.sweeper.unref();
  }

  /** One sweep now: resumes live jobs whose lease expired (or that never had one). Resolves to the ids taken. */
  async sweep(): Promise<string[]> {
    if (this.sweeping || this.stopped) return [];
    this.sweeping = true;
    const taken: string[] = [];
    try {
      const now = Date.now();
      for (const job of await this.deps.jobs.listInStates(['queued', 'running'])) {
        if (this.local.has(job.id)) continue;
        const expired = job.lease_until === null ? now - Date.parse(job.created_at) > this.deps.config.OPT_LEASE_MS : Date.parse(job.lease_until) < now;
        if (expired && (await this.launch(job.id))) taken.push(job.id);
      }
    } catch (err) {
      this.deps.log.warn({ err: (err as Error).message }, 'optimization sweep failed (store unavailable?)');
    } finally {
      this.sweeping = false;
    }
    return taken;
  }

  /** Claims the job's lease and drives it here; false when it ended or another replica holds a live lease. */
  async launch(id: string): Promise<boolean> {
    if (this.stopped || this.local.has(id)) return false;
    const { jobs, owner, config } = this.deps;
    const now = new Date();
    const { job, changed } = await jobs.change(id, (cur) => {
      if (isTerminal(cur.state)) return null;
      const free = cur.owner === null || cur.owner === owner || cur.lease_until === null || Date.parse(cur.lease_until) < now.getTime();
      return free ? { state: 'running', started_at: cur.started_at ?? now.toISOString(), owner, lease_until: new Date(now.getTime() + config.OPT_LEASE_MS).toISOString() } : null;
    });
    if (!changed || this.local.has(id)) return false;
    const ctx = new JobContext(this.deps, job);
    const done = this.drive(ctx).finally(() => this.local.delete(id));
    this.local.set(id, { ctx, done });
    return true;
  }

  /** Stops this replica's driver of a job that was just cancelled (its runs are cancelled by the caller). */
  cancelLocal(id: string): void {
    this.local.get(id)?.ctx.controller.abort(new JobAborted('cancelled'));
  }

  /** The runs a local driver has submitted so far (more than the document may list yet). */
  localRuns(id: string): readonly string[] {
    return this.local.get(id)?.ctx.runIds ?? [];
  }

  private async drive(ctx: JobContext): Promise<void> {
    const { jobs, log, config } = this.deps;
    const renew = setInterval(() => void ctx.update(() => ({})).catch(() => undefined), Math.max(200, Math.floor(config.OPT_LEASE_MS / 3)));
    renew.unref();
    try {
      const fund = ctx.job.fund;
      const result =
        ctx.job.kind === 'sensitivity' ? await runSensitivity(ctx, fund) : ctx.job.kind === 'solve' ? await runSolve(ctx, fund) : await runSimulationFrontier(ctx, fund);
      clearInterval(renew);
      await jobs.change(
        ctx.job.id,
        (cur) => (isTerminal(cur.state) ? null : { state: 'completed', progress: 1, result, completed_at: new Date().toISOString(), owner: null, lease_until: null }),
        (tx, updated) => recordJobChange(tx, 'complete', updated, SERVICE_ACTOR, { runs: ctx.runIds.length }),
      );
    } catch (err) {
      clearInterval(renew);
      const reason = ctx.signal.aborted && ctx.signal.reason instanceof JobAborted ? ctx.signal.reason.reason : err instanceof JobAborted ? err.reason : null;
      if (reason === 'shutdown' || reason === 'lost' || reason === 'ended') return;
      if (reason === 'cancelled') {
        await this.cancelRuns(ctx.runIds, ctx.job.actor);
        return;
      }
      const problem = err instanceof JobProblem ? err.problem : null;
      const message = err instanceof Error ? err.message : String(err);
      if (problem === null) log.warn({ err: message, jobId: ctx.job.id }, 'optimization failed');
      await jobs
        .change(
          ctx.job.id,
          (cur) =>
            isTerminal(cur.state)
              ? null
              : { state: 'failed', error: message, problem: problem ? problem.toProblem() : null, completed_at: new Date().toISOString(), owner: null, lease_until: null },
          (tx, updated) => recordJobChange(tx, 'fail', updated, SERVICE_ACTOR, { error: message }),
        )
        .catch((e: Error) => log.error({ err: e.message, jobId: ctx.job.id }, 'could not mark the optimization failed (the sweeper retries it)'));
      await this.cancelRuns(ctx.runIds, ctx.job.actor);
    } finally {
      ctx.controller.abort(new JobAborted('ended'));
    }
  }

  /** Cancels runs (best effort: a finished run answers `changed: false`; errors are logged). */
  async cancelRuns(ids: readonly string[], actor: { sub: string; role: string }): Promise<void> {
    await Promise.all(
      [...new Set(ids)].map((id) =>
        this.deps.messaging
          .request('equihome.rpc.simulation.cancel', { id, actor }, { timeoutMs: this.deps.config.SIMULATION_RPC_TIMEOUT_MS })
          .catch((err: Error) => this.deps.log.warn({ err: err.message, runId: id }, 'candidate run not cancelled')),
      ),
    );
  }

  /** Stops every local driver (their jobs stay live; their leases are released so another replica resumes them at once). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.sweeper) clearInterval(this.sweeper);
    const held = [...this.local.values()];
    for (const { ctx } of held) ctx.controller.abort(new JobAborted('shutdown'));
    await Promise.allSettled(held.map((h) => h.done));
    await Promise.allSettled(
      held.map(({ ctx }) => this.deps.jobs.change(ctx.job.id, (cur) => (!isTerminal(cur.state) && cur.owner === this.deps.owner ? { owner: null, lease_until: null } : null))),
    );
  }
}

