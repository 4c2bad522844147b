/** Base class of the errors thrown by `@equihome/outbox`. */
export class OutboxError extends Error {
  override name = 'OutboxError';
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
  }
}

/** `flush({ timeoutMs })` found records still unsent when its time ran out (e.g. NATS is down). */
export class OutboxFlushTimeoutError extends OutboxError {
  override name = 'OutboxFlushTimeoutError';
  constructor(
    readonly timeoutMs: number,
    /** Unsent records at the last look. */
    readonly pending: number,
    options?: ErrorOptions,
  ) {
    super(`outbox not flushed within ${timeoutMs} ms: ${pending} record(s) still unsent`, options);
  }
}

/** `flush()` on a relay that was stopped (before or while flushing). */
export class OutboxRelayStoppedError extends OutboxError {
  override name = 'OutboxRelayStoppedError';
  constructor() {
    super('outbox relay stopped');
  }
}
