/**
 * Runs one of the project's TypeScript entry points in this one Node process
 * (`npm start`: `node scripts/run.mjs --early scripts/databases-worker.ts
 * scripts/start.ts`), faster than the tsx command, which starts a second
 * Node process and passes every module, packages included, through its hooks:
 *
 * 1. `--early <module.ts>` starts that module first, in a worker thread with
 *    tsx registered there only; the entry finds the worker with
 *    `earlyWorker()` (scripts/early.ts), with a message port to it that keeps
 *    messages until the entry listens (the worker posts on `workerData.port`). It runs beside the next step, on
 *    another core (npm start: PostgreSQL and the databases).
 * 2. Every package the entry's module graph imports (scripts/module-graph.mjs)
 *    is loaded side by side, without tsx's hooks (which double the time
 *    Node 20 takes to load them).
 * 3. tsx is registered, once, and the entry imported, with process.argv as
 *    `tsx <entry.ts> [args…]` would give it. Its transpiled files come from
 *    tsx's cache after the first run.
 *
 * V8's code cache (scripts/compile-cache.mjs, under HUB_DIR) spares a warm
 * start most of the compilation of the packages' code, in both threads.
 *
 * Signals reach the entry directly: there is no process in between.
 */
import { MessageChannel, Worker } from 'node:worker_threads';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { enableCompileCache } from './compile-cache.mjs';

// before any package is loaded, tsx's included
enableCompileCache();
const { register } = await import('tsx/esm/api');
const { moduleGraph } = await import('./module-graph.mjs');

const args = process.argv.slice(2);
let early;
if (args[0] === '--early') {
  early = args[1];
  args.splice(0, 2);
}
const entry = args[0];
if (!entry) {
  console.error('usage: node scripts/run.mjs [--early <module.ts>] <entry.ts> [args…]');
  process.exit(2);
}

if (early) {
  // A channel of its own rather than the worker's: a port keeps what the worker posts until the entry listens.
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(new URL('./run-worker.mjs', import.meta.url), {
    workerData: { module: pathToFileURL(resolve(early)).href, port: port2 },
    transferList: [port2],
  });
  globalThis[Symbol.for('coordination-hub.early-worker')] = { worker, port: port1 };
}

// A package that fails to load here is loaded again by the entry, which then reports the error where it belongs.
await Promise.all(moduleGraph(entry).packages.map((p) => import(p).catch(() => {})));

register();
process.argv.splice(1, process.argv.length - 1, resolve(entry), ...args.slice(1));
await import(pathToFileURL(resolve(entry)).href);
