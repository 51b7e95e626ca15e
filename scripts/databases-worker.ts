/**
 * `npm start`'s databases in a worker thread (scripts/run.mjs --early), so
 * that PostgreSQL starts and the databases are checked while the main thread
 * loads the subgraphs and the gateway. Messages to the main thread, on the
 * port of scripts/run.mjs (see
 * `fromWorker` in scripts/databases.ts): `{ ready }` with
 * everything of StartDatabases but `stop`, or `{ error, config }`; then, on
 * 'stop', it stops the embedded server and answers `{ stopped: true }`.
 */
import { workerData, type MessagePort } from 'node:worker_threads';
import { ConfigError } from '../services/shared/src/env.ts';
import { openStartDatabases } from './databases.ts';

const port = (workerData as { port: MessagePort }).port;
let stop: (() => Promise<void>) | undefined;
port.on('message', (message: unknown) => {
  if (message !== 'stop') return;
  void (stop ?? (async () => {}))()
    .catch(() => {})
    .then(() => port.postMessage({ stopped: true }));
});
try {
  const { stop: _stop, ...ready } = await openStartDatabases((s) => (stop = s));
  port.postMessage({ ready });
} catch (err) {
  port.postMessage({ error: err instanceof Error ? err.message : String(err), config: err instanceof ConfigError });
}
