/**
 * `npm run bench:limits`: what the gateway's rate limits let through with their defaults
 * (HUB_RATE_LIMIT_*), on a hub of its own (tests/setup/hub-server.ts: embedded PostgreSQL in
 * a temporary directory, or BENCH_POSTGRES_URL). One client sends one request after another:
 * 300 as one caller, 100 with a forged token, 50 development token mints. Prints the statuses
 * and the time each series took.
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { loadGatewayConfig } from '../services/shared/src/env.ts';
import { startGateway } from '../gateway/src/server.ts';
import { startStandaloneHub } from '../tests/setup/hub-server.ts';

const stack = await startStandaloneHub(process.env.BENCH_POSTGRES_URL, 'bench');
try {
  // The test environment turns the limits off; this gateway has the defaults.
  const { HUB_RATE_LIMIT_PER_MINUTE: _callers, HUB_RATE_LIMIT_ANON_PER_MINUTE: _anonymous, ...env } = stack.env;
  const config = loadGatewayConfig({
    ...env,
    GATEWAY_PORT: '0',
    ...Object.fromEntries(Object.entries(stack.subgraphUrls).map(([k, v]) => [`${k.toUpperCase()}_URL`, v])),
  });
  const supergraph = readFileSync(new URL('../schema/supergraph.graphql', import.meta.url), 'utf8');
  const gateway = await startGateway(config, supergraph, { devTokens: () => Promise.resolve('a-development-token') });
  try {
    const token = await stack.token({ org: 'municipality:1980', roles: ['CASEWORKER'], name: 'Bench caseworker' });
    const body = JSON.stringify({ query: '{ me { organisation { id } } }' });
    const json = { 'content-type': 'application/json' };
    const series = async (label: string, n: number, send: () => Promise<Response>) => {
      const statuses: Record<number, number> = {};
      const start = performance.now();
      for (let i = 0; i < n; i++) {
        const res = await send();
        await res.arrayBuffer();
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
      }
      const seconds = ((performance.now() - start) / 1000).toFixed(1);
      const counts = Object.entries(statuses)
        .map(([status, count]) => `${count} × ${status}`)
        .join(', ');
      console.log(`${label.padEnd(34)} ${String(n).padStart(4)} in ${seconds.padStart(4)} s: ${counts}`);
    };
    console.log(
      `limits: ${config.rateLimit.perMinute}/min (burst ${config.rateLimit.burst}) per caller, ${config.rateLimit.anonPerMinute}/min (burst ${config.rateLimit.anonBurst}) per address`,
    );
    await series('one caller', 300, () => fetch(gateway.url, { method: 'POST', headers: { ...json, authorization: `Bearer ${token}` }, body }));
    await series('a forged token', 100, () => fetch(gateway.url, { method: 'POST', headers: { ...json, authorization: 'Bearer forged.token.x' }, body }));
    await series('development token mints', 50, () =>
      fetch(gateway.url.replace(/\/graphql$/, '/dashboard/dev-token'), { method: 'POST', headers: json, body: JSON.stringify({ org: 'municipality:1980' }) }),
    );
  } finally {
    await gateway.close();
  }
} finally {
  await stack.close();
}
