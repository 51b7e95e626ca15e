/** The worker thread of `scripts/run.mjs --early <module.ts>`: tsx registered in this thread only, then the module. */
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.module);
