/**
 * `npm run bench:inbox`: what the coordinator's inbox costs for 5, 50 and 500
 * referrals, through the gateway on a hub of its own, started as the tests
 * start one (tests/setup/hub-server.ts: embedded PostgreSQL in a temporary
 * directory, or BENCH_POSTGRES_URL). For each size: the SQL
 * statements the psychiatry subgraph ran per page and in all, and the
 * latency of listing them all (median and 95th percentile of 20 runs).
 * Each referral is listed with its person, ward (a fifth have a place
 * offered) and timeline, as the inbox shows it. Then single pages of 25, 50,
 * 100 and 200 of the 500, interleaved round by round (BENCH_RUNS rounds,
 * default 30), with each size's median against that of 50: a page of 100
 * should cost less than twice a page of 50. Last, the page of 50 under load: closed-loop clients at
 * 1 and at 10 connections for BENCH_SECONDS (default 10) each, with requests per second, p50 and
 * the Node process's CPU ms per request (the client runs in the same process as the hub).
 */
import { randomInt } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import postgres from 'postgres';
import { checkDigit } from '../services/shared/src/personnummer.ts';
import type { Role } from '../services/shared/src/caller.ts';
import { startStandaloneHub } from '../tests/setup/hub-server.ts';
import { closedLoop, loadAverage } from './closed-loop.ts';

const SIZES = [5, 50, 500];

const RUNS = 20;
const PAGE = 200;
/** single pages of these sizes, asked of the largest person's referrals */
const PAGE_SIZES = [25, 50, 100, 200];
const PAGE_RUNS = Number(process.env.BENCH_RUNS ?? 30);
const WARMUP = 3;
const LOAD_SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const LOAD_LEVELS = [1, 10];
let biggest = '';

const stack = await startStandaloneHub(process.env.BENCH_POSTGRES_URL, 'bench');

const token = (org: string, role: Role) => stack.token({ org, roles: [role], name: `Bench ${role}` });
const tokens = {
  caseworker: await token('municipality:1980', 'CASEWORKER'),
  coordinator: await token('psychiatry:19', 'COORDINATOR'),
  physician: await token('psychiatry:19', 'CHIEF_PHYSICIAN'),
};

async function gql(query: string, variables: Record<string, unknown>, as: keyof typeof tokens, clock?: string) {
  const res = await fetch(stack.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[as]}`, ...(clock ? { 'x-hub-clock': clock } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: any; errors?: unknown[]; extensions?: any };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body;
}

function personnummer(): string {
  const nine = `${50 + randomInt(45)}${String(1 + randomInt(12)).padStart(2, '0')}${String(1 + randomInt(28)).padStart(2, '0')}${String(randomInt(1000)).padStart(3, '0')}`;
  return `19${nine}${checkDigit(nine)}`;
}

const wardId = 'bench-ward';
{
  const sql = postgres(stack.databaseUrls.psychiatry, { max: 1, onnotice: () => {} });
  await sql`insert into ward (id, organisation_id, name, places) values (${wardId}, 'psychiatry:19', 'Benchmark ward', 1000)`;
  await sql.end();
}

const SUBMIT = `mutation($input: WithdrawalReferralInput!, $newCycleOf: ID) { submitWithdrawalReferral(input: $input, newCycleOf: $newCycleOf) { id } }`;
async function seed(n: number): Promise<string> {
  const pnr = personnummer();
  const ids: string[] = [];
  // one person's requests from one municipality: each after the first is knowingly sent beside it (newCycleOf)
  for (let i = 0; i < n; i += i === 0 ? 1 : 25) {
    const batch = await Promise.all(
      Array.from({ length: i === 0 ? 1 : Math.min(25, n - i) }, () =>
        gql(
          SUBMIT,
          {
            newCycleOf: ids[0] ?? null,
            input: {
              personnummer: pnr,
              name: 'Bench Person',
              substances: ['ALCOHOL'],
              currentProblems: 'Abstinens.',
              postTreatmentPlan: 'Öppenvård.',
              caseworker: { name: 'Bench', phone: '021-39 00 00', email: 'bench@example.se' },
              individualConsents: true,
            },
          },
          'caseworker',
          '2026-06-01T10:00:00+02:00',
        ).then((r) => r.data.submitWithdrawalReferral.id as string),
      ),
    );
    ids.push(...batch);
  }
  const offered = ids.filter((_, i) => i % 5 === 0);
  for (let i = 0; i < offered.length; i += 25) {
    await Promise.all(
      offered.slice(i, i + 25).map(async (id) => {
        await gql(
          'mutation($id: ID!) { bookAssessmentMeeting(referralId: $id, at: "2026-06-02T09:00:00+02:00") { id } }',
          { id },
          'coordinator',
          '2026-06-01T12:00:00+02:00',
        );
        await gql(
          'mutation($id: ID!) { recordTreatmentDecision(referralId: $id, needed: true, setting: INPATIENT) { id } }',
          { id },
          'physician',
          '2026-06-02T10:00:00+02:00',
        );
        await gql(
          'mutation($id: ID!, $w: ID!) { offerPlace(referralId: $id, wardId: $w, startDate: "2026-06-05") { id } }',
          { id, w: wardId },
          'coordinator',
          '2026-06-02T11:00:00+02:00',
        );
      }),
    );
  }
  const found = await gql('query($p: String!) { findPerson(personnummer: $p) { id } }', { p: pnr }, 'coordinator');
  return found.data.findPerson.id as string;
}

const INBOX = `query($p: ID!, $first: Int, $after: String) { withdrawalReferrals(personId: $p, first: $first, after: $after) {
  totalCount pageInfo { endCursor hasNextPage }
  nodes { id status overdue assessmentDueBy name person { id } referringOrganisation { name } placeOffer { lapsesOn ward { id name occupied free } } events { kind by at } } } }`;

async function listAll(personId: string) {
  let after: string | null = null;
  const perPage: number[] = [];
  let nodes = 0;
  for (;;) {
    const body = await gql(INBOX, { p: personId, first: PAGE, after }, 'coordinator', '2026-06-03T10:00:00+02:00');
    perPage.push(body.extensions.hub.subgraphs.psychiatry.sqlStatements as number);
    const page = body.data.withdrawalReferrals;
    nodes += page.nodes.length;
    if (!page.pageInfo.hasNextPage) break;
    after = page.pageInfo.endCursor;
  }
  return { perPage, nodes };
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

try {
  console.log(`Coordinator's inbox through the gateway, page size ${PAGE}, ${RUNS} runs per size\n`);
  console.log('referrals  pages  statements/page  statements total  p50 ms  p95 ms');
  for (const n of SIZES) {
    const personId = await seed(n);
    const first = await listAll(personId);
    if (first.nodes !== n) throw new Error(`listed ${first.nodes} of ${n}`);
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      await listAll(personId);
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    const total = first.perPage.reduce((a, b) => a + b, 0);
    console.log(
      `${String(n).padStart(9)}  ${String(first.perPage.length).padStart(5)}  ${first.perPage.join(', ').padStart(15)}  ${String(total).padStart(16)}  ${pct(times, 50).toFixed(1).padStart(6)}  ${pct(times, 95).toFixed(1).padStart(6)}`,
    );
    if (n === Math.max(...SIZES)) biggest = personId;
  }

  // One page of each size, interleaved (each round asks every size once, in turn), so a change in the
  // machine's load falls on all sizes alike: what a row costs as the page grows.
  console.log(`\nOne page of the ${Math.max(...SIZES)} referrals, ${PAGE_RUNS} rounds (interleaved), after ${WARMUP} warm-up rounds\n`);
  console.log('page size  p50 ms  p95 ms  p50 ÷ p50 of 50');
  const bySize = new Map<number, number[]>(PAGE_SIZES.map((s) => [s, []]));
  for (let round = 0; round < WARMUP + PAGE_RUNS; round++)
    for (const size of PAGE_SIZES) {
      const t0 = performance.now();
      const body = await gql(INBOX, { p: biggest, first: size, after: null }, 'coordinator', '2026-06-03T10:00:00+02:00');
      if (body.data.withdrawalReferrals.nodes.length !== size) throw new Error(`a page of ${size} had ${body.data.withdrawalReferrals.nodes.length}`);
      if (round >= WARMUP) bySize.get(size)!.push(performance.now() - t0);
    }
  const p50of = (size: number) =>
    pct(
      [...bySize.get(size)!].sort((a, b) => a - b),
      50,
    );
  for (const size of PAGE_SIZES) {
    const sorted = [...bySize.get(size)!].sort((a, b) => a - b);
    console.log(
      `${String(size).padStart(9)}  ${pct(sorted, 50).toFixed(1).padStart(6)}  ${pct(sorted, 95).toFixed(1).padStart(6)}  ${(p50of(size) / p50of(50)).toFixed(2).padStart(15)}`,
    );
  }

  console.log(`\nThe page of 50 under load, ${LOAD_SECONDS} s per level\n`);
  console.log('connections  req/s  p50 ms  Node CPU ms/request  load average');
  for (const n of LOAD_LEVELS) {
    const { times, elapsed, cpuMsPerCall } = await closedLoop(n, LOAD_SECONDS, async () => {
      const body = await gql(INBOX, { p: biggest, first: 50, after: null }, 'coordinator', '2026-06-03T10:00:00+02:00');
      if (body.data.withdrawalReferrals.nodes.length !== 50) throw new Error(`a page of 50 had ${body.data.withdrawalReferrals.nodes.length}`);
    });
    console.log(
      `${String(n).padStart(11)}  ${(times.length / elapsed).toFixed(1).padStart(5)}  ${pct(times, 50).toFixed(1).padStart(6)}  ${cpuMsPerCall.toFixed(2).padStart(19)}  ${loadAverage().padStart(12)}`,
    );
  }
} finally {
  await stack.close();
}
