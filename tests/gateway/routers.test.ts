/**
 * The committed supergraph runs on other routers: Hive Gateway (the hub's gateway, with
 * the Rust query planner and with Hive's JavaScript one) and Apollo's gateway
 * (@apollo/gateway, a development dependency only) each serve it over the same signed
 * subgraphs, and the canonical operations get identical answers from all three.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadGatewayConfig } from '../../services/shared/src/env.ts';
import { startGateway, type RunningGateway } from '../../gateway/src/server.ts';
import { hub } from '../helpers/hub.ts';
import { startApolloGateway } from '../helpers/apollo-gateway.ts';
import { startDemoHub, type CanonicalOperation, type DemoHub } from '../helpers/canonical.ts';

let demo: DemoHub;
const routers: Record<string, { url: string; close: () => Promise<void> }> = {};

beforeAll(async () => {
  demo = await startDemoHub(hub().postgresUrl, `${hub().prefix}_routers`);
  const supergraph = readFileSync(new URL('../../schema/supergraph.graphql', import.meta.url), 'utf8');
  const urls = Object.fromEntries(Object.entries(demo.stack.subgraphUrls).map(([k, v]) => [`${k.toUpperCase()}_URL`, v]));
  const config = loadGatewayConfig({ ...demo.env, GATEWAY_PORT: '0', ...urls });
  routers['Hive Gateway, Rust planner (the hub’s)'] = { url: demo.stack.gatewayUrl, close: async () => {} };
  const javascript: RunningGateway = await startGateway(config, supergraph, { planner: 'javascript' });
  routers['Hive Gateway, JavaScript planner'] = javascript;
  routers['Apollo gateway'] = await startApolloGateway(config, supergraph);
});
afterAll(async () => {
  for (const r of Object.values(routers)) await r.close();
  await demo?.stop();
});

async function send(url: string, op: CanonicalOperation) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await demo.tokenFor(op.as)}` },
    body: JSON.stringify({ query: op.query, variables: op.variables }),
  });
  const body = (await res.json()) as { data?: unknown; errors?: unknown };
  return { status: res.status, data: body.data, errors: body.errors };
}

describe('the committed supergraph on three routers', () => {
  it.each(['coordinator inbox', 'probation caseload with plans', 'council indicators', 'joint care plan with its referral'])(
    '%s: the same answer from each',
    async (name) => {
      const op = demo.operations.find((o) => o.name === name)!;
      const answers = Object.fromEntries(await Promise.all(Object.entries(routers).map(async ([router, r]) => [router, await send(r.url, op)] as const)));
      const [first, ...others] = Object.values(answers);
      expect(first!.status).toBe(200);
      expect(first!.errors).toBeUndefined();
      // Something real came back, not an empty list or a null.
      expect(JSON.stringify(first!.data)).toMatch(/"id":"[^"]+"/);
      for (const other of others) expect(other).toEqual(first);
    },
  );
});
