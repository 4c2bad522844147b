/**
 * MongoDB transactions: a session and `withTransaction` (snapshot read concern, majority
 * write concern, primary reads) with the documents, the audit log and the outbox of that
 * session. MongoDB runs multi-document transactions only on a replica set (a single-node
 * replica set will do) or a sharded cluster; on a standalone server they fail, and
 * `migrate()` refuses to start there. The driver retries the whole `work` after a transient
 * error (e.g. a write conflict with a concurrent transaction), each attempt with fresh handles.
 */
import { MongoServerError, type ClientSession, type Db, type MongoClient, type TransactionOptions } from 'mongodb';
import type { DocumentStore } from './document-store.js';
import { StoreError, transactionClosed } from './errors.js';
import { createMongoAuditLog } from './mongo-audit-log.js';
import { createMongoDocumentStore, type MongoDocumentStore } from './mongo-document-store.js';
import { enqueueMongoEvent } from './mongo-outbox.js';
import type { StoreTransaction, TransactionWork } from './store-transaction.js';

const TRANSACTION_OPTIONS: TransactionOptions = {
  readConcern: { level: 'snapshot' },
  writeConcern: { w: 'majority' },
  readPreference: 'primary',
};
/** Server error code "IllegalOperation", as answered to a transaction on a standalone server. */
const ILLEGAL_OPERATION = 20;

export interface MongoTransactionDeps {
  client: MongoClient;
  db: Db;
  /** The collection's non-transactional store (its index creation is shared). */
  baseStore(name: string): MongoDocumentStore<object>;
}

export async function runMongoTransaction<R>(deps: MongoTransactionDeps, work: TransactionWork<R>): Promise<R> {
  const session = deps.client.startSession();
  try {
    let result: R | undefined;
    await session.withTransaction(async (s: ClientSession) => {
      result = await attempt(deps, s, work);
    }, TRANSACTION_OPTIONS);
    return result as R;
  } catch (err) {
    if (err instanceof MongoServerError && err.code === ILLEGAL_OPERATION && /replica set|mongos/i.test(err.message)) {
      throw new StoreError('UNAVAILABLE', 'MongoDB transactions need a replica set or a sharded cluster (this server is standalone)', { cause: err });
    }
    throw err;
  } finally {
    await session.endSession();
  }
}

async function attempt<R>(deps: MongoTransactionDeps, session: ClientSession, work: TransactionWork<R>): Promise<R> {
  let open = true;
  const assertOpen = () => {
    if (!open) throw transactionClosed();
  };
  const stores = new Map<string, DocumentStore<object>>();
  const audit = createMongoAuditLog(deps.db, { session, assertOpen });
  const tx: StoreTransaction = {
    collection<T extends object>(name: string) {
      assertOpen();
      let store = stores.get(name);
      if (!store) {
        const base = deps.baseStore(name);
        stores.set(name, (store = createMongoDocumentStore<object>(deps.db, name, { session, assertOpen, ensureIndexes: () => base.ensureIndexes() })));
      }
      return store as unknown as DocumentStore<T>;
    },
    appendAudit: (entry) => audit.append(entry),
    enqueueEvent: async (event) => {
      assertOpen();
      return enqueueMongoEvent(deps.db, session, event);
    },
  };
  try {
    return await work(tx);
  } finally {
    open = false;
  }
}
