/**
 * Retention: the deliberate purge of records whose retention time has passed (`npm run purge`,
 * scripts/purge.ts). Each subgraph says what one of its "files" is (a referral with its events,
 * meetings, amendments, documents, messages and notifications; an enrolment with its efforts;
 * an order with its deviations, evaluations and messages), when its last entry was, and how
 * it is deleted. The dry run lists what would go and what is kept, and why, without personal
 * data (record ids and pseudonymous person ids only), and prints a token: the hash of the list.
 * The confirmed run recomputes the list and refuses unless its token is the one given, so that
 * what is deleted is exactly what was listed; it deletes in one transaction and writes one audit
 * event (action PURGE) per purged record, in the same transaction. Audit events are never purged.
 */
import { createHash } from 'node:crypto';
import type { Sql, TransactionSql } from 'postgres';
import type { SubgraphName } from './env.ts';

/** One file that the rule looks at: its record, whose it is, and its last entry. */
export interface RetentionFile {
  /** the record id (uuid) */
  id: string;
  /** the pseudonymous person id */
  personId: string;
  /** the organisation whose record it is (the audit event's owner) */
  owner: string;
  /** the latest timestamp of any change to the record or anything of it */
  lastEntry: Date;
}

export interface RetentionRule {
  subgraph: SubgraphName;
  /** the record type of the audit events (WithdrawalReferral, ...) */
  entity: string;
  /** whole years after the last entry (or the end, for probation) */
  years: number;
  /** the legal rule, written into each PURGE audit event */
  basis: string;
  /** every file of the subgraph, with its last entry */
  files: (sql: Sql) => Promise<RetentionFile[]>;
  /** a reason to keep a file that is old enough (a research exception), or null */
  keep?: (file: RetentionFile) => string | null;
  /** deletes the files with these ids and everything of them */
  purge: (tx: TransactionSql, ids: string[]) => Promise<void>;
}

export interface RetentionDecision {
  file: RetentionFile;
  /** 'purge', or why it is kept */
  verdict: { purge: true } | { purge: false; reason: string };
}

/** The cut-off: `asOf` less `years` years (a file whose last entry is before it may go). */
export function cutOff(asOf: Date, years: number): Date {
  const d = new Date(asOf.getTime());
  d.setUTCFullYear(d.getUTCFullYear() - years);
  return d;
}

/** What happens to each file on `asOf`, in id order. */
export async function decide(sql: Sql, rule: RetentionRule, asOf: Date): Promise<RetentionDecision[]> {
  const limit = cutOff(asOf, rule.years);
  const files = (await rule.files(sql)).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return files.map((file) => {
    if (file.lastEntry.getTime() >= limit.getTime()) return { file, verdict: { purge: false, reason: `not old enough (last entry ${day(file.lastEntry)})` } };
    const kept = rule.keep?.(file) ?? null;
    return { file, verdict: kept === null ? { purge: true } : { purge: false, reason: kept } };
  });
}

/** The token of a list: what the confirmed run must be given, so that it deletes exactly what was listed. */
export function tokenOf(rule: RetentionRule, asOf: Date, decisions: readonly RetentionDecision[]): string {
  const purged = decisions.filter((d) => d.verdict.purge).map((d) => `${d.file.id}@${d.file.lastEntry.toISOString()}`);
  return createHash('sha256')
    .update(JSON.stringify([rule.subgraph, day(asOf), purged]))
    .digest('hex')
    .slice(0, 32);
}

export const day = (d: Date) => d.toISOString().slice(0, 10);

/**
 * Deletes what hangs on records by their id in the shared tables a subgraph may have: the messages on
 * them (and their read marks), the notifications about them (and their read marks), their documents.
 * A table the subgraph does not have is skipped.
 */
export async function purgeAttached(tx: TransactionSql, list: string[]): Promise<void> {
  const present = new Set(
    (
      await tx<Array<{ name: string }>>`
        select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = current_schema() and c.relname in ('record_message', 'record_message_read', 'notification', 'notification_read', 'document')`
    ).map((r) => r.name),
  );
  if (present.has('record_message')) {
    if (present.has('record_message_read'))
      await tx`delete from record_message_read where message_id in (select id from record_message where record_id = any(${list}::text[]))`;
    await tx`delete from record_message where record_id = any(${list}::text[])`;
  }
  if (present.has('notification')) {
    if (present.has('notification_read'))
      await tx`delete from notification_read where notification_seq in (select seq from notification where record_id = any(${list}::text[]))`;
    await tx`delete from notification where record_id = any(${list}::text[])`;
  }
  if (present.has('document')) await tx`delete from document where record_id::text = any(${list}::text[])`;
}

/** The latest of the attached rows' times per record id (messages sent, documents created or uploaded), for the last entry. */
export async function attachedLastEntries(sql: Sql): Promise<Map<string, Date>> {
  const present = new Set(
    (
      await sql<Array<{ name: string }>>`
        select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = current_schema() and c.relname in ('record_message', 'document')`
    ).map((r) => r.name),
  );
  const out = new Map<string, Date>();
  const add = (rows: Array<{ id: string; at: Date }>) => {
    for (const r of rows) {
      const before = out.get(r.id);
      if (!before || r.at > before) out.set(r.id, r.at);
    }
  };
  if (present.has('record_message'))
    add(await sql<Array<{ id: string; at: Date }>>`select record_id as id, max(sent_at) as at from record_message group by record_id`);
  if (present.has('document'))
    add(
      await sql<Array<{ id: string; at: Date }>>`select record_id::text as id, max(greatest(created_at, uploaded_at)) as at from document group by record_id`,
    );
  return out;
}

/** `lastEntry` pushed to the attached rows' latest time. */
export function withAttached(files: RetentionFile[], attached: Map<string, Date>): RetentionFile[] {
  return files.map((f) => {
    const a = attached.get(f.id);
    return a && a > f.lastEntry ? { ...f, lastEntry: a } : f;
  });
}
