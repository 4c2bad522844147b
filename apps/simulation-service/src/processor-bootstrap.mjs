// Entry of a worker thread when the worker runs from TypeScript sources (development, tests):
// Node 20 does not carry tsx's module hooks into worker threads, so register them here, then
// load the TypeScript processor named by workerData.processor. Built workers (dist/*.js) load
// dist/processor.js directly and never use this file.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const processor = await import(workerData.processor);
export default processor.default;
