import { VersionConflictError, type Doc, type DocumentStore } from '@equihome/storage';
import { commitChange, type ChangeContext, type ChangeTransaction } from './commit-change.js';

/** A document's fields without its metadata (id, version, timestamps). */
type Data<D extends Doc<object>> = Omit<D, 'id' | 'version' | 'created_at' | 'updated_at'>;

export interface DocumentChanges<T extends object> {
  /** Creates document `id` and runs `after` (its audit entry and events) in the same transaction. */
  create(id: string, data: T, after: (tx: ChangeTransaction, doc: Doc<T>) => Promise<void>): Promise<Doc<T>>;
  /**
   * Compare-and-set: reads the document, asks `patch` for the fields to change (`null`: no
   * change, nothing written), writes them against the version it read, and runs `after` in the
   * same transaction. A concurrent writer (version conflict) → read and try again, up to
   * `attempts` times. An absent document → `notFound(id)`.
   */
  change(
    id: string,
    patch: (current: Doc<T>) => Partial<T> | null,
    after?: (tx: ChangeTransaction, updated: Doc<T>, previous: Doc<T>) => Promise<void>,
  ): Promise<{ doc: Doc<T>; changed: boolean }>;
}

/**
 * The write side of a service's state machine over libs/storage documents with the
 * transactional outbox (a run of simulation-service, a job of optimization-service): every
 * change is ONE transaction of the document, its audit entry and its events.
 */
export function documentChanges<T extends object>(
  changes: ChangeContext,
  collection: string,
  options: { notFound: (id: string) => Error; attempts?: number },
): DocumentChanges<T> {
  const attempts = options.attempts ?? 8;
  const inTx = <R>(work: (docs: DocumentStore<T>, tx: ChangeTransaction) => Promise<R>) => commitChange(changes, (tx) => work(tx.collection<T>(collection), tx));
  return {
    create: (id, data, after) =>
      inTx(async (docs, tx) => {
        const { doc } = await docs.create(data, { id });
        await after(tx, doc);
        return doc;
      }),
    async change(id, patch, after) {
      for (let attempt = 1; ; attempt++) {
        try {
          return await inTx(async (docs, tx) => {
            const current = await docs.get(id);
            if (current === null) throw options.notFound(id);
            const fields = patch(current);
            if (fields === null) return { doc: current, changed: false };
            const { id: _id, version: _v, created_at: _c, updated_at: _u, ...data } = current;
            const updated = await docs.update(id, { ...(data as Data<Doc<T>>), ...fields } as unknown as T, current.version);
            if (after) await after(tx, updated, current);
            return { doc: updated, changed: true };
          });
        } catch (err) {
          if (!(err instanceof VersionConflictError) || attempt >= attempts) throw err;
        }
      }
    },
  };
}
