import { parseChannel, type Channel } from '@equihome/domain';
import { WsErrorCodes } from '../errors.js';
import type { MarketBoard } from '../events.js';
import type { Upstream } from '../upstreams.js';

export type SnapshotResult = { ok: true; snapshot: unknown } | { ok: false; code: string; message: string; status?: number };

export interface SnapshotSource {
  fetch(channel: Channel, token: string, requestId: string): Promise<SnapshotResult>;
}

/** Which upstream and path answers the snapshot of a channel kind (the same API the client could call). */
const SNAPSHOT_PATHS = {
  simulation: { upstream: 'simulation-service', path: (id: string) => `/api/simulations/${id}/status` },
  optimization: { upstream: 'optimization-service', path: (id: string) => `/api/optimization/${id}` },
  fund: { upstream: 'fund-service', path: (id: string) => `/api/funds/${id}` },
  portfolio: { upstream: 'portfolio-service', path: (id: string) => `/api/portfolios/${id}` },
} as const;

/** A portfolio without its loans (which may be many thousands): the event's summary fields plus the document's. */
function portfolioSummary(doc: Record<string, unknown>): Record<string, unknown> {
  const { loans, ...rest } = doc;
  return { ...rest, loan_count: Array.isArray(loans) ? loans.length : 0 };
}

/**
 * Snapshots on subscribe, over HTTP from the owning service WITH THE CLIENT'S TOKEN, so the
 * service's own auth and roles decide (a 403 or 404 there is an `error` here, with its code):
 * `simulation:<id>` → `GET /api/simulations/:id/status` (state, paths done, partial
 * percentiles); `fund:<id>` → `GET /api/funds/:id` (the current version);
 * `portfolio:<id>` → `GET /api/portfolios/:id` without `loans` (+ `loan_count`);
 * `optimization:<id>` → `GET /api/optimization/:id`; `market` → the latest index per zone
 * seen by this replica.
 */
export function createSnapshotSource(upstreams: Upstream[], market: MarketBoard, timeoutMs: number): SnapshotSource {
  const byName = new Map(upstreams.map((u) => [u.name, u]));
  return {
    async fetch(channel, token, requestId) {
      const { kind, id } = parseChannel(channel);
      if (kind === 'market' || id === null) return { ok: true, snapshot: market.snapshot() };
      const route = SNAPSHOT_PATHS[kind];
      const upstream = byName.get(route.upstream);
      if (upstream?.url === undefined) return { ok: false, code: WsErrorCodes.UPSTREAM_UNAVAILABLE, message: `${route.upstream} is not configured on this gateway` };
      let res: Response;
      try {
        res = await fetch(`${upstream.url}${route.path(id)}`, {
          headers: { authorization: `Bearer ${token}`, accept: 'application/json', 'x-request-id': requestId },
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (err) {
        const e = err as Error;
        return { ok: false, code: WsErrorCodes.UPSTREAM_UNAVAILABLE, message: `${route.upstream} is not reachable: ${e.cause instanceof Error ? e.cause.message : e.message}` };
      }
      const body = (await res.json().catch(() => null)) as Record<string, unknown> | null;
      if (res.status !== 200 || body === null) {
        const code = typeof body?.code === 'string' ? body.code : WsErrorCodes.SNAPSHOT_FAILED;
        const detail = typeof body?.detail === 'string' ? body.detail : typeof body?.title === 'string' ? body.title : `answered ${res.status}`;
        return { ok: false, code, message: `${route.upstream}: ${detail}`, status: res.status };
      }
      return { ok: true, snapshot: kind === 'portfolio' ? portfolioSummary(body) : body };
    },
  };
}
