/**
 * The worker that `scripts/run.mjs --early <module.ts>` started before this entry was loaded, if it did,
 * and the port it posts on (`workerData.port` in the worker), which keeps its messages until they are listened to.
 */
import type { MessagePort, Worker } from 'node:worker_threads';

export interface EarlyWorker {
  worker: Worker;
  port: MessagePort;
}

export function earlyWorker(): EarlyWorker | undefined {
  return (globalThis as Record<symbol, EarlyWorker | undefined>)[Symbol.for('coordination-hub.early-worker')];
}
