/**
 * The probation service's notifications (services/shared/src/notify.ts): who is told of what
 * happens to a contract-care order, and the deadline sweep. A notification names the order only;
 * the recipient reads it with the order's own authorization (policy.readBasis), so an item is
 * visible exactly when its order is:
 *
 * - DEVIATION_REPORTED: the probation office, when a partner (not the office itself) reports one;
 * - ORDER_MESSAGE: the other parties of the order (the office and its partners);
 * - EVALUATION_DUE (by the sweep, once per order and due date): the office, from the day the next
 *   evaluation is due (90 days after the last one, or the court decision) while the order is active.
 */
import { sql } from 'drizzle-orm';
import type { Caller } from '../../../shared/src/caller.ts';
import { isUuid } from '../../../shared/src/ids.ts';
import { announce, announcedOf, notify, refKey, type Executor, type NotificationHooks, type StoredRow } from '../../../shared/src/notify.ts';
import { stockholmDate } from '../../../shared/src/time.ts';
import type { OrderRow } from '../db/schema.ts';
import { readBasis } from './policy.ts';
import { EVALUATION_INTERVAL_DAYS } from './rules.ts';

export const RECORD_KIND = 'ContractCareOrder';

type Parties = Pick<OrderRow, 'id' | 'probationOfficeId' | 'partnerOrganisationIds'>;

/** In the deviation's transaction: the office is told when a partner reported it. */
export async function notifyDeviation(tx: Executor, order: Parties, byOrg: string, now: Date): Promise<void> {
  if (byOrg === order.probationOfficeId) return;
  await notify(tx, { recipientOrganisationId: order.probationOfficeId, kind: 'DEVIATION_REPORTED', recordKind: RECORD_KIND, recordId: order.id }, now);
}

/** In the message's transaction: the other parties of the order. */
export async function notifyOrderMessage(tx: Executor, order: Parties, byOrg: string, now: Date): Promise<void> {
  const others = [...new Set([order.probationOfficeId, ...order.partnerOrganisationIds])].filter((o) => o !== byOrg);
  await notify(
    tx,
    others.map((o) => ({ recipientOrganisationId: o, kind: 'ORDER_MESSAGE', recordKind: RECORD_KIND, recordId: order.id })),
    now,
  );
}

type SweptRow = StoredRow;

export const probationNotifications: NotificationHooks = {
  async visible(db: Executor, caller: Caller, _now: Date, refs) {
    const ids = [...new Set(refs.filter((r) => r.recordKind === RECORD_KIND && isUuid(r.recordId)).map((r) => r.recordId))];
    if (ids.length === 0) return new Set();
    const found = (await db.execute(
      sql`select id, probation_office_id, partner_organisation_ids from contract_care_order where id in (select (jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb))::uuid)`,
    )) as Array<{ id: string; probation_office_id: string; partner_organisation_ids: string[] }>;
    return new Set(
      found
        .filter((r) => readBasis(caller, { probationOfficeId: r.probation_office_id, partnerOrganisationIds: r.partner_organisation_ids }) !== null)
        .map((r) => refKey({ recordKind: RECORD_KIND, recordId: r.id })),
    );
  },
  /**
   * The next evaluation of an active order (not breached, not ended) is due 90 days after the
   * latest one held, or after the court decision: from that day the office is told, once per
   * order and due date (one statement; a second replica's insert of the same key does nothing).
   */
  async sweep(db, now, personId) {
    const today = stockholmDate(now);
    const person = personId === null ? sql`` : sql` and o.person_id = ${personId}`;
    return db.transaction(async (tx) => {
      const rows = (await tx.execute(sql`
        with due as (
          select o.id, o.probation_office_id as org,
                 (coalesce((select max(e.held_on) from contract_care_evaluation e where e.order_id = o.id), o.court_decision_on) + ${EVALUATION_INTERVAL_DAYS}::int) as due_on
            from contract_care_order o
           where o.breached_at is null and o.ends_on >= ${today}::date${person}
        )
        insert into notification (recipient_organisation_id, kind, record_kind, record_id, created_at, dedup_key)
        select d.org, 'EVALUATION_DUE', ${RECORD_KIND}, d.id::text, ${now.toISOString()}::timestamptz,
               'EVALUATION_DUE:' || d.id || ':' || to_char(d.due_on, 'YYYY-MM-DD')
          from due d where d.due_on <= ${today}::date
         order by d.due_on, d.id
        on conflict (dedup_key) do nothing
        returning seq, kind, record_kind, record_id, recipient_organisation_id, recipient_role, recipient_user_id, created_at`)) as SweptRow[];
      const sorted = [...rows].sort((a, b) => Number(a.seq) - Number(b.seq));
      await announce(tx, sorted.map(announcedOf));
      return sorted.length;
    });
  },
};
