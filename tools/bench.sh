#!/usr/bin/env bash
# `npm run bench`: every benchmark, printed figures (never asserted in tests).
#   finance: Monte Carlo engine (paths/s, ms per 10k paths, monthly vs yearly, linearity,
#            peak RSS of a 1,000,000-path run) and the efficient frontier (50 assets, 50 points)
#   portfolio-service: a 10,000-loan portfolio generated, stored and returned through the route,
#            and a page of 50 such portfolios listed (loans omitted)
#   fund-service: the service template's throughput over HTTP (autocannon, 50 connections)
#   outbox: events/s relayed from the outbox to JetStream, commit → JetStream delay
#   optimization-service: tornado with 1 and 2 workers, a 30-candidate frontier, goal seek
#   realtime-gateway: 1,000 WebSocket clients, NATS → client latency, proxied vs direct
#   simulation-service: a 1,000,000-path monthly run through the API on 1 and 2 worker
#            processes (speed-up, overhead vs in-process, POST → first progress, peak RSS
#            per worker) and a cached repeat (BENCH_PATHS, BENCH_WORKERS override)
#   realtime-gateway: 1,000 WebSocket clients on one run (all get completed? NATS → client
#            latency p50/p99, gateway RSS) and GET /api/funds through the gateway vs direct
# Pass --quick to skip the 1,000,000-path memory run and run the service bench with 100,000 paths.
set -euo pipefail
cd "$(dirname "$0")/.."
run() { echo; echo "== $1"; shift; "$@"; }
run "finance: simulateFund" npx tsx libs/finance/bench/simulate.bench.ts
if [ "${1:-}" != "--quick" ]; then
  run "finance: simulateFund, 1,000,000 paths (peak RSS)" npx tsx libs/finance/bench/simulate.bench.ts --million
fi
run "finance: efficientFrontier" npx tsx libs/finance/bench/frontier.bench.ts
run "finance: xirr and irr, 100 flows" npx tsx libs/finance/bench/xirr.bench.ts
bash tools/local-stack.sh >/dev/null
run "portfolio-service: generate 10,000 loans" npx tsx --conditions=@equihome/source apps/portfolio-service/bench/generate.bench.ts
run "portfolio-service: list 50 large portfolios" npx tsx --conditions=@equihome/source apps/portfolio-service/bench/list.bench.ts
run "fund-service: HTTP throughput of the template (autocannon)" npx tsx --conditions=@equihome/source apps/fund-service/bench/http.bench.ts
run "outbox: relay throughput and commit → JetStream delay" npx tsx --conditions=@equihome/source libs/outbox/bench/relay.bench.ts
if [ "${1:-}" = "--quick" ]; then export BENCH_PATHS="${BENCH_PATHS:-100000}"; fi
run "simulation-service: a run through the API on 1 and 2 worker processes, cached repeat" node --conditions=@equihome/source --import tsx apps/simulation-service/bench/simulation.bench.ts
run "realtime-gateway: 1,000 WebSocket clients on one run, proxied vs direct GET /api/funds" node --conditions=@equihome/source --import tsx apps/realtime-gateway/bench/gateway.bench.ts
run "optimization-service: tornado (1 and 2 workers), 30-candidate frontier, goal seek" node --conditions=@equihome/source --import tsx apps/optimization-service/bench/optimization.bench.ts
run "simulation-service: BullMQ cost per job (10,000 jobs)" node --conditions=@equihome/source --import tsx apps/simulation-service/bench/queue.bench.ts
