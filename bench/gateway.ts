/**
 * `npm run bench:gateway`: what the gateway costs. Starts the four subgraphs once over the demo
 * data (embedded PostgreSQL in a temporary directory, or BENCH_POSTGRES_URL), then sends the
 * canonical operations (tests/helpers/canonical.ts) through
 *
 * - the hub's gateway (Hive Gateway, Rust query planner),
 * - Hive Gateway with its JavaScript planner,
 * - Apollo's gateway (@apollo/gateway, a development dependency), and
 * - a direct signed call to the operation's root subgraph, asking only the part that subgraph
 *   answers alone (the floor under any gateway),
 *
 * interleaved (each round sends every operation once to each target, in a shuffled order) so
 * that drift in the machine hits all targets alike. One request at a time, 127.0.0.1 only;
 * bounded by BENCH_ROUNDS (default 150) and BENCH_SECONDS (default 120). Prints, per operation
 * and target, requests per second, p50/p95/p99 latency, the ratio to the direct call, and the
 * CPU time of this process per request (client, gateway and subgraphs all run in it, one request
 * at a time: a target's CPU time less the direct call's is what the gateway itself spent, a
 * figure steadier than latency on a shared machine).
 *
 * BENCH_TARGETS narrows the targets (comma-separated: hub, javascript, apollo; the direct call
 * is always sent), BENCH_OPERATIONS the operations (comma-separated words of their names, e.g.
 * `inbox`), for a quicker run or a profile (`node --cpu-prof --import tsx bench/gateway.ts`).
 */
import { mkdtempSync, readFileSync, rmSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { loadGatewayConfig } from '../services/shared/src/env.ts';
import { signRequest } from '../services/shared/src/signing.ts';
import { startEmbeddedPostgres, type EmbeddedServer } from '../scripts/embedded-postgres.ts';
import { startGateway } from '../gateway/src/server.ts';
import { startApolloGateway } from '../tests/helpers/apollo-gateway.ts';
import { startDemoHub, type CanonicalOperation } from '../tests/helpers/canonical.ts';
import { freePort } from '../tests/helpers/processes.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 150);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 120);
const WARMUP = 15;
const TARGET_KEYS = { hub: 'hub gateway (Hive, Rust planner)', javascript: 'Hive, JavaScript planner', apollo: 'Apollo gateway' } as const;
const wanted = (process.env.BENCH_TARGETS ?? 'hub,javascript,apollo').split(',').map((t) => t.trim());
const operationWords = (process.env.BENCH_OPERATIONS ?? '')
  .split(',')
  .map((w) => w.trim().toLowerCase())
  .filter(Boolean);

const tmp = mkdtempSync(join(tmpdir(), 'hub-bench-pg-'));
chmodSync(tmp, 0o755);
let embedded: EmbeddedServer | undefined;
let postgresUrl = process.env.BENCH_POSTGRES_URL;
if (!postgresUrl) {
  embedded = await startEmbeddedPostgres({ dataDir: join(tmp, 'data'), port: await freePort(), password: randomBytes(12).toString('hex') });
  postgresUrl = embedded.url;
}

const demo = await startDemoHub(postgresUrl, `hub_bench_gw_${Date.now().toString(36)}`);
const only127 = (url: string) => url.replace('//localhost:', '//127.0.0.1:');
const supergraph = readFileSync(new URL('../schema/supergraph.graphql', import.meta.url), 'utf8');
const config = loadGatewayConfig({
  ...demo.env,
  GATEWAY_PORT: '0',
  ...Object.fromEntries(Object.entries(demo.stack.subgraphUrls).map(([k, v]) => [`${k.toUpperCase()}_URL`, v])),
});
const javascript = wanted.includes('javascript') ? await startGateway(config, supergraph, { planner: 'javascript' }) : undefined;
const apollo = wanted.includes('apollo') ? await startApolloGateway(config, supergraph) : undefined;

type Target = (typeof TARGET_KEYS)[keyof typeof TARGET_KEYS] | 'direct subgraph';
const TARGETS: Target[] = [...Object.entries(TARGET_KEYS).flatMap(([k, t]) => (wanted.includes(k) ? [t] : [])), 'direct subgraph'];
const operations = demo.operations.filter((op) => operationWords.length === 0 || operationWords.some((w) => op.name.includes(w)));
const tokens = new Map<string, string>();
for (const op of operations) tokens.set(op.name, await demo.tokenFor(op.as));

/** What one request took: wall time and this process's CPU time (user + system), in ms. */
interface Sample {
  ms: number;
  cpuMs: number;
}

async function send(target: Target, op: CanonicalOperation): Promise<Sample> {
  const direct = target === 'direct subgraph';
  const body = JSON.stringify({ query: direct ? op.direct : op.query, variables: op.variables });
  const url = direct
    ? demo.stack.subgraphUrls[op.subgraph]
    : only127(target === 'Apollo gateway' ? apollo!.url : target === 'Hive, JavaScript planner' ? javascript!.url : demo.stack.gatewayUrl);
  const headers: Record<string, string> = { 'content-type': 'application/json', authorization: `Bearer ${tokens.get(op.name)}` };
  const cpu = process.cpuUsage();
  const started = performance.now();
  const res = await fetch(url, {
    method: 'POST',
    headers: direct
      ? {
          ...headers,
          ...signRequest(config.gatewaySecret, {
            method: 'POST',
            target: op.subgraph,
            path: new URL(url).pathname,
            body,
            authorization: headers.authorization,
          }),
        }
      : headers,
    body,
  });
  const answer = (await res.json()) as { errors?: unknown };
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  if (res.status !== 200 || answer.errors) throw new Error(`${target}, ${op.name}: ${res.status} ${JSON.stringify(answer.errors)}`);
  return { ms, cpuMs: (used.user + used.system) / 1000 };
}

const shuffled = <T>(xs: T[]) =>
  xs
    .map((x) => [Math.random(), x] as const)
    .sort((a, b) => a[0] - b[0])
    .map(([, x]) => x);
const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

try {
  for (let i = 0; i < WARMUP; i++) for (const op of operations) for (const t of TARGETS) await send(t, op);
  const samples = new Map<string, Sample[]>();
  const deadline = performance.now() + SECONDS * 1000;
  let rounds = 0;
  while (rounds < ROUNDS && performance.now() < deadline) {
    for (const op of shuffled(operations)) {
      for (const t of shuffled(TARGETS)) {
        const key = `${op.name}\u0000${t}`;
        (samples.get(key) ?? samples.set(key, []).get(key)!).push(await send(t, op));
      }
    }
    rounds++;
  }
  console.log(`\n${rounds} rounds (${WARMUP} warm-up rounds before), one request at a time, Node ${process.version}\n`);
  console.log(['operation', 'target', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'p50 ÷ direct', 'CPU ms/req', 'CPU − direct'].join(' | '));
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  for (const op of operations) {
    const direct = samples.get(`${op.name}\u0000direct subgraph`)!;
    const directP50 = quantile(
      direct.map((s) => s.ms).sort((a, b) => a - b),
      0.5,
    );
    const directCpu = mean(direct.map((s) => s.cpuMs));
    for (const t of TARGETS) {
      const taken = samples.get(`${op.name}\u0000${t}`)!;
      const xs = taken.map((s) => s.ms).sort((a, b) => a - b);
      const total = xs.reduce((a, b) => a + b, 0);
      const p50 = quantile(xs, 0.5);
      const cpu = mean(taken.map((s) => s.cpuMs));
      console.log(
        [
          op.name,
          t,
          (xs.length / (total / 1000)).toFixed(0),
          p50.toFixed(1),
          quantile(xs, 0.95).toFixed(1),
          quantile(xs, 0.99).toFixed(1),
          (p50 / directP50).toFixed(2),
          cpu.toFixed(2),
          (cpu - directCpu).toFixed(2),
        ].join(' | '),
      );
    }
  }
} finally {
  await apollo?.close();
  await javascript?.close();
  await demo.stop();
  await embedded?.stop();
  rmSync(tmp, { recursive: true, force: true });
}
