import { z } from 'zod';

const bool = z.enum(['true', 'false']).transform((v) => v === 'true');

/**
 * The environment of a service's outbox relay, as a zod shape to merge into the service's
 * config (platform's `loadConfig`). Empty strings count as unset there. Durations in ms.
 */
export const outboxConfigShape = {
  /**
   * Run the relay in this process (default `true`). `false` leaves the service's events in
   * the outbox for a relay elsewhere (another replica, or this one restarted with `true`).
   */
  OUTBOX_RELAY: bool.default(true),
  /** Wait between two looks at an empty outbox; a commit wakes the relay at once anyway. */
  OUTBOX_POLL_INTERVAL_MS: z.coerce.number().int().min(10).max(60_000).default(250),
  /** How long sent events are kept in the outbox before they are pruned (default 7 days). */
  OUTBOX_RETENTION_MS: z.coerce.number().int().min(0).default(7 * 24 * 3_600_000),
} satisfies z.ZodRawShape;

/** The parsed values of {@link outboxConfigShape}. */
export interface OutboxConfig {
  OUTBOX_RELAY: boolean;
  OUTBOX_POLL_INTERVAL_MS: number;
  OUTBOX_RETENTION_MS: number;
}
