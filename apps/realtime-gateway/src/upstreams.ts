import type { GatewayConfig } from './config.js';

/** A service the gateway proxies to. */
export interface Upstream {
  /** Service name (readiness check, OpenAPI tag). */
  name: 'fund-service' | 'portfolio-service' | 'simulation-service' | 'optimization-service';
  /** Path prefix proxied to it: `/api/funds` serves `/api/funds` and `/api/funds/*`. */
  prefix: '/api/funds' | '/api/portfolios' | '/api/simulations' | '/api/optimization';
  /** Base URL (no trailing slash), or undefined when not configured. */
  url: string | undefined;
}

/** The four upstreams, in path order, from the config. */
export function upstreamsOf(config: GatewayConfig): Upstream[] {
  return [
    { name: 'fund-service', prefix: '/api/funds', url: config.FUND_SERVICE_URL },
    { name: 'portfolio-service', prefix: '/api/portfolios', url: config.PORTFOLIO_SERVICE_URL },
    { name: 'simulation-service', prefix: '/api/simulations', url: config.SIMULATION_SERVICE_URL },
    { name: 'optimization-service', prefix: '/api/optimization', url: config.OPTIMIZATION_SERVICE_URL },
  ];
}

/** `GET <url>/health/ready` answers 200 within `timeoutMs`; rejects otherwise (a readiness check). */
export async function upstreamReady(url: string, timeoutMs = 1_500): Promise<void> {
  const res = await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(timeoutMs) }).catch((err: Error) => {
    throw new Error(`${url} unreachable: ${err.cause instanceof Error ? err.cause.message : err.message}`);
  });
  await res.body?.cancel();
  if (res.status !== 200) throw new Error(`${url}/health/ready answered ${res.status}`);
}
