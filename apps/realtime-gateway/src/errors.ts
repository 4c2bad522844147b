/**
 * realtime-gateway's catalogue of problems (HTTP) and of WebSocket `error` codes. Besides
 * these the gateway answers the platform's (TOKEN_*, ROLE_TOO_LOW, RATE_LIMITED, NOT_READY…),
 * and proxied routes pass the upstream's own problems through unchanged.
 */
import { defineProblem } from '@equihome/platform';

/** 503: the upstream service of the path is not reachable (refused, connect timeout, reset) or not configured. */
export const UpstreamUnavailable = defineProblem(503, 'UPSTREAM_UNAVAILABLE', 'Service Unavailable', 'the service behind this path is not reachable; retry after Retry-After seconds');
/** 504: the upstream accepted the connection but did not answer in time (UPSTREAM_TIMEOUT_MS). */
export const UpstreamTimeout = defineProblem(504, 'UPSTREAM_TIMEOUT', 'Gateway Timeout', 'the service behind this path did not answer in time');
/** 502: the upstream answered something that is not HTTP the gateway can pass on. */
export const UpstreamBadResponse = defineProblem(502, 'UPSTREAM_BAD_RESPONSE', 'Bad Gateway', 'the service behind this path answered an invalid response');

/**
 * Codes of the WebSocket `error` message (`{ type: "error", code, message, channel?, status? }`).
 * The connection stays open after every one of them.
 */
export const WsErrorCodes = {
  /** Not JSON. */
  INVALID_JSON: 'INVALID_JSON',
  /** JSON that is no client message (unknown `type`, missing or unknown field, bad channel). */
  INVALID_MESSAGE: 'INVALID_MESSAGE',
  /** A second `auth` on an authenticated socket. */
  ALREADY_AUTHENTICATED: 'ALREADY_AUTHENTICATED',
  ALREADY_SUBSCRIBED: 'ALREADY_SUBSCRIBED',
  NOT_SUBSCRIBED: 'NOT_SUBSCRIBED',
  /** More channels than WS_MAX_SUBSCRIPTIONS. */
  SUBSCRIPTION_LIMIT: 'SUBSCRIPTION_LIMIT',
  /** `presence` on a channel other than `fund:<id>`. */
  PRESENCE_NOT_SUPPORTED: 'PRESENCE_NOT_SUPPORTED',
  /** `presence` with a `field` (editing) needs role analyst. */
  ROLE_TOO_LOW: 'ROLE_TOO_LOW',
  /** The snapshot's upstream is not reachable or not configured: not subscribed. */
  UPSTREAM_UNAVAILABLE: 'UPSTREAM_UNAVAILABLE',
  /** The upstream refused the snapshot (its problem `code` is used when it has one: FUND_NOT_FOUND, ROLE_TOO_LOW…); `status` is its HTTP status. */
  SNAPSHOT_FAILED: 'SNAPSHOT_FAILED',
} as const;
export type WsErrorCode = (typeof WsErrorCodes)[keyof typeof WsErrorCodes];
