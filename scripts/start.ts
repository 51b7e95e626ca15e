/**
 * `npm start`: the whole hub on one machine in development mode. An embedded
 * PostgreSQL server (or the one HUB_POSTGRES_URL names), one database per
 * subgraph, migrations, demo data on first start, four subgraphs and the
 * gateway. Ctrl-C or SIGTERM stops everything, PostgreSQL included, as the
 * processes stop in production: no new connections, requests in flight
 * finish within HUB_SHUTDOWN_GRACE_SECONDS (default 10), the audit logs are
 * sealed and the pools closed, then PostgreSQL stops and the process exits 0.
 *
 * Under `npm start` (scripts/run.mjs) the databases are opened in a worker
 * thread (scripts/databases-worker.ts) started before this module, while
 * this thread loads the subgraphs and the gateway; run directly
 * (`tsx scripts/start.ts`, as the tests do) it opens them itself, beside the
 * same loading. Either way a warm start only checks the databases
 * (scripts/databases.ts).
 */
import { performance } from 'node:perf_hooks';
import { ConfigError, DEFAULT_PORTS, DEV_ISSUER, SUBGRAPHS } from '../services/shared/src/env.ts';
import { earlyWorker } from './early.ts';
import { fromWorker, openStartDatabases, type StartDatabases } from './databases.ts';
import { AUDIENCE, developmentEnv, EMBEDDED_PG_PORT } from './local-state.ts';
import type { Stack } from './stack.ts';
import type { DevTokenSigner } from '../gateway/src/server.ts';
import { setupTelemetry, shutdownTelemetry } from '../services/shared/src/telemetry.ts';

// OpenTelemetry when OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_TRACES_EXPORTER=otlp) asks for it: one service for the five servers, `hub.service` says which
setupTelemetry('coordination-hub');
let stopServer: (() => Promise<void>) | undefined;
let stack: Stack | undefined;
let stopping = false;

async function shutdown(signal: string, code = 0) {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping the hub…`);
  try {
    // as each process stops in production: requests in flight finish within the grace, audit sealed, pools closed
    await stack?.stop(code === 0 ? stack.shutdownGraceSeconds * 1000 : 0);
    await shutdownTelemetry();
  } finally {
    await stopServer?.();
    console.log('Stopped.');
    process.exit(code);
  }
}
// Persistent handlers (not once): tsx, when it runs this script, decides from the listeners still
// present whether the child handled a signal, and would otherwise kill it mid-shutdown.
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
// A crash still stops PostgreSQL: no server is left running without its hub.
for (const event of ['uncaughtException', 'unhandledRejection'] as const) {
  process.on(event, (err) => {
    console.error('The hub stopped after an unexpected error:', err instanceof Error ? err.message : err);
    void shutdown('error', 1);
  });
}

try {
  const worker = earlyWorker();
  const onServer = (stop: () => Promise<void>) => (stopServer = stop);
  const opening = worker ? fromWorker(worker, onServer) : openStartDatabases(onServer);
  // kept from rejecting unhandled while the modules load; awaited below
  opening.catch(() => {});
  const [{ startStack }, { signToken }] = await Promise.all([import('./stack.ts'), import('../services/shared/src/issuer.ts')]);
  const databases: StartDatabases = await opening;
  const { state } = databases;
  const ports = Object.fromEntries((['gateway', ...SUBGRAPHS] as const).map((s) => [s, Number(process.env[`${s.toUpperCase()}_PORT`] ?? DEFAULT_PORTS[s])]));
  const env = developmentEnv(state);
  const devTokens: DevTokenSigner = (c) => signToken(state.issuer, { ...c, issuer: DEV_ISSUER, audience: AUDIENCE });
  stack = await startStack({ postgresUrl: databases.postgresUrl, databasePrefix: 'hub', env, ports, devTokens, prepare: false });
  // from the start of this Node process: module loading included
  const seconds = (performance.now() / 1000).toFixed(1);
  const embedded = databases.embeddedDataDir;
  console.log(`
Coordination hub ready in ${seconds} s (development mode${embedded ? `, embedded PostgreSQL on 127.0.0.1:${EMBEDDED_PG_PORT} with its data in ${embedded}` : ''}${databases.seeded ? ', demo data seeded' : ''}).

  Gateway    ${stack.gatewayUrl}
  Subgraphs  ${SUBGRAPHS.map((s) => `${s} ${stack!.subgraphUrls[s]}`).join('\n             ')} (gateway-signed requests only)

  A token for a demo caller (see README, "Demo callers"):
    TOKEN=$(npm run --silent token -- --org municipality:1980 --roles CASEWORKER)
    curl -s ${stack.gatewayUrl} -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' \\
      -d '{"query":"{ me { name organisation { name } roles } }"}'

Press Ctrl-C to stop.`);
} catch (err) {
  if (err instanceof ConfigError || (err as { plain?: boolean }).plain) console.error((err as Error).message);
  else console.error('The hub could not start:', err instanceof Error ? err.message : err);
  await shutdown('error', 1);
}
