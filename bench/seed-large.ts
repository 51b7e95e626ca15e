/**
 * `npm run bench:seed-large`: how long `npm run seed:large` takes into empty
 * databases, and what it wrote. Each run gets four fresh databases on
 * BENCH_POSTGRES_URL (or HUB_POSTGRES_URL), migrated by the script itself;
 * the times are the script's own ("written in") and the wall clock of the
 * whole command. After the last run it prints, per table, the row count and
 * an md5 of all rows in order, so that two checkouts can be compared: the
 * same `--until` and person-id secret must give the same lines.
 *
 *   BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:seed-large -- [--runs 3 --scale 1 --root <checkout>]
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { SUBGRAPHS } from '../services/shared/src/env.ts';
import { dropDatabase, ensureDatabase, withDatabase } from '../services/shared/src/db.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' }, scale: { type: 'string', default: '1' }, root: { type: 'string' } } });
const RUNS = Math.min(10, Math.max(1, Number(values.runs) || 1));
const ROOT = values.root ? resolve(values.root) : fileURLToPath(new URL('..', import.meta.url));
const server = process.env.BENCH_POSTGRES_URL ?? process.env.HUB_POSTGRES_URL;
if (!server) {
  console.error('BENCH_POSTGRES_URL (or HUB_POSTGRES_URL): a server whose role may create databases');
  process.exit(2);
}
const UNTIL = '2026-06-30';
const SECRET = 'b'.repeat(48);
const prefix = `bench_seed_${process.pid}`;
const names = Object.fromEntries(SUBGRAPHS.map((s) => [s, `${prefix}_${s}`]));

const script: number[] = [];
const wall: number[] = [];
try {
  for (let run = 1; run <= RUNS; run++) {
    for (const s of SUBGRAPHS) {
      await dropDatabase(server, names[s]!);
      await ensureDatabase(server, names[s]!);
    }
    const env: NodeJS.ProcessEnv = { ...process.env, HUB_PERSON_ID_SECRET: SECRET };
    for (const s of SUBGRAPHS) env[`${s.toUpperCase()}_DATABASE_URL`] = withDatabase(server, names[s]!);
    const t0 = performance.now();
    const r = spawnSync('npm', ['run', '--silent', 'seed:large', '--', '--scale', values.scale, '--until', UNTIL], {
      cwd: ROOT,
      env,
      encoding: 'utf8',
      timeout: 600_000,
    });
    wall.push((performance.now() - t0) / 1000);
    const m = /written in ([\d.]+) s/.exec(r.stdout);
    if (r.status !== 0 || !m) throw new Error(`seed:large failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
    script.push(Number(m[1]));
    console.log(`run ${run}/${RUNS}: ${m[1]} s by the script, ${wall.at(-1)!.toFixed(1)} s wall`);
  }
  console.log('\nrows and md5 of every table after the last run:');
  for (const s of SUBGRAPHS) {
    const sql = postgres(withDatabase(server, names[s]!), { max: 1, onnotice: () => {} });
    try {
      const tables = await sql<Array<{ t: string }>>`select tablename as t from pg_tables where schemaname = 'public' and tablename <> 'seed_run' order by 1`;
      for (const { t } of tables) {
        const [row] = await sql.unsafe(`select count(*)::int as n, md5(coalesce(string_agg(x::text, '|' order by x::text), '')) as h from ${t} x`);
        console.log(`  ${`${s}.${t}`.padEnd(40)} ${String(row!.n).padStart(7)}  ${row!.h as string}`);
      }
    } finally {
      await sql.end();
    }
  }
  const f = (xs: number[]) => `${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)} s`;
  console.log(`\nseed:large --scale ${values.scale} in ${ROOT}, ${RUNS} runs: ${f(script)} by the script, ${f(wall)} wall`);
} finally {
  for (const s of SUBGRAPHS) await dropDatabase(server, names[s]!);
}
