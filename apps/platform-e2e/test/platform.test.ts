/**
 * `npm start` as an operator sees it: tools/start.ts runs fund-, portfolio- and
 * simulation-service and SIM_WORKERS simulation worker processes (on free ports and the
 * test's own names), a worker killed with SIGKILL by its pid is restarted, a simulation runs
 * through the real API and workers, and SIGTERM stops every process (no orphans). A port
 * already taken is refused with a clear line before anything starts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { collectionPrefix, deleteRedisKeys, randomPrefix, signTestToken, streamName, subjectPrefix, TEST_DATABASE_URL, TEST_REDIS_URL, waitFor } from '@equihome/testing';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, REPO_ROOT } from '../src/service-process.js';

const prefix = randomPrefix('start');
const bullPrefix = `{${prefix}}`;
const REDIS_URL = TEST_REDIS_URL;

/** The command line of a live process, or null once it is gone. */
function commandLine(pid: number): string | null {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return null;
  }
}

/** Direct children of `pid` (from /proc). */
function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

function startPlatform(env: Record<string, string>): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['--conditions=@equihome/source', '--import', 'tsx', 'tools/start.ts', '--no-demo'], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (c: string) => (output += c));
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (output += c));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function baseEnv(): Promise<Record<string, string>> {
  return {
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    DATABASE_URL: TEST_DATABASE_URL,
    DOCUMENT_COLLECTION_PREFIX: collectionPrefix(prefix),
    NATS_SUBJECT_PREFIX: subjectPrefix(prefix),
    NATS_STREAM: streamName(prefix),
    REDIS_URL,
    BULLMQ_PREFIX: bullPrefix,
    SIM_WORKERS: '2',
    SIM_SHARD_PATHS: '1000',
    FUND_SERVICE_PORT: String(await freePort()),
    PORTFOLIO_SERVICE_PORT: String(await freePort()),
    SIMULATION_SERVICE_PORT: String(await freePort()),
  };
}

afterAll(async () => {
  const pool = new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 1 });
  try {
    const like = `${collectionPrefix(prefix)}%`;
    const ids = (await pool.query<{ id: string }>('select id from documents where collection like $1', [like])).rows.map((r) => r.id);
    for (const table of ['simulation_shards', 'simulation_results', 'simulation_series']) await pool.query(`delete from ${table} where run_id = any($1::text[])`, [ids]);
    await pool.query('delete from audit_log where resource_id = any($1::text[])', [ids]);
    await pool.query('delete from documents where collection like $1', [like]);
    await pool.query('delete from outbox where starts_with(subject, $1)', [`${subjectPrefix(prefix)}.`]);
  } finally {
    await pool.end();
  }
  await deleteRedisKeys(`${bullPrefix}*`, REDIS_URL);
});

describe('npm start (tools/start.ts)', () => {
  it('runs the services and SIM_WORKERS workers, restarts a killed worker, simulates, and stops every process on SIGTERM', async () => {
    const env = await baseEnv();
    const platform = startPlatform(env);
    const seen = new Set<number>();
    try {
      await waitFor(() => platform.output().includes('ready:'), { timeoutMs: 100_000, intervalMs: 200, message: 'platform ready' });
      expect(platform.output()).toContain('2 simulation worker processes');

      const workers = () => childrenOf(platform.child.pid!).filter((pid) => /simulation-service.*worker/.test(commandLine(pid) ?? ''));
      const before = workers();
      expect(before).toHaveLength(2);
      for (const pid of childrenOf(platform.child.pid!)) seen.add(pid);

      // A worker dies: the supervisor starts another one, as a Deployment would.
      process.kill(before[0], 'SIGKILL');
      await waitFor(() => workers().length === 2 && !workers().includes(before[0]), { timeoutMs: 30_000, intervalMs: 200, message: 'worker restarted' });
      expect(platform.output()).toMatch(/simulation-worker-1 +\| exited \(SIGKILL\); restarting/);
      for (const pid of childrenOf(platform.child.pid!)) seen.add(pid);

      // The platform works end to end: fund → portfolio → simulation on the workers.
      const token = await signTestToken('analyst', { prefix });
      const call = async (port: string, method: string, path: string, body?: unknown) => {
        const res = await fetch(`http://127.0.0.1:${port}${path}`, {
          method,
          headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
          body: body ? JSON.stringify(body) : undefined,
        });
        const text = await res.text();
        expect(res.ok, `${method} ${path} → ${res.status} ${text}`).toBe(true);
        return JSON.parse(text);
      };
      const fund = await call(env.FUND_SERVICE_PORT, 'POST', '/api/funds', { name: 'Start Fund', size: 20_000_000, vintage_year: 2026 });
      const portfolio = await call(env.PORTFOLIO_SERVICE_PORT, 'POST', '/api/portfolios/generate', { fund_id: fund.id, seed: 3 });
      const run = await call(env.SIMULATION_SERVICE_PORT, 'POST', '/api/simulations', { fund_id: fund.id, portfolio_id: portfolio.id, paths: 4_000, seed: 9, granularity: 'yearly' });
      const done = await waitFor(
        async () => {
          const status = await call(env.SIMULATION_SERVICE_PORT, 'GET', `/api/simulations/${run.id}/status`);
          return ['completed', 'failed', 'cancelled'].includes(status.state) ? status : undefined;
        },
        { timeoutMs: 60_000, intervalMs: 250, message: 'simulation finished' },
      );
      expect(done).toMatchObject({ state: 'completed', paths_done: 4_000, paths_total: 4_000 });
      // Every line of every app carries its name.
      expect(platform.output()).not.toMatch(/^\{"level"/m);

      platform.child.kill('SIGTERM');
      expect(await platform.exited).toBe(0);
      const orphans = [...seen].filter(alive);
      expect(orphans, orphans.map((pid) => commandLine(pid)).join('\n')).toEqual([]);
    } finally {
      if (platform.child.exitCode === null) platform.child.kill('SIGKILL');
      for (const pid of seen) if (alive(pid)) process.kill(pid, 'SIGKILL');
    }
  }, 240_000);

  it('refuses a port that is already taken, with a clear line, starting nothing', async () => {
    const env = await baseEnv();
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(Number(env.PORTFOLIO_SERVICE_PORT), '127.0.0.1', resolve));
    try {
      const platform = startPlatform(env);
      expect(await platform.exited).toBe(1);
      expect(platform.output()).toContain(`port ${env.PORTFOLIO_SERVICE_PORT} (portfolio-service) is already in use`);
      expect(childrenOf(platform.child.pid!)).toEqual([]);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  }, 60_000);
});
