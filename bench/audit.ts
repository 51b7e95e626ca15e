/**
 * `npm run bench:audit`: what the audit trail costs a read. A hub of its own (embedded
 * PostgreSQL in a temporary directory, or BENCH_POSTGRES_URL), 16 referrals of one person;
 * then the coordinator's 16-row inbox page (every row logged as a read of that person),
 * called directly on the psychiatry subgraph (signed, as the gateway signs), for
 * BENCH_SECONDS (default 10) at 1 and at 10 connections. Prints reads per second and the
 * bytes of audit per read: the audit rows' own size (pg_column_size) and the growth of the
 * audit table with its indexes; then the audit rows of one read column by column, and the size
 * per row of the partition they went to and of each of its indexes.
 */
import { randomInt } from 'node:crypto';
import postgres from 'postgres';
import { checkDigit } from '../services/shared/src/personnummer.ts';
import { signRequest } from '../services/shared/src/signing.ts';
import type { Role } from '../services/shared/src/caller.ts';
import { startStandaloneHub } from '../tests/setup/hub-server.ts';
import { closedLoop, loadAverage } from './closed-loop.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const LEVELS = [1, 10];
const ROWS = 16;

const stack = await startStandaloneHub(process.env.BENCH_POSTGRES_URL, 'benchaudit');
const token = (org: string, role: Role) => stack.token({ org, roles: [role], name: `Bench ${role}` });
const caseworker = await token('municipality:1980', 'CASEWORKER');
const coordinator = await token('psychiatry:19', 'COORDINATOR');

async function viaGateway(query: string, variables: Record<string, unknown>, bearer: string) {
  const res = await fetch(stack.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: any; errors?: unknown[] };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

function personnummer(): string {
  const nine = `${50 + randomInt(45)}${String(1 + randomInt(12)).padStart(2, '0')}${String(1 + randomInt(28)).padStart(2, '0')}${String(randomInt(1000)).padStart(3, '0')}`;
  return `19${nine}${checkDigit(nine)}`;
}

const pnr = personnummer();
// one person's requests from one municipality: each after the first is knowingly sent beside it (newCycleOf)
let first: string | null = null;
for (let i = 0; i < ROWS; i++) {
  const sent = await viaGateway(
    'mutation($input: WithdrawalReferralInput!, $newCycleOf: ID) { submitWithdrawalReferral(input: $input, newCycleOf: $newCycleOf) { id } }',
    {
      newCycleOf: first,
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
    caseworker,
  );
  first ??= (sent as { submitWithdrawalReferral: { id: string } }).submitWithdrawalReferral.id;
}
const personId = (await viaGateway('query($p: String!) { findPerson(personnummer: $p) { id } }', { p: pnr }, coordinator)).findPerson.id as string;

const url = stack.subgraphUrls.psychiatry;
const secret = stack.env.HUB_GATEWAY_SECRET!;
const body = JSON.stringify({
  query: `query($p: ID!) { withdrawalReferrals(personId: $p, first: ${ROWS}) { totalCount nodes { id status overdue assessmentDueBy name person { id } referringOrganisation { name } events { kind by at } } } }`,
  variables: { p: personId },
});
const authorization = `Bearer ${coordinator}`;

async function read(): Promise<void> {
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization,
      ...signRequest(secret, { method: 'POST', target: 'psychiatry', path: new URL(url).pathname, body, authorization }),
    },
    body,
  });
  const answer = (await res.json()) as { data?: any; errors?: unknown };
  if (res.status !== 200 || answer.errors) throw new Error(`${res.status} ${JSON.stringify(answer.errors)}`);
  if (answer.data.withdrawalReferrals.nodes.length !== ROWS) throw new Error(`read ${answer.data.withdrawalReferrals.nodes.length} rows`);
}

const db = postgres(stack.databaseUrls.psychiatry, { max: 1, onnotice: () => {} });
async function auditBytes() {
  const [rows] = await db`select coalesce(sum(pg_column_size(e.*)), 0)::bigint as rows from audit_event e`;
  // a partitioned table is the sum of its partitions (pg_partition_tree lists none for a plain table)
  const [table] =
    await db`select (pg_total_relation_size('audit_event') + coalesce((select sum(pg_total_relation_size(relid)) from pg_partition_tree('audit_event') where relid <> 'audit_event'::regclass), 0))::bigint as total`;
  return { rows: Number(rows!.rows), total: Number(table!.total) };
}

/** The rows one read writes, column by column (pg_column_size, bytes), and each index's size per row in the partition they went to. */
async function rowShape() {
  const columns = await db`select column_name from information_schema.columns where table_name = 'audit_event' order by ordinal_position`;
  const COLUMNS = columns.map((c) => String(c.column_name));
  const [last] = await db`select max(xid::text::bigint)::text as xid from audit_event`;
  const cols = await db.unsafe(
    `select action, entity, cardinality(entity_ids) as records, pg_column_size(e.*) as row_bytes,
      ${COLUMNS.map((c) => `pg_column_size(${c}) as "size_${c}"`).join(', ')}
    from audit_event e where xid = $1::text::xid8 order by seq`,
    [last!.xid],
  );
  console.log(`\nThe audit rows of one read (bytes: the whole row, then each column):`);
  for (const r of cols)
    console.log(`  ${r.action} ${r.entity} (${r.records} records): ${r.row_bytes}; ${COLUMNS.map((c) => `${c} ${r[`size_${c}`] ?? 'null'}`).join(', ')}`);
  // the partition the reads went to (the empty partitions ahead each hold an index page or two)
  const [part] = await db`select tableoid::regclass::text as name, (select count(*) from audit_event x where x.tableoid = e.tableoid)::int as n
    from audit_event e order by seq desc limit 1`;
  const n = Number(part!.n);
  const idx = await db`select i.indexrelid::regclass::text as name, pg_relation_size(i.indexrelid)::bigint as bytes
    from pg_index i where i.indrelid = ${String(part!.name)}::regclass order by 1`;
  const byIndex = new Map<string, number>();
  for (const r of idx) byIndex.set(String(r.name).replace(`${String(part!.name)}_`, ''), Number(r.bytes));
  const [heap] = await db`select pg_relation_size(${String(part!.name)}::regclass)::bigint as bytes`;
  console.log(`${String(part!.name)}, which holds ${n} rows, in bytes per row: the table ${(Number(heap!.bytes) / n).toFixed(0)}, and its indexes`);
  for (const [name, bytes] of byIndex) console.log(`  ${name}: ${(bytes / n).toFixed(0)}`);
}

try {
  for (let i = 0; i < 50; i++) await read();
  console.log(`\nThe coordinator's ${ROWS}-row inbox, direct signed calls to the psychiatry subgraph, ${SECONDS} s per level, Node ${process.version}\n`);
  console.log('connections | reads/s | p50 ms | Node CPU ms/read | audit row bytes/read | audit table+index bytes/read | load average');
  for (const n of LEVELS) {
    const before = await auditBytes();
    const { times, elapsed, cpuMsPerCall } = await closedLoop(n, SECONDS, read);
    // let the sealer (if any) catch up, then measure
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const after = await auditBytes();
    const reads = times.length;
    console.log(
      [
        String(n),
        (reads / elapsed).toFixed(0),
        times[Math.floor(reads / 2)]!.toFixed(1),
        cpuMsPerCall.toFixed(2),
        ((after.rows - before.rows) / reads).toFixed(0),
        ((after.total - before.total) / reads).toFixed(0),
        loadAverage(),
      ].join(' | '),
    );
  }
  await rowShape();
} finally {
  await db.end();
  await stack.close();
}
