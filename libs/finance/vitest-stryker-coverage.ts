/**
 * Works around @stryker-mutator/vitest-runner 9.5 on Vitest 4.1 (stryker-js issue #5928,
 * "No proper coverage with Vitest 4"): its setup file hands the per-test mutant coverage
 * (dry run) and the hit count (mutant runs) to Stryker with `afterAll(({ meta }) => …)`,
 * but Vitest 4.1 passes a fixture context first and the suite second, so that hook throws
 * and Stryker gets no coverage: every mutant then runs every selected test, and infinite
 * loops are only caught by the timeout. This hook, registered after Stryker's and so run
 * before it, stores both on the file suite's meta where Stryker reads them. Loaded only
 * when Stryker runs the tests (see vitest.config.ts).
 */
import { afterAll, inject } from 'vitest';

interface StrykerNamespace {
  mutantCoverage?: unknown;
  hitCount?: number;
}

const key = (inject as (name: string) => unknown)('globalNamespace') as string;
const ns = ((globalThis as Record<string, unknown>)[key] ??= {}) as StrykerNamespace;
const mode = (inject as (name: string) => unknown)('mode');

// eslint-disable-next-line no-empty-pattern
afterAll(({}, suite) => {
  const meta = suite.meta as Record<string, unknown>;
  if (mode === 'mutant') meta.hitCount = ns.hitCount;
  else meta.mutantCoverage = ns.mutantCoverage;
});
