import type { Actor, FundParameters, OptimizationKind, RunState } from '@equihome/domain';
import { documentChanges, type ChangeContext, type ChangeTransaction } from '@equihome/outbox';
import type { Doc, DocumentStore } from '@equihome/storage';
import { optimizationProblems } from './errors.js';

/** The collection jobs live in (after DOCUMENT_COLLECTION_PREFIX). */
export const OPTIMIZATIONS_COLLECTION = 'optimizations';
export const optimizationsCollectionName = (config: { DOCUMENT_COLLECTION_PREFIX?: string | undefined }) => `${config.DOCUMENT_COLLECTION_PREFIX ?? ''}${OPTIMIZATIONS_COLLECTION}`;

export const TERMINAL_STATES: ReadonlySet<RunState> = new Set(['completed', 'failed', 'cancelled']);
export const isTerminal = (state: RunState) => TERMINAL_STATES.has(state);

/**
 * An optimization job as stored (a document: `id` UUIDv7, `version`, `created_at`). `fund` is
 * the snapshot of the fund's parameters every candidate derives from (a resumed job uses the
 * same one even if the fund was edited since); `candidates` maps a candidate's key to its
 * simulation run, so a resumed driver re-attaches to runs instead of submitting them again.
 */
export interface OptimizationData {
  kind: OptimizationKind;
  state: RunState;
  progress: number;
  fund_id: string;
  fund_version: number | null;
  fund: FundParameters;
  /** The request as recorded: defaults filled, the seed drawn when absent. */
  request: Record<string, unknown>;
  result: Record<string, unknown> | null;
  error: string | null;
  problem: Record<string, unknown> | null;
  runs: string[];
  candidates: Record<string, string>;
  actor: Actor;
  started_at: string | null;
  completed_at: string | null;
  /** The replica driving the job and until when (lease; an expired one is taken over). */
  owner: string | null;
  lease_until: string | null;
}
export type Optimization = Doc<OptimizationData>;
export type OptimizationPatch = Partial<OptimizationData> | null;

const ATTEMPTS = 8;

export interface OptimizationStore {
  get(id: string): Promise<Optimization>;
  find(id: string): Promise<Optimization | null>;
  /** Every job in one of `states` (all pages), for the sweeper. */
  listInStates(states: RunState[]): Promise<Optimization[]>;
  create(id: string, data: OptimizationData, after: (tx: ChangeTransaction, job: Optimization) => Promise<void>): Promise<Optimization>;
  /**
   * Compare-and-set change (retried on a concurrent write, re-reading the job): `patch(current)`
   * decides the new fields (null: no change); `after` records audit and event in the same transaction.
   */
  change(id: string, patch: (current: Optimization) => OptimizationPatch, after?: (tx: ChangeTransaction, updated: Optimization, previous: Optimization) => Promise<void>): Promise<{ job: Optimization; changed: boolean }>;
}

export function createOptimizationStore(collection: string, documents: DocumentStore<OptimizationData>, changes: ChangeContext): OptimizationStore {
  const guard = optimizationProblems.guard;
  const writes = documentChanges<OptimizationData>(changes, collection, { notFound: (id) => optimizationProblems.notFound(id), attempts: ATTEMPTS });
  const store: OptimizationStore = {
    async get(id) {
      const job = await store.find(id);
      if (job === null) throw optimizationProblems.notFound(id);
      return job;
    },
    find: (id) => guard(() => documents.get(id)),
    async listInStates(states) {
      const out: Optimization[] = [];
      for (const state of states) {
        let cursor: string | undefined;
        do {
          const page = await guard(() => documents.list({ limit: 200, ...(cursor ? { cursor } : {}) }, { equals: { state } }));
          out.push(...page.items);
          cursor = page.next_cursor ?? undefined;
        } while (cursor !== undefined);
      }
      return out;
    },
    create: (id, data, after) => guard(() => writes.create(id, data, after)),

    async change(id, patch, after) {
      const { doc, changed } = await guard(() => writes.change(id, patch, after));
      return { job: doc, changed };
    },
  };
  return store;
}
