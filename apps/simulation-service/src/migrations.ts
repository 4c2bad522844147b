import type { Migration } from '@equihome/storage';

/** Table recording simulation-service's migrations (apart from storage's `schema_migrations`). */
export const MIGRATIONS_TABLE = 'simulation_migrations';

/**
 * simulation-service's own PostgreSQL schema (ids ≥ 100, as libs/storage reserves 1–99),
 * applied at start-up by `runMigrations(pool, simulationMigrations, { table: MIGRATIONS_TABLE })`
 * under the shared advisory lock. The runs themselves are documents (collection
 * `simulation_runs` of the storage `documents` table), so that a run's state change, its
 * audit entry and its event commit in one transaction through the outbox; these tables hold
 * what is big or numerous. Run ids are the documents' UUIDv7 text ids.
 */
export const simulationMigrations: readonly Migration[] = Object.freeze([
  {
    // Content-addressed inputs of runs: `hash` = sha256 of the canonical JSON of `body`
    // (a fund's parameters without document fields; a portfolio's loans and metrics). A
    // later edit of the fund or portfolio never changes a run; identical inputs are stored once.
    id: 100,
    name: 'simulation_snapshots',
    sql: `
      create table if not exists simulation_snapshots (
        hash       text collate "C" primary key,
        kind       text not null check (kind in ('fund', 'portfolio')),
        body       jsonb not null,
        bytes      integer not null,
        created_at timestamptz not null default clock_timestamp()
      );
    `,
  },
  {
    // One row per finished shard: its SimulationSummary WITH the mergeable state, written by
    // the worker as the shard ends (PostgreSQL is the record; Redis only carries the jobs).
    // A shard computed twice (a retried or re-enqueued job) is identical: the first row stays.
    id: 101,
    name: 'simulation_shards',
    sql: `
      create table if not exists simulation_shards (
        run_id       text collate "C" not null,
        shard        integer not null,
        path_start   integer not null,
        path_end     integer not null,
        summary      jsonb not null,
        duration_ms  integer not null,
        worker       text not null,
        completed_at timestamptz not null default clock_timestamp(),
        primary key (run_id, shard)
      );
    `,
  },
  {
    // The merged result of a completed run: `summary` without the mergeable state (the API
    // reply), `state` apart (kept for further merges and audits).
    id: 102,
    name: 'simulation_results',
    sql: `
      create table if not exists simulation_results (
        run_id       text collate "C" primary key,
        summary      jsonb not null,
        state        jsonb,
        completed_at timestamptz not null default clock_timestamp()
      );
    `,
  },
  {
    // Per-period percentile bands of each completed run (fan charts), one row per
    // (run, metric, period). A TimescaleDB hypertable (partitioned by created_at) when the
    // extension can be created; otherwise a plain table with the same primary key index on
    // (run_id, metric, period). Either way reads go by (run_id, metric) in period order.
    id: 103,
    name: 'simulation_series',
    sql: `
      do $$
      declare
        timescale boolean := false;
      begin
        if exists (select 1 from pg_available_extensions where name = 'timescaledb') then
          begin
            create extension if not exists timescaledb;
            timescale := true;
          exception when others then
            raise notice 'timescaledb is available but cannot be created (%): plain table', sqlerrm;
          end;
        end if;
        if timescale then
          create table if not exists simulation_series (
            run_id     text collate "C" not null,
            metric     text not null,
            period     integer not null,
            years      double precision not null,
            p5 double precision not null, p25 double precision not null, p50 double precision not null,
            p75 double precision not null, p95 double precision not null,
            created_at timestamptz not null default clock_timestamp(),
            primary key (run_id, metric, period, created_at)
          );
          perform create_hypertable('simulation_series', 'created_at', if_not_exists => true);
        else
          create table if not exists simulation_series (
            run_id     text collate "C" not null,
            metric     text not null,
            period     integer not null,
            years      double precision not null,
            p5 double precision not null, p25 double precision not null, p50 double precision not null,
            p75 double precision not null, p95 double precision not null,
            created_at timestamptz not null default clock_timestamp(),
            primary key (run_id, metric, period)
          );
        end if;
      end
      $$;
    `,
  },
  {
    // The portfolios each fund has, as portfolio-service announced them
    // (equihome.portfolio.generated|updated|deleted): a run without portfolio_id takes the
    // fund's most recent one. Services never read another service's database.
    id: 104,
    name: 'simulation_fund_portfolios',
    sql: `
      create table if not exists simulation_fund_portfolios (
        fund_id      text collate "C" not null,
        portfolio_id text collate "C" not null,
        loan_count   integer not null,
        updated_at   timestamptz not null,
        primary key (fund_id, portfolio_id)
      );
      create index if not exists simulation_fund_portfolios_latest on simulation_fund_portfolios (fund_id, updated_at desc);
    `,
  },
]);
