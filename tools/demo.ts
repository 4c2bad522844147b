/**
 * `npm run demo`: a tour of the running platform through the gateway only (one origin,
 * http://localhost:8080 unless GATEWAY_URL says otherwise), as the frontend would use it:
 * 1. a token from the gateway's local dev-token endpoint (else one signed with the local
 *    development secret),
 * 2. creates a sample $100M fund and generates its portfolio,
 * 3. starts a 100,000-path monthly simulation (DEMO_PATHS) and follows it over the WebSocket
 *    (`simulation:<id>` channel) with a live progress bar (cli-progress),
 * 4. prints LP / fund / gross IRR and TVPI percentiles, P(loss), VaR and CVaR,
 * 5. runs a sensitivity analysis (optimization-service) and prints the top 5 parameters,
 * 6. saves the run's fan chart as a PNG (rendered server-side) and prints its path.
 * Exits non-zero with one line when a step fails.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import cliProgress from 'cli-progress';
import WebSocket from 'ws';

const root = fileURLToPath(new URL('..', import.meta.url));
const pct = (x: number | null | undefined) => (x === null || x === undefined ? '   n/a ' : `${(x * 100).toFixed(2).padStart(6)}%`);
const mult = (x: number | null | undefined) => (x === null || x === undefined ? '  n/a' : `${x.toFixed(2)}×`);
const usd = (x: number) => `$${(x / 1e6).toFixed(1)}M`;

export interface DemoOptions {
  gatewayUrl: string;
  paths?: number;
  /** Where the fan chart PNG goes (default demo-output/ in the repo). */
  outDir?: string;
  log?: (line: string) => void;
}

async function devToken(gatewayUrl: string): Promise<string> {
  const res = await fetch(`${gatewayUrl}/auth/dev-token?role=analyst`).catch(() => null);
  if (res?.ok) return ((await res.json()) as { token: string }).token;
  const { LOCAL_DEV_JWT_SECRET, signDevToken } = await import('@equihome/platform');
  return signDevToken({ role: 'analyst', sub: 'demo', secret: process.env.JWT_SECRET || LOCAL_DEV_JWT_SECRET });
}

function api(gatewayUrl: string, token: string) {
  return async <T = any>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${gatewayUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) {
      let detail = text;
      try {
        const p = JSON.parse(text);
        detail = `${p.code ?? ''} ${p.detail ?? p.title ?? text}`;
      } catch {
        // not JSON
      }
      throw new Error(`${method} ${path} → ${res.status}: ${detail}`);
    }
    return (text ? JSON.parse(text) : undefined) as T;
  };
}

/** Follows a run over the WebSocket until its terminal message; drives the progress bar. */
function followRun(gatewayUrl: string, token: string, runId: string, paths: number): Promise<{ state: string; progressMessages: number }> {
  const wsUrl = `${gatewayUrl.replace(/^http/, 'ws')}/ws`;
  const bar = new cliProgress.SingleBar(
    { format: '  simulating |{bar}| {percentage}% · {value}/{total} paths · ETA {eta_text} · LP IRR p50 so far {irr}', hideCursor: true, barsize: 30, etaBuffer: 20 },
    cliProgress.Presets.shades_classic,
  );
  bar.start(paths, 0, { eta_text: '…', irr: '…' });
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(wsUrl, ['bearer', token]);
    let progressMessages = 0;
    const update = (data: { paths_done?: number; eta_seconds?: number | null; partial?: { lp_irr?: { p50: number } } }) => {
      bar.update(data.paths_done ?? 0, {
        eta_text: data.eta_seconds === null || data.eta_seconds === undefined ? '…' : `${data.eta_seconds} s`,
        irr: data.partial?.lp_irr ? pct(data.partial.lp_irr.p50).trim() : '…',
      });
    };
    const finish = (state: string) => {
      bar.update(state === 'completed' ? paths : bar.getProgress() * paths);
      bar.stop();
      ws.close();
      resolve({ state, progressMessages });
    };
    ws.on('open', () => ws.send(JSON.stringify({ type: 'subscribe', channel: `simulation:${runId}` })));
    ws.on('message', (raw) => {
      const msg = JSON.parse(String(raw));
      if (msg.type === 'subscribed') {
        update(msg.snapshot ?? {});
        if (['completed', 'failed', 'cancelled'].includes(msg.snapshot?.state)) finish(msg.snapshot.state);
      } else if (msg.type === 'progress') {
        progressMessages++;
        update(msg.data);
      } else if (['completed', 'failed', 'cancelled'].includes(msg.type)) {
        update(msg.data);
        finish(msg.type);
      } else if (msg.type === 'error') {
        bar.stop();
        ws.close();
        reject(new Error(`WebSocket error ${msg.code}: ${msg.message}`));
      }
    });
    ws.on('error', (err) => {
      bar.stop();
      reject(new Error(`WebSocket ${wsUrl}: ${err.message}`));
    });
    ws.on('close', (code) => {
      if (code === 4401) {
        bar.stop();
        reject(new Error('WebSocket closed 4401: the token was refused'));
      }
    });
  });
}

export async function runDemo(options: DemoOptions): Promise<{ fundId: string; runId: string; pngPath: string }> {
  const log = options.log ?? ((line: string) => console.log(line));
  const gatewayUrl = options.gatewayUrl.replace(/\/$/, '');
  const paths = options.paths ?? 100_000;
  const token = await devToken(gatewayUrl);
  const call = api(gatewayUrl, token);

  log(`\n== Equihome demo, through ${gatewayUrl} ==`);
  const fund = await call('POST', '/api/funds', { name: `Demo Fund ${new Date().toISOString().slice(0, 19)}`, size: 100_000_000, vintage_year: new Date().getUTCFullYear() });
  log(`fund ${fund.id} "${fund.name}": ${usd(fund.size)}, ${fund.term}-year term, hurdle ${pct(fund.fee_structure.hurdle_rate).trim()}, carry ${pct(fund.fee_structure.performance_fee_rate).trim()}, management fee ${pct(fund.fee_structure.management_fee_rate).trim()}`);
  const portfolio = await call('POST', '/api/portfolios/generate', { fund_id: fund.id, seed: 42 });
  const m = portfolio.metrics;
  log(`portfolio ${portfolio.id}: ${portfolio.loans.length} loans, ${usd(m.total_loan_amount)} advanced against ${usd(m.total_initial_value)} of homes, average LTV ${pct(m.average_ltv).trim()}`);

  const started = performance.now();
  const accepted = await call('POST', '/api/simulations', { fund_id: fund.id, portfolio_id: portfolio.id, paths, seed: 42, granularity: 'monthly', label: 'demo' });
  log(`simulation ${accepted.id}: ${paths.toLocaleString('en-US')} monthly paths, seed 42`);
  const followed = await followRun(gatewayUrl, token, accepted.id, paths);
  if (followed.state !== 'completed') throw new Error(`simulation ${accepted.id} ended ${followed.state}`);
  const run = await call('GET', `/api/simulations/${accepted.id}`);
  log(`completed in ${((performance.now() - started) / 1000).toFixed(1)} s (${followed.progressMessages} progress messages over the WebSocket), engine ${run.engine_version}${run.cached ? ', from the cache' : ''}`);

  const s = run.summary;
  log('\n               IRR p5    IRR p50    IRR p95   TVPI p5  TVPI p50  TVPI p95   P(loss)');
  for (const [name, level] of [['LP (net)', s.lp], ['fund (net)', s.fund], ['gross', s.gross]] as const) {
    log(`  ${name.padEnd(11)} ${pct(level.irr.p5)}  ${pct(level.irr.p50)}  ${pct(level.irr.p95)}    ${mult(level.tvpi.p5)}     ${mult(level.tvpi.p50)}     ${mult(level.tvpi.p95)}   ${pct(level.probability_of_loss)}`);
  }
  log(`  LP VaR 95%: IRR ${pct(s.lp.var95.irr).trim()}, TVPI ${mult(s.lp.var95.tvpi)};  CVaR 95%: IRR ${pct(s.lp.cvar95.irr).trim()}, TVPI ${mult(s.lp.cvar95.tvpi)}`);

  try {
    const tornado = await call('POST', '/api/optimization/sensitivity?wait=true', { fund_id: fund.id, portfolio_id: portfolio.id, paths: 2_000, seed: 42 });
    const result = tornado.result ?? tornado;
    if (result?.rows) {
      log(`\nsensitivity of LP net IRR p50 (base ${pct(result.base).trim()}, 2,000 paths, common random numbers) — top 5:`);
      for (const r of result.rows.slice(0, 5)) log(`  ${r.parameter.padEnd(22)} low ${pct(r.metric_low)}   high ${pct(r.metric_high)}   swing ${(r.swing * 100).toFixed(2)}pp`);
    } else {
      log(`\nsensitivity ${tornado.id} is ${tornado.state}; see GET /api/optimization/${tornado.id}`);
    }
  } catch (err) {
    log(`\nsensitivity skipped: ${(err as Error).message}`);
  }

  const res = await fetch(`${gatewayUrl}/api/simulations/${accepted.id}/charts/fan.png?metric=nav`, { headers: { authorization: `Bearer ${token}` } });
  if (!res.ok) throw new Error(`fan chart → ${res.status}`);
  const outDir = options.outDir ?? join(root, 'demo-output');
  mkdirSync(outDir, { recursive: true });
  const pngPath = join(outDir, `fan-${accepted.id}.png`);
  writeFileSync(pngPath, Buffer.from(await res.arrayBuffer()));
  log(`\nfan chart of NAV saved: ${pngPath}`);
  log(`open ${gatewayUrl}/ for the results page, ${gatewayUrl}/docs for the API`);
  return { fundId: fund.id, runId: accepted.id, pngPath };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const gatewayUrl = process.env.GATEWAY_URL ?? 'http://localhost:8080';
  runDemo({ gatewayUrl, paths: Number(process.env.DEMO_PATHS ?? 100_000) }).then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(`demo failed: ${err instanceof Error ? err.message : String(err)}`);
      if (String(err).includes('fetch failed')) console.error(`is the platform running? start it with \`npm start\` (gateway ${gatewayUrl})`);
      process.exit(1);
    },
  );
}
