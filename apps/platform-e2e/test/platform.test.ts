/**
 * The whole platform as its users meet it, started ONCE by `npm start`'s script
 * (tools/start.ts, on free ports and the test's own names, real PostgreSQL/Redis/NATS):
 * - operators: every app is an OS process with name-prefixed logs; a simulation worker killed
 *   with SIGKILL by its pid is restarted; SIGTERM stops every process (no orphans); a port
 *   already taken is refused with a clear line before anything starts;
 * - the demo (`npm run demo`, tools/demo.ts) through the gateway only: its output and the fan
 *   chart PNG it saves (the CI smoke test);
 * - the results page in Debian's Chromium (playwright-core, /usr/bin/chromium): dev-token
 *   sign-in, the fund picker, a run whose progress bar moves with the WebSocket events, the
 *   fan chart, the percentile table, the tornado of a sensitivity run, the other user present
 *   on the fund; no page error; a screenshot in demo-output/.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { collectionPrefix, deleteRedisKeys, freePort, randomPrefix, streamName, subjectPrefix, TEST_DATABASE_URL, TEST_REDIS_URL, waitFor } from '@equihome/testing';
import pg from 'pg';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../src/service-process.js';

const prefix = randomPrefix('plat');
const bullPrefix = `{${prefix}}`;
const OUT_DIR = join(REPO_ROOT, 'demo-output');
const CHROMIUM = '/usr/bin/chromium';

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

interface Started {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function run(args: string[], env: Record<string, string>): Started {
  const child = spawn(process.execPath, ['--conditions=@equihome/source', '--import', 'tsx', ...args], {
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
    REDIS_URL: TEST_REDIS_URL,
    BULLMQ_PREFIX: bullPrefix,
    SIM_WORKERS: '2',
    // many small shards: progress moves visibly on any machine
    SIM_SHARD_PATHS: '2500',
    PORTFOLIO_EVENTS_DURABLE: `${prefix}_portfolios`,
    FUND_EVENTS_DURABLE: `${prefix}_funds`,
    FUND_SERVICE_PORT: String(await freePort()),
    PORTFOLIO_SERVICE_PORT: String(await freePort()),
    SIMULATION_SERVICE_PORT: String(await freePort()),
    OPTIMIZATION_SERVICE_PORT: String(await freePort()),
    GATEWAY_PORT: String(await freePort()),
  };
}

let env: Record<string, string>;
let platform: Started;
let gateway: string;
const seen = new Set<number>();

beforeAll(async () => {
  env = await baseEnv();
  gateway = `http://127.0.0.1:${env.GATEWAY_PORT}`;
  platform = run(['tools/start.ts'], env);
  await waitFor(() => platform.output().includes('Equihome is running at') || platform.child.exitCode !== null, { timeoutMs: 150_000, intervalMs: 250, message: 'platform ready' });
  if (platform.child.exitCode !== null) throw new Error(`npm start exited:\n${platform.output()}`);
  for (const pid of childrenOf(platform.child.pid!)) seen.add(pid);
}, 180_000);

afterAll(async () => {
  if (platform?.child.exitCode === null) platform.child.kill('SIGKILL');
  for (const pid of seen) if (alive(pid)) process.kill(pid, 'SIGKILL');
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
  await deleteRedisKeys(`${bullPrefix}*`);
}, 60_000);

describe('npm start', () => {
  it('runs every app and SIM_WORKERS workers as named processes, prints the one address to use, and restarts a killed worker', async () => {
    const out = platform.output();
    expect(out).toContain('2 simulation worker processes');
    expect(out).toContain(`Equihome is running at http://localhost:${env.GATEWAY_PORT}`);
    expect(out).toContain(`http://localhost:${env.GATEWAY_PORT}/docs`);
    expect(out).toContain('npm run -s token -- analyst');
    for (const app of ['fund-service', 'portfolio-service', 'simulation-service', 'optimization-service', 'realtime-gateway']) {
      expect(childrenOf(platform.child.pid!).some((pid) => (commandLine(pid) ?? '').includes(`apps/${app}/src/main.ts`)), app).toBe(true);
    }
    // every line an app prints carries its name (no bare JSON log line)
    expect(out).not.toMatch(/^\{"level"/m);

    const workers = () => childrenOf(platform.child.pid!).filter((pid) => /simulation-service.*worker/.test(commandLine(pid) ?? ''));
    const before = workers();
    expect(before).toHaveLength(2);
    process.kill(before[0], 'SIGKILL');
    await waitFor(() => workers().length === 2 && !workers().includes(before[0]), { timeoutMs: 30_000, intervalMs: 200, message: 'worker restarted' });
    expect(platform.output()).toMatch(/simulation-worker-1 +\| exited \(SIGKILL\); restarting/);
    for (const pid of childrenOf(platform.child.pid!)) seen.add(pid);
  }, 60_000);
});

describe('npm run demo (the smoke test)', () => {
  it('creates a fund, follows a run over the WebSocket, prints the results and the tornado, and saves the fan chart PNG', async () => {
    const demo = run(['tools/demo.ts'], { ...env, GATEWAY_URL: gateway, DEMO_PATHS: '20000' });
    const code = await demo.exited;
    const out = demo.output();
    expect(code, out).toBe(0);
    expect(out).toMatch(/fund [0-9a-f-]{36} "Demo Fund/);
    expect(out).toMatch(/portfolio [0-9a-f-]{36}: \d+ loans/);
    expect(out).toMatch(/completed in [\d.]+ s \((\d+) progress messages over the WebSocket\)/);
    expect(Number(/\((\d+) progress messages/.exec(out)![1])).toBeGreaterThanOrEqual(1);
    for (const level of ['LP (net)', 'fund (net)', 'gross']) expect(out).toMatch(new RegExp(`${level.replace(/[()]/g, '\\$&')} +-?\\d+\\.\\d+%`));
    expect(out).toMatch(/LP VaR 95%: IRR -?\d+\.\d+%/);
    expect(out).toMatch(/top 5:\n( {2}\S+ +low .+\n){5}/);
    const png = /fan chart of NAV saved: (\S+\.png)/.exec(out)?.[1];
    expect(png && existsSync(png)).toBe(true);
    expect(readFileSync(png!).subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  }, 240_000);
});

describe('the results page (Chromium)', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  it('signs in, runs a simulation with a moving progress bar and a fan chart, shows the table, draws a tornado and the other user on the fund', async () => {
    const token = async (sub: string) => ((await (await fetch(`${gateway}/auth/dev-token?role=analyst&sub=${sub}`)).json()) as { token: string }).token;
    const analyst = await token('ana');
    const fund = (await (
      await fetch(`${gateway}/api/funds`, {
        method: 'POST',
        headers: { authorization: `Bearer ${analyst}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: `Browser Fund ${prefix}`, size: 50_000_000, vintage_year: 2026 }),
      })
    ).json()) as { id: string };

    const errors: string[] = [];
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
    page.on('console', (msg) => {
      if (msg.type() === 'error') errors.push(`console: ${msg.text()}`);
    });
    await page.goto(`${gateway}/`);
    const picker = page.getByLabel('Fund');
    await expect.poll(async () => (await picker.locator('option').allTextContents()).join('|'), { timeout: 20_000 }).toContain(`Browser Fund ${prefix}`);
    await picker.selectOption(fund.id);
    await page.getByLabel('Paths').selectOption('50000');

    // a second user on the same fund (own browser context and token)
    const other = await browser.newContext();
    const otherToken = await token('bob');
    // runs in the page: the page reads its token from sessionStorage first
    await other.addInitScript((t) => (globalThis as unknown as { sessionStorage: { setItem(k: string, v: string): void } }).sessionStorage.setItem('equihome.token', t), otherToken);
    const otherPage = await other.newPage();
    await otherPage.goto(`${gateway}/`);
    await expect.poll(async () => (await otherPage.getByLabel('Fund').locator('option').allTextContents()).join('|'), { timeout: 20_000 }).toContain(`Browser Fund ${prefix}`);
    await otherPage.getByLabel('Fund').selectOption(fund.id);
    await expect.poll(() => page.locator('#presence').textContent(), { timeout: 20_000 }).toContain('bob');

    await page.getByRole('button', { name: 'Run simulation' }).click();
    const bar = page.getByRole('progressbar');
    const values = new Set<number>();
    let convergingFan = false;
    await expect
      .poll(
        async () => {
          const v = Number(await bar.getAttribute('aria-valuenow'));
          values.add(v);
          // the fan chart drawn from the partial bands of the finished shards, before the end
          if (v < 100 && (await page.locator('#fan-note').textContent())?.includes('converging') && (await page.locator('svg[aria-label="fan chart"]').count()) === 1) convergingFan = true;
          return v;
        },
        { timeout: 180_000, interval: 100 },
      )
      .toBe(100);
    expect([...values].some((v) => v > 0 && v < 100), `progress seen: ${[...values].join(', ')}`).toBe(true);
    expect(convergingFan, 'a fan chart drawn while the run was going').toBe(true);
    await expect.poll(() => page.locator('#results tbody tr').count(), { timeout: 30_000 }).toBe(5);
    expect(await page.locator('svg[aria-label="fan chart"]').count()).toBe(1);
    expect(await page.locator('svg[aria-label="fan chart"] path').count()).toBeGreaterThanOrEqual(3);
    // the figures shown are the API's
    const runId = await page.locator('#results').getAttribute('data-run-id');
    const run = (await (await fetch(`${gateway}/api/simulations/${runId}`, { headers: { authorization: `Bearer ${analyst}` } })).json()) as { summary: { lp: { irr: Record<string, number>; tvpi: Record<string, number> } } };
    const rows = await page.locator('#results tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    expect(rows).toEqual(
      (['p5', 'p25', 'p50', 'p75', 'p95'] as const).map((k, i) => [['5th', '25th', 'median', '75th', '95th'][i], `${(run.summary.lp.irr[k] * 100).toFixed(2)}%`, `${run.summary.lp.tvpi[k].toFixed(2)}×`]),
    );

    await page.getByRole('button', { name: 'Run sensitivity' }).click();
    await expect.poll(() => page.locator('svg[aria-label="tornado chart"]').count(), { timeout: 180_000 }).toBe(1);
    expect(await page.locator('svg[aria-label="tornado chart"] rect').count()).toBeGreaterThanOrEqual(18);

    mkdirSync(OUT_DIR, { recursive: true });
    await page.screenshot({ path: join(OUT_DIR, 'results-page.png'), fullPage: true });
    await other.close();
    expect(errors).toEqual([]);
  }, 420_000);
});

describe('stopping', () => {
  it('stops every process on SIGTERM', async () => {
    for (const pid of childrenOf(platform.child.pid!)) seen.add(pid);
    platform.child.kill('SIGTERM');
    expect(await platform.exited).toBe(0);
    const orphans = [...seen].filter(alive);
    expect(orphans, orphans.map((pid) => commandLine(pid)).join('\n')).toEqual([]);
  }, 60_000);

  it('refuses a port that is already taken, with a clear line, starting nothing', async () => {
    const fresh = await baseEnv();
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(Number(fresh.PORTFOLIO_SERVICE_PORT), '127.0.0.1', resolve));
    try {
      const refused = run(['tools/start.ts'], fresh);
      expect(await refused.exited).toBe(1);
      expect(refused.output()).toContain(`port ${fresh.PORTFOLIO_SERVICE_PORT} (portfolio-service) is already in use`);
      expect(childrenOf(refused.child.pid!)).toEqual([]);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  }, 60_000);
});
