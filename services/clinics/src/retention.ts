/**
 * What a health record is here for retention (shared/src/retention.ts): a clinic enrolment with its
 * efforts; its last entry is the latest time of any of them. Patientdatalagen 3 kap. 17 §: kept at
 * least ten years after the last entry.
 */
import type { Sql, TransactionSql } from 'postgres';
import { attachedLastEntries, purgeAttached, withAttached, type RetentionFile, type RetentionRule } from '../../shared/src/retention.ts';

async function files(sql: Sql): Promise<RetentionFile[]> {
  const rows = await sql<Array<{ id: string; person_id: string; owner: string; last_entry: Date }>>`
    select e.id::text as id, e.person_id, e.clinic_id as owner,
      greatest(e.enrolled_at, (select max(f.recorded_at) from clinic_effort f where f.enrolment_id = e.id)) as last_entry
    from clinic_enrolment e`;
  return withAttached(
    rows.map((r) => ({ id: r.id, personId: r.person_id, owner: r.owner, lastEntry: r.last_entry })),
    await attachedLastEntries(sql),
  );
}

async function purge(tx: TransactionSql, ids: string[]): Promise<void> {
  await purgeAttached(tx, ids);
  await tx`delete from clinic_effort where enrolment_id = any(${ids}::uuid[])`;
  await tx`delete from clinic_enrolment where id = any(${ids}::uuid[])`;
}

export const clinicsRetention: RetentionRule = {
  subgraph: 'clinics',
  entity: 'ClinicEnrolment',
  years: 10,
  basis: 'Patientdatalagen 3 kap. 17 §: health record kept ten years after its last entry',
  files,
  purge,
};
