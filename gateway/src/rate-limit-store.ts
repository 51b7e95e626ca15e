/**
 * The rate-limit counts the gateway's replicas share (HUB_GATEWAY_DATABASE_URL): no request waits
 * for the database. Each replica keeps deciding from its own token buckets (rate-limit.ts) and
 * counts what it admitted per key in fixed windows of WINDOW_MS. Every HUB_RATE_LIMIT_SYNC_MS one
 * statement upserts this replica's counts of the current and previous window into an UNLOGGED
 * table, one row per key, window and replica (no two replicas write the same row, so none waits
 * for another), and reads back the sum of the other replicas' counts for the keys this replica
 * has seen. What the others admitted since the last sync is taken from the local bucket, below
 * zero if need be: every replica's bucket then follows the one bucket all of them share, and a
 * debt is paid by waiting.
 *
 * Accuracy. A replica hears of the others' requests one sync late: over any stretch, the replicas
 * together admit at most the shared bucket's allowance plus what the other replicas admitted in
 * the last sync interval and round trip (S + d) that this one had not heard of yet: at most
 * (replicas − 1) × (burst + rate × (S + d)) when every bucket was full, about
 * (replicas − 1) × rate × (S + d) under steady load; the excess is then owed, not kept. A replica
 * that had not seen a key in the current or previous window charges the others' requests of those
 * windows less what the bucket refilled since they began (so it never charges a caller more than
 * the shared bucket would).
 *
 * Keys are stored as HMAC-SHA256 under a key derived from HUB_GATEWAY_SECRET (the same in every
 * replica), never as tokens, subjects or addresses. UNLOGGED: a crash of PostgreSQL empties the
 * table, which forgets at most the current window's counts. When the database does not answer,
 * each replica goes on limiting by its own counts (a warning is logged) and shares them again
 * when it answers; readiness does not depend on it. Windows before the previous one are deleted
 * now and then by whichever replica is syncing. At most MAX_SHARED_KEYS keys are counted for
 * sharing at a time (a flood of new addresses cannot make the statement or the memory grow
 * without bound); a key beyond them is limited by its replica alone.
 */
import { createHmac, randomBytes } from 'node:crypto';
import postgres, { type Sql } from 'postgres';
import type { Logger } from '../../services/shared/src/logger.ts';

/** The three kinds of bucket (rate-limit.ts): per caller, per address without a good token, per address for development token mints. */
export type LimitKind = 'caller' | 'address' | 'mint';

/**
 * What the other replicas admitted of a key, to take from its bucket: `count` requests, or for a
 * key seen for the first time the requests since each window's start, of which the bucket owes the
 * most any one span leaves after its refill (TokenBuckets.charge).
 */
export type Charge = (kind: LimitKind, key: string, spans: Array<{ count: number; since?: number }>) => void;

/** The length of a counting window: a key's rows live two windows. */
export const WINDOW_MS = 10_000;

/** Keys counted for sharing at most (those of the current and previous window); beyond it a new key is counted by its replica alone until some expire. */
export const MAX_SHARED_KEYS = 100_000;

/** Delete old windows at most this often. */
const CLEAN_EVERY_MS = 30_000;

export const TABLE = 'gateway_rate_limit';

export interface SharedCounts {
  /** This replica admitted a request of the key (in memory; shared at the next sync). */
  note: (kind: LimitKind, key: string) => void;
  /** Shares the counts now (after any sync in flight); the timer does it every HUB_RATE_LIMIT_SYNC_MS. */
  sync: () => Promise<void>;
  /** Syncs completed so far. */
  readonly syncs: number;
  /** This replica's id in the table. */
  readonly replica: string;
  close: () => Promise<void>;
}

interface Entry {
  kind: LimitKind;
  key: string;
  hash: string;
  /** this replica's admissions by window */
  own: Map<number, number>;
  /** what was last written for each window */
  sent: Map<number, number>;
  /** the others' counts by window, as last read */
  seen: Map<number, number>;
  /** read back at least once (before that, the others' counts are charged as a first sight) */
  synced: boolean;
  /** the last window this replica admitted a request of the key in */
  lastWindow: number;
}

export interface SharedCountsOptions {
  databaseUrl: string;
  syncMs: number;
  /** HUB_GATEWAY_SECRET: the keys' HMACs are under a key derived from it */
  secret: string;
  charge: Charge;
  log: Logger;
  now?: () => number;
}

export function postgresSharedCounts(options: SharedCountsOptions): SharedCounts {
  const now = options.now ?? Date.now;
  const sql: Sql = postgres(options.databaseUrl, {
    max: 2,
    onnotice: () => {},
    idle_timeout: 30,
    connect_timeout: 5,
    connection: { application_name: 'hub-gateway-rate-limits' },
  });
  const hashKey = createHmac('sha256', options.secret).update('hub gateway rate-limit keys').digest();
  const hashOf = (kind: LimitKind, key: string) => createHmac('sha256', hashKey).update(`${kind}:${key}`).digest('base64url').slice(0, 22);
  const replica = randomBytes(9).toString('base64url');
  const entries = new Map<string, Entry>();
  let tableReady = false;
  let lastClean = 0;
  let failing = false;
  let syncs = 0;
  let inFlight: Promise<void> | undefined;
  let closed = false;

  const windowOf = (t: number) => Math.floor(t / WINDOW_MS);

  async function run(): Promise<void> {
    const t = now();
    const current = windowOf(t);
    const previous = current - 1;
    const list: Entry[] = [];
    for (const [id, e] of entries) {
      if (e.lastWindow < previous) {
        entries.delete(id);
        continue;
      }
      for (const m of [e.own, e.sent, e.seen]) for (const w of m.keys()) if (w < previous) m.delete(w);
      list.push(e);
    }
    if (!tableReady) {
      await sql.unsafe(
        `create unlogged table if not exists ${TABLE} (key text not null, window_start bigint not null, replica text not null, count integer not null, primary key (key, window_start, replica))`,
      );
      tableReady = true;
    }
    if (t - lastClean >= CLEAN_EVERY_MS) {
      await sql`delete from ${sql(TABLE)} where window_start < ${previous * WINDOW_MS}`;
      lastClean = t;
    }
    if (list.length === 0) return;
    const hashes: string[] = [];
    const starts: number[] = [];
    const counts: number[] = [];
    const written: Array<[Entry, number, number]> = [];
    for (const e of list) {
      for (const [w, n] of e.own) {
        if (e.sent.get(w) === n) continue;
        hashes.push(e.hash);
        starts.push(w * WINDOW_MS);
        counts.push(n);
        written.push([e, w, n]);
      }
    }
    const byHash = new Map(list.map((e) => [e.hash, e]));
    const rows = await sql<Array<{ key: string; window_start: string; others: number }>>`
      with mine as (
        insert into ${sql(TABLE)} (key, window_start, replica, count)
        select k, w, ${replica}, n from unnest(${hashes}::text[], ${starts}::bigint[], ${counts}::int[]) as t(k, w, n)
        on conflict (key, window_start, replica) do update set count = excluded.count
        returning 1
      )
      select key, window_start, sum(count)::int as others from ${sql(TABLE)}
      where key = any(${[...byHash.keys()]}::text[]) and window_start >= ${previous * WINDOW_MS} and replica <> ${replica}
      group by key, window_start`;
    for (const [e, w, n] of written) e.sent.set(w, n);
    const firstSight = new Map<Entry, { previous: number; current: number }>();
    for (const row of rows) {
      const e = byHash.get(row.key);
      if (!e) continue;
      const w = Number(row.window_start) / WINDOW_MS;
      if (e.synced) {
        const delta = row.others - (e.seen.get(w) ?? 0);
        if (delta > 0) options.charge(e.kind, e.key, [{ count: delta }]);
      } else {
        const sight = firstSight.get(e) ?? { previous: 0, current: 0 };
        if (w === current) sight.current += row.others;
        else sight.previous += row.others;
        firstSight.set(e, sight);
      }
      e.seen.set(w, row.others);
    }
    // first sight: the others' requests since the previous window began, and since the current one
    // began, each less what the bucket refilled since (whichever leaves more is owed)
    for (const [e, { previous: p, current: c }] of firstSight) {
      options.charge(e.kind, e.key, [
        { count: p + c, since: previous * WINDOW_MS },
        { count: c, since: current * WINDOW_MS },
      ]);
    }
    for (const e of list) e.synced = true;
  }

  const start = (): Promise<void> => {
    inFlight = run()
      .then(
        () => {
          syncs++;
          if (failing) options.log.info('rate-limit counts shared again through the gateway database');
          failing = false;
        },
        (err: unknown) => {
          if (!failing) {
            options.log.warn(
              { code: (err as { code?: string }).code ?? 'unknown' },
              'rate-limit counts cannot be shared through the gateway database; this replica limits by its own counts until it answers',
            );
          }
          failing = true;
        },
      )
      .finally(() => {
        inFlight = undefined;
      });
    return inFlight;
  };

  const timer = setInterval(() => {
    if (!inFlight && !closed) void start();
  }, options.syncMs);
  timer.unref();

  return {
    replica,
    get syncs() {
      return syncs;
    },
    note(kind, key) {
      const id = `${kind}:${key}`;
      const w = windowOf(now());
      let e = entries.get(id);
      if (!e) {
        if (entries.size >= MAX_SHARED_KEYS) return;
        e = { kind, key, hash: hashOf(kind, key), own: new Map(), sent: new Map(), seen: new Map(), synced: false, lastWindow: w };
        entries.set(id, e);
      }
      e.own.set(w, (e.own.get(w) ?? 0) + 1);
      e.lastWindow = w;
    },
    async sync() {
      while (inFlight) await inFlight;
      await start();
    },
    async close() {
      closed = true;
      clearInterval(timer);
      while (inFlight) await inFlight;
      await sql.end({ timeout: 5 });
    },
  };
}
