import { randomBytes } from 'node:crypto';

/** The test database (never the app database). Override with TEST_DATABASE_URL. */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/equihome_test';

/** A name no other test (file, run or engineer) uses: `prefix_<16 hex>`. */
export function uniqueName(prefix = 't'): string {
  return `${prefix}_${randomBytes(8).toString('hex')}`;
}
