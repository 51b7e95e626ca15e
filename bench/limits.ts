/**
 * `npm run bench:limits`: what the gateway's rate limits let through with their defaults
 * (HUB_RATE_LIMIT_*), on a hub of its own (tests/setup/hub-server.ts: embedded PostgreSQL in
 * a temporary directory, or BENCH_POSTGRES_URL). One client sends one request after another:
 * 300 as one caller, 100 with a forged token, 50 development token mints. Then two gateway
 * replicas, the client's requests alternating between them, 300 as one caller: each on its own,
 * then sharing their counts through a gateway database (HUB_GATEWAY_DATABASE_URL, a database
 * made for the run and dropped). Prints the statuses and the time each series took, and what a
 * rate-limit check costs in the process with and without shared counts.
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { loadGatewayConfig } from '../services/shared/src/env.ts';
import { dropDatabase, ensureDatabase, withDatabase } from '../services/shared/src/db.ts';
import { createLogger } from '../services/shared/src/logger.ts';
import { startGateway, type RunningGateway } from '../gateway/src/server.ts';
import { createRateLimiter } from '../gateway/src/rate-limit.ts';
import { postgresSharedCounts } from '../gateway/src/rate-limit-store.ts';
import { startStandaloneHub } from '../tests/setup/hub-server.ts';

const stack = await startStandaloneHub(process.env.BENCH_POSTGRES_URL, 'bench');
try {
  // The test environment turns the limits off; this gateway has the defaults.
  const { HUB_RATE_LIMIT_PER_MINUTE: _callers, HUB_RATE_LIMIT_ANON_PER_MINUTE: _anonymous, ...env } = stack.env;
  const urls = Object.fromEntries(Object.entries(stack.subgraphUrls).map(([k, v]) => [`${k.toUpperCase()}_URL`, v]));
  const config = loadGatewayConfig({ ...env, GATEWAY_PORT: '0', ...urls });
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

    // Two replicas, one caller's requests alternating between them.
    const pair = async (extra: Record<string, string>): Promise<RunningGateway[]> =>
      Promise.all([0, 1].map(() => startGateway(loadGatewayConfig({ ...env, ...urls, GATEWAY_PORT: '0', ...extra }), supergraph)));
    const alternating = (label: string, replicas: RunningGateway[]) => {
      let i = 0;
      return series(label, 300, () => fetch(replicas[i++ % 2]!.url, { method: 'POST', headers: { ...json, authorization: `Bearer ${token}` }, body }));
    };
    const apart = await pair({});
    try {
      await alternating('two replicas, each on its own', apart);
    } finally {
      await Promise.all(apart.map((g) => g.close()));
    }
    const name = `hub_bench_gateway_limits_${process.pid}`;
    await ensureDatabase(stack.postgresUrl, name);
    try {
      const databaseUrl = withDatabase(stack.postgresUrl, name);
      const shared = await pair({ HUB_GATEWAY_DATABASE_URL: databaseUrl });
      try {
        await alternating(`two replicas sharing (sync ${config.rateLimit.shared?.syncMs ?? 500} ms)`, shared);
      } finally {
        await Promise.all(shared.map((g) => g.close()));
      }
      // The check itself, in the process: a million admitted requests over 1000 callers.
      const log = createLogger('bench', 'silent');
      const limits = { ...config.rateLimit, perMinute: 1_000_000_000, burst: 1_000_000_000 };
      const plain = createRateLimiter(limits);
      const counted = createRateLimiter(limits, (charge) => postgresSharedCounts({ databaseUrl, syncMs: 5000, secret: config.gatewaySecret, charge, log }));
      const callers = Array.from({ length: 1000 }, (_, i) => ({ organisation: { id: 'municipality:1980' }, userId: `bench-${i}` }) as never);
      const request = new Request('http://gateway/graphql');
      const perCheck = (limiter: typeof plain) => {
        const start = performance.now();
        for (let i = 0; i < 1_000_000; i++) limiter.check(request, undefined, callers[i % 1000]!);
        return ((performance.now() - start) * 1000) / 1_000_000;
      };
      perCheck(plain);
      perCheck(counted);
      console.log(
        `a rate-limit check: ${perCheck(plain).toFixed(3)} µs alone, ${perCheck(counted).toFixed(3)} µs counted for sharing (no database round trip)`,
      );
      await counted.shared?.close();
    } finally {
      await dropDatabase(stack.postgresUrl, name);
    }
  } finally {
    await gateway.close();
  }
} finally {
  await stack.close();
}
