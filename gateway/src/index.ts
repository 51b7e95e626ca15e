/** Runs the gateway as its own process (docker-compose, production). */
import { readFileSync } from 'node:fs';
import { ConfigError, loadGatewayConfig } from '../../services/shared/src/env.ts';
import { createLogger } from '../../services/shared/src/logger.ts';
import { detachAdapterTerminateHandlers, stopOnSignals } from '../../services/shared/src/shutdown.ts';
import { setupTelemetry, shutdownTelemetry } from '../../services/shared/src/telemetry.ts';
import { startGateway } from './server.ts';

let config;
try {
  config = loadGatewayConfig();
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(`gateway: ${err.message}`);
    process.exit(78);
  }
  throw err;
}
setupTelemetry('gateway', { env: config.telemetry });
const supergraph = readFileSync(new URL('../../schema/supergraph.graphql', import.meta.url), 'utf8');
const running = await startGateway(config, supergraph, { host: config.host });
detachAdapterTerminateHandlers(running.runtime);
stopOnSignals(createLogger('gateway', config.logLevel), config.shutdownGraceSeconds, async (graceMs) => {
  await running.close(graceMs);
  await shutdownTelemetry();
});
