/**
 * Witnesses: each subgraph's audit head, countersigned into the other subgraphs' databases.
 *
 * The seals (audit-seal.ts) show an event altered, removed or added inside a sealed range, and a
 * seal made without HUB_AUDIT_KEY. What they cannot show on their own is a database whose last
 * seals were removed with their events (tail deletion), whose seals were all removed
 * (truncation), or whose seals were recomputed by someone holding the key after an event was
 * removed (re-chaining): the shortened or rewritten chain is whole. So every subgraph sends its
 * latest seal's head (seal number, the end of its transaction range, root, mac, sealed at) every
 * HUB_AUDIT_WITNESS_INTERVAL_MS to the other three subgraphs, each of which keeps it, insert-only,
 * in its own database (audit_witness). Four organisations' databases, four sets of administrators:
 * none of them can change what the other three witnessed. `npm run audit:verify` then checks a
 * subgraph's seals against every head the others witnessed: one missing here, or here with
 * another root or mac, is reported, naming the witness.
 *
 * What a witness learns: a subgraph's seal numbers, transaction ids, times and two HMACs (under a
 * key the witness does not hold). No person, record, user or action: nothing personal, and
 * nothing that lets the witness recompute or check the events behind a root.
 *
 * Submissions are signed like every request between hub components (signing.ts: HMAC over the
 * method, the target subgraph, the path, a timestamp, a one-time nonce and the exact body, with
 * HUB_GATEWAY_SECRET), and the witness refuses one unsigned, wrongly signed, stale, made for
 * another subgraph or path, or already received (the nonces every replica of the witness shares,
 * nonce-store.ts). A head must move forward: a head behind one already witnessed from that
 * subgraph, or at the same seal number with another root or mac, is kept as an anomaly (and
 * reported by the verifier), never in place of what was witnessed.
 */
import { sql as drizzleSql } from 'drizzle-orm';
import { bigint, bigserial, index, pgTable, text } from 'drizzle-orm/pg-core';
import express, { type Express, type Request, type Response } from 'express';
import type { Sql } from 'postgres';
import { z } from 'zod';
import { instant } from './columns.ts';
import { SUBGRAPHS, type SubgraphName } from './env.ts';
import type { Logger } from './logger.ts';
import { signRequest, type SignatureVerifier } from './signing.ts';
import { render } from './i18n.ts';

/** The heads of the other subgraphs' audit trails this database witnessed (insert-only: a trigger refuses UPDATE, DELETE and TRUNCATE). */
export const auditWitness = pgTable(
  'audit_witness',
  {
    seq: bigserial('seq', { mode: 'number' }).primaryKey(),
    /** the subgraph whose head this is */
    subgraph: text('subgraph').notNull(),
    sealNo: bigint('seal_no', { mode: 'number' }).notNull(),
    /** the end of the seal's transaction range (xid8, as its decimal string) */
    xidTo: text('xid_to').notNull(),
    root: text('root').notNull(),
    mac: text('mac').notNull(),
    sealedAt: instant('sealed_at').notNull(),
    /** the witness's own clock when it received the head */
    witnessedAt: instant('witnessed_at')
      .notNull()
      .default(drizzleSql`now()`),
    /** why the head does not follow the ones witnessed before (null: it does) */
    anomaly: text('anomaly'),
  },
  (t) => [index('audit_witness_subgraph_seal_idx').on(t.subgraph, t.sealNo)],
);

export const WITNESS_PATH = '/audit/witness';
/** Taken (per session) by the process that sends a subgraph's head: replicas send in turn, so a witness never gets an older head after a newer one. */
export const WITNESS_LOCK_KEY = 7_130_003;

export interface WitnessedHead {
  subgraph: SubgraphName;
  sealNo: number;
  xidTo: string;
  root: string;
  mac: string;
  sealedAt: string;
}

const hex64 = (field: string) => z.string({ error: `${field} must be 64 hex digits` }).regex(/^[0-9a-f]{64}$/, `${field} must be 64 hex digits`);

const headShape = z.strictObject(
  {
    subgraph: z.enum(SUBGRAPHS, { error: `subgraph must be one of ${SUBGRAPHS.join(', ')}` }),
    sealNo: z
      .number({ error: 'sealNo must be a positive whole number' })
      .int('sealNo must be a positive whole number')
      .positive('sealNo must be a positive whole number'),
    xidTo: z.string({ error: 'xidTo must be a transaction id (decimal digits)' }).regex(/^\d{1,20}$/, 'xidTo must be a transaction id (decimal digits)'),
    root: hex64('root'),
    mac: hex64('mac'),
    sealedAt: z.iso.datetime({ error: 'sealedAt must be an ISO 8601 time (UTC)' }),
  },
  { error: 'the body must be a head: subgraph, sealNo, xidTo, root, mac, sealedAt (and nothing else)' },
);

/** The subgraph's latest seal, as it is sent to the witnesses (none: no seal yet). */
export async function latestHead(pool: Sql, subgraph: SubgraphName): Promise<WitnessedHead | null> {
  const [s] = await pool<Array<{ seal_no: string; xid_to: string; root: string; mac: string; at: string }>>`
    select s.seal_no::text, s.xid_to::text, s.root, s.mac, to_json(s.at) #>> '{}' as at from audit_seal s order by s.seal_no desc limit 1`;
  return s ? { subgraph, sealNo: Number(s.seal_no), xidTo: s.xid_to, root: s.root, mac: s.mac, sealedAt: new Date(s.at).toISOString() } : null;
}

export type WitnessOutcome = { witnessed: 'new' | 'again' } | { witnessed: 'anomaly'; anomaly: string };

/**
 * Keeps a head in this database's audit_witness: a new one, one already witnessed (nothing
 * added), or an anomaly (kept as such). Heads of one subgraph are taken one at a time.
 */
export async function recordWitnessedHead(pool: Sql, head: WitnessedHead): Promise<WitnessOutcome> {
  return pool.begin(async (sql) => {
    await sql`select pg_advisory_xact_lock(${WITNESS_LOCK_KEY}, hashtext(${head.subgraph}))`;
    const [last] = await sql<Array<{ seal_no: string }>>`
      select w.seal_no::text from audit_witness w where w.subgraph = ${head.subgraph} and w.anomaly is null order by w.seal_no desc limit 1`;
    const [same] = await sql<Array<{ root: string; mac: string }>>`
      select root, mac from audit_witness where subgraph = ${head.subgraph} and seal_no = ${head.sealNo} and anomaly is null order by seq limit 1`;
    let anomaly: string | null = null;
    if (same && same.root === head.root && same.mac === head.mac) {
      if (Number(last!.seal_no) === head.sealNo) return { witnessed: 'again' } as const;
      anomaly = `seal ${head.sealNo} came after seal ${last!.seal_no} was witnessed`;
    } else if (same) anomaly = `seal ${head.sealNo} was witnessed before with another root or mac`;
    else if (last && Number(last.seal_no) > head.sealNo) anomaly = `seal ${head.sealNo} is behind seal ${last.seal_no}, witnessed before`;
    await sql`insert into audit_witness (subgraph, seal_no, xid_to, root, mac, sealed_at, anomaly)
      values (${head.subgraph}, ${head.sealNo}, ${head.xidTo}, ${head.root}, ${head.mac}, ${head.sealedAt}::timestamptz, ${anomaly})`;
    return anomaly ? ({ witnessed: 'anomaly', anomaly } as const) : ({ witnessed: 'new' } as const);
  });
}

/**
 * The witness endpoint (POST /audit/witness) of subgraph `self`: a signed head of another
 * subgraph, kept. 401 unsigned, wrongly signed, stale or replayed; 400 a body that is not a head
 * (naming the field); 409 an anomaly (kept); 200 otherwise.
 */
export function witnessHandler(pool: Sql, self: SubgraphName, signatures: SignatureVerifier, log: Logger) {
  return async (req: Request, res: Response): Promise<void> => {
    const raw = (req as unknown as { rawBody?: Buffer }).rawBody ?? Buffer.alloc(0);
    const check = await signatures.check(req.method, WITNESS_PATH, req.headers, raw).catch((err: unknown) => {
      log.error({ err }, 'replay check failed; witness submission refused');
      return { ok: false as const, reason: 'The request could not be checked against replays; it must be sent again.' };
    });
    if (!check.ok) {
      res.status(401).json({ error: render(check.reason, 'en') });
      return;
    }
    const parsed = headShape.safeParse(req.body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      res.status(400).json({ error: issue.message, field: issue.path.join('.') || null });
      return;
    }
    const head = parsed.data;
    if (head.subgraph === self) {
      res.status(400).json({ error: `subgraph: ${self} does not witness its own head`, field: 'subgraph' });
      return;
    }
    try {
      const outcome = await recordWitnessedHead(pool, head);
      if (outcome.witnessed === 'anomaly') {
        log.warn(
          { subgraph: head.subgraph, sealNo: head.sealNo, anomaly: outcome.anomaly },
          'witnessed audit head does not follow the ones before; kept as an anomaly',
        );
        res.status(409).json(outcome);
      } else res.json(outcome);
    } catch (err) {
      log.error({ err }, 'witnessed audit head could not be kept');
      res.status(500).json({ error: 'The head could not be kept; send it again.' });
    }
  };
}

/** Mounts the witness endpoint on a subgraph's app (its body kept as received, for the signature). */
export function mountWitness(app: Express, pool: Sql, self: SubgraphName, signatures: SignatureVerifier, log: Logger): void {
  const body = express.json({
    limit: '16kb',
    verify: (req, _res, buf) => {
      (req as unknown as { rawBody: Buffer }).rawBody = buf;
    },
  });
  app.post(WITNESS_PATH, body, witnessHandler(pool, self, signatures, log));
}

/** The witness endpoint of a subgraph whose GraphQL endpoint is `graphqlUrl`. */
export const witnessUrl = (graphqlUrl: string) => new URL(WITNESS_PATH, graphqlUrl).toString();

/** Sends a head to one witness, signed for it. */
export async function sendHead(
  secret: string,
  witness: SubgraphName,
  graphqlUrl: string,
  head: WitnessedHead,
  now = Date.now(),
): Promise<{ status: number; body: unknown }> {
  const body = JSON.stringify(head);
  const res = await fetch(witnessUrl(graphqlUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...signRequest(secret, { method: 'POST', target: witness, path: WITNESS_PATH, body }, now) },
    body,
    signal: AbortSignal.timeout(5_000),
  });
  return { status: res.status, body: await res.json().catch(() => null) };
}

export interface AuditWitnessSender {
  /** one run now: sends the latest head to every witness that has not had it (the tests, and the last run at shutdown) */
  sendNow: () => Promise<Partial<Record<SubgraphName, number>>>;
  /** where the witnesses listen (their GraphQL URLs: the witness endpoint is beside it) */
  setWitnesses: (urls: Partial<Record<SubgraphName, string>>) => void;
  stop: () => Promise<void>;
}

/**
 * Every `intervalMs` (0: never on its own), sends the subgraph's latest head to each witness that
 * has not acknowledged it, under a session advisory lock (one replica at a time, none holding a
 * transaction open while it waits for a witness). A witness that cannot be reached is tried
 * again at the next run.
 */
export function startAuditWitness(
  pool: Sql,
  self: SubgraphName,
  secret: string,
  witnesses: Partial<Record<SubgraphName, string>>,
  intervalMs: number,
  log: Logger,
): AuditWitnessSender {
  let urls = { ...witnesses };
  const acknowledged = new Map<string, string>();
  let running: Promise<unknown> = Promise.resolve();
  let stopped = false;
  const once = async (): Promise<Partial<Record<SubgraphName, number>>> => {
    const statuses: Partial<Record<SubgraphName, number>> = {};
    const conn = await pool.reserve();
    try {
      const [locked] = await conn`select pg_try_advisory_lock(${WITNESS_LOCK_KEY}) as ok`;
      if (!locked?.ok) return statuses;
      try {
        const head = await latestHead(conn, self);
        if (!head) return statuses;
        const key = `${head.sealNo}:${head.root}`;
        for (const [witness, url] of Object.entries(urls) as Array<[SubgraphName, string]>) {
          if (witness === self || acknowledged.get(witness) === key) continue;
          try {
            const r = await sendHead(secret, witness, url, head);
            statuses[witness] = r.status;
            if (r.status === 200 || r.status === 409) acknowledged.set(witness, key);
            if (r.status === 409) log.warn({ witness, sealNo: head.sealNo }, 'the witness kept this audit head as an anomaly');
            else if (r.status !== 200) log.warn({ witness, status: r.status }, 'the witness refused the audit head; sent again at the next run');
          } catch (err) {
            log.warn({ witness, err }, 'the witness could not be reached; the audit head is sent again at the next run');
          }
        }
      } finally {
        await conn`select pg_advisory_unlock(${WITNESS_LOCK_KEY})`;
      }
    } finally {
      conn.release();
    }
    return statuses;
  };
  const run = () => {
    const next = running.then(once);
    running = next.catch((err: unknown) => log.error({ err }, 'sending the audit head to the witnesses failed; tried again at the next run'));
    return next;
  };
  const timer = intervalMs > 0 ? setInterval(() => !stopped && void run().catch(() => {}), intervalMs) : undefined;
  timer?.unref();
  return {
    sendNow: run,
    setWitnesses: (next) => {
      urls = { ...next };
    },
    stop: async () => {
      stopped = true;
      if (timer) clearInterval(timer);
      await running;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Verification (npm run audit:verify)

export interface Witness {
  name: SubgraphName;
  pool: Sql;
}

export type WitnessCheck =
  | { ok: true; heads: Array<{ witness: SubgraphName; sealNo: number | null }> }
  | { ok: false; problem: string; heads: Array<{ witness: SubgraphName; sealNo: number | null }> };

interface WitnessRow {
  seal_no: string;
  root: string;
  mac: string;
  sealed_at: string;
  witnessed_at: string;
  anomaly: string | null;
}

/**
 * Checks `subgraph`'s seals (in `pool`) against the heads each witness kept of it: every head
 * witnessed (from seal `fromSeal` on) must be here, with the same root and mac; then any
 * anomaly a witness kept is reported; then that no event after the last witnessed head is
 * dated more than `graceMs` before that head was sealed (one added later and dated back). The
 * first problem, naming the witness.
 */
export async function verifyWitnessed(
  pool: Sql,
  subgraph: SubgraphName,
  witnesses: readonly Witness[],
  options: { fromSeal?: number; graceMs?: number } = {},
): Promise<WitnessCheck> {
  const fromSeal = options.fromSeal ?? 1;
  const graceMs = options.graceMs ?? 5 * 60_000;
  /** the newest head a witness holds (and that is here, as witnessed) */
  let newest: { witness: SubgraphName; sealNo: number; sealedAt: string } | null = null;
  const heads: Array<{ witness: SubgraphName; sealNo: number | null }> = [];
  const [last] = await pool<Array<{ seal_no: string | null }>>`select max(seal_no)::text as seal_no from audit_seal`;
  const localHead = last?.seal_no ? `seal ${last.seal_no}` : 'none';
  for (const w of witnesses) {
    const rows = await w.pool<WitnessRow[]>`
      select w.seal_no::text, w.root, w.mac, to_json(w.sealed_at) #>> '{}' as sealed_at, to_json(w.witnessed_at) #>> '{}' as witnessed_at, w.anomaly
      from audit_witness w where w.subgraph = ${subgraph} and w.seal_no >= ${fromSeal} order by w.seal_no, w.seq`;
    const accepted = rows.filter((r) => r.anomaly === null);
    heads.push({ witness: w.name, sealNo: accepted.length ? Number(accepted.at(-1)!.seal_no) : null });
    for (let i = 0; i < accepted.length; i += 1000) {
      const batch = accepted.slice(i, i + 1000);
      const here = await pool<Array<{ seal_no: string; root: string; mac: string }>>`
        select seal_no::text, root, mac from audit_seal where seal_no = any(${batch.map((r) => r.seal_no)}::bigint[])`;
      const bySeal = new Map(here.map((s) => [s.seal_no, s]));
      for (const r of batch) {
        const s = bySeal.get(r.seal_no);
        const at = `witnessed at ${new Date(r.witnessed_at).toISOString()}`;
        if (!s)
          return {
            ok: false,
            heads,
            problem: `witness ${w.name} holds seal ${r.seal_no} (${at}), which is not here (the last seal here is ${localHead}): seals were removed (truncation or tail deletion)`,
          };
        if (s.root !== r.root || s.mac !== r.mac)
          return {
            ok: false,
            heads,
            problem: `witness ${w.name} holds seal ${r.seal_no} (${at}) with another root and mac than here: the seals were recomputed after it was witnessed (re-chained)`,
          };
        if (!newest || Number(r.seal_no) > newest.sealNo) newest = { witness: w.name, sealNo: Number(r.seal_no), sealedAt: r.sealed_at };
      }
    }
    const odd = rows.find((r) => r.anomaly !== null);
    if (odd)
      return {
        ok: false,
        heads,
        problem: `witness ${w.name} kept an anomaly at ${new Date(odd.witnessed_at).toISOString()}: ${odd.anomaly} (the seals were removed or recomputed)`,
      };
  }
  if (newest) {
    // An event in a transaction that began before the head was sealed can be sealed after it (a
    // long request), hence the grace; one dated earlier still was added after the head and dated back.
    const before = new Date(new Date(newest.sealedAt).getTime() - graceMs).toISOString();
    const [late] = await pool<Array<{ seq: string; id: string; at: string }>>`
      select e.seq::text, e.id, to_json(e.at) #>> '{}' as at from audit_event e
      where e.xid >= (select xid_to from audit_seal where seal_no = ${newest.sealNo}) and e.at < ${before}::timestamptz
      order by e.seq limit 1`;
    if (late)
      return {
        ok: false,
        heads,
        problem: `audit event seq ${late.seq} (id ${late.id}) comes after seal ${newest.sealNo}, witnessed by ${newest.witness}, but is dated ${new Date(late.at).toISOString()}, more than ${Math.round(graceMs / 1000)} s before that seal was made (${new Date(newest.sealedAt).toISOString()}): it was added later and dated back`,
      };
  }
  return { ok: true, heads };
}
