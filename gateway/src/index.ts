/** Runs the gateway as its own process (docker-compose, production). */
import { readFileSync } from 'node:fs';
import { ConfigError, loadGatewayConfig } from '../../services/shared/src/env.ts';
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
const supergraph = readFileSync(new URL('../../schema/supergraph.graphql', import.meta.url), 'utf8');
const running = await startGateway(config, supergraph, { host: config.host });
let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    void running.close().then(() => process.exit(0));
  });
}
