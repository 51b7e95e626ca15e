/**
 * V8's code cache for the modules `npm start` loads (scripts/run.mjs), kept
 * in the development installation's own state: `${HUB_DIR}compile-cache/`
 * (HUB_DIR as scripts/local-state.ts has it: .hub/ in the checkout unless
 * HUB_DIR says otherwise). The directory is the Node process's only (mode
 * 700); the PostgreSQL server's user never reads it, and the installation's
 * directory is made as local-state.ts makes it, so that user still reaches
 * pgdata in it. A warm start then skips most of the compilation of the
 * packages' code, CommonJS and ES modules alike.
 *
 * Node 22 and later: Node's own cache (`module.enableCompileCache`). Node 20
 * has none; a `vm.Script` `cachedData` cache of the CommonJS modules was
 * tried there and saved nothing measurable (reading the data back took as
 * long as compiling), so Node 20 compiles as before.
 *
 * Plain JavaScript, loaded before tsx. Nothing here may stop a start: a
 * cache that cannot be made is no cache. HUB_COMPILE_CACHE=off turns it off.
 */
import Module from 'node:module';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** `${HUB_DIR}compile-cache`, HUB_DIR as scripts/local-state.ts resolves it. */
export function compileCacheDir() {
  const hubDir = process.env.HUB_DIR ? process.env.HUB_DIR.replace(/\/$/, '') : fileURLToPath(new URL('../.hub', import.meta.url));
  return join(hubDir, 'compile-cache');
}

/**
 * Turns the cache on for this thread (each thread asks for itself). Returns whether it is on.
 * @param {string} [dir]
 * @returns {boolean}
 */
export function enableCompileCache(dir = compileCacheDir()) {
  if (process.env.HUB_COMPILE_CACHE === 'off' || typeof Module.enableCompileCache !== 'function') return false;
  try {
    mkdirSync(dirname(dir), { recursive: true });
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const { status } = Module.enableCompileCache(dir);
    return status !== Module.constants.compileCacheStatus.FAILED;
  } catch {
    return false;
  }
}

/**
 * Writes what this thread compiled now rather than at its exit: for a worker thread, which the process's exit
 * ends without writing its cache (Node 23 and later; Node 22 writes at exit only).
 */
export function flushCompileCache() {
  try {
    Module.flushCompileCache?.();
  } catch {
    // no cache next time
  }
}
