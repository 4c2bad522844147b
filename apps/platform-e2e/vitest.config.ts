import { vitestConfig } from '../../vitest.shared.js';

// One file at a time: each file starts its own service processes.
export default vitestConfig({ testTimeout: 120_000, fileParallelism: false });
