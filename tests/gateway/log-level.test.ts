/**
 * Every LOG_LEVEL the configuration accepts starts a gateway that answers, `fatal` and `silent`
 * included (Hive's own logger reads LOG_LEVEL and knows neither).
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { loadGatewayConfig } from '../../services/shared/src/env.ts';
import { startGateway, type RunningGateway } from '../../gateway/src/server.ts';
import { hub, tokenFor } from '../helpers/hub.ts';

const supergraph = readFileSync(new URL('../../schema/supergraph.graphql', import.meta.url), 'utf8');
const before = process.env.LOG_LEVEL;
let running: RunningGateway | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
  if (before === undefined) delete process.env.LOG_LEVEL;
  else process.env.LOG_LEVEL = before;
});

describe('LOG_LEVEL', () => {
  it.each(['fatal', 'silent', 'error', 'debug'])('%s: the gateway starts and answers a query', async (level) => {
    process.env.LOG_LEVEL = level;
    const urls = Object.fromEntries(Object.entries(hub().subgraphUrls).map(([k, v]) => [`${k.toUpperCase()}_URL`, v]));
    const config = loadGatewayConfig({ ...hub().env, GATEWAY_PORT: '0', ...urls, LOG_LEVEL: level });
    expect(config.logLevel).toBe(level);
    running = await startGateway(config, supergraph);
    const token = await tokenFor({ org: 'municipality:1980', roles: ['CASEWORKER'] });
    const res = await fetch(running.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: '{ me { organisation { id } } }' }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { data?: unknown; errors?: unknown };
    expect(body.errors).toBeUndefined();
    expect(body.data).toEqual({ me: { organisation: { id: 'municipality:1980' } } });
  });
});
