/**
 * Throughput of the service template (issue: "Throughput of the template"), measured as a
 * user of the API sees it: fund-service runs as its own process (`node --import tsx
 * src/main.ts`, like `npm start`, with LOG_LEVEL=warn) on the real PostgreSQL and NATS, and
 * autocannon (50 connections, 10 s each; `--duration <s>` to change) loads it from this
 * process on the same 2-core machine. Prints req/s and latency p50/p99 for:
 *   /health/live · GET a missing fund (auth + lookup + 404) · GET one stored fund (~2 KB)
 *   · GET a page of 50 funds.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { LOCAL_DEV_JWT_SECRET, signDevToken } from '@equihome/platform';
import pg from 'pg';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const durationArg = process.argv.indexOf('--duration');
const duration = durationArg > 0 ? Number(process.argv[durationArg + 1]) : 10;
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/equihome_test';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

const token = randomBytes(4).toString('hex');
const port = await freePort();
const env = {
  ...process.env,
  PORT: String(port),
  LOG_LEVEL: 'warn',
  NODE_ENV: 'test',
  RATE_LIMIT_MAX: '100000000',
  DATABASE_URL,
  DOCUMENT_COLLECTION_PREFIX: `bench${token}_`,
  NATS_SUBJECT_PREFIX: `bench${token}`,
  NATS_STREAM: `BENCH_${token}`,
};
const child = spawn(process.execPath, ['--conditions=@equihome/source', '--import', 'tsx', 'apps/fund-service/src/main.ts'], { cwd: root, env, stdio: ['ignore', 'inherit', 'inherit'] });
const base = `http://127.0.0.1:${port}`;

try {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const ok = await fetch(`${base}/health/ready`).then((r) => r.ok, () => false);
    if (ok) break;
    if (Date.now() > deadline) throw new Error('fund-service not ready within 60 s');
    await new Promise((r) => setTimeout(r, 200));
  }
  const auth = `Bearer ${await signDevToken({ role: 'analyst', sub: `bench-${token}`, secret: LOCAL_DEV_JWT_SECRET })}`;
  const headers = { authorization: auth, 'content-type': 'application/json' };
  let fundId = '';
  for (let i = 0; i < 50; i++) {
    const res = await fetch(`${base}/api/funds`, { method: 'POST', headers, body: JSON.stringify({ name: `Bench Fund ${i}`, size: 100_000_000, vintage_year: 2026 }) });
    if (res.status !== 201) throw new Error(`create failed: ${res.status} ${await res.text()}`);
    fundId = ((await res.json()) as { id: string }).id;
  }
  const one = await fetch(`${base}/api/funds/${fundId}`, { headers });
  const fundBytes = (await one.arrayBuffer()).byteLength;
  const page = await fetch(`${base}/api/funds?limit=50`, { headers });
  const pageBytes = (await page.arrayBuffer()).byteLength;

  const cases = [
    { name: '/health/live', path: '/health/live' },
    { name: 'GET a missing fund (404)', path: '/api/funds/0190a3c0-7b1e-7cc4-8a51-1c2b3d4e5f60' },
    { name: `GET one fund (${fundBytes} B)`, path: `/api/funds/${fundId}` },
    { name: `GET /api/funds?limit=50 (${(pageBytes / 1024).toFixed(0)} KiB)`, path: '/api/funds?limit=50' },
  ];
  console.log(`fund-service ${base}, autocannon 50 connections × ${duration} s per case`);
  for (const c of cases) {
    const result = await autocannon({ url: `${base}${c.path}`, connections: 50, duration, headers: { authorization: auth } });
    const non2xx = result.non2xx - (c.path.includes('0190a3c0') ? result.requests.total : 0);
    console.log(
      `${c.name.padEnd(40)} ${result.requests.average.toFixed(0).padStart(6)} req/s   p50 ${String(result.latency.p50).padStart(4)} ms   p99 ${String(result.latency.p99).padStart(4)} ms` +
        (result.errors > 0 || non2xx > 0 ? `   (errors ${result.errors}, unexpected non-2xx ${Math.max(0, non2xx)})` : ''),
    );
  }
} finally {
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  const pool = new pg.Pool({ connectionString: DATABASE_URL });
  await pool.query('delete from documents where collection like $1', [`bench${token}_%`]).catch(() => undefined);
  await pool.query('delete from audit_log where actor = $1', [`bench-${token}`]).catch(() => undefined);
  await pool.end();
}
