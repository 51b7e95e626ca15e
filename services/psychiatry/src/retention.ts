/**
 * What a health record is here for retention (shared/src/retention.ts): a withdrawal referral with its
 * events, internal notes, amendments, meetings, documents, messages and notifications; its last entry
 * is the latest time of any of them. Patientdatalagen 3 kap. 17 §: kept at least ten years after the
 * last entry.
 */
import type { Sql, TransactionSql } from 'postgres';
import { attachedLastEntries, purgeAttached, withAttached, type RetentionFile, type RetentionRule } from '../../shared/src/retention.ts';

async function files(sql: Sql): Promise<RetentionFile[]> {
  const rows = await sql<Array<{ id: string; person_id: string; owner: string; last_entry: Date }>>`
    select r.id::text as id, r.person_id, r.receiving_organisation_id as owner,
      greatest(r.updated_at, r.received_at,
        (select max(at) from withdrawal_referral_event e where e.referral_id = r.id),
        (select max(at) from withdrawal_internal_note n where n.referral_id = r.id),
        (select max(at) from withdrawal_referral_amendment a where a.referral_id = r.id),
        (select max(greatest(m.updated_at, m.booked_at, m.outcome_at)) from withdrawal_meeting m where m.referral_id = r.id)) as last_entry
    from withdrawal_referral r`;
  return withAttached(
    rows.map((r) => ({ id: r.id, personId: r.person_id, owner: r.owner, lastEntry: r.last_entry })),
    await attachedLastEntries(sql),
  );
}

async function purge(tx: TransactionSql, ids: string[]): Promise<void> {
  await purgeAttached(tx, ids);
  for (const table of ['withdrawal_referral_event', 'withdrawal_internal_note', 'withdrawal_referral_amendment', 'withdrawal_meeting'])
    await tx`delete from ${tx(table)} where referral_id = any(${ids}::uuid[])`;
  // the indicator trigger takes each deleted referral off its month's counts
  await tx`delete from withdrawal_referral where id = any(${ids}::uuid[])`;
}

export const psychiatryRetention: RetentionRule = {
  subgraph: 'psychiatry',
  entity: 'WithdrawalReferral',
  years: 10,
  basis: 'Patientdatalagen 3 kap. 17 §: health record kept ten years after its last entry',
  files,
  purge,
};
