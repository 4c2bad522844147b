/**
 * Loggers for tests. Both fit where a pino logger fits (fastify's `loggerInstance`, a
 * `FastifyBaseLogger`, `request.log`) and where messaging's `MessagingLogger`
 * (`{ info, warn, error }(fields, message)`) is asked for: pino's call forms
 * `log.info({ id }, 'message')`, `log.info('message')` and `log.error(err, 'message')`.
 */

/** The levels of pino, most severe first (`silent` logs nothing). */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** A pino-style log method: `(fields, message?, ...args)` or `(message, ...args)`. */
export type TestLogFn = (fieldsOrMessage?: unknown, message?: string, ...args: unknown[]) => void;

/** What both test loggers offer: pino's method set plus `child`. */
export interface TestLogger {
  level: string;
  fatal: TestLogFn;
  error: TestLogFn;
  warn: TestLogFn;
  info: TestLogFn;
  debug: TestLogFn;
  trace: TestLogFn;
  silent: TestLogFn;
  /** A logger whose lines carry `bindings` too (pino's child loggers). */
  child(bindings: Record<string, unknown>, options?: unknown): TestLogger;
  isLevelEnabled(level: string): boolean;
}

const noop: TestLogFn = () => undefined;

/** Logs nothing at any level; `child()` returns itself. */
export const silentLogger: TestLogger = {
  level: 'silent',
  fatal: noop,
  error: noop,
  warn: noop,
  info: noop,
  debug: noop,
  trace: noop,
  silent: noop,
  child: () => silentLogger,
  isLevelEnabled: () => false,
};

/** One line a `recordingLogger` kept. */
export interface LogLine {
  level: LogLevel;
  message: string;
  /** The fields passed (an Error as `{ err }`, as pino serialises it), merged with child bindings. */
  fields: Record<string, unknown>;
}

export interface RecordingLogger extends TestLogger {
  /** Every line logged here or through a child, in order (shared with children). */
  readonly lines: LogLine[];
  /** The lines of one level, or whose message contains `text` when given. */
  find(level: LogLevel, text?: string): LogLine[];
  child(bindings: Record<string, unknown>, options?: unknown): RecordingLogger;
}

/** Keeps every line (all levels, `trace` included) in `lines` instead of printing it. */
export function recordingLogger(lines: LogLine[] = [], bindings: Record<string, unknown> = {}): RecordingLogger {
  const at =
    (level: LogLevel): TestLogFn =>
    (fieldsOrMessage, message) => {
      if (typeof fieldsOrMessage === 'string') {
        lines.push({ level, message: fieldsOrMessage, fields: { ...bindings } });
        return;
      }
      const own = fieldsOrMessage instanceof Error ? { err: fieldsOrMessage } : ((fieldsOrMessage ?? {}) as Record<string, unknown>);
      lines.push({ level, message: message ?? '', fields: { ...bindings, ...own } });
    };
  return {
    level: 'trace',
    lines,
    fatal: at('fatal'),
    error: at('error'),
    warn: at('warn'),
    info: at('info'),
    debug: at('debug'),
    trace: at('trace'),
    silent: noop,
    child: (more) => recordingLogger(lines, { ...bindings, ...more }),
    isLevelEnabled: (level) => (LOG_LEVELS as readonly string[]).includes(level),
    find: (level, text) => lines.filter((l) => l.level === level && (text === undefined || l.message.includes(text))),
  };
}
