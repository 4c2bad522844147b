import { randomBytes } from 'node:crypto';

/**
 * Random names that keep parallel test files, runs and engineers apart on the shared
 * PostgreSQL / MongoDB / NATS. One random prefix per test (or per harness) and every other
 * name derived from it, so a leftover is traceable to its test by the label:
 *
 * | name                     | from `fund_3f9a0c1b2d4e`      | rule it satisfies                                 |
 * | ------------------------ | ----------------------------- | ------------------------------------------------- |
 * | `collectionPrefix(p)`    | `fund_3f9a0c1b2d4e_`          | DOCUMENT_COLLECTION_PREFIX `^[a-z][a-z0-9_]{0,40}$` |
 * | `subjectPrefix(p)`       | `fund_3f9a0c1b2d4e`           | NATS_SUBJECT_PREFIX: one token of `[A-Za-z0-9_-]` |
 * | `streamName(p)`          | `FUND_3F9A0C1B2D4E`           | NATS_STREAM `^[A-Za-z0-9_-]+$`                    |
 * | `consumerName(p, 'x-y')` | `fund_3f9a0c1b2d4e_x-y`       | durable name `^[A-Za-z0-9_-]+$`                   |
 */

/** Longest label kept by `randomPrefix` (the whole prefix stays ≤ 29 characters). */
export const MAX_LABEL_LENGTH = 16;

/** The shape every prefix of `randomPrefix` has: lower-case letter first, then `[a-z0-9_]`. */
export const PREFIX_PATTERN = /^[a-z][a-z0-9_]*$/;

/**
 * A fresh prefix `<label>_<12 hex>` (48 random bits): lower-case, letter first, only
 * `[a-z0-9_]`, at most 29 characters — valid as a collection prefix, a PostgreSQL
 * identifier, a NATS subject token, and (upper-cased) a stream name. The label is
 * lower-cased, other characters become `_`, it is cut to 16 characters and gets a leading
 * `t` when it does not start with a letter: `randomPrefix('Fund API')` → `fund_api_3f9a0c1b2d4e`.
 */
export function randomPrefix(label = 't'): string {
  let clean = label.toLowerCase().replace(/[^a-z0-9_]/g, '_').slice(0, MAX_LABEL_LENGTH);
  if (!/^[a-z]/.test(clean)) clean = `t${clean}`.slice(0, MAX_LABEL_LENGTH);
  return `${clean}_${randomBytes(6).toString('hex')}`;
}

function checked(prefix: string): string {
  if (!PREFIX_PATTERN.test(prefix)) throw new TypeError(`not a test prefix (expected ${PREFIX_PATTERN}): ${JSON.stringify(prefix)}`);
  return prefix;
}

/** DOCUMENT_COLLECTION_PREFIX of a prefix: `fund_3f9a…_` (collections become `fund_3f9a…_funds`). */
export function collectionPrefix(prefix: string): string {
  return `${checked(prefix)}_`;
}

/** NATS_SUBJECT_PREFIX of a prefix: the prefix itself (`equihome.fund.created` → `fund_3f9a….fund.created`). */
export function subjectPrefix(prefix: string): string {
  return checked(prefix);
}

/** JetStream stream name of a prefix (default: a fresh one): the prefix upper-cased. */
export function streamName(prefix: string = randomPrefix('s')): string {
  return checked(prefix).toUpperCase();
}

/**
 * Durable consumer name of a prefix and a purpose (`'fund-deleted'`; default: a fresh prefix
 * and `'consumer'`): `<prefix>_<purpose>`, other characters of the purpose become `_`.
 */
export function consumerName(prefix: string = randomPrefix('c'), purpose = 'consumer'): string {
  return `${checked(prefix)}_${purpose.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}
