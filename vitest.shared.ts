// Shared Vitest settings: resolve every @equihome/* workspace package to its TypeScript
// source, so tests never need a prior build.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const libs = fileURLToPath(new URL('./libs/', import.meta.url));

export function vitestConfig(options: { testTimeout?: number; fileParallelism?: boolean; exclude?: string[] } = {}) {
  return defineConfig({
    resolve: {
      alias: [{ find: /^@equihome\/([a-z-]+)$/, replacement: `${libs}$1/src/index.ts` }],
    },
    test: {
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      exclude: ['**/node_modules/**', '**/dist/**', ...(options.exclude ?? [])],
      environment: 'node',
      setupFiles: [fileURLToPath(new URL('./tools/vitest-setup.ts', import.meta.url))],
      testTimeout: options.testTimeout ?? 20_000,
      hookTimeout: 30_000,
      fileParallelism: options.fileParallelism ?? true,
      reporters: ['default', 'json'],
      outputFile: { json: `${process.cwd()}/.vitest-report.json` },
    },
  });
}
