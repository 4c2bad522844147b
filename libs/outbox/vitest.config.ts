import { vitestConfig } from '../../vitest.shared.js';

// One file at a time: the outage test stops the shared NATS server, which would fail any
// other file of this project running meanwhile.
export default vitestConfig({ fileParallelism: false, testTimeout: 60_000 });
