/**
 * Two replicas of the psychiatry subgraph over the test hub's one database, behind a round-robin
 * proxy (as behind a Kubernetes Service), and a gateway of their own that reaches psychiatry only
 * through the proxy (tests/platform/replicas.test.ts, tests/live/replicas.test.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadGatewayConfig, loadSubgraphConfig, SUBGRAPHS } from '../../services/shared/src/env.ts';
import { startSubgraph, type RunningSubgraph } from '../../services/shared/src/subgraph.ts';
import { startGateway, type RunningGateway } from '../../gateway/src/server.ts';
import { psychiatry } from '../../services/psychiatry/src/server.ts';
import { hub } from './hub.ts';
import { ROOT } from './processes.ts';
import { roundRobin, type RoundRobin } from './round-robin.ts';

export interface PsychiatryReplicas {
  a: RunningSubgraph;
  b: RunningSubgraph;
  proxy: RoundRobin;
  gateway: RunningGateway;
  close: () => Promise<void>;
}

export async function psychiatryReplicas(): Promise<PsychiatryReplicas> {
  const h = hub();
  const config = loadSubgraphConfig('psychiatry', { ...h.env, PSYCHIATRY_DATABASE_URL: h.databaseUrls.psychiatry, PSYCHIATRY_PORT: '0' });
  const a = await startSubgraph(psychiatry.definition, config);
  const b = await startSubgraph(psychiatry.definition, config);
  const proxy = await roundRobin([a.url, b.url]);
  const gatewayConfig = loadGatewayConfig({
    ...h.env,
    GATEWAY_PORT: '0',
    ...Object.fromEntries(SUBGRAPHS.map((s) => [`${s.toUpperCase()}_URL`, s === 'psychiatry' ? proxy.url : h.subgraphUrls[s]])),
  });
  const gateway = await startGateway(gatewayConfig, readFileSync(join(ROOT, 'schema/supergraph.graphql'), 'utf8'));
  return {
    a,
    b,
    proxy,
    gateway,
    close: async () => {
      await gateway.close();
      await proxy.close();
      await Promise.all([a.close(), b.close()]);
    },
  };
}
