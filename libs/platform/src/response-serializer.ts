import fastJson from 'fast-json-stringify';
import type { FastifySerializerCompiler } from 'fastify';
import { serializerCompiler as zodSerializerCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { $ZodType } from 'zod/v4/core';

/**
 * Reply serialization for routes whose response schemas are zod schemas.
 *
 * Each response schema is converted ONCE, when the route is compiled, to JSON Schema (the
 * output side, `z.toJSONSchema(schema, { io: 'output' })`) and compiled with fastify's
 * fast-json-stringify. A reply is then written field by field from that plan instead of
 * being re-parsed by zod: about 10× less CPU for a page of 50 funds. What that keeps:
 * - only the declared properties are written (unknown keys of the handler's object, e.g.
 *   internal columns, never reach the wire; loose objects keep theirs, as in zod);
 * - a missing required property, or a value that cannot be written as its declared type
 *   (`"abc"` for a number, `NaN`), fails the reply: `ResponseInvalidError` → 500
 *   `RESPONSE_INVALID`;
 * - unions pick the first branch the value matches (checked by Ajv, extra keys allowed).
 * What it gives up: refinements, bounds, lengths and patterns of the reply are not
 * re-checked (the input side is still fully validated by zod), an integer is truncated,
 * a literal is written as given.
 *
 * Schemas JSON Schema cannot express (transforms, codecs/pipes, dates, bigints, custom
 * types) keep the zod serializer (`safeEncode` + `JSON.stringify`), as do non-zod schemas
 * that fast-json-stringify rejects.
 */

/** A reply did not fit its route's response schema (a server bug → 500 `RESPONSE_INVALID`). */
export class ResponseInvalidError extends Error {
  override readonly name = 'ResponseInvalidError';
  constructor(
    readonly method: string,
    readonly url: string,
    options: { cause: unknown },
  ) {
    super(`response of ${method} ${url} does not fit its schema: ${options.cause instanceof Error ? options.cause.message : String(options.cause)}`, options);
  }
}

/** zod node types whose wire form JSON Schema does not describe (encode would change the value). */
const ZOD_ONLY = new Set(['pipe', 'transform', 'date', 'bigint', 'custom', 'promise', 'map', 'set', 'symbol', 'function', 'nan', 'undefined', 'void']);
/** Formats fast-json-stringify writes specially (Date instances); other formats are dropped. */
const SERIALIZER_FORMATS = new Set(['date', 'date-time', 'time']);
/** Keywords whose value is one subschema / a list of subschemas / a map of subschemas. */
const ONE = new Set(['items', 'additionalProperties', 'not', 'propertyNames', 'contains', 'if', 'then', 'else']);
const LIST = new Set(['anyOf', 'oneOf', 'allOf', 'prefixItems']);
const MAP = new Set(['properties', 'patternProperties', '$defs', 'definitions']);

/**
 * The JSON Schema as a serialization plan: `additionalProperties: false` dropped (the
 * plan writes declared properties only anyway, and union branches then match a value with
 * extra keys, as zod would strip them), `oneOf` → `anyOf` (first match), `const` → a
 * one-value `enum` (fast-json-stringify would otherwise write the constant whatever the
 * value), formats other than date/date-time/time dropped.
 */
function asSerializationPlan(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(asSerializationPlan);
  if (schema === null || typeof schema !== 'object') return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === '$schema' || key === '$id') continue;
    if (key === 'additionalProperties' && value === false) continue;
    if (key === 'format' && !SERIALIZER_FORMATS.has(String(value))) continue;
    if (key === 'const') out.enum = [value];
    else if (key === 'oneOf') out.anyOf = asSerializationPlan(value);
    else if (ONE.has(key) || LIST.has(key)) out[key] = asSerializationPlan(value);
    else if (MAP.has(key) && value !== null && typeof value === 'object') {
      out[key] = Object.fromEntries(Object.entries(value).map(([name, sub]) => [name, asSerializationPlan(sub)]));
    } else out[key] = value;
  }
  return out;
}

/** The JSON Schema of a zod schema's output, or undefined when only zod can write it. */
function outputJsonSchema(schema: $ZodType): Record<string, unknown> | undefined {
  let zodOnly = false;
  try {
    const json = z.toJSONSchema(schema, {
      target: 'draft-2020-12',
      io: 'output',
      unrepresentable: 'throw',
      cycles: 'ref',
      reused: 'inline',
      override: (ctx) => {
        if (ZOD_ONLY.has(ctx.zodSchema._zod.def.type)) zodOnly = true;
      },
    });
    return zodOnly ? undefined : (json as Record<string, unknown>);
  } catch {
    return undefined;
  }
}

type Serialize = (data: unknown) => string;

function compilePlan(plan: unknown, method: string, url: string): Serialize | undefined {
  let write: Serialize;
  try {
    write = fastJson(asSerializationPlan(plan) as fastJson.Schema) as Serialize;
  } catch {
    return undefined;
  }
  return (data) => {
    try {
      return write(data);
    } catch (error) {
      throw new ResponseInvalidError(method, url, { cause: error });
    }
  };
}

/**
 * Fastify serializer compiler: zod response schemas through a compiled fast-json-stringify
 * plan (see above), falling back to fastify-type-provider-zod's serializer.
 */
export const compiledSerializerCompiler: FastifySerializerCompiler<unknown> = (route) => {
  const { schema, method, url } = route;
  const zodSchema = schema instanceof $ZodType ? schema : undefined;
  const plan = zodSchema ? outputJsonSchema(zodSchema) : schema;
  const compiled = plan !== undefined && typeof plan === 'object' && plan !== null ? compilePlan(plan, method, url) : undefined;
  return compiled ?? zodSerializerCompiler(route as Parameters<typeof zodSerializerCompiler>[0]);
};
