/**
 * Benchmark of the service template itself (no database): a `createService` app with
 * authenticated routes answering realistic documents — one domain `Fund` (~2 KB of JSON,
 * `FundInput.parse({ name, size, vintage_year, capital_calls })` plus the document fields)
 * and a page of 50 — validated by zod on input (params, query) and declared with zod
 * response schemas, measured with autocannon (50 connections, BENCH_SECONDS = 10 s each)
 * from this process against the service in a child process.
 *
 * Two variants, each in its own child process:
 * - `zod`: every reply re-validated by zod (`validateResponses: true`) and no token cache —
 *   the costs of the template before it compiled its serializers and cached tokens;
 * - `template`: the default template (compiled fast-json-stringify serializers, verified
 *   tokens cached).
 * Prints req/s (mean) and latency p50/p99 per route. Figures, not assertions: the machine
 * is shared. Environment: BENCH_SECONDS (default 10), BENCH_CONNECTIONS (50),
 * BENCH_VARIANTS (`zod,template`), BENCH_ONLY (substring of a route label), BENCH_LOG
 * (the service's LOG_LEVEL, default `silent`; `info` writes one line per request to
 * /dev/null), BENCH_CPU_PROF (a directory: the child runs with `node --cpu-prof` there).
 *
 * Run: `npx tsx --conditions=@equihome/source libs/platform/bench/template.bench.ts`
 * (or `npm run bench` in libs/platform).
 */
import { spawn } from 'node:child_process';
import { openSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Fund, FundInput, pageOf } from '@equihome/domain';
import autocannon from 'autocannon';
import { z } from 'zod';
import { createService, defineProblem, loadConfig, problemResponses, signDevToken } from '../src/index.js';

const SECRET = 'bench-secret-that-is-long-enough-for-hs256-0123456789';
const FUNDS = 50;
const FundNotFound = defineProblem(404, 'FUND_NOT_FOUND', undefined, 'no fund has this id');
type Variant = 'zod' | 'template';

/** 50 stored funds: every parameter at its default, two capital calls, the document fields. */
function storedFunds(): Fund[] {
  return Array.from({ length: FUNDS }, (_, i) => {
    const at = new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString();
    return {
      ...FundInput.parse({
        name: `Equihome Home Equity Fund ${i + 1}`,
        size: 100_000_000 + i * 1_000_000,
        vintage_year: 2026,
        capital_calls: [
          { date: '2026-03-31', amount: 10_000_000 },
          { date: '2026-09-30', amount: 20_000_000 },
          { date: '2027-03-31T00:00:00Z', amount: 20_000_000 },
        ],
      }),
      id: `0190b0c4-0000-7000-8000-${String(i + 1).padStart(12, '0')}`,
      version: 1,
      created_at: at,
      updated_at: at,
    };
  });
}

async function serve(variant: Variant): Promise<void> {
  const funds = storedFunds();
  const byId = new Map(funds.map((f) => [f.id, f]));
  const config = loadConfig(undefined, { LOG_LEVEL: process.env.BENCH_LOG ?? 'silent', JWT_SECRET: SECRET, RATE_LIMIT_MAX: '1000000000', PORT: '0' });
  const service = await createService({
    name: 'template-bench',
    config,
    validateResponses: variant === 'zod',
    tokenCache: variant === 'zod' ? { maxEntries: 0 } : {},
    routes: (app) => {
      app.get(
        '/api/funds/:id',
        { schema: { params: z.object({ id: z.string().min(1).max(100) }), response: { 200: Fund, ...problemResponses(FundNotFound, 400, 401, 403) } } },
        async (request) => {
          const fund = byId.get(request.params.id);
          if (fund === undefined) throw FundNotFound.create(`fund ${request.params.id} does not exist`);
          return fund;
        },
      );
      app.get(
        '/api/funds',
        {
          schema: {
            querystring: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }),
            response: { 200: pageOf(Fund), ...problemResponses(400, 401, 403) },
          },
        },
        async (request) => ({ items: funds.slice(0, request.query.limit), next_cursor: null }),
      );
    },
  });
  const url = await service.listen();
  process.send!({ url, fundBytes: JSON.stringify(funds[0]).length });
}

interface Row {
  label: string;
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

async function measure(variant: Variant, seconds: number, connections: number): Promise<Row[]> {
  const args = ['--import', 'tsx', '--conditions=@equihome/source'];
  if (process.env.BENCH_CPU_PROF) args.push('--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`);
  const child = spawn(process.execPath, [...args, fileURLToPath(import.meta.url), '--serve', variant], { stdio: ['ignore', openSync('/dev/null', 'w'), 'inherit', 'ipc'] });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const { url, fundBytes } = await new Promise<{ url: string; fundBytes: number }>((resolve, reject) => {
    child.on('message', (m) => resolve(m as { url: string; fundBytes: number }));
    child.on('exit', (code) => reject(new Error(`bench service exited ${code}`)));
  });
  const authorization = `Bearer ${await signDevToken({ role: 'viewer', sub: 'bench', secret: SECRET })}`;
  const noAuth: Record<string, string> = {};
  const cases = [
    { label: 'GET /health/live', path: '/health/live', headers: noAuth },
    { label: 'GET /api/funds/:id  missing → 404', path: '/api/funds/no-such-fund', headers: { authorization } },
    { label: `GET /api/funds/:id  (${(fundBytes / 1024).toFixed(1)} KB fund)`, path: '/api/funds/0190b0c4-0000-7000-8000-000000000001', headers: { authorization } },
    { label: 'GET /api/funds?limit=50', path: '/api/funds?limit=50', headers: { authorization } },
  ].filter((c) => !process.env.BENCH_ONLY || c.label.includes(process.env.BENCH_ONLY));
  const rows: Row[] = [];
  try {
    for (const c of cases) {
      const result = await autocannon({ url: url + c.path, connections, duration: seconds, headers: c.headers });
      rows.push({ label: c.label, rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, non2xx: result.non2xx, errors: result.errors });
    }
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
  return rows;
}

async function drive(): Promise<void> {
  const seconds = Number(process.env.BENCH_SECONDS ?? 10);
  const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
  const variants = (process.env.BENCH_VARIANTS ?? 'zod,template').split(',') as Variant[];
  console.log(`service template, autocannon ${connections} connections × ${seconds} s per route, LOG_LEVEL=${process.env.BENCH_LOG ?? 'silent'}`);
  for (const variant of variants) {
    console.log(`\n${variant === 'zod' ? 'zod: replies re-validated by zod, no token cache' : 'template: compiled serializers, verified tokens cached'}`);
    for (const r of await measure(variant, seconds, connections)) {
      const note = r.errors > 0 ? `  (${r.errors} errors)` : '';
      console.log(`  ${r.label.padEnd(38)} ${Math.round(r.rps).toLocaleString('en').padStart(7)} req/s   p50 ${String(r.p50).padStart(3)} ms   p99 ${String(r.p99).padStart(3)} ms${note}`);
    }
  }
}

const serveAt = process.argv.indexOf('--serve');
if (serveAt >= 0) await serve(process.argv[serveAt + 1] as Variant);
else await drive();
