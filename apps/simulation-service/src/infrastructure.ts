import { consoleLogger, type MessagingLogger } from '@equihome/messaging';
import { connectServiceBackends, type ServiceBackends } from '@equihome/outbox';
import { createPool, documentStoreFromConfig, pingPostgres, pingRedis, runMigrations, type DocumentStoreFactory } from '@equihome/storage';
import type { Redis } from 'ioredis';
import type pg from 'pg';
import type { SimulationServiceConfig } from './config.js';
import { MIGRATIONS_TABLE, simulationMigrations } from './migrations.js';
import { checkEvictionPolicy, redisConnection, redisReady, RedisSetupError } from './redis-connections.js';
import { createResultStore, type ResultStore } from './result-store.js';
import { envelopeFactory } from './envelopes.js';
import { createRunStore, runsCollectionName, type RunData, type RunStore } from './run-store.js';
import { SERVICE_NAME } from './service-name.js';
import { SimulationQueue } from './simulation-queue.js';


/** Whether Redis must run `noeviction` (REDIS_REQUIRE_NOEVICTION, default: in production). */
const requireNoEviction = (config: SimulationServiceConfig) => config.REDIS_REQUIRE_NOEVICTION ?? config.NODE_ENV === 'production';

/** Runs, snapshots and results live in PostgreSQL whatever DOCUMENT_STORE says elsewhere. */
function assertPostgres(documents: DocumentStoreFactory): void {
  if (documents.kind !== 'postgres') throw new RedisSetupError('simulation-service keeps runs and results in PostgreSQL: DOCUMENT_STORE must be postgresql');
}

/** The connected back-ends of the API (see libs/outbox `connectServiceBackends`). */
export interface SimulationServiceInfrastructure extends ServiceBackends {
  config: SimulationServiceConfig;
  runsCollection: string;
  runs: RunStore;
  results: ResultStore;
  /** The service's own pool (the SQL tables of migrations 100–104). */
  pool: pg.Pool;
  /** Producer connection (Queue, FlowProducer). */
  redis: Redis;
  queue: SimulationQueue;
  log: MessagingLogger;
}

/**
 * Connects the API's back-ends: the document store (migrated; runs, outbox and audit log),
 * NATS (stream ensured), the outbox relay, the service's pool with its migrations
 * (`simulation_migrations`), and Redis (producer connection, eviction policy checked) with
 * the queue. main.ts and the test harness both build the API through this function. On a
 * failure whatever was opened is closed again.
 */
export async function connectInfrastructure(config: SimulationServiceConfig, logger?: MessagingLogger): Promise<SimulationServiceInfrastructure> {
  const log = logger ?? consoleLogger;
  const runsCollection = runsCollectionName(config);
  const backends = await connectServiceBackends(config, { service: SERVICE_NAME, collections: [runsCollection], ...(logger ? { logger } : {}) });
  const opened: Array<() => Promise<unknown>> = [() => backends.close()];
  const closeAll = async () => {
    for (const close of opened.splice(0).reverse()) await close().catch(() => undefined);
  };
  try {
    assertPostgres(backends.documents);
    const pool = createPool(config.DATABASE_URL, { max: 10, applicationName: SERVICE_NAME, onError: (err) => log.warn({ err: err.message }, 'idle PostgreSQL client error') });
    opened.push(() => pool.end());
    await runMigrations(pool, simulationMigrations, { table: MIGRATIONS_TABLE });
    const redis = redisConnection(config.REDIS_URL, 'producer', SERVICE_NAME, log);
    opened.push(() => redis.quit().catch(() => redis.disconnect()));
    await redisReady(redis);
    await checkEvictionPolicy(redis, requireNoEviction(config), log);
    const queue = new SimulationQueue(config.SIM_QUEUE, config.BULLMQ_PREFIX, redis, { attempts: config.SIM_JOB_ATTEMPTS }, (err, source) =>
      log.warn({ err: err.message, source }, 'bullmq error'),
    );
    opened.push(() => queue.close());
    await queue.queue.waitUntilReady();
    let closing: Promise<void> | undefined;
    return {
      ...backends,
      config,
      runsCollection,
      runs: createRunStore(runsCollection, backends.documents.collection<RunData>(runsCollection), backends.changes),
      results: createResultStore(pool),
      pool,
      redis,
      queue,
      log,
      readiness: { ...backends.readiness, postgres: () => pingPostgres(pool), redis: () => pingRedis(redis) },
      close: () => (closing ??= closeAll()),
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}

/** What a worker process (main thread) connects to. */
export interface WorkerInfrastructure {
  config: SimulationServiceConfig;
  documents: DocumentStoreFactory;
  runs: RunStore;
  results: ResultStore;
  pool: pg.Pool;
  /** `maxRetriesPerRequest: null` connection of the BullMQ Worker. */
  redis: Redis;
  log: MessagingLogger;
  close(): Promise<void>;
}

/**
 * Connects a worker process: the document store (runs, audit, outbox — a worker's terminal
 * events go to the outbox and the API's relay publishes them: workers need no NATS), the
 * service's pool (migrated: a worker may start before any API) and the worker Redis
 * connection (eviction policy checked).
 */
export async function connectWorkerInfrastructure(config: SimulationServiceConfig, logger?: MessagingLogger): Promise<WorkerInfrastructure> {
  const log = logger ?? consoleLogger;
  const documents = documentStoreFromConfig(config);
  const opened: Array<() => Promise<unknown>> = [() => documents.close()];
  const closeAll = async () => {
    for (const close of opened.splice(0).reverse()) await close().catch(() => undefined);
  };
  try {
    assertPostgres(documents);
    const runsCollection = runsCollectionName(config);
    documents.collection(runsCollection);
    await documents.migrate();
    const pool = createPool(config.DATABASE_URL, { max: 4, applicationName: `${SERVICE_NAME}-worker`, onError: (err) => log.warn({ err: err.message }, 'idle PostgreSQL client error') });
    opened.push(() => pool.end());
    await runMigrations(pool, simulationMigrations, { table: MIGRATIONS_TABLE });
    const redis = redisConnection(config.REDIS_URL, 'worker', `${SERVICE_NAME}-worker`, log);
    opened.push(() => redis.quit().catch(() => redis.disconnect()));
    await redisReady(redis);
    await checkEvictionPolicy(redis, requireNoEviction(config), log);
    const changes = { store: documents, events: envelopeFactory(config) };
    let closing: Promise<void> | undefined;
    return {
      config,
      documents,
      runs: createRunStore(runsCollection, documents.collection<RunData>(runsCollection), changes),
      results: createResultStore(pool),
      pool,
      redis,
      log,
      close: () => (closing ??= closeAll()),
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}

export { SERVICE_NAME };
