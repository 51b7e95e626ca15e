/**
 * `npm run bench:indicators`: how long a council's indicators take at the
 * size of a large county (the dashboard's speed target: under a second for a regional
 * council over a year). On a hub of its own, started as the tests start one
 * (tests/setup/hub-server.ts: embedded PostgreSQL in a temporary directory,
 * or the server BENCH_POSTGRES_URL or HUB_POSTGRES_URL names, in databases
 * of its own that are dropped afterwards) it runs the
 * large seed (`scripts/seed-large.ts`, scale 1 or BENCH_SCALE), then asks the
 * gateway over HTTP, as a COUNCIL_MEMBER of municipality:0180, for
 * `council { indicators(from, to) { <every section the supergraph offers> } }`:
 * warm-up runs, then timed runs one at a time (1 connection), then as many
 * requests as 10 concurrent connections complete in BENCH_SECONDS (default 10),
 * for the regional and the local council, each over the year and over the
 * last quarter (whole calendar months, as every period is). It prints the
 * median, 95th percentile and maximum latency at 1 connection, the requests
 * per second at 10, the SQL statements each subgraph ran (the gateway's
 * development extension), and the rows seeded. Then each section's domain function alone, called in
 * this process against the bench's databases (BENCH_RUNS times a row, after the warm-up), for the
 * time the subgraph's statements and JavaScript take apart from the gateway and HTTP, and the rows
 * each statement's plan reads from each table or index (`explain analyze`): the counts kept on write
 * are read by a range on their key. No assertion on time: it reports.
 *
 * A short check: BENCH_SCALE=0.2 BENCH_RUNS=5 BENCH_SECONDS=2 npm run bench:indicators
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { SUBGRAPHS } from '../services/shared/src/env.ts';
import { addDays } from '../services/shared/src/time.ts';
import { seedLarge } from '../scripts/seed-large.ts';
import { startStandaloneHub } from '../tests/setup/hub-server.ts';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import type { SubgraphName } from '../services/shared/src/env.ts';
import { organisation } from '../services/shared/src/directory.ts';
import { clinicsSection } from '../services/clinics/src/domain/indicators.ts';
import { municipalitySection } from '../services/municipality/src/domain/indicators.ts';
import { probationSection } from '../services/probation/src/domain/indicators.ts';
import { psychiatrySection } from '../services/psychiatry/src/domain/indicators.ts';

/** The seeded year ends here; the requests' clock is that evening, so some referrals are still waiting. */
const UNTIL = '2026-06-30';
const CLOCK = `${UNTIL}T18:00:00+02:00`;
const YEAR = { from: addDays(UNTIL, -364), to: UNTIL };
const QUARTER = { from: '2026-04-01', to: UNTIL };
const WARMUP = 3;
const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = 10;
const SCALE = Number(process.env.BENCH_SCALE ?? 1);

/** The indicator sections of IndicatorReport in the composed supergraph: whichever subgraphs offer one. */
function sections(): string[] {
  const supergraph = readFileSync(new URL('../schema/supergraph.graphql', import.meta.url), 'utf8');
  const body = /type IndicatorReport\b[^{]*\{([\s\S]*?)\n\}/.exec(supergraph)?.[1] ?? '';
  return [...body.matchAll(/^\s+(\w+): \[Indicator!\]!/gm)].map((m) => m[1]!);
}

const stack = await startStandaloneHub(process.env.BENCH_POSTGRES_URL ?? process.env.HUB_POSTGRES_URL, 'bench');
const { env } = stack;
const token = await stack.token({ org: 'municipality:0180', roles: ['COUNCIL_MEMBER'], name: 'Bench Council Member' });

const parts = sections();
const QUERY = `query($c: ID!, $from: Date!, $to: Date!) { council(id: $c) { id indicators(from: $from, to: $to) {
  ${parts.map((s) => `${s} { key value numerator denominator suppressed byGender { group value numerator denominator suppressed } }`).join('\n  ')} } } }`;

type Statements = Record<string, { sqlStatements?: number } & Record<string, unknown>>;
async function indicators(councilId: string, period: { from: string; to: string }) {
  const t0 = performance.now();
  const res = await fetch(stack.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-hub-clock': CLOCK },
    body: JSON.stringify({ query: QUERY, variables: { c: councilId, ...period } }),
  });
  const body = (await res.json()) as { data?: any; errors?: unknown[]; extensions?: { hub?: { subgraphs?: Statements } } };
  const ms = performance.now() - t0;
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return { ms, data: body.data, subgraphs: body.extensions?.hub?.subgraphs ?? {} };
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

try {
  const t0 = performance.now();
  const { counts, people } = await seedLarge(stack.databaseUrls, { personIdSecret: env.HUB_PERSON_ID_SECRET!, scale: SCALE, until: UNTIL });
  const seedSeconds = (performance.now() - t0) / 1000;
  console.log(
    `Large seed, scale ${SCALE}, year ${YEAR.from}..${YEAR.to}: ${people.pool} people in the pool (${((100 * people.men) / people.pool).toFixed(1)} % men), ${people.withRecords} with records; written in ${seedSeconds.toFixed(1)} s\n`,
  );
  console.log('table                                        rows');
  for (const [table, n] of Object.entries(counts)) console.log(`${table.padEnd(40)} ${String(n).padStart(8)}`);

  console.log(`\nCouncil indicators through the gateway (sections: ${parts.join(', ')}), as a council member of municipality:0180, clock ${CLOCK}`);
  console.log(`${WARMUP} warm-up runs, then ${RUNS} timed runs per row\n`);
  const cases = [
    { council: 'council:regional-01', label: 'year', period: YEAR },
    { council: 'council:regional-01', label: 'quarter', period: QUARTER },
    { council: 'council:local-0180', label: 'year', period: YEAR },
    { council: 'council:local-0180', label: 'quarter', period: QUARTER },
  ];
  const head = `council              period                   median ms  p95 ms  max ms  RPS@${CONNECTIONS}  SQL statements per subgraph`;
  console.log(head);
  console.log('-'.repeat(head.length + 20));
  let regionalYear: any;
  for (const c of cases) {
    for (let i = 0; i < WARMUP; i++) await indicators(c.council, c.period);
    const times: number[] = [];
    let last: Awaited<ReturnType<typeof indicators>> | undefined;
    for (let i = 0; i < RUNS; i++) {
      last = await indicators(c.council, c.period);
      times.push(last.ms);
    }
    times.sort((a, b) => a - b);
    if (c === cases[0]) regionalYear = last!.data;
    // 10 connections, each asking again as soon as its answer arrives, for SECONDS (bounded in time).
    let done = 0;
    const until = performance.now() + SECONDS * 1000;
    const t1 = performance.now();
    await Promise.all(
      [...Array(CONNECTIONS)].map(async () => {
        while (performance.now() < until) {
          await indicators(c.council, c.period);
          done++;
        }
      }),
    );
    const rps = done / ((performance.now() - t1) / 1000);
    const statements = SUBGRAPHS.filter((s) => last!.subgraphs[s])
      .map((s) => `${s} ${last!.subgraphs[s]!.sqlStatements ?? '?'}`)
      .join(', ');
    console.log(
      `${c.council.padEnd(20)} ${`${c.label} ${c.period.from}..${c.period.to.slice(5)}`.padEnd(24)} ${pct(times, 50).toFixed(0).padStart(9)}  ${pct(times, 95).toFixed(0).padStart(6)}  ${times[times.length - 1]!.toFixed(0).padStart(6)}  ${rps.toFixed(1).padStart(6)}  ${statements}`,
    );
  }

  // Each section alone, in this process: its statements and JavaScript, without the gateway or HTTP.
  const SECTIONS: Record<SubgraphName, (ctx: never, r: never) => Promise<unknown>> = {
    municipality: municipalitySection,
    psychiatry: psychiatrySection,
    probation: probationSection,
    clinics: clinicsSection,
  };
  const caller = { userId: 'bench', name: 'Bench Council Member', organisation: organisation('municipality:0180')!, roles: ['COUNCIL_MEMBER'] };
  console.log(`\nEach section alone, council:regional-01 (municipality 0180), in this process, ${RUNS} runs after ${WARMUP} warm-up: median / p95 ms`);
  console.log('and the rows each plan node reads (explain analyze): table or index, rows');
  for (const s of SUBGRAPHS) {
    const pool = postgres(stack.databaseUrls[s], { max: 4, onnotice: () => {} });
    try {
      const statements: Array<{ query: string; params: unknown[] }> = [];
      let logging = false;
      const db = drizzle({ client: pool, logger: { logQuery: (query, params) => void (logging && statements.push({ query, params })) } });
      const ctx = { db, caller, now: new Date(CLOCK) } as never;
      for (const c of [cases[0]!, cases[1]!]) {
        const r = { councilId: c.council, ...c.period, municipalityCodes: ['0180'], memberOrganisationIds: ['municipality:0180', 'psychiatry:01'] } as never;
        for (let i = 0; i < WARMUP; i++) await SECTIONS[s](ctx, r);
        const times: number[] = [];
        for (let i = 0; i < RUNS; i++) {
          const t = performance.now();
          await SECTIONS[s](ctx, r);
          times.push(performance.now() - t);
        }
        times.sort((a, b) => a - b);
        statements.length = 0;
        logging = true;
        await SECTIONS[s](ctx, r);
        logging = false;
        const reads: string[] = [];
        for (const st of statements) {
          const [row] = await pool.unsafe(`explain (analyze, format json) ${st.query}`, st.params as never[]);
          const walk = (n: any): void => {
            if (n['Relation Name'] || n['Index Name'])
              reads.push(
                `${n['Index Name'] ?? n['Relation Name']}${n['Node Type'].startsWith('Seq') ? ' (whole)' : ''} ${n['Actual Rows'] * (n['Actual Loops'] ?? 1)}`,
              );
            for (const child of n.Plans ?? []) walk(child);
          };
          walk((row as any)['QUERY PLAN'][0].Plan);
        }
        console.log(
          `  ${s.padEnd(13)} ${c.label.padEnd(8)} ${pct(times, 50).toFixed(1).padStart(6)} / ${pct(times, 95).toFixed(1).padStart(6)}   ${reads.join(', ')}`,
        );
      }
    } finally {
      await pool.end();
    }
  }

  // What the regional council sees for the year: the totals, to show the seed makes figures worth reading.
  console.log('\nRegional council 01, the year: a few totals');
  const report = regionalYear.council.indicators as Record<
    string,
    Array<{ key: string; value: number | null; numerator: number | null; denominator: number | null; suppressed: boolean }>
  >;
  for (const s of parts) {
    for (const i of report[s] ?? []) {
      const figure = i.suppressed
        ? 'suppressed'
        : i.denominator !== null && i.numerator !== null
          ? `${i.value} (${i.numerator}/${i.denominator})`
          : String(i.value);
      console.log(`  ${`${s}: ${i.key}`.padEnd(62)} ${figure}`);
    }
  }
} finally {
  await stack.close();
}
