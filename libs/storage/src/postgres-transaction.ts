/**
 * PostgreSQL transactions: one pooled client, `BEGIN` … `COMMIT` (READ COMMITTED), with the
 * documents, the audit log and the outbox of that client. `ROLLBACK` when `work` throws; a
 * client whose rollback fails is destroyed rather than returned to the pool.
 */
import type pg from 'pg';
import { createAuditLog } from './audit-log.js';
import type { DocumentStore } from './document-store.js';
import { transactionClosed } from './errors.js';
import { enqueuePostgresEvent } from './postgres-outbox.js';
import { createPostgresDocumentStore } from './postgres-document-store.js';
import type { SqlExecutor } from './postgres-pool.js';
import type { StoreTransaction, TransactionWork } from './store-transaction.js';

export async function runPostgresTransaction<R>(pool: pg.Pool, work: TransactionWork<R>): Promise<R> {
  const client = await pool.connect();
  // A checked-out client's connection errors (server restart, terminated backend) are ours to catch.
  let broken: Error | undefined;
  const onError = (err: Error) => {
    broken ??= err;
  };
  client.on('error', onError);
  try {
    await client.query('begin');
  } catch (err) {
    client.off('error', onError);
    client.release(err as Error);
    throw err;
  }
  let open = true;
  // Every statement of the transaction's handles goes through here: none after it ended.
  const db: SqlExecutor = {
    query: (text, values) => (open ? client.query(text, values) : Promise.reject(transactionClosed())),
  };
  const stores = new Map<string, DocumentStore<object>>();
  const audit = createAuditLog(db);
  const tx: StoreTransaction = {
    collection<T extends object>(name: string) {
      if (!open) throw transactionClosed();
      let store = stores.get(name);
      if (!store) stores.set(name, (store = createPostgresDocumentStore<object>(db, name)));
      return store as DocumentStore<T>;
    },
    appendAudit: (entry) => audit.append(entry),
    enqueueEvent: (event) => enqueuePostgresEvent(db, event),
  };
  try {
    const result = await work(tx);
    open = false;
    await client.query('commit');
    return result;
  } catch (err) {
    open = false;
    await client.query('rollback').catch((rollbackError: Error) => {
      broken = rollbackError; // its transaction state is unknown: never reuse this connection
    });
    throw err;
  } finally {
    client.off('error', onError);
    client.release(broken);
  }
}
