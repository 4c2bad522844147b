/**
 * The demo run by `npm start`: drives the running services over HTTP like the frontend
 * would, then runs the Monte Carlo engine on the generated portfolio.
 */
import { exampleFund, simulateFund, type Portfolio as EnginePortfolio } from '@equihome/finance';
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

export async function runDemo(urls: { fundUrl: string; portfolioUrl: string }): Promise<void> {
  const token = await signDevToken({ role: 'analyst', sub: 'demo', secret: process.env.JWT_SECRET || LOCAL_DEV_JWT_SECRET });
  const { id: _id, version: _v, created_at: _c, updated_at: _u, ...defaults } = exampleFund() as ReturnType<typeof exampleFund> & Record<string, unknown>;
  console.log('\n== Equihome demo ==');
  const fund = await call('POST', `${urls.fundUrl}/api/funds`, token, { ...defaults, name: `Demo Fund ${new Date().toISOString().slice(0, 19)}` });
  console.log(`created fund ${fund.id} "${fund.name}": size ${usd(fund.size)}, term ${fund.term}y, hurdle ${pct(fund.fee_structure.hurdle_rate)}, carry ${pct(fund.fee_structure.performance_fee_rate)}`);

  const portfolio = await call('POST', `${urls.portfolioUrl}/api/portfolios/generate`, token, { fund_id: fund.id, seed: 42 });
  const m = portfolio.metrics;
  console.log(`generated portfolio ${portfolio.id}: ${portfolio.loans.length} loans, ${usd(m.total_loan_amount)} advanced against ${usd(m.total_initial_value)} of homes`);
  console.log(`  average LTV ${pct(m.average_ltv)}, weighted appreciation ${pct(m.weighted_appreciation_rate)}, expected gross IRR ${m.expected_irr === null ? 'n/a' : pct(m.expected_irr)}, multiple ${m.expected_multiple.toFixed(2)}x`);

  const paths = 10_000;
  const started = performance.now();
  const summary = simulateFund(fund, { paths, seed: 42, granularity: 'monthly', portfolio: portfolio as EnginePortfolio });
  const ms = performance.now() - started;
  console.log(`simulated ${paths.toLocaleString()} monthly paths in ${ms.toFixed(0)} ms (engine ${summary.engine_version})`);
  const lp = summary.lp;
  console.log(`  LP net IRR  p5 ${pct(lp.irr.p5)}  p50 ${pct(lp.irr.p50)}  p95 ${pct(lp.irr.p95)}`);
  console.log(`  LP TVPI     p5 ${lp.tvpi.p5.toFixed(2)}x  p50 ${lp.tvpi.p50.toFixed(2)}x  p95 ${lp.tvpi.p95.toFixed(2)}x;  P(loss) ${pct(lp.probability_of_loss)}`);
}
