/**
 * What a file is here for retention (shared/src/retention.ts): a contract-care order with its
 * deviations, evaluations, messages and notifications. The rule chosen (README, Retention and purge):
 * ten years after the later of the order's end (ends_on) and its last entry; the law for these files
 * is less clear than for health records, and this is the project's choice, not a reading of it.
 */
import type { Sql, TransactionSql } from 'postgres';
import { attachedLastEntries, purgeAttached, withAttached, type RetentionFile, type RetentionRule } from '../../shared/src/retention.ts';

async function files(sql: Sql): Promise<RetentionFile[]> {
  const rows = await sql<Array<{ id: string; person_id: string; owner: string; last_entry: Date }>>`
    select o.id::text as id, o.person_id, o.probation_office_id as owner,
      greatest(o.registered_at, o.breached_at, (o.ends_on + 1)::timestamptz,
        (select max(d.reported_at) from contract_care_deviation d where d.order_id = o.id),
        (select max(v.recorded_at) from contract_care_evaluation v where v.order_id = o.id)) as last_entry
    from contract_care_order o`;
  return withAttached(
    rows.map((r) => ({ id: r.id, personId: r.person_id, owner: r.owner, lastEntry: r.last_entry })),
    await attachedLastEntries(sql),
  );
}

async function purge(tx: TransactionSql, ids: string[]): Promise<void> {
  await purgeAttached(tx, ids);
  await tx`delete from contract_care_deviation where order_id = any(${ids}::uuid[])`;
  await tx`delete from contract_care_evaluation where order_id = any(${ids}::uuid[])`;
  await tx`delete from contract_care_order where id = any(${ids}::uuid[])`;
}

export const probationRetention: RetentionRule = {
  subgraph: 'probation',
  entity: 'ContractCareOrder',
  years: 10,
  basis: 'project rule: contract-care order kept ten years after its end and its last entry',
  files,
  purge,
};
