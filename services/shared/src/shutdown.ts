/**
 * Stopping a process cleanly on SIGTERM or SIGINT: stop accepting connections,
 * answer new requests on open keep-alive connections with 503 and
 * `Connection: close`, let requests in flight finish for up to the grace period
 * (HUB_SHUTDOWN_GRACE_SECONDS, default 10), then cut what is left, close the
 * database pool and exit 0.
 */
import type http from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from './logger.ts';
import { t } from './i18n.ts';

export const DEFAULT_GRACE_SECONDS = 10;

/** Whether a server is stopping, for the middleware that refuses new requests. */
export interface Stopping {
  stopping: boolean;
}

/** First in the chain: once stopping, a request that still arrives (on a kept-alive connection) is refused. */
export function refuseWhileStopping(state: Stopping) {
  return (_req: Request, res: Response, next: NextFunction) => {
    if (!state.stopping) return next();
    res.setHeader('connection', 'close');
    res.status(503).json({ errors: [{ message: String(t`The service is stopping; try again.`), extensions: { code: 'SERVICE_UNAVAILABLE' } }] });
  };
}

/**
 * Closes `server`: no new connections; idle keep-alive connections closed at once and as
 * requests finish; at `graceMs` every connection still open is cut. Resolves when all are gone.
 */
export async function closeGracefully(server: http.Server, state: Stopping, graceMs: number): Promise<void> {
  state.stopping = true;
  if (!server.listening) return;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  if (graceMs <= 0) {
    server.closeAllConnections();
    return closed;
  }
  // a connection whose request finishes goes idle: close it then
  const sweep = setInterval(() => server.closeIdleConnections(), 50);
  const cut = setTimeout(() => server.closeAllConnections(), graceMs);
  try {
    await closed;
  } finally {
    clearInterval(sweep);
    clearTimeout(cut);
  }
}

/**
 * Hive Gateway's server adapter (@whatwg-node/server) disposes the gateway on SIGTERM/SIGINT by
 * itself, aborting requests in flight; the gateway process stops on its own terms instead
 * (stopOnSignals), disposing the gateway last. `adapter` is the gateway runtime: asking for its
 * disposable stack makes the adapter register its handlers now, so they can be removed.
 */
export function detachAdapterTerminateHandlers(adapter: object): void {
  void (adapter as { disposableStack?: unknown }).disposableStack;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    for (const listener of process.listeners(signal)) {
      if (listener.name === 'terminateHandler') process.removeListener(signal, listener);
    }
  }
}

/** Runs `stop(graceMs)` once on the first SIGTERM or SIGINT, then exits 0 (1 if stopping failed). */
export function stopOnSignals(log: Logger, graceSeconds: number, stop: (graceMs: number) => Promise<void>): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal, graceSeconds }, 'stopping');
    stop(graceSeconds * 1000).then(
      () => {
        log.info('stopped');
        process.exit(0);
      },
      (err: unknown) => {
        log.error({ err }, 'stopping failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
