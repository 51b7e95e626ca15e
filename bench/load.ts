/**
 * `npm run bench:load`: the hub under load. Closed-loop workers send the canonical operations
 * (tests/helpers/canonical.ts: coordinator inbox, probation caseload with plans, council
 * indicators for the twelve whole months up to this one) one operation at a time and then all
 * three mixed, at each concurrency level (`--connections 1,10`, the default), each level bounded
 * by BENCH_SECONDS (default 10) and BENCH_MAX_REQUESTS (default 5,000). Prints, per operation and
 * level: requests, requests per second, p50/p95/p99 latency, errors (a status other than 200, or
 * GraphQL errors, counted by the first error's code).
 *
 * Two modes:
 *
 * - default: a hub of its own over the demo data (embedded PostgreSQL in a temporary directory,
 *   or BENCH_POSTGRES_URL), with `--replicas N` (default 2) replicas of every subgraph, each
 *   subgraph's replicas behind a round-robin HTTP proxy (as behind a Kubernetes Service), and one
 *   gateway pointed at the proxies. Rate limits off (HUB_RATE_LIMIT_PER_MINUTE=0 and
 *   HUB_RATE_LIMIT_ANON_PER_MINUTE=0, as the tests' hub): the bench sends as one caller per role.
 *   Prints what each replica served. Every replica and the gateway is an OS process of its own,
 *   started as the Dockerfile starts it (`node --import tsx services/<name>/src/index.ts`,
 *   `gateway/src/index.ts`, NODE_ENV=production, HUB_MIGRATE_ON_START=false over the databases
 *   the bench migrated and seeded); the proxies and the load generator run in the bench's process.
 *   `--in-process` runs them all in the bench's one Node process instead (one event loop: the
 *   figures of before). Its databases are dropped at the end.
 * - `--gateway <url>` with `--token <jwt>` (every operation) or BENCH_TOKEN_COORDINATOR,
 *   BENCH_TOKEN_PROBATION_OFFICER, BENCH_TOKEN_COUNCIL_MEMBER: against a hub already running
 *   (`npm start`; tokens from `npm run token`). Its rate limits apply unless it was started
 *   with them off; refusals are counted as errors.
 *
 * 127.0.0.1 only in the default mode.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir, cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { LINKED_SUBGRAPHS, loadGatewayConfig, loadSubgraphConfig, SUBGRAPHS, witnessesOf, type SubgraphName } from '../services/shared/src/env.ts';
import { dropDatabase } from '../services/shared/src/db.ts';
import { startSubgraph, type RunningSubgraph } from '../services/shared/src/subgraph.ts';
import { stockholmDate } from '../services/shared/src/time.ts';
import { startEmbeddedPostgres, type EmbeddedServer } from '../scripts/embedded-postgres.ts';
import { MODULES } from '../scripts/stack.ts';
import { startGateway, type RunningGateway } from '../gateway/src/server.ts';
import { canonicalOperations, startDemoHub, type CanonicalOperation } from '../tests/helpers/canonical.ts';
import { exited, freePort, startCommand } from '../tests/helpers/processes.ts';
import { roundRobin } from '../tests/helpers/round-robin.ts';

const { values: args } = parseArgs({
  options: {
    replicas: { type: 'string', default: '2' },
    connections: { type: 'string', default: '1,10' },
    gateway: { type: 'string' },
    token: { type: 'string' },
    'in-process': { type: 'boolean', default: false },
  },
});
/** a wrong argument: said in one line, exit 2 (no stack) */
const usage = (message: string): never => {
  console.error(`bench:load: ${message}`);
  process.exit(2);
};
const REPLICAS = Number(args.replicas);
const IN_PROCESS = args['in-process'];
const LEVELS = args.connections.split(',').map(Number);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const MAX_REQUESTS = Number(process.env.BENCH_MAX_REQUESTS ?? 5000);
const WARMUP = 5;
if (!Number.isInteger(REPLICAS) || REPLICAS < 1) usage('--replicas must be a whole number, 1 or more');
if (LEVELS.some((c) => !Number.isInteger(c) || c < 1)) usage('--connections must be whole numbers, 1 or more, separated by commas');

const NAMES = ['coordinator inbox', 'probation caseload with plans', 'council indicators'];

interface Target {
  gatewayUrl: string;
  operations: CanonicalOperation[];
  tokens: Map<string, string>;
  /** per subgraph, what each replica served so far (own hub only) */
  served?: () => Record<SubgraphName, number[]>;
  describe: string;
  close: () => Promise<void>;
}

async function ownHub(): Promise<Target> {
  const tmp = mkdtempSync(join(tmpdir(), 'hub-bench-load-'));
  chmodSync(tmp, 0o755);
  let embedded: EmbeddedServer | undefined;
  let postgresUrl = process.env.BENCH_POSTGRES_URL;
  const prefix = `hub_bench_load_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const replicas: Partial<Record<SubgraphName, Array<{ url: string; close: () => Promise<void>; witness?: RunningSubgraph['witness'] }>>> = {};
  const proxies: Partial<Record<SubgraphName, Awaited<ReturnType<typeof roundRobin>>>> = {};
  let gateway: { url: string; close: () => Promise<void> } | undefined;
  const hubDir = join(tmp, 'hub-dir');
  const close = async () => {
    await gateway?.close();
    await Promise.all(Object.values(proxies).map((p) => p.close()));
    await Promise.all(Object.values(replicas).flatMap((rs) => rs.map((r) => r.close())));
    if (postgresUrl) for (const s of SUBGRAPHS) await dropDatabase(postgresUrl, `${prefix}_${s}`).catch(() => {});
    await embedded?.stop();
    rmSync(tmp, { recursive: true, force: true });
  };
  try {
    if (!postgresUrl) {
      embedded = await startEmbeddedPostgres({ dataDir: join(tmp, 'data'), port: await freePort(), password: randomBytes(12).toString('hex') });
      postgresUrl = embedded.url;
    }
    // The demo hub migrates and seeds the databases and gives tokens; its own one-replica stack
    // is stopped at once (its databases stay, dropped by close), and the replicas start over them.
    const demo = await startDemoHub(postgresUrl, prefix);
    await demo.stack.stop();
    const { env, operations } = demo;
    const tokens = new Map<string, string>();
    for (const op of operations) tokens.set(op.name, await demo.tokenFor(op.as));
    const start = async (name: SubgraphName) => {
      const upper = name.toUpperCase();
      const subgraphEnv = {
        ...env,
        [`${upper}_DATABASE_URL`]: demo.stack.databaseUrls[name],
        // a linking subgraph reaches the ones it links to through their proxies too
        ...Object.fromEntries(LINKED_SUBGRAPHS[name].map((s) => [`${s.toUpperCase()}_URL`, proxies[s]!.url])),
      };
      replicas[name] = [];
      for (let i = 0; i < REPLICAS; i++) {
        if (IN_PROCESS) {
          replicas[name].push(await startSubgraph(MODULES[name].definition, loadSubgraphConfig(name, { ...subgraphEnv, [`${upper}_PORT`]: '0' })));
        } else {
          const port = await freePort();
          replicas[name].push(
            await startProcess(
              `services/${name}/src/index.ts`,
              { ...subgraphEnv, [`${upper}_PORT`]: String(port), HUB_MIGRATE_ON_START: 'false', HUB_AUDIT_WITNESS_INTERVAL_MS: '0', HUB_DIR: hubDir },
              port,
            ),
          );
        }
      }
      proxies[name] = await roundRobin(replicas[name].map((r) => r.url));
    };
    const linking = SUBGRAPHS.filter((s) => LINKED_SUBGRAPHS[s].length > 0);
    for (const s of SUBGRAPHS.filter((s) => !linking.includes(s))) await start(s);
    for (const s of linking) await start(s);
    // every in-process replica's audit head goes to the other subgraphs, through their proxies (a
    // replica process learns its witnesses from the environment at start, before the later proxies
    // exist: those run with the witness off)
    for (const s of SUBGRAPHS) for (const r of replicas[s] ?? []) r.witness?.setWitnesses(Object.fromEntries(witnessesOf(s).map((o) => [o, proxies[o]!.url])));
    const gatewayEnv = { ...env, ...Object.fromEntries(SUBGRAPHS.map((s) => [`${s.toUpperCase()}_URL`, proxies[s]!.url])) };
    const config = loadGatewayConfig({ ...gatewayEnv, GATEWAY_PORT: '0' });
    if (config.rateLimit.perMinute !== 0 || config.rateLimit.anonPerMinute !== 0) throw new Error('the bench expects the rate limits off');
    if (IN_PROCESS) {
      const running: RunningGateway = await startGateway(config, readFileSync(new URL('../schema/supergraph.graphql', import.meta.url), 'utf8'));
      gateway = { url: running.url.replace('//localhost:', '//127.0.0.1:'), close: () => running.close() };
    } else {
      const port = await freePort();
      gateway = await startProcess('gateway/src/index.ts', { ...gatewayEnv, GATEWAY_PORT: String(port), HUB_DIR: hubDir }, port);
    }
    return {
      gatewayUrl: gateway.url,
      operations: operations.filter((op) => NAMES.includes(op.name)),
      tokens,
      served: () => Object.fromEntries(SUBGRAPHS.map((s) => [s, [...proxies[s]!.served]])) as Record<SubgraphName, number[]>,
      describe: `own hub over the demo data: ${REPLICAS} replica(s) of each subgraph behind a round-robin proxy, one gateway, rate limits off (HUB_RATE_LIMIT_PER_MINUTE=0, HUB_RATE_LIMIT_ANON_PER_MINUTE=0), ${
        IN_PROCESS
          ? 'all in this process (--in-process)'
          : `each replica and the gateway an OS process of its own (${SUBGRAPHS.length * REPLICAS + 1} processes; the proxies and the load generator in this one)`
      }`,
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

/**
 * An entry point as the Dockerfile runs it (`node --import tsx <entry>`, NODE_ENV=production),
 * on 127.0.0.1:`port`; resolves once its /health answers 200. Its output is kept for an error.
 */
async function startProcess(entry: string, env: Record<string, string>, port: number): Promise<{ url: string; close: () => Promise<void> }> {
  // LOG_LEVEL error, not the demo's silent: a replica that fails says why
  const { child, output } = startCommand(process.execPath, ['--import', 'tsx', entry], {
    NODE_ENV: 'production',
    ...env,
    LOG_LEVEL: 'error',
    HOST: '127.0.0.1',
    HUB_SHUTDOWN_GRACE_SECONDS: '0',
  });
  const base = `http://127.0.0.1:${port}`;
  const close = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited(child);
    }
  };
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`${entry} exited ${child.exitCode}:\n${output().slice(-4000)}`);
    const ok = await fetch(`${base}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return { url: `${base}/graphql`, close };
    if (i > 600) {
      await close();
      throw new Error(`${entry} did not answer /health within a minute:\n${output().slice(-4000)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

function runningHub(url: string): Target {
  // the plan id matters only to the joint-care-plan operation, which this bench does not send
  const operations = canonicalOperations('unused', stockholmDate(new Date())).filter((op) => NAMES.includes(op.name));
  const tokens = new Map<string, string>();
  for (const op of operations) {
    const token = process.env[`BENCH_TOKEN_${op.as.role}`] ?? args.token;
    if (!token) usage(`--token or BENCH_TOKEN_${op.as.role} is needed for "${op.name}" (a ${op.as.role} of ${op.as.org})`);
    tokens.set(op.name, token!);
  }
  return { gatewayUrl: url, operations, tokens, describe: `the hub at ${url}`, close: async () => {} };
}

interface Outcome {
  ms: number;
  bytes: number;
  /** undefined: a 200 without errors */
  error?: string;
}

async function send(target: Target, op: CanonicalOperation): Promise<Outcome> {
  const started = performance.now();
  try {
    const res = await fetch(target.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${target.tokens.get(op.name)}` },
      body: JSON.stringify({ query: op.query, variables: op.variables }),
    });
    const text = await res.text();
    const ms = performance.now() - started;
    const bytes = Buffer.byteLength(text);
    let code: string | undefined;
    try {
      const body = JSON.parse(text) as { errors?: Array<{ extensions?: { code?: string } }> };
      if (body.errors?.length) code = body.errors[0]?.extensions?.code ?? 'GRAPHQL_ERROR';
    } catch {
      code = 'NOT_JSON';
    }
    if (res.status !== 200) return { ms, bytes, error: `HTTP ${res.status}${code ? ` ${code}` : ''}` };
    return code ? { ms, bytes, error: code } : { ms, bytes };
  } catch {
    return { ms: performance.now() - started, bytes: 0, error: 'NO_RESPONSE' };
  }
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;

/** `connections` workers, each sending its next operation as soon as the last one answered, until the time or the count runs out. */
async function level(target: Target, ops: CanonicalOperation[], connections: number) {
  const latencies: number[] = [];
  const errors: Record<string, number> = {};
  let sent = 0;
  const started = performance.now();
  const deadline = started + SECONDS * 1000;
  const worker = async (w: number) => {
    for (let i = w; sent < MAX_REQUESTS && performance.now() < deadline; i++) {
      sent++;
      const outcome = await send(target, ops[i % ops.length]!);
      latencies.push(outcome.ms);
      if (outcome.error) errors[outcome.error] = (errors[outcome.error] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: connections }, (_, w) => worker(w)));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { requests: latencies.length, seconds, latencies, errors };
}

const diff = (after: Record<string, number[]>, before: Record<string, number[]>) =>
  Object.fromEntries(Object.entries(after).map(([s, xs]) => [s, xs.map((n, i) => n - (before[s]?.[i] ?? 0))]));

if (args.gateway !== undefined && !URL.canParse(args.gateway)) usage("--gateway must be the URL of a hub's GraphQL endpoint");
const target = args.gateway !== undefined ? runningHub(args.gateway) : await ownHub();
try {
  const answers = new Map<string, Outcome>();
  for (let i = 0; i < WARMUP; i++) for (const op of target.operations) answers.set(op.name, await send(target, op));
  console.log(`\n${target.describe}`);
  // what one answer is, so that a fast figure is not an empty or refused answer
  for (const [name, a] of answers) console.log(`${name}: ${a.bytes} bytes an answer${a.error ? `, ${a.error}` : ''}`);
  console.log(
    `Node ${process.version}, ${cpus().length} cores, load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')} at the start; ${SECONDS} s or ${MAX_REQUESTS} requests per operation and level, ${WARMUP} warm-up rounds\n`,
  );
  console.log(['operation', 'connections', 'requests', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'errors', 'served per replica'].join(' | '));
  const series: Array<[string, CanonicalOperation[]]> = [
    ...target.operations.map((op): [string, CanonicalOperation[]] => [op.name, [op]]),
    ['mixed', target.operations],
  ];
  for (const [name, ops] of series) {
    for (const connections of LEVELS) {
      const before = target.served?.();
      const r = await level(target, ops, connections);
      const after = target.served?.();
      const served =
        before && after
          ? Object.entries(diff(after, before))
              .filter(([, xs]) => xs.some((n) => n > 0))
              .map(([s, xs]) => `${s} ${xs.join('/')}`)
              .join(', ')
          : 'n/a';
      const errors = Object.entries(r.errors)
        .map(([code, n]) => `${n} ${code}`)
        .join(', ');
      console.log(
        [
          name,
          connections,
          r.requests,
          (r.requests / r.seconds).toFixed(1),
          quantile(r.latencies, 0.5).toFixed(1),
          quantile(r.latencies, 0.95).toFixed(1),
          quantile(r.latencies, 0.99).toFixed(1),
          errors || '0',
          served,
        ].join(' | '),
      );
    }
  }
  console.log(
    `\nload average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')} at the end`,
  );
} finally {
  await target.close();
}
