import { randomUUID } from 'node:crypto';
import type { PartialBands, PartialPercentiles, SimulationStatus } from '@equihome/domain';
import { mergeSummaries, type MetricDistribution, type SimulationSummary } from '@equihome/finance';
import type { Messaging, MessagingLogger } from '@equihome/messaging';
import { QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import type { ResultStore } from './result-store.js';
import { isTerminal, type Run, type RunStore } from './run-store.js';
import { jobIds, type ShardJobResult } from './simulation-queue.js';

/** Shards' summaries merged into a run's partial percentiles at most this often. */
const PARTIAL_MERGE_INTERVAL_MS = 1_000;
/** The publisher lease (one API replica publishes progress; another takes over within this). */
const LEASE_MS = 2_000;
/**
 * A run's next progress event may start this long after the previous one even when that
 * one is not acknowledged yet (NATS down: its publish waits for the JetStream timeout, 5 s).
 * Progress is best-effort, so a slow or lost event never holds the next ones back.
 */
const PUBLISH_SLOT_MS = 1_000;
/** A run with no job event for this long is forgotten (it ended, or its jobs are gone). */
const IDLE_FORGET_MS = 10 * 60_000;

const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;

/** What the API knows of a live run from its jobs' events. */
interface RunProgress {
  runId: string;
  run: Run | null;
  /** Paths of the finished shards, by shard. */
  done: Map<number, number>;
  /** Paths done so far of shards being computed, by shard. */
  inflight: Map<number, number>;
  /** Finished shards not merged into `partial` yet. */
  unmerged: number[];
  partial: SimulationSummary | undefined;
  firstEventAt: number;
  lastEventAt: number;
  lastPublishedAt: number;
  dirty: boolean;
  publishing: boolean;
  merging: boolean;
  lastMergeAt: number;
}

export interface LiveProgress {
  paths_done: number;
  eta_seconds: number | null;
  partial?: PartialPercentiles;
}

export interface ProgressTrackerOptions {
  queueName: string;
  prefix: string;
  /** Connection of the publisher lease. */
  connection: Redis;
  /** A `maxRetriesPerRequest: null` connection of its own: QueueEvents blocks on XREAD. */
  eventsConnection: Redis;
  messaging: Messaging;
  runs: RunStore;
  results: ResultStore;
  log: MessagingLogger;
  /** Minimum time between two progress events of a run (≥ 250 ms). */
  intervalMs: number;
}

export interface ProgressTracker {
  /** What the job events say of a live run, or null when no event of it was seen. */
  live(runId: string): LiveProgress | null;
  /** True while this replica holds the publisher lease. */
  readonly leader: boolean;
  stop(): Promise<void>;
}

const pick = (d: MetricDistribution) => ({ p1: d.p1, p5: d.p5, p10: d.p10, p25: d.p25, p50: d.p50, p75: d.p75, p90: d.p90, p95: d.p95, p99: d.p99 });

/** The partial NAV fan, thinned to at most 61 points (every k-th period, the last one kept). */
function thinBands(summary: SimulationSummary): PartialBands {
  const { years, nav } = summary.bands;
  const step = Math.max(1, Math.ceil((years.length - 1) / 60));
  const keep = years.map((_, i) => i).filter((i) => i % step === 0 || i === years.length - 1);
  const at = (xs: number[]) => keep.map((i) => xs[i]);
  return { years: at(years), p5: at(nav.p5), p25: at(nav.p25), p50: at(nav.p50), p75: at(nav.p75), p95: at(nav.p95) };
}

function pathsDone(p: RunProgress): number {
  let n = 0;
  for (const paths of p.done.values()) n += paths;
  for (const [shard, paths] of p.inflight) if (!p.done.has(shard)) n += paths;
  return n;
}

/** Seconds left at the run's average rate so far; null before any path is done. */
export function etaSeconds(done: number, total: number, elapsedMs: number): number | null {
  if (done <= 0 || elapsedMs <= 0) return null;
  return Math.max(0, Math.round((((total - done) * elapsedMs) / done / 1000) * 10) / 10);
}

/**
 * Progress of live runs, from BullMQ's queue events (every API replica listens: each can
 * answer `/status` from memory): a shard's `progress` (paths done in it, reported by the
 * worker thread every 1,000 paths) and `completed` (its paths are done; its stored summary
 * is merged into the run's partial percentiles, at most once a second per run).
 *
 * One replica — the holder of a Redis lease renewed every tick — publishes
 * `equihome.simulation.progress` for each run that moved, at most every `intervalMs` per
 * run: `paths_done`, `eta_seconds` (average rate since the first shard started) and
 * `partial` (LP net IRR and TVPI percentiles of the finished shards). Published straight to
 * JetStream, not through the outbox: a progress event lost in a NATS outage is superseded
 * by the next one, and publishing resumes when NATS is back.
 */
export async function startProgressTracker(options: ProgressTrackerOptions): Promise<ProgressTracker> {
  const { messaging, runs, results, log, intervalMs, connection } = options;
  const leaseKey = `${options.prefix}:${options.queueName}:progress-publisher`;
  const token = randomUUID();
  const byRun = new Map<string, RunProgress>();
  let leader = false;
  let natsDown = false;

  const events = new QueueEvents(options.queueName, { connection: options.eventsConnection, prefix: options.prefix });
  events.on('error', (err) => log.warn({ err: err.message }, 'bullmq queue events error'));

  const entry = (runId: string): RunProgress => {
    let p = byRun.get(runId);
    if (p === undefined) {
      const now = Date.now();
      p = { runId, run: null, done: new Map(), inflight: new Map(), unmerged: [], partial: undefined, firstEventAt: now, lastEventAt: now, lastPublishedAt: 0, dirty: true, publishing: false, merging: false, lastMergeAt: 0 };
      byRun.set(runId, p);
      const created = p;
      runs.find(runId).then(
        (run) => {
          created.run = run;
        },
        () => undefined,
      );
    }
    p.lastEventAt = Date.now();
    p.dirty = true;
    return p;
  };

  // A run's first shard taken by a worker: a first progress event (paths_done 0) goes out at once.
  events.on('active', ({ jobId }) => {
    const ids = jobIds.parse(jobId);
    if (ids !== null && ids.shard !== null) entry(ids.runId);
  });
  events.on('progress', ({ jobId, data }) => {
    const ids = jobIds.parse(jobId);
    if (ids === null || ids.shard === null || typeof data !== 'number') return;
    const p = entry(ids.runId);
    if (!p.done.has(ids.shard)) p.inflight.set(ids.shard, data);
  });
  events.on('completed', ({ jobId, returnvalue }) => {
    const ids = jobIds.parse(jobId);
    if (ids === null) return;
    if (ids.shard === null) {
      byRun.delete(ids.runId);
      return;
    }
    const result = (typeof returnvalue === 'string' ? JSON.parse(returnvalue) : returnvalue) as ShardJobResult | null;
    if (result?.outcome !== 'stored') return;
    const p = entry(ids.runId);
    if (!p.done.has(ids.shard)) {
      p.done.set(ids.shard, result.paths);
      p.unmerged.push(ids.shard);
    }
    p.inflight.delete(ids.shard);
  });
  await events.waitUntilReady();

  const live = (p: RunProgress): LiveProgress => {
    const done = pathsDone(p);
    const total = p.run?.paths_total ?? done;
    const startedAt = p.run?.started_at ? Date.parse(p.run.started_at) : p.firstEventAt;
    const out: LiveProgress = { paths_done: Math.min(done, total), eta_seconds: etaSeconds(done, total, Date.now() - startedAt) };
    if (p.partial) out.partial = { paths: p.partial.paths, lp_irr: pick(p.partial.lp.irr), lp_tvpi: pick(p.partial.lp.tvpi), nav: thinBands(p.partial) };
    return out;
  };

  async function mergePartial(p: RunProgress): Promise<void> {
    const shards = p.unmerged.splice(0);
    try {
      const rows = await results.readShards(p.runId, shards);
      if (rows.length > 0) p.partial = mergeSummaries([...(p.partial ? [p.partial] : []), ...rows.map((r) => r.summary)]);
      p.dirty = true;
    } catch (err) {
      p.unmerged.push(...shards);
      log.warn({ err: (err as Error).message, runId: p.runId }, 'partial percentiles not merged');
    }
  }

  async function publish(p: RunProgress): Promise<void> {
    // The run as it is now: a run cancelled or ended meanwhile gets no more progress events.
    const run = await runs.find(p.runId).catch(() => p.run);
    if (run === null) return;
    p.run = run;
    if (isTerminal(run.state)) {
      byRun.delete(p.runId);
      return;
    }
    // The interval holds between the events' own times (taken here, after the reload).
    const now = Date.now();
    if (now - p.lastPublishedAt < intervalMs) {
      p.dirty = true;
      return;
    }
    p.lastPublishedAt = now;
    const status: SimulationStatus = { id: run.id, state: run.state === 'queued' ? 'running' : run.state, paths_total: run.paths_total, started_at: run.started_at, error: null, ...live(p) };
    const published = messaging.publishEnvelope(messaging.createEnvelope('equihome.simulation.progress', status, { time: new Date(now) })).then(
      () => {
        if (natsDown) log.info({}, 'progress events published again');
        natsDown = false;
      },
      (err: Error) => {
        if (!natsDown) log.warn({ err: err.message }, 'progress event not published (NATS unavailable?): retrying with the next one');
        natsDown = true;
      },
    );
    let slot: NodeJS.Timeout | undefined;
    await Promise.race([published, new Promise<void>((resolve) => (slot = setTimeout(resolve, PUBLISH_SLOT_MS)))]);
    clearTimeout(slot);
  }

  async function holdLease(): Promise<boolean> {
    try {
      if (leader) leader = (await connection.eval(RENEW, 1, leaseKey, token, String(LEASE_MS))) === 1;
      if (!leader) leader = (await connection.set(leaseKey, token, 'PX', LEASE_MS, 'NX')) === 'OK';
    } catch {
      leader = false;
    }
    return leader;
  }

  let ticking = false;
  const tick = async () => {
    if (ticking) return;
    ticking = true;
    try {
      const now = Date.now();
      for (const p of byRun.values()) {
        if (now - p.lastEventAt > IDLE_FORGET_MS) byRun.delete(p.runId);
        if (p.unmerged.length > 0 && !p.merging && now - p.lastMergeAt >= PARTIAL_MERGE_INTERVAL_MS) {
          p.merging = true;
          p.lastMergeAt = now;
          void mergePartial(p).finally(() => (p.merging = false));
        }
      }
      if (!(await holdLease())) return;
      for (const p of byRun.values()) {
        if (!p.dirty || p.publishing || p.run === null || isTerminal(p.run.state) || Date.now() - p.lastPublishedAt < intervalMs) continue;
        p.dirty = false;
        p.publishing = true;
        void publish(p).finally(() => (p.publishing = false));
      }
    } finally {
      ticking = false;
    }
  };
  const timer = setInterval(() => void tick(), Math.min(250, intervalMs));
  timer.unref();

  return {
    live: (runId) => {
      const p = byRun.get(runId);
      return p === undefined ? null : live(p);
    },
    get leader() {
      return leader;
    },
    async stop() {
      clearInterval(timer);
      if (leader) await connection.eval(`if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`, 1, leaseKey, token).catch(() => undefined);
      await events.close();
    },
  };
}
