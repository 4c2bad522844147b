/**
 * Typed storage errors. Every error carries a stable `code` that callers map to HTTP
 * status codes (NOT_FOUND → 404, VERSION_CONFLICT → 409/412, DUPLICATE → 409,
 * BAD_CURSOR / INVALID_ARGUMENT → 400; TRANSACTION_CLOSED is a programming error → 500).
 */
export type StoreErrorCode =
  | 'NOT_FOUND'
  | 'VERSION_CONFLICT'
  | 'DUPLICATE'
  | 'BAD_CURSOR'
  | 'INVALID_ARGUMENT'
  | 'MIGRATION_FAILED'
  | 'UNAVAILABLE'
  /** A transaction's store, audit or outbox was used after the transaction committed or rolled back. */
  | 'TRANSACTION_CLOSED';

export class StoreError extends Error {
  readonly code: StoreErrorCode;
  /** The input field the error is about, when there is one (e.g. `cursor`, `limit`). */
  readonly field: string | undefined;

  constructor(code: StoreErrorCode, message: string, options: { field?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'StoreError';
    this.code = code;
    this.field = options.field;
  }
}

/** The document `id` does not exist in `collection`. */
export class NotFoundError extends StoreError {
  readonly collection: string;
  readonly id: string;

  constructor(collection: string, id: string) {
    super('NOT_FOUND', `${collection}/${id} not found`, { field: 'id' });
    this.name = 'NotFoundError';
    this.collection = collection;
    this.id = id;
  }
}

/** A write named a version that is no longer current; nothing was changed. */
export class VersionConflictError extends StoreError {
  readonly collection: string;
  readonly id: string;
  readonly expectedVersion: number;
  /** The version stored now (the one a retry should use). */
  readonly currentVersion: number;

  constructor(collection: string, id: string, expectedVersion: number, currentVersion: number) {
    super(
      'VERSION_CONFLICT',
      `${collection}/${id}: expected version ${expectedVersion}, current version is ${currentVersion}`,
      { field: 'version' },
    );
    this.name = 'VersionConflictError';
    this.collection = collection;
    this.id = id;
    this.expectedVersion = expectedVersion;
    this.currentVersion = currentVersion;
  }
}

/** A create named an id that already exists. */
export class DuplicateError extends StoreError {
  readonly collection: string;
  readonly id: string;

  constructor(collection: string, id: string, options: { cause?: unknown } = {}) {
    super('DUPLICATE', `${collection}/${id} already exists`, { field: 'id', cause: options.cause });
    this.name = 'DuplicateError';
    this.collection = collection;
    this.id = id;
  }
}

/** Builds the INVALID_ARGUMENT error that names the offending field. */
export function invalidArgument(field: string, message: string): StoreError {
  return new StoreError('INVALID_ARGUMENT', `${field}: ${message}`, { field });
}

/** A transaction's handle was used after `work` settled (commit or rollback): a programming error. */
export function transactionClosed(): StoreError {
  return new StoreError('TRANSACTION_CLOSED', 'transaction: already committed or rolled back; a transaction handle is valid only inside its work function');
}
