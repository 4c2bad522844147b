import type { z } from 'zod';
import { loadConfig, type Config } from './config.js';
import { runService, type Service } from './service.js';

/** What a service's `main.ts` hands `runServiceMain`: its config shape, its wiring and its app. */
export interface ServiceMainOptions<S extends z.ZodRawShape, I extends { close(): Promise<void> }> {
  /** Service name, for the start-up error line. */
  name: string;
  /** The zod shape of the service's environment (`config.ts`). */
  configShape: S;
  /** Connects the back-ends (`infrastructure.ts`). */
  connect(config: Config<S>): Promise<I>;
  /** Builds the service on them (`app.ts`), without listening; its `close()` must close the infrastructure. */
  build(config: Config<S>, infrastructure: I): Promise<Service<Config<S>>>;
  /** Environment (default `process.env`). */
  env?: Record<string, string | undefined>;
}

/**
 * The whole of every service's `main.ts`, on top of `runService`: parses the config ONCE,
 * connects the infrastructure, builds the service, listens. A failure while building closes
 * the infrastructure again; every start-up failure is one stderr line and exit 1 (see
 * `runService`).
 */
export function runServiceMain<S extends z.ZodRawShape, I extends { close(): Promise<void> }>(options: ServiceMainOptions<S, I>): Promise<Service<Config<S>>> {
  return runService(options.name, async () => {
    const config = loadConfig(options.configShape, options.env ?? process.env);
    const infrastructure = await options.connect(config);
    try {
      return await options.build(config, infrastructure);
    } catch (err) {
      await infrastructure.close().catch(() => undefined);
      throw err;
    }
  });
}
