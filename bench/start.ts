/**
 * `npm run bench:start`: how long `npm start` takes, from the spawn of `npm
 * start` to a gateway that answers `/health` with 200 and then a GraphQL
 * query (`{ me { userId } }`) with a development token. Wall clock, module
 * loading, npm and PostgreSQL included, as a user sees it.
 *
 * Each round runs in a temporary HUB_DIR with ports of its own (the gateway,
 * the four subgraphs and the embedded PostgreSQL), so nothing of a running
 * development installation is touched. The first start in a fresh HUB_DIR is
 * cold (keys, initdb, migrations, reference and demo data); the following
 * ones in the same HUB_DIR are warm (everything there already). After each
 * start the bench sends SIGTERM to the npm process and waits for it to exit
 * with 0 and leave no PostgreSQL behind, as a user's Ctrl-C would.
 *
 *   npm run bench:start [-- --cold 1 --warm 5 --root <checkout> --stop sigterm|ctrl-c --compare <checkout>]
 *
 * `--cold` fresh directories (default 1, at most 5), `--warm` warm starts in
 * the last of them (default 5, at most 20), `--root` another checkout to
 * start (to compare with main's code: a clone with node_modules beside it),
 * `--stop ctrl-c` SIGINT to the whole process group as a terminal's Ctrl-C
 * does, instead of SIGTERM to npm alone (which a checkout whose SIGTERM
 * stops at npm's shell needs). `--compare <checkout>` alternates every start
 * with one of that checkout (stopped with Ctrl-C), so that both meet the
 * same load, and prints the figures of each.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEV_ISSUER } from '../services/shared/src/env.ts';
import { signToken } from '../services/shared/src/issuer.ts';
import type { LocalState } from '../scripts/local-state.ts';

const { values } = parseArgs({
  options: {
    cold: { type: 'string', default: '1' },
    warm: { type: 'string', default: '5' },
    root: { type: 'string' },
    stop: { type: 'string', default: 'sigterm' },
    compare: { type: 'string' },
  },
});
/** sigterm: SIGTERM to the npm process only (it must reach the hub); ctrl-c: SIGINT to the whole process group, as a terminal does. */
const CTRL_C = values.stop === 'ctrl-c';
const COLD = Math.min(5, Math.max(1, Number(values.cold) || 1));
const WARM = Math.min(20, Math.max(0, Number(values.warm) || 0));
const ROOT = values.root ? resolve(values.root) : fileURLToPath(new URL('..', import.meta.url));
interface Target {
  root: string;
  ctrlC: boolean;
  cold: Round[];
  warm: Round[];
  hubDir: string;
  env: Record<string, string>;
}
const targets: Target[] = [{ root: ROOT, ctrlC: CTRL_C, cold: [], warm: [], hubDir: '', env: {} }];
// --compare <checkout>: the other checkout's starts alternate with these (stopped with Ctrl-C), so both see the same load
if (values.compare) targets.push({ root: resolve(values.compare), ctrlC: true, cold: [], warm: [], hubDir: '', env: {} });
/** Longest a start may take before the bench gives up on it. */
const START_LIMIT_MS = 120_000;

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => res(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((res) => (child.exitCode !== null || child.signalCode !== null ? res(child.exitCode) : child.once('exit', (code) => res(code))));
}

interface Round {
  health: number;
  query: number;
  readyIn: number | null;
}

async function startOnce({ root, ctrlC, hubDir, env }: Target): Promise<Round> {
  const gateway = `http://127.0.0.1:${env.GATEWAY_PORT}`;
  const t0 = performance.now();
  const child = spawn('npm', ['start'], { cwd: root, env: { ...process.env, ...env, HUB_DIR: hubDir }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let out = '';
  child.stdout.on('data', (d) => (out += String(d)));
  child.stderr.on('data', (d) => (out += String(d)));
  const fail = (why: string) => {
    child.kill('SIGKILL');
    throw new Error(`${why}\n${out}`);
  };
  let health = 0;
  while (!health) {
    if (child.exitCode !== null) fail(`npm start exited with ${child.exitCode} before /health answered`);
    if (performance.now() - t0 > START_LIMIT_MS) fail(`no /health within ${START_LIMIT_MS / 1000} s`);
    const ok = await fetch(`${gateway}/health`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) health = performance.now() - t0;
    else await sleep(20);
  }
  // The token needs the development issuer's keys, which the first start writes before anything else.
  const state = JSON.parse(readFileSync(join(hubDir, 'local.json'), 'utf8')) as LocalState;
  const token = await signToken(state.issuer, {
    org: 'municipality:1980',
    roles: ['CASEWORKER'],
    sub: 'bench',
    issuer: DEV_ISSUER,
    audience: 'coordination-hub',
  });
  let query = 0;
  while (!query) {
    if (performance.now() - t0 > START_LIMIT_MS) fail('no answer to the query');
    const body = await fetch(`${gateway}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: '{ me { userId } }' }),
    }).then(
      (r) => r.json() as Promise<{ data?: { me?: { userId?: string } } }>,
      () => null,
    );
    if (body?.data?.me?.userId === 'bench') query = performance.now() - t0;
    else if (body) fail(`unexpected answer: ${JSON.stringify(body)}`);
    else await sleep(20);
  }
  const readyIn = /ready in ([\d.]+) s/.exec(out);
  if (ctrlC) process.kill(-child.pid!, 'SIGINT');
  else child.kill('SIGTERM');
  const code = await Promise.race([exited(child), sleep(90_000).then(() => 'timeout' as const)]);
  if (!ctrlC && code !== 0) fail(`npm start did not stop cleanly on SIGTERM (${code})`);
  const pidFile = join(hubDir, 'pgdata', 'postmaster.pid');
  for (let i = 0; i < 300 && existsSync(pidFile); i++) await sleep(100);
  if (existsSync(pidFile)) fail('PostgreSQL was left running');
  return { health, query, readyIn: readyIn ? Number(readyIn[1]) * 1000 : null };
}

const dirs: string[] = [];
process.on('exit', () => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function freshEnv(): Promise<Record<string, string>> {
  const env: Record<string, string> = { HUB_EMBEDDED_PG_PORT: String(await freePort()), LOG_LEVEL: 'warn' };
  for (const s of ['GATEWAY', 'MUNICIPALITY', 'PSYCHIATRY', 'PROBATION', 'CLINICS']) env[`${s}_PORT`] = String(await freePort());
  return env;
}

for (let i = 0; i < COLD; i++) {
  for (const t of targets) {
    t.hubDir = mkdtempSync(join(tmpdir(), 'hub-bench-start-'));
    chmodSync(t.hubDir, 0o755); // as root: the postgres user must reach the data directory in it
    dirs.push(t.hubDir);
    t.env = await freshEnv();
    t.cold.push(await startOnce(t));
    process.stdout.write(`${t.root} cold ${i + 1}/${COLD}: /health ${(t.cold.at(-1)!.health / 1000).toFixed(2)} s\n`);
  }
}
for (let i = 0; i < WARM; i++) {
  // the order alternates too, so that neither always follows the other
  for (const t of i % 2 ? [...targets].reverse() : targets) {
    t.warm.push(await startOnce(t));
    process.stdout.write(`${t.root} warm ${i + 1}/${WARM}: /health ${(t.warm.at(-1)!.health / 1000).toFixed(2)} s\n`);
  }
}

function stats(xs: number[]): string {
  if (xs.length === 0) return '–';
  const s = [...xs].sort((a, b) => a - b);
  const median = s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
  const f = (ms: number) => (ms / 1000).toFixed(2);
  return `median ${f(median)} s, min ${f(s[0]!)} s, max ${f(s.at(-1)!)} s`;
}

for (const t of targets) {
  console.log(`\nnpm start in ${t.root} (Node ${process.version}), wall clock from spawn:`);
  for (const [name, rounds] of [
    ['cold', t.cold],
    ['warm', t.warm],
  ] as const) {
    if (rounds.length === 0) continue;
    console.log(`  ${name} (${rounds.length})`);
    console.log(`    /health 200        ${stats(rounds.map((r) => r.health))}`);
    console.log(`    GraphQL answered   ${stats(rounds.map((r) => r.query))}`);
    const ready = rounds.map((r) => r.readyIn).filter((r): r is number => r !== null);
    if (ready.length) console.log(`    its own "ready in" ${stats(ready)}`);
  }
}
