import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { vitestConfig } from '../../vitest.shared.js';

/**
 * Under Stryker (one worker that stops at the first failing test) the quickest test files
 * run first (by the last recorded duration, unknown files by size), so a mutant is
 * usually killed before the slow simulation suites start. Normal runs keep vitest's
 * default order (longest first, which balances parallel workers).
 */
class QuickestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const { cache, config } = this.ctx;
    const key = (f: TestSpecification) => `${f.project.name}:${relative(config.root, f.moduleId)}`;
    const duration = (f: TestSpecification) => cache.getFileTestResults(key(f))?.duration;
    const size = (f: TestSpecification) => cache.getFileStats(key(f))?.size ?? 0;
    return [...files].sort((a, b) => {
      const da = duration(a);
      const db = duration(b);
      return da !== undefined && db !== undefined ? da - db : size(a) - size(b);
    });
  }
}

const config = vitestConfig();
if (process.env.STRYKER_MUTATOR_WORKER !== undefined) {
  const setupFiles = [config.test?.setupFiles ?? []].flat();
  config.test = {
    ...config.test,
    sequence: { sequencer: QuickestFirst },
    setupFiles: [...setupFiles, fileURLToPath(new URL('./vitest-stryker-coverage.ts', import.meta.url))],
  };
}

export default config;
