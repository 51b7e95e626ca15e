/**
 * Notifications: work handed to another organisation (or a deadline that passed), written in the
 * subgraph that holds the record, in the same transaction as the change that caused it, and
 * announced to the subgraph's live subscribers with NOTIFY (live.ts) in that transaction too, so
 * a listener hears of a notification exactly when it is committed.
 *
 * A notification carries only ids and kinds: the recipient (an organisation, optionally one role
 * or one user of it), its kind (e.g. PLACE_LAPSED), the record's kind and id. Whatever else the
 * caller wants, they read from the record, with the record's own authorization. An item is shown
 * to a caller exactly when the caller is its recipient and may read its record (the subgraph's
 * `visible` hook, asked again at every read and every delivery, so a revoked consent hides it).
 *
 * `dedupKey` makes a notification happen once: the sweep's deadlines use it (a place lapsed in
 * cycle 2 of referral X is one notification, whichever replica sweeps first, however often).
 */
import { sql, type SQL } from 'drizzle-orm';
import { bigserial, index, pgTable, primaryKey, text, bigint } from 'drizzle-orm/pg-core';
import { instant } from './columns.ts';
import type { Caller } from './caller.ts';
import type { SubgraphName } from './env.ts';
import { badInput } from './errors.ts';
import { pageSize } from './pagination.ts';
import { t } from './i18n.ts';

export const notification = pgTable(
  'notification',
  {
    seq: bigserial('seq', { mode: 'number' }).primaryKey(),
    recipientOrganisationId: text('recipient_organisation_id').notNull(),
    /** only callers with this role (null: anyone of the organisation who may read the record) */
    recipientRole: text('recipient_role'),
    /** only this user (null: anyone of the organisation with the role) */
    recipientUserId: text('recipient_user_id'),
    kind: text('kind').notNull(),
    recordKind: text('record_kind').notNull(),
    recordId: text('record_id').notNull(),
    createdAt: instant('created_at').notNull(),
    /** set for a notification that must happen once (a deadline that passed): unique */
    dedupKey: text('dedup_key').unique('notification_dedup_key'),
  },
  (t) => [index('notification_recipient_idx').on(t.recipientOrganisationId, t.seq)],
);

/** Who read which notification, when: read state is per user. */
export const notificationRead = pgTable(
  'notification_read',
  {
    notificationSeq: bigint('notification_seq', { mode: 'number' })
      .notNull()
      .references(() => notification.seq),
    userId: text('user_id').notNull(),
    readAt: instant('read_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.notificationSeq, t.userId] })],
);

/** The NOTIFY channel of every subgraph's database (each database has its own). */
export const NOTIFY_CHANNEL = 'hub_notification';

export interface NewNotification {
  recipientOrganisationId: string;
  recipientRole?: string | null;
  recipientUserId?: string | null;
  kind: string;
  recordKind: string;
  recordId: string;
  dedupKey?: string | null;
}

/** What NOTIFY carries: ids and kinds only. */
export interface Announced {
  seq: number;
  kind: string;
  recordKind: string;
  recordId: string;
  org: string;
  role: string | null;
  user: string | null;
  /** when it was written (ISO) */
  at: string;
}

/** The smallest part of a drizzle handle (a request's db or a transaction) notify needs. */
export interface Executor {
  execute: (query: SQL) => PromiseLike<unknown>;
}

/** A notification row as SQL gives it (the sweeps' RETURNING, the listing). */
export interface StoredRow {
  seq: string | number;
  kind: string;
  record_kind: string;
  record_id: string;
  recipient_organisation_id: string;
  recipient_role: string | null;
  recipient_user_id: string | null;
  created_at: Date | string;
}

const rowsOf = (result: unknown): StoredRow[] => (Array.isArray(result) ? result : ((result as { rows?: StoredRow[] }).rows ?? [])) as StoredRow[];

/**
 * Writes notifications in the caller's transaction and announces each one inserted (a
 * notification whose dedupKey exists already is left out: it happened before). Two statements
 * whatever the number. Returns the ones inserted.
 */
export async function notify(tx: Executor, items: NewNotification | NewNotification[], at: Date): Promise<Announced[]> {
  const list = Array.isArray(items) ? items : [items];
  if (list.length === 0) return [];
  const json = JSON.stringify(
    list.map((n) => ({
      o: n.recipientOrganisationId,
      r: n.recipientRole ?? null,
      u: n.recipientUserId ?? null,
      k: n.kind,
      rk: n.recordKind,
      ri: n.recordId,
      d: n.dedupKey ?? null,
    })),
  );
  const inserted = rowsOf(
    await tx.execute(sql`
      insert into notification (recipient_organisation_id, recipient_role, recipient_user_id, kind, record_kind, record_id, created_at, dedup_key)
      select x.o, x.r, x.u, x.k, x.rk, x.ri, ${at.toISOString()}::timestamptz, x.d
        from jsonb_to_recordset(${json}::jsonb) as x(o text, r text, u text, k text, rk text, ri text, d text)
      on conflict (dedup_key) do nothing
      returning seq, kind, record_kind, record_id, recipient_organisation_id, recipient_role, recipient_user_id, created_at`),
  );
  const announced = inserted.map(announcedOf);
  await announce(tx, announced);
  return announced;
}

export function announcedOf(r: StoredRow): Announced {
  return {
    seq: Number(r.seq),
    kind: r.kind,
    recordKind: r.record_kind,
    recordId: r.record_id,
    org: r.recipient_organisation_id,
    role: r.recipient_role,
    user: r.recipient_user_id,
    at: (r.created_at instanceof Date ? r.created_at : new Date(r.created_at)).toISOString(),
  };
}

/** NOTIFY each one, in the transaction (delivered on commit, in order); one statement. */
export async function announce(tx: Executor, items: Announced[]): Promise<void> {
  if (items.length === 0) return;
  // pg_notify runs once per element, in the array's order (one statement)
  await tx.execute(
    sql`select pg_notify(${NOTIFY_CHANNEL}, x.p::text) from jsonb_array_elements(${JSON.stringify(items)}::jsonb) with ordinality as x(p, n) order by x.n`,
  );
}

/** Is this caller the notification's recipient (before the record's own check)? */
export function isRecipient(caller: Caller, a: Pick<Announced, 'org' | 'role' | 'user'>): boolean {
  if (a.org !== caller.organisation.id) return false;
  if (a.role !== null && !caller.roles.includes(a.role as Caller['roles'][number])) return false;
  if (a.user !== null && a.user !== caller.userId) return false;
  return true;
}

/** A record a notification points to. */
export interface RecordRef {
  recordKind: string;
  recordId: string;
}

export const refKey = (r: RecordRef) => `${r.recordKind}:${r.recordId}`;

/**
 * A subgraph's part: which of these records the caller may read now (keys refKey), in a
 * fixed number of statements; and the sweep that turns passed deadlines into notifications.
 */
export interface NotificationHooks {
  visible: (db: Executor, caller: Caller, now: Date, refs: RecordRef[]) => Promise<Set<string>>;
  /** turn every deadline passed at `now` into its notification and timeline event, once */
  sweep?: (db: Executor & { transaction: <T>(f: (tx: Executor) => Promise<T>) => Promise<T> }, now: Date, personId: string | null) => Promise<number>;
}

/** What a Notifications reference carries (always the caller's: key "mine"); its sections are resolved by each subgraph. */
export interface NotificationsKey {
  key: string;
}

/** The public id of a notification: its subgraph and its number there, e.g. psychiatry:42. */
export const publicId = (subgraph: SubgraphName, seq: number) => `${subgraph}:${seq}`;

export function seqOf(subgraph: SubgraphName, id: string, field: string): number {
  const m = new RegExp(`^${subgraph}:(\\d{1,15})$`).exec(id);
  if (!m) throw badInput(field, t`${field} must be a notification id of this subgraph, e.g. ${subgraph}:42 (got ${JSON.stringify(id).slice(0, 60)}).`);
  return Number(m[1]);
}

export interface NotificationView {
  id: string;
  kind: string;
  recordKind: string;
  recordId: string;
  createdAt: Date;
  read: boolean;
}

/** The SQL condition "the caller is the recipient". */
function recipientSql(caller: Caller): SQL {
  return sql`n.recipient_organisation_id = ${caller.organisation.id}
    and (n.recipient_role is null or n.recipient_role in (select jsonb_array_elements_text(${JSON.stringify(caller.roles)}::jsonb)))
    and (n.recipient_user_id is null or n.recipient_user_id = ${caller.userId})`;
}

interface ListedRow extends StoredRow {
  read_at: Date | string | null;
}

/**
 * The caller's notifications, newest first, after the cursor `after` (a notification id): those
 * whose record the caller may read now. A page holds at most `first`; rows whose record is not
 * visible are left out (a page may then be shorter; the cursor still moves on).
 */
export async function listNotifications(
  subgraph: SubgraphName,
  db: Executor,
  hooks: NotificationHooks,
  caller: Caller,
  now: Date,
  args: { unreadOnly?: boolean | null; first?: number | null; after?: string | null },
) {
  const first = pageSize(args.first, t`notifications`, 20, 200);
  const after = args.after ? seqOf(subgraph, args.after, 'after') : null;
  const rows = rowsOf(
    await db.execute(sql`
      select n.seq, n.kind, n.record_kind, n.record_id, n.recipient_organisation_id, n.recipient_role, n.recipient_user_id, n.created_at, r.read_at
        from notification n
        left join notification_read r on r.notification_seq = n.seq and r.user_id = ${caller.userId}
       where ${recipientSql(caller)}
         ${after === null ? sql`` : sql`and n.seq < ${after}`}
         ${args.unreadOnly ? sql`and r.read_at is null` : sql``}
       order by n.seq desc
       limit ${first + 1}`),
  ) as ListedRow[];
  const page = rows.slice(0, first);
  const visible = await hooks.visible(
    db,
    caller,
    now,
    page.map((r) => ({ recordKind: r.record_kind, recordId: r.record_id })),
  );
  const nodes: NotificationView[] = page
    .filter((r) => visible.has(refKey({ recordKind: r.record_kind, recordId: r.record_id })))
    .map((r) => ({ ...viewOf(subgraph, r), read: r.read_at !== null }));
  const last = page[page.length - 1];
  return {
    nodes,
    pageInfo: { hasNextPage: rows.length > first, endCursor: last ? publicId(subgraph, Number(last.seq)) : null },
  };
}

export function viewOf(subgraph: SubgraphName, r: StoredRow): Omit<NotificationView, 'read'> {
  return {
    id: publicId(subgraph, Number(r.seq)),
    kind: r.kind,
    recordKind: r.record_kind,
    recordId: r.record_id,
    createdAt: r.created_at instanceof Date ? r.created_at : new Date(r.created_at),
  };
}

/**
 * Marks the given notifications (or, with none given, all of the caller's) read for the caller:
 * only those the caller would see; the number newly marked.
 */
export async function markRead(
  subgraph: SubgraphName,
  db: Executor,
  hooks: NotificationHooks,
  caller: Caller,
  now: Date,
  ids: readonly string[] | null | undefined,
): Promise<number> {
  if (ids && ids.length > 500) throw badInput('ids', t`At most 500 notifications can be marked read at once.`);
  const seqs = ids ? ids.map((id, i) => seqOf(subgraph, id, `ids[${i}]`)) : null;
  if (seqs && seqs.length === 0) return 0;
  const candidates = rowsOf(
    await db.execute(sql`
      select n.seq, n.record_kind, n.record_id from notification n
       where ${recipientSql(caller)}
         ${seqs ? sql`and n.seq in (select (jsonb_array_elements_text(${JSON.stringify(seqs)}::jsonb))::bigint)` : sql``}
         and not exists (select 1 from notification_read r where r.notification_seq = n.seq and r.user_id = ${caller.userId})
       limit 10000`),
  );
  const visible = await hooks.visible(
    db,
    caller,
    now,
    candidates.map((r) => ({ recordKind: r.record_kind, recordId: r.record_id })),
  );
  const mine = candidates.filter((r) => visible.has(refKey({ recordKind: r.record_kind, recordId: r.record_id }))).map((r) => Number(r.seq));
  if (mine.length === 0) return 0;
  const done = rowsOf(
    await db.execute(sql`
      insert into notification_read (notification_seq, user_id, read_at)
      select s, ${caller.userId}, ${now.toISOString()}::timestamptz from (select (jsonb_array_elements_text(${JSON.stringify(mine)}::jsonb))::bigint as s) m
      on conflict do nothing returning notification_seq as seq`),
  );
  return done.length;
}

/** Notifications after `afterSeq` for a caller, oldest first (the replay of a resumed subscription), at most `limit`. */
export async function notificationsAfter(db: Executor, caller: Caller, afterSeq: number, limit: number): Promise<StoredRow[]> {
  return rowsOf(
    await db.execute(sql`
      select n.seq, n.kind, n.record_kind, n.record_id, n.recipient_organisation_id, n.recipient_role, n.recipient_user_id, n.created_at
        from notification n
       where ${recipientSql(caller)} and n.seq > ${afterSeq}
       order by n.seq asc
       limit ${limit}`),
  );
}

/** One row by its number (what a live delivery shows). */
export async function notificationBySeq(db: Executor, seq: number): Promise<StoredRow | undefined> {
  return rowsOf(
    await db.execute(sql`
      select seq, kind, record_kind, record_id, recipient_organisation_id, recipient_role, recipient_user_id, created_at
        from notification where seq = ${seq}`),
  )[0];
}
