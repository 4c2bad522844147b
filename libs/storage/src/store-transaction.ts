/**
 * The transaction port (`DocumentStoreFactory.transaction(work)`): documents, their audit
 * entries and their events written together, all or nothing.
 *
 * Conventions shared by both adapters:
 * - `work` gets a `StoreTransaction`; the transaction commits when `work` resolves and rolls
 *   back everything when it throws (the error is rethrown unchanged), so nothing is ever
 *   half-written. `transaction` resolves to what `work` resolved to, after the commit.
 * - inside `work`, use only `tx`: the factory's own stores run outside the transaction (on
 *   another connection) and would not see its writes, or would wait for its locks.
 * - `tx.collection(name)` has the `DocumentStore` contract (idempotent create, version
 *   compare-and-set, …); a reported failure (VersionConflictError, DuplicateError,
 *   NotFoundError) that `work` lets escape rolls the whole transaction back.
 * - a handle used after `work` settled throws StoreError `TRANSACTION_CLOSED`.
 * - call the operations one after another (`await` each): a transaction is one session.
 * - enqueue an aggregate's events after writing its document: PostgreSQL serialises the
 *   transactions of one aggregate from `enqueueEvent` to commit (so records are numbered in
 *   commit order), and taking that lock first, then a row lock, can deadlock against a
 *   writer doing the opposite.
 * - MongoDB only: `work` may run more than once (the driver retries a transaction after a
 *   transient error such as a write conflict), so keep it free of other side effects.
 */
import type { AuditEntry, AuditEntryInput } from './audit-log.js';
import type { DocumentStore } from './document-store.js';
import type { OutboxEventInput, OutboxRecord } from './outbox.js';

export interface StoreTransaction {
  /** The named collection, bound to this transaction (same name → same object). */
  collection<T extends object>(name: string): DocumentStore<T>;
  /** Appends an audit entry that commits (or rolls back) with the transaction. */
  appendAudit(entry: AuditEntryInput): Promise<AuditEntry>;
  /**
   * Stores an event in the outbox, published by a relay once the transaction has committed.
   * A second event with the same envelope id → DuplicateError (collection `outbox`).
   */
  enqueueEvent(event: OutboxEventInput): Promise<OutboxRecord>;
}

/** The work of a transaction: everything it writes goes through `tx`. */
export type TransactionWork<R> = (tx: StoreTransaction) => Promise<R>;
