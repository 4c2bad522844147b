import { z } from 'zod';

/**
 * LOCAL-ONLY HS256 secret used when `JWT_SECRET` is not set. It is public (it is in the
 * source), so it only protects a developer laptop or CI. `loadConfig` refuses it when
 * `NODE_ENV=production`: production must set a private `JWT_SECRET` or `JWT_JWKS_URL`.
 */
export const LOCAL_DEV_JWT_SECRET = 'equihome-local-dev-only-secret-do-not-use-in-production';

/** One-line start-up failure: the message is `config error: <VAR>: <problem>`. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    message: string,
    /** The offending environment variable names, in order. */
    readonly variables: string[],
  ) {
    super(message);
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/**
 * `TRUST_PROXY` as fastify's `trustProxy`: `true`/`false`, a hop count (`1`), or a
 * comma-separated list of addresses/CIDRs (`10.0.0.0/8,127.0.0.1`).
 */
const trustProxy = z
  .string()
  .optional()
  .transform((v, ctx): boolean | number | string[] => {
    if (v === undefined || v === 'false') return false;
    if (v === 'true') return true;
    if (/^\d+$/.test(v)) return Number(v);
    const list = v.split(',').map((s) => s.trim()).filter(Boolean);
    if (list.length === 0) {
      ctx.addIssue({ code: 'custom', message: 'expected true, false, a hop count or a list of addresses' });
      return z.NEVER;
    }
    return list;
  });

/** Base environment every service reads. Numbers are parsed from strings. */
export const baseConfigShape = {
  /** TCP port to listen on; 0 picks a free port. */
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  /** HS256 secret (at least 32 characters). Defaults to LOCAL_DEV_JWT_SECRET outside production. */
  JWT_SECRET: z.string().min(32).optional(),
  /** JWKS endpoint of the identity provider; when set, tokens are verified against it (RS/ES/EdDSA). */
  JWT_JWKS_URL: z.url().optional(),
  JWT_ISSUER: z.string().min(1).optional(),
  JWT_AUDIENCE: z.string().min(1).optional(),
  /** Requests per minute per client address. */
  RATE_LIMIT_MAX: z.coerce.number().int().positive().default(300),
  /** Largest accepted request body in bytes (default 5 MiB). */
  BODY_LIMIT_BYTES: z.coerce.number().int().positive().default(5 * 1024 * 1024),
  /** `*`, or a comma-separated list of allowed origins. Default `*` outside production, none in production. */
  CORS_ORIGIN: z.string().min(1).optional(),
  TRUST_PROXY: trustProxy,
} satisfies z.ZodRawShape;

export type BaseConfigShape = typeof baseConfigShape;
/** The parsed base configuration (JWT_SECRET resolved to the secret in effect). */
export type BaseConfig = Omit<z.output<z.ZodObject<BaseConfigShape>>, 'JWT_SECRET'> & {
  /** The HS256 secret in effect (LOCAL_DEV_JWT_SECRET when none was set and not production). */
  JWT_SECRET: string;
};
/** Base config plus the service's own variables (shape `C`). */
export type Config<C extends z.ZodRawShape = Record<never, never>> = BaseConfig & { [K in keyof C]: z.output<C[K]> };

function describe(issue: z.core.$ZodIssue, input: Record<string, unknown>): string {
  const key = String(issue.path[0] ?? '');
  if (issue.code === 'invalid_type' && input[key] === undefined) return 'required';
  switch (issue.code) {
    case 'invalid_type':
      return `expected a ${issue.expected}`;
    case 'invalid_value':
      return `expected one of ${issue.values.map(String).join(', ')}`;
    case 'too_small':
      return issue.origin === 'string' ? `must be at least ${String(issue.minimum)} characters` : `must be >= ${String(issue.minimum)}`;
    case 'too_big':
      return issue.origin === 'string' ? `must be at most ${String(issue.maximum)} characters` : `must be <= ${String(issue.maximum)}`;
    default:
      return issue.message;
  }
}

/**
 * Parses the base config plus the service's extra `shape` from `env` (default
 * `process.env`). Empty strings count as unset. Throws one `ConfigError` listing every bad
 * variable on one line: `config error: PORT: expected a number`.
 */
export function loadConfig<C extends z.ZodRawShape = Record<never, never>>(
  shape?: C,
  env: Record<string, string | undefined> = process.env,
): Config<C> {
  const schema = z.object({ ...baseConfigShape, ...(shape ?? {}) });
  const input: Record<string, unknown> = {};
  for (const key of Object.keys(schema.shape)) {
    const value = env[key];
    input[key] = value === '' ? undefined : value;
  }
  const result = schema.safeParse(input);
  if (!result.success) {
    const parts = result.error.issues.map((issue) => ({
      name: issue.path.map(String).join('.'),
      text: `${issue.path.map(String).join('.')}: ${describe(issue, input)}`,
    }));
    throw new ConfigError(`config error: ${parts.map((p) => p.text).join('; ')}`, parts.map((p) => p.name));
  }
  const config = result.data as Record<string, unknown>;
  const production = config.NODE_ENV === 'production';
  if (production && !config.JWT_JWKS_URL && (config.JWT_SECRET === undefined || config.JWT_SECRET === LOCAL_DEV_JWT_SECRET)) {
    throw new ConfigError(
      'config error: JWT_SECRET: the local-only default secret is refused when NODE_ENV=production; set JWT_SECRET or JWT_JWKS_URL',
      ['JWT_SECRET'],
    );
  }
  config.JWT_SECRET ??= LOCAL_DEV_JWT_SECRET;
  config.CORS_ORIGIN ??= production ? undefined : '*';
  return config as Config<C>;
}
