/**
 * The demo run by `npm start`: drives the running services over HTTP like the frontend
 * would: creates a fund, generates its portfolio, and runs a Monte Carlo simulation on the
 * simulation workers, following its status until it completes.
 */
import { exampleFund } from '@equihome/finance';
import { LOCAL_DEV_JWT_SECRET, signDevToken } from '@equihome/platform';

const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
const usd = (x: number) => `$${(x / 1e6).toFixed(2)}M`;

async function call(method: string, url: string, token: string, body?: unknown): Promise<any> {
  const res = await fetch(url, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${url} → ${res.status}: ${text}`);
  return text ? JSON.parse(text) : undefined;
}

export async function runDemo(urls: { fundUrl: string; portfolioUrl: string; simulationUrl: string }): Promise<void> {
  const token = await signDevToken({ role: 'analyst', sub: 'demo', secret: process.env.JWT_SECRET || LOCAL_DEV_JWT_SECRET });
  const { id: _id, version: _v, created_at: _c, updated_at: _u, ...defaults } = exampleFund() as ReturnType<typeof exampleFund> & Record<string, unknown>;
  console.log('\n== Equihome demo ==');
  const fund = await call('POST', `${urls.fundUrl}/api/funds`, token, { ...defaults, name: `Demo Fund ${new Date().toISOString().slice(0, 19)}` });
  console.log(`created fund ${fund.id} "${fund.name}": size ${usd(fund.size)}, term ${fund.term}y, hurdle ${pct(fund.fee_structure.hurdle_rate)}, carry ${pct(fund.fee_structure.performance_fee_rate)}`);

  const portfolio = await call('POST', `${urls.portfolioUrl}/api/portfolios/generate`, token, { fund_id: fund.id, seed: 42 });
  const m = portfolio.metrics;
  console.log(`generated portfolio ${portfolio.id}: ${portfolio.loans.length} loans, ${usd(m.total_loan_amount)} advanced against ${usd(m.total_initial_value)} of homes`);
  console.log(`  average LTV ${pct(m.average_ltv)}, weighted appreciation ${pct(m.weighted_appreciation_rate)}, expected gross IRR ${m.expected_irr === null ? 'n/a' : pct(m.expected_irr)}, multiple ${m.expected_multiple.toFixed(2)}x`);

  const paths = 100_000;
  const accepted = await call('POST', `${urls.simulationUrl}/api/simulations`, token, { fund_id: fund.id, portfolio_id: portfolio.id, paths, seed: 42, granularity: 'monthly', label: 'demo' });
  console.log(`simulation ${accepted.id} accepted (${paths.toLocaleString()} monthly paths, seed 42)`);
  let status = accepted;
  let printed = -1;
  while (!['completed', 'failed', 'cancelled'].includes(status.state)) {
    await new Promise((r) => setTimeout(r, 500));
    status = await call('GET', `${urls.simulationUrl}/api/simulations/${accepted.id}/status`, token);
    const done = Math.floor((100 * status.paths_done) / status.paths_total);
    if (done !== printed && done % 10 === 0) {
      printed = done;
      console.log(`  ${status.state} ${String(done).padStart(3)}%  ${status.paths_done.toLocaleString()} paths${status.eta_seconds === null ? '' : `, ETA ${status.eta_seconds} s`}`);
    }
  }
  const run = await call('GET', `${urls.simulationUrl}/api/simulations/${accepted.id}`, token);
  if (run.state !== 'completed') throw new Error(`simulation ${run.id} ended ${run.state}: ${JSON.stringify(run.error ?? status.error)}`);
  console.log(`simulated ${paths.toLocaleString()} monthly paths in ${(run.duration_ms / 1000).toFixed(1)} s (engine ${run.engine_version}${run.cached ? ', from cache' : ''})`);
  const lp = run.summary.lp;
  console.log(`  LP net IRR  p5 ${pct(lp.irr.p5)}  p50 ${pct(lp.irr.p50)}  p95 ${pct(lp.irr.p95)}`);
  console.log(`  LP TVPI     p5 ${lp.tvpi.p5.toFixed(2)}x  p50 ${lp.tvpi.p50.toFixed(2)}x  p95 ${lp.tvpi.p95.toFixed(2)}x;  P(loss) ${pct(lp.probability_of_loss)}`);
  console.log(`  full result: GET ${urls.simulationUrl}/api/simulations/${run.id}`);
}
