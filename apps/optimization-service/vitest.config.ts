import { vitestConfig } from '../../vitest.shared.js';

// Real simulation-service API + worker processes and real servers: long timeouts; files one at a time (2 shared cores).
export default vitestConfig({ testTimeout: 180_000, fileParallelism: false });
