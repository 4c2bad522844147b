/** Structured log function, pino-compatible: `logger.info({ subject }, 'message')`. */
export type LogFn = (fields: Record<string, unknown>, message: string) => void;

/** The logger the library writes to (a pino logger fits as is). */
export interface MessagingLogger {
  info: LogFn;
  warn: LogFn;
  error: LogFn;
}

/** Default logger: one console line per event. */
export const consoleLogger: MessagingLogger = {
  info: (fields, message) => console.info(message, fields),
  warn: (fields, message) => console.warn(message, fields),
  error: (fields, message) => console.error(message, fields),
};

/** Message of an unknown thrown value, for logs. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
