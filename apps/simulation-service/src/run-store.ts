import type { Actor, PortfolioSource, RecordedSimulationRequest, RunState, SimulationListQuery } from '@equihome/domain';
import { documentChanges, type ChangeContext, type ChangeTransaction } from '@equihome/outbox';
import type { Doc, DocumentFilter, DocumentStore } from '@equihome/storage';
import { runProblems } from './errors.js';

/** The collection runs live in (after DOCUMENT_COLLECTION_PREFIX). */
export const RUNS_COLLECTION = 'simulation_runs';

/** Full collection name of the runs (`DOCUMENT_COLLECTION_PREFIX` + `simulation_runs`). */
export const runsCollectionName = (config: { DOCUMENT_COLLECTION_PREFIX?: string | undefined }) => `${config.DOCUMENT_COLLECTION_PREFIX ?? ''}${RUNS_COLLECTION}`;

/** States a run never leaves. */
export const TERMINAL_STATES: ReadonlySet<RunState> = new Set(['completed', 'failed', 'cancelled']);
export const isTerminal = (state: RunState) => TERMINAL_STATES.has(state);

/**
 * A simulation run as stored (a document: `id` UUIDv7, `version`, `created_at` = submission
 * time, `updated_at`). Times are ISO-8601 UTC. The inputs are snapshot hashes (see
 * ResultStore); `generation` numbers the BullMQ flows enqueued for the run (the reconciler
 * bumps it when it re-enqueues), so job ids of two enqueues never collide.
 */
export interface RunData {
  fund_id: string;
  fund_version: number | null;
  portfolio_id: string | null;
  portfolio_source: PortfolioSource;
  label: string | null;
  request: RecordedSimulationRequest;
  state: RunState;
  paths_total: number;
  /** Paths per shard (the last shard may be shorter). */
  shard_paths: number;
  shard_count: number;
  generation: number;
  /** When the current generation's flow was (last) enqueued; null until it has been. */
  enqueued_at: string | null;
  fund_snapshot: string;
  portfolio_snapshot: string;
  cache_key: string;
  cached: boolean;
  /** The run whose result a cache hit copied. */
  cached_from: string | null;
  started_at: string | null;
  completed_at: string | null;
  duration_ms: number | null;
  /** Frozen when the run ends (live progress is computed while it runs). */
  paths_done: number | null;
  engine_version: string;
  actor: Actor;
  error: string | null;
  /** The job that submitted the run over `equihome.rpc.simulation.submit` (an optimization); absent for HTTP runs. */
  parent?: RunParent;
}
export type Run = Doc<RunData>;

/** The job a run belongs to (optimization-service's candidates). */
export interface RunParent {
  kind: 'optimization';
  id: string;
}

/** A state change: the new fields, or null to leave the run as it is. */
export type RunPatch = Partial<RunData> | null;

/** Attempts of a change when concurrent writers (a worker, a cancel) keep bumping the version. */
const ATTEMPTS = 8;

export interface RunStore {
  /** The run, or 404 SIMULATION_NOT_FOUND. */
  get(id: string): Promise<Run>;
  /** The run, or null. */
  find(id: string): Promise<Run | null>;
  /** Runs in creation order, filtered by exact fund and state. */
  list(query: SimulationListQuery): Promise<{ items: Run[]; next_cursor: string | null }>;
  /** Every run in one of `states` (all pages), for the reconciler. */
  listInStates(states: RunState[]): Promise<Run[]>;
  /** A completed run with this cache key (the oldest), or null. */
  findCompletedByCacheKey(key: string): Promise<Run | null>;
  /** Creates a run (with a caller-chosen id) and, in the same transaction, whatever `after` records. */
  create(id: string, data: RunData, after: (tx: ChangeTransaction, run: Run) => Promise<void>): Promise<Run>;
  /**
   * Compare-and-set change: `patch(current)` decides the new fields (null: no change), and
   * `after(tx, updated, previous)` records the audit entry and event in the same transaction.
   * Retried on a concurrent write (re-reading the run), so `patch` sees the latest state:
   * this is what makes a terminal event exactly-once (only one writer moves a run out of a
   * live state). Resolves to the run and whether this call changed it.
   */
  change(id: string, patch: (current: Run) => RunPatch, after?: (tx: ChangeTransaction, updated: Run, previous: Run) => Promise<void>): Promise<{ run: Run; changed: boolean }>;
}

export function createRunStore(collection: string, documents: DocumentStore<RunData>, changes: ChangeContext): RunStore {
  const guard = runProblems.guard;
  const writes = documentChanges<RunData>(changes, collection, { notFound: (id) => runProblems.notFound(id), attempts: ATTEMPTS });
  const store: RunStore = {
    async get(id) {
      const run = await store.find(id);
      if (run === null) throw runProblems.notFound(id);
      return run;
    },

    find: (id) => guard(() => documents.get(id)),

    async list({ limit, cursor, fund_id, state }) {
      const equals: Record<string, string> = {};
      if (fund_id !== undefined) equals.fund_id = fund_id;
      if (state !== undefined) equals.state = state;
      const filter: DocumentFilter = { equals };
      return guard(() => documents.list({ limit, ...(cursor !== undefined ? { cursor } : {}) }, filter));
    },

    async listInStates(states) {
      const out: Run[] = [];
      for (const state of states) {
        let cursor: string | undefined;
        do {
          const page = await guard(() => documents.list({ limit: 500, ...(cursor ? { cursor } : {}) }, { equals: { state } }));
          out.push(...page.items);
          cursor = page.next_cursor ?? undefined;
        } while (cursor !== undefined);
      }
      return out;
    },

    async findCompletedByCacheKey(key) {
      const page = await guard(() => documents.list({ limit: 1 }, { equals: { cache_key: key, state: 'completed' } }));
      return page.items[0] ?? null;
    },

    create: (id, data, after) => guard(() => writes.create(id, data, after)),

    async change(id, patch, after) {
      const { doc, changed } = await guard(() => writes.change(id, patch, after));
      return { run: doc, changed };
    },
  };
  return store;
}
