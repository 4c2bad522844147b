export { commitChange } from './commit-change.js';
export type { ChangeContext, ChangeTransaction, EmitOptions } from './commit-change.js';
export {
  DEFAULT_BATCH_SIZE,
  DEFAULT_INITIAL_BACKOFF_MS,
  DEFAULT_MAX_BACKOFF_MS,
  DEFAULT_POLL_INTERVAL_MS,
  DEFAULT_PRUNE_INTERVAL_MS,
  DEFAULT_RETENTION_MS,
  relayBackoff,
  startOutboxRelay,
} from './outbox-relay.js';
export type { OutboxRelay, OutboxRelayOptions } from './outbox-relay.js';
export { OutboxError, OutboxFlushTimeoutError, OutboxRelayStoppedError } from './errors.js';
export { outboxConfigShape, type OutboxConfig } from './config.js';
export { connectServiceBackends, type ConnectServiceBackendsOptions, type ServiceBackends } from './service-backends.js';
export { documentChanges, type DocumentChanges } from './document-changes.js';
