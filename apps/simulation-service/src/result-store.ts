import type { SeriesMetric } from '@equihome/domain';
import type { Fund as EngineFund, Portfolio as EnginePortfolio, SimulationSummary } from '@equihome/finance';
import type { SqlExecutor } from '@equihome/storage';
import type pg from 'pg';

/** The metrics whose bands the series table holds (the summary's `bands`). */
export const SERIES_METRICS: readonly SeriesMetric[] = ['nav', 'lp_distributions', 'dpi', 'tvpi'];

/** A fund snapshot: the parameters a run simulates (no document fields). */
export type FundSnapshot = Omit<EngineFund, 'id' | 'version' | 'created_at' | 'updated_at'>;
/** A portfolio snapshot: what the engine reads of a portfolio. */
export type PortfolioSnapshot = Pick<EnginePortfolio, 'loans' | 'metrics'>;

/** A summary without its mergeable state (what the API answers). */
export type PublicSummary = Omit<SimulationSummary, 'state'>;

export interface SeriesBands {
  years: number[];
  p5: number[];
  p25: number[];
  p50: number[];
  p75: number[];
  p95: number[];
}

/** A finished shard as stored. */
export interface StoredShard {
  shard: number;
  path_start: number;
  path_end: number;
  summary: SimulationSummary;
}

/**
 * simulation-service's SQL tables (migrations 100–104) on one pool: snapshots, shard results,
 * final results, the series table and the fund → portfolios index. Every write is idempotent
 * (`on conflict do nothing`): a shard or a merge that runs twice writes the same thing once.
 */
export interface ResultStore {
  /** Stores a snapshot under its hash (`canonicalHash(body)`; once per content). */
  putSnapshot(kind: 'fund' | 'portfolio', body: FundSnapshot | PortfolioSnapshot, hash: string): Promise<void>;
  /** A snapshot by hash, or null. */
  getSnapshot<T>(hash: string): Promise<T | null>;
  /** Stores a finished shard's summary (with state). */
  putShard(runId: string, shard: { index: number; start: number; end: number }, summary: SimulationSummary, info: { durationMs: number; worker: string }): Promise<void>;
  /** Indices and path counts of a run's finished shards. */
  finishedShards(runId: string): Promise<{ shard: number; paths: number }[]>;
  /** Finished shards `shards` of a run, with summaries. */
  readShards(runId: string, shards: number[]): Promise<StoredShard[]>;
  /** Writes a run's merged result and its series rows, in one transaction. */
  putResult(runId: string, summary: SimulationSummary): Promise<void>;
  /** True when the run has a stored result (a cache hit reads the result of the run it hit: nothing is copied). */
  hasResult(runId: string): Promise<boolean>;
  /** The summary (without state) of a completed run, or null. */
  getSummary(runId: string): Promise<PublicSummary | null>;
  /** One metric's bands of a run, in period order (empty arrays when absent). */
  getSeries(runId: string, metric: SeriesMetric): Promise<SeriesBands>;
  /** The fund's most recently generated or updated portfolio, as announced by portfolio-service. */
  latestPortfolio(fundId: string): Promise<{ portfolio_id: string; loan_count: number } | null>;
  /** Records that a portfolio of a fund was generated/updated at `at` (idempotent; the newest time wins). */
  notePortfolio(fundId: string, portfolioId: string, loanCount: number, at: string): Promise<void>;
  /** Forgets a deleted portfolio (idempotent). */
  forgetPortfolio(portfolioId: string): Promise<void>;
}

export function createResultStore(pool: pg.Pool): ResultStore {
  const db: SqlExecutor = pool;
  return {
    async putSnapshot(kind, body, hash) {
      const exists = await db.query('select 1 from simulation_snapshots where hash = $1', [hash]);
      if ((exists.rowCount ?? 0) > 0) return;
      const text = JSON.stringify(body);
      await db.query('insert into simulation_snapshots (hash, kind, body, bytes) values ($1, $2, $3::jsonb, $4) on conflict (hash) do nothing', [hash, kind, text, Buffer.byteLength(text)]);
    },

    async getSnapshot<T>(hash: string) {
      const { rows } = await db.query<{ body: T }>('select body from simulation_snapshots where hash = $1', [hash]);
      return rows[0]?.body ?? null;
    },

    async putShard(runId, shard, summary, info) {
      await db.query(
        `insert into simulation_shards (run_id, shard, path_start, path_end, summary, duration_ms, worker)
         values ($1, $2, $3, $4, $5::jsonb, $6, $7) on conflict (run_id, shard) do nothing`,
        [runId, shard.index, shard.start, shard.end, JSON.stringify(summary), Math.round(info.durationMs), info.worker],
      );
    },

    async finishedShards(runId) {
      const { rows } = await db.query<{ shard: number; paths: number }>('select shard, path_end - path_start as paths from simulation_shards where run_id = $1 order by shard', [runId]);
      return rows;
    },

    async readShards(runId, shards) {
      if (shards.length === 0) return [];
      const { rows } = await db.query<StoredShard>('select shard, path_start, path_end, summary from simulation_shards where run_id = $1 and shard = any($2::int[]) order by shard', [
        runId,
        shards,
      ]);
      return rows;
    },

    async putResult(runId, summary) {
      const { state, ...rest } = summary;
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        await client.query('begin');
        await client.query('insert into simulation_results (run_id, summary, state) values ($1, $2::jsonb, $3::jsonb) on conflict (run_id) do nothing', [
          runId,
          JSON.stringify(rest),
          JSON.stringify(state),
        ]);
        const rows = seriesRows(rest);
        await client.query(
          `insert into simulation_series (run_id, metric, period, years, p5, p25, p50, p75, p95)
           select $1, metric, period, years, p5, p25, p50, p75, p95
           from unnest($2::text[], $3::int[], $4::float8[], $5::float8[], $6::float8[], $7::float8[], $8::float8[], $9::float8[])
             as t(metric, period, years, p5, p25, p50, p75, p95)
           on conflict do nothing`,
          [runId, rows.metric, rows.period, rows.years, rows.p5, rows.p25, rows.p50, rows.p75, rows.p95],
        );
        await client.query('commit');
      } catch (err) {
        await client.query('rollback').catch((e: Error) => (broken = e));
        throw err;
      } finally {
        client.release(broken);
      }
    },

    async hasResult(runId) {
      const { rowCount } = await db.query('select 1 from simulation_results where run_id = $1', [runId]);
      return (rowCount ?? 0) > 0;
    },

    async getSummary(runId) {
      const { rows } = await db.query<{ summary: PublicSummary }>('select summary from simulation_results where run_id = $1', [runId]);
      return rows[0]?.summary ?? null;
    },

    async getSeries(runId, metric) {
      const { rows } = await db.query<{ years: number; p5: number; p25: number; p50: number; p75: number; p95: number }>(
        'select years, p5, p25, p50, p75, p95 from simulation_series where run_id = $1 and metric = $2 order by period',
        [runId, metric],
      );
      const out: SeriesBands = { years: [], p5: [], p25: [], p50: [], p75: [], p95: [] };
      for (const r of rows) {
        out.years.push(r.years);
        out.p5.push(r.p5);
        out.p25.push(r.p25);
        out.p50.push(r.p50);
        out.p75.push(r.p75);
        out.p95.push(r.p95);
      }
      return out;
    },

    async latestPortfolio(fundId) {
      const { rows } = await db.query<{ portfolio_id: string; loan_count: number }>(
        'select portfolio_id, loan_count from simulation_fund_portfolios where fund_id = $1 order by updated_at desc, portfolio_id desc limit 1',
        [fundId],
      );
      return rows[0] ?? null;
    },

    async notePortfolio(fundId, portfolioId, loanCount, at) {
      await db.query(
        `insert into simulation_fund_portfolios (fund_id, portfolio_id, loan_count, updated_at) values ($1, $2, $3, $4)
         on conflict (fund_id, portfolio_id) do update set
           loan_count = case when excluded.updated_at >= simulation_fund_portfolios.updated_at then excluded.loan_count else simulation_fund_portfolios.loan_count end,
           updated_at = greatest(simulation_fund_portfolios.updated_at, excluded.updated_at)`,
        [fundId, portfolioId, loanCount, at],
      );
    },

    async forgetPortfolio(portfolioId) {
      await db.query('delete from simulation_fund_portfolios where portfolio_id = $1', [portfolioId]);
    },
  };
}

/** The summary's bands as column arrays for one multi-row insert. */
function seriesRows(summary: PublicSummary) {
  const cols = { metric: [] as string[], period: [] as number[], years: [] as number[], p5: [] as number[], p25: [] as number[], p50: [] as number[], p75: [] as number[], p95: [] as number[] };
  for (const metric of SERIES_METRICS) {
    const band = summary.bands[metric];
    summary.bands.years.forEach((years, period) => {
      cols.metric.push(metric);
      cols.period.push(period);
      cols.years.push(years);
      cols.p5.push(band.p5[period]);
      cols.p25.push(band.p25[period]);
      cols.p50.push(band.p50[period]);
      cols.p75.push(band.p75[period]);
      cols.p95.push(band.p95[period]);
    });
  }
  return cols;
}
