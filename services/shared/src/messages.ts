/**
 * Messages between the organisations taking part in a record (a referral, a joint care plan, a
 * contract-care order) and the read marks of informational work items. Both live in the subgraph
 * that holds the record; whether the caller may see the record is the subgraph's policy, asked
 * before anything here is called. A message's text never reaches a log line: only ids and counts.
 *
 * Every read here is one statement whatever the number of records (the lists are batched).
 */
import { randomUUID } from 'node:crypto';
import { sql, type SQL } from 'drizzle-orm';
import { index, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { instant } from './columns.ts';
import type { Caller } from './caller.ts';
import { badInput } from './errors.ts';
import { isUuid } from './ids.ts';
import { storedOrganisation } from './directory.ts';
import { stockholmDate } from './time.ts';
import { t, type Wording } from './i18n.ts';

/** A message on a record, from one organisation to the others taking part in it. */
export const recordMessage = pgTable(
  'record_message',
  {
    id: uuid('id').primaryKey(),
    recordKind: text('record_kind').notNull(),
    recordId: text('record_id').notNull(),
    senderUserId: text('sender_user_id').notNull(),
    senderName: text('sender_name').notNull(),
    senderOrganisationId: text('sender_organisation_id').notNull(),
    body: text('body').notNull(),
    sentAt: instant('sent_at').notNull(),
  },
  (t) => [index('record_message_record_idx').on(t.recordKind, t.recordId, t.sentAt)],
);

/** Which organisation read which message, when and by whom (read receipts are per organisation). */
export const recordMessageRead = pgTable(
  'record_message_read',
  {
    messageId: uuid('message_id')
      .notNull()
      .references(() => recordMessage.id),
    organisationId: text('organisation_id').notNull(),
    userId: text('user_id').notNull(),
    readAt: instant('read_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.messageId, t.organisationId] })],
);

/** A user's marks on informational work items (by the item's id): a marked item leaves their worklist. */
export const workItemRead = pgTable(
  'work_item_read',
  {
    userId: text('user_id').notNull(),
    itemId: text('item_id').notNull(),
    readAt: instant('read_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.itemId] })],
);

/** The longest message, in characters. */
export const MAX_MESSAGE_LENGTH = 2000;

export interface MessageView {
  id: string;
  recordKind: string;
  recordId: string;
  senderUserId: string;
  senderName: string;
  senderOrganisationId: string;
  text: string;
  sentAt: Date;
  readBy: Array<{ organisationId: string; userId: string; readAt: Date }>;
}

/** The smallest part of a drizzle handle these functions need. */
export interface Executor {
  execute: (query: SQL) => PromiseLike<unknown>;
}

const rowsOf = <T>(result: unknown): T[] => (Array.isArray(result) ? result : ((result as { rows?: T[] }).rows ?? [])) as T[];
const jsonIds = (ids: readonly string[]) => JSON.stringify([...new Set(ids)]);

/** The text of a new message: BAD_USER_INPUT on `text` when it is empty or too long. */
export function messageText(text: string): string {
  const trimmed = text.trim();
  if (trimmed.length === 0) throw badInput('text', t`A message needs some text.`);
  if (trimmed.length > MAX_MESSAGE_LENGTH) {
    throw badInput('text', t`The message is ${trimmed.length} characters long; at most ${MAX_MESSAGE_LENGTH} are allowed.`);
  }
  return trimmed;
}

/** Stores a message (the caller's policy has allowed it) and returns it; the sender's organisation has read it. */
export async function storeMessage(db: Executor, recordKind: string, recordId: string, caller: Caller, text: string, now: Date): Promise<MessageView> {
  const id = randomUUID();
  await db.execute(sql`
    with m as (
      insert into record_message (id, record_kind, record_id, sender_user_id, sender_name, sender_organisation_id, body, sent_at)
      values (${id}, ${recordKind}, ${recordId}, ${caller.userId}, ${caller.name}, ${caller.organisation.id}, ${text}, ${now.toISOString()}::timestamptz)
      returning id
    )
    insert into record_message_read (message_id, organisation_id, user_id, read_at)
    select m.id, ${caller.organisation.id}, ${caller.userId}, ${now.toISOString()}::timestamptz from m`);
  return {
    id,
    recordKind,
    recordId,
    senderUserId: caller.userId,
    senderName: caller.name,
    senderOrganisationId: caller.organisation.id,
    text,
    sentAt: now,
    readBy: [{ organisationId: caller.organisation.id, userId: caller.userId, readAt: now }],
  };
}

interface MessageRow {
  id: string;
  record_id: string;
  sender_user_id: string;
  sender_name: string;
  sender_organisation_id: string;
  body: string;
  sent_at: Date | string;
  read_by: Array<{ organisationId: string; userId: string; readAt: string }> | null;
}

/** The messages of records of one kind, oldest first, with their read receipts: one statement for all the records. */
export async function messagesOf(db: Executor, recordKind: string, recordIds: readonly string[]): Promise<Map<string, MessageView[]>> {
  const out = new Map<string, MessageView[]>(recordIds.map((id) => [id, []]));
  if (recordIds.length === 0) return out;
  const rows = rowsOf<MessageRow>(
    await db.execute(sql`
      select m.id, m.record_id, m.sender_user_id, m.sender_name, m.sender_organisation_id, m.body, m.sent_at,
             (select json_agg(json_build_object('organisationId', r.organisation_id, 'userId', r.user_id, 'readAt', r.read_at) order by r.read_at, r.organisation_id)
                from record_message_read r where r.message_id = m.id) as read_by
        from record_message m
       where m.record_kind = ${recordKind} and m.record_id in (select jsonb_array_elements_text(${jsonIds(recordIds)}::jsonb))
       order by m.sent_at, m.id`),
  );
  for (const r of rows) {
    out.get(r.record_id)?.push({
      id: r.id,
      recordKind,
      recordId: r.record_id,
      senderUserId: r.sender_user_id,
      senderName: r.sender_name,
      senderOrganisationId: r.sender_organisation_id,
      text: r.body,
      sentAt: new Date(r.sent_at),
      readBy: (r.read_by ?? []).map((b) => ({ organisationId: b.organisationId, userId: b.userId, readAt: new Date(b.readAt) })),
    });
  }
  return out;
}

/** Marks every message on the record read for the caller's organisation; the number newly marked. */
export async function markMessagesRead(db: Executor, recordKind: string, recordId: string, caller: Caller, now: Date): Promise<number> {
  const rows = rowsOf<{ message_id: string }>(
    await db.execute(sql`
      insert into record_message_read (message_id, organisation_id, user_id, read_at)
      select m.id, ${caller.organisation.id}, ${caller.userId}, ${now.toISOString()}::timestamptz
        from record_message m where m.record_kind = ${recordKind} and m.record_id = ${recordId}
      on conflict do nothing
      returning message_id`),
  );
  return rows.length;
}

/** Per record: the messages the organisation has not read yet (the first one's time and their number). One statement. */
export async function unreadMessages(
  db: Executor,
  recordKind: string,
  recordIds: readonly string[],
  organisationId: string,
): Promise<Map<string, { count: number; since: Date }>> {
  const out = new Map<string, { count: number; since: Date }>();
  if (recordIds.length === 0) return out;
  const rows = rowsOf<{ record_id: string; n: string | number; since: Date | string }>(
    await db.execute(sql`
      select m.record_id, count(*) as n, min(m.sent_at) as since
        from record_message m
       where m.record_kind = ${recordKind} and m.record_id in (select jsonb_array_elements_text(${jsonIds(recordIds)}::jsonb))
         and not exists (select 1 from record_message_read r where r.message_id = m.id and r.organisation_id = ${organisationId})
       group by m.record_id`),
  );
  for (const r of rows) out.set(r.record_id, { count: Number(r.n), since: new Date(r.since) });
  return out;
}

/** Which of these work items the user marked read. One statement. */
export async function readMarks(db: Executor, userId: string, itemIds: readonly string[]): Promise<Set<string>> {
  if (itemIds.length === 0) return new Set();
  const rows = rowsOf<{ item_id: string }>(
    await db.execute(
      sql`select item_id from work_item_read where user_id = ${userId} and item_id in (select jsonb_array_elements_text(${jsonIds(itemIds)}::jsonb))`,
    ),
  );
  return new Set(rows.map((r) => r.item_id));
}

/** Marks these work items read for the user (ids the subgraph has checked are the caller's items); the number newly marked. */
export async function markItemsRead(db: Executor, userId: string, itemIds: readonly string[], now: Date): Promise<number> {
  if (itemIds.length === 0) return 0;
  const rows = rowsOf<{ item_id: string }>(
    await db.execute(sql`
      insert into work_item_read (user_id, item_id, read_at)
      select ${userId}, x, ${now.toISOString()}::timestamptz from jsonb_array_elements_text(${jsonIds(itemIds)}::jsonb) as x
      on conflict do nothing
      returning item_id`),
  );
  return rows.length;
}

/** A record id as a message or work item can name it: BAD_USER_INPUT on the field otherwise. */
export function recordIdOf(field: string, id: string): string {
  if (!isUuid(id)) throw badInput(field, t`${field} must be a record id (a UUID).`);
  return id;
}

/** One work item of a caller, as every subgraph derives it from its records. */
export interface WorkItemView {
  /** stable: subgraph, kind, record and what makes the work new (a cycle, a version) */
  id: string;
  kind: string;
  recordKind: string;
  recordId: string;
  /** the day by which the work should be done, or the day the informational item is about; null: none */
  dueOn: string | null;
  /** when the work arose */
  since: Date | null;
  /** true: nothing to do but take note (mark it read); false: it leaves when the work is done */
  informational: boolean;
}

/** Due date first (overdue items have the earliest), none last, then the oldest (unknown last), then by id: a total order. */
export function sortWork<T extends WorkItemView>(items: T[]): T[] {
  return items.sort((a, b) => {
    if (a.dueOn !== b.dueOn) {
      if (a.dueOn === null) return 1;
      if (b.dueOn === null) return -1;
      return a.dueOn < b.dueOn ? -1 : 1;
    }
    const sa = a.since?.getTime() ?? Number.POSITIVE_INFINITY;
    const sb = b.since?.getTime() ?? Number.POSITIVE_INFINITY;
    if (sa !== sb) return sa < sb ? -1 : 1;
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  });
}

/** Leaves out the informational items the user marked read (one statement). */
export async function withoutRead<T extends WorkItemView>(db: Executor, userId: string, items: T[]): Promise<T[]> {
  const marked = await readMarks(
    db,
    userId,
    items.filter((i) => i.informational).map((i) => i.id),
  );
  return items.filter((i) => !marked.has(i.id));
}

/** One read receipt, as Message.readBy gives it. */
export type MessageReceiptView = MessageView['readBy'][number];

/** The caller as another subgraph's Viewer arrives: its key. */
export interface ViewerKey {
  userId: string;
}

/** The resolvers of Message and MessageReceipt, the same in every subgraph. */
export const messageResolvers = {
  Message: {
    senderOrganisation: (m: MessageView) => storedOrganisation(m.senderOrganisationId),
  },
  MessageReceipt: {
    organisation: (r: MessageReceiptView) => storedOrganisation(r.organisationId),
  },
};

/** A work item as the API gives it: with whether it is overdue at the request's clock. */
export interface ListedWorkItem extends WorkItemView {
  overdue: boolean;
}

/**
 * The end of every subgraph's worklist: a MESSAGE item per record with messages the caller's
 * organisation has not read, only the kinds asked for, without the informational items the user
 * marked read, sorted, with `overdue` at the request's clock. Two statements whatever the length.
 */
export async function finishWork(
  db: Executor,
  caller: Caller,
  now: Date,
  prefix: string,
  recordKind: string,
  recordIds: readonly string[],
  derived: WorkItemView[],
  kinds: readonly string[] | null | undefined,
): Promise<ListedWorkItem[]> {
  const unread = await unreadMessages(db, recordKind, recordIds, caller.organisation.id);
  const all = [...derived];
  for (const [recordId, u] of unread) {
    all.push({ id: `${prefix}:MESSAGE:${recordId}`, kind: 'MESSAGE', recordKind, recordId, dueOn: null, since: u.since, informational: false });
  }
  const wanted = kinds && kinds.length > 0 ? all.filter((i) => kinds.includes(i.kind)) : all;
  const today = stockholmDate(now);
  const kept = await withoutRead(db, caller.userId, wanted);
  return sortWork(kept).map((i) => ({ ...i, overdue: !i.informational && i.dueOn !== null && i.dueOn < today }));
}

/** The most ids one call marks read. */
export const MAX_MARK = 500;

/**
 * Marks informational items read: only ids of the caller's current informational items (as the
 * subgraph lists them) count; an id of another subgraph is BAD_USER_INPUT on its index.
 */
export async function markWorkRead(
  db: Executor,
  caller: Caller,
  now: Date,
  prefix: string,
  what: Wording,
  ids: readonly string[],
  current: () => Promise<WorkItemView[]>,
): Promise<{ marked: number }> {
  if (ids.length > MAX_MARK) throw badInput('ids', t`At most ${MAX_MARK} ids can be marked at once.`);
  ids.forEach((id, i) => {
    if (!id.startsWith(`${prefix}:`)) throw badInput(`ids[${i}]`, t`This id is not a work item of ${what}.`);
  });
  const mine = new Set((await current()).filter((i) => i.informational).map((i) => i.id));
  return {
    marked: await markItemsRead(
      db,
      caller.userId,
      ids.filter((id) => mine.has(id)),
      now,
    ),
  };
}
