/**
 * The worker thread of `scripts/run.mjs --early <module.ts>`: V8's code cache, the packages the module surely
 * loads (its static imports) without tsx's hooks, as the main thread does, then tsx registered in this thread
 * only, and the module.
 */
import { fileURLToPath } from 'node:url';
import { workerData } from 'node:worker_threads';
import { enableCompileCache, flushCompileCache } from './compile-cache.mjs';

enableCompileCache();
const { register } = await import('tsx/esm/api');
const { moduleGraph } = await import('./module-graph.mjs');
// a package that fails to load here is loaded again by the module, which reports the error where it belongs
await Promise.all(moduleGraph(fileURLToPath(workerData.module), { staticOnly: true }).packages.map((p) => import(p).catch(() => {})));
register();
await import(workerData.module);
// the module has done its start-up work (it may wait for messages still): what it compiled is kept for the next start
flushCompileCache();
