import type { MessagingLogger } from '@equihome/messaging';

const LEVELS = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60, silent: Infinity } as const;
export type LogLevel = keyof typeof LEVELS;

/**
 * A pino-shaped JSON-lines logger for the worker process (which has no fastify/pino of its
 * own): `{"level":30,"time":…,"service":…,"msg":…,…fields}` on stdout, below `level` dropped.
 */
export function jsonLogger(service: string, level: LogLevel, base: Record<string, unknown> = {}): MessagingLogger {
  const min = LEVELS[level];
  const write = (n: number) => (fields: Record<string, unknown>, msg: string) => {
    if (n < min) return;
    process.stdout.write(`${JSON.stringify({ level: n, time: Date.now(), service, ...base, ...fields, msg })}\n`);
  };
  return { info: write(LEVELS.info), warn: write(LEVELS.warn), error: write(LEVELS.error) };
}
