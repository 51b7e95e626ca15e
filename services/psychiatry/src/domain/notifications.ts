/**
 * Psychiatry's notifications (services/shared/src/notify.ts): who is told of each step of a
 * withdrawal referral, and the deadline sweep. A notification names the referral only; the
 * recipient reads it with the referral's own authorization (readBasis), so an item is visible
 * exactly when its referral is.
 */
import { sql } from 'drizzle-orm';
import type { Caller } from '../../../shared/src/caller.ts';
import { isUuid } from '../../../shared/src/ids.ts';
import {
  announce,
  announcedOf,
  notify,
  refKey,
  type Executor,
  type NewNotification,
  type NotificationHooks,
  type StoredRow,
} from '../../../shared/src/notify.ts';
import { stockholmDate } from '../../../shared/src/time.ts';
import type { ReferralRow } from '../db/schema.ts';
import { readBasis } from './policy.ts';
import { STORED_NOTE_MARK, t } from '../../../shared/src/i18n.ts';

export const RECORD_KIND = 'WithdrawalReferral';

type Parties = Pick<ReferralRow, 'id' | 'receivingOrganisationId' | 'referringOrganisationId'>;

/** The referral's timeline event kinds that hand work to someone, and to whom. */
const TOLD: Record<string, (r: Parties) => Pick<NewNotification, 'recipientOrganisationId' | 'recipientRole'>> = {
  SUBMITTED: (r) => ({ recipientOrganisationId: r.receivingOrganisationId, recipientRole: 'COORDINATOR' }),
  NEW_ASSESSMENT_REQUESTED: (r) => ({ recipientOrganisationId: r.receivingOrganisationId, recipientRole: 'COORDINATOR' }),
  WITHDRAWN: (r) => ({ recipientOrganisationId: r.receivingOrganisationId, recipientRole: 'COORDINATOR' }),
  DECISION_RECORDED: (r) => ({ recipientOrganisationId: r.referringOrganisationId, recipientRole: 'CASEWORKER' }),
  PLACE_OFFERED: (r) => ({ recipientOrganisationId: r.referringOrganisationId, recipientRole: 'CASEWORKER' }),
  PLACE_MOVED: (r) => ({ recipientOrganisationId: r.referringOrganisationId, recipientRole: 'CASEWORKER' }),
  ADMITTED: (r) => ({ recipientOrganisationId: r.referringOrganisationId, recipientRole: 'CASEWORKER' }),
  ADMISSION_REFUSED: (r) => ({ recipientOrganisationId: r.referringOrganisationId, recipientRole: 'CASEWORKER' }),
  DISCHARGED: (r) => ({ recipientOrganisationId: r.referringOrganisationId, recipientRole: 'CASEWORKER' }),
};

/** In the step's transaction: tells whoever the step hands work to (nothing for a step that hands none). */
export async function notifyStep(tx: Executor, r: Parties, eventKind: string, now: Date): Promise<void> {
  const to = TOLD[eventKind];
  if (!to) return;
  await notify(tx, { ...to(r), kind: eventKind, recordKind: RECORD_KIND, recordId: r.id }, now);
}

const DEADLINE_BY = 'the hub';
// the timeline notes of the sweep, stored as messages (services/shared/src/i18n.ts) by the statement itself
const LAPSED_NOTE = t`The offered place was not used by ${''} and has lapsed; social services may ask for a new assessment.`.key;
const OVERDUE_NOTE = t`No assessment meeting was booked by ${''}.`.key;

type SweptRow = StoredRow;

export const psychiatryNotifications: NotificationHooks = {
  async visible(db: Executor, caller: Caller, _now: Date, refs) {
    const ids = [...new Set(refs.filter((r) => r.recordKind === RECORD_KIND && isUuid(r.recordId)).map((r) => r.recordId))];
    if (ids.length === 0) return new Set();
    const found = (await db.execute(
      sql`select id, receiving_organisation_id, referring_organisation_id from withdrawal_referral where id in (select (jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb))::uuid)`,
    )) as Array<{ id: string; receiving_organisation_id: string; referring_organisation_id: string }>;
    const rows: Parties[] = found.map((r) => ({
      id: r.id,
      receivingOrganisationId: r.receiving_organisation_id,
      referringOrganisationId: r.referring_organisation_id,
    }));
    return new Set(rows.filter((r) => readBasis(caller, r) !== null).map((r) => refKey({ recordKind: RECORD_KIND, recordId: r.id })));
  },
  /**
   * A place not used by lapsesOn lapses the day after (the caseworker is told, and the lapse is on
   * the timeline); an assessment meeting not booked by assessmentDueBy is overdue the day after
   * (the coordinator is told). Once per referral and cycle: one statement writes both.
   */
  async sweep(db, now, personId) {
    const today = stockholmDate(now);
    const person = personId === null ? sql`` : sql` and r.person_id = ${personId}`;
    return db.transaction(async (tx) => {
      const rows = (await tx.execute(sql`
        with due as (
          select r.id, r.receiving_organisation_id as receiving, r.referring_organisation_id as org, 'CASEWORKER' as role, 'PLACE_LAPSED' as kind,
                 'PLACE_LAPSED:' || r.id || ':' || r.cycle as key,
                 ((r.place_lapses_on + 1)::timestamp at time zone 'Europe/Stockholm') as deadline_at,
                 ${STORED_NOTE_MARK} || json_build_object('key', ${LAPSED_NOTE}::text, 'params', json_build_array(to_char(r.place_lapses_on, 'YYYY-MM-DD')))::text as note
            from withdrawal_referral r where r.stage = 'PLACE_OFFERED' and r.place_lapses_on < ${today}::date${person}
          union all
          select r.id, r.receiving_organisation_id, r.receiving_organisation_id, 'COORDINATOR', 'ASSESSMENT_OVERDUE',
                 'ASSESSMENT_OVERDUE:' || r.id || ':' || r.cycle,
                 ((r.assessment_due_by + 1)::timestamp at time zone 'Europe/Stockholm'),
                 ${STORED_NOTE_MARK} || json_build_object('key', ${OVERDUE_NOTE}::text, 'params', json_build_array(to_char(r.assessment_due_by, 'YYYY-MM-DD')))::text
            from withdrawal_referral r where r.stage = 'RECEIVED' and r.assessment_due_by < ${today}::date${person}
        ),
        ins as (
          insert into notification (recipient_organisation_id, recipient_role, kind, record_kind, record_id, created_at, dedup_key)
          select d.org, d.role, d.kind, ${RECORD_KIND}, d.id::text, ${now.toISOString()}::timestamptz, d.key from due d
          on conflict (dedup_key) do nothing
          returning seq, kind, record_kind, record_id, recipient_organisation_id, recipient_role, recipient_user_id, created_at, dedup_key
        ),
        ev as (
          insert into withdrawal_referral_event (id, referral_id, at, kind, by_name, by_organisation_id, note)
          select gen_random_uuid(), d.id, d.deadline_at, d.kind, ${DEADLINE_BY}, d.receiving, d.note
            from due d join ins on ins.dedup_key = d.key
          order by ins.seq
        )
        select seq, kind, record_kind, record_id, recipient_organisation_id, recipient_role, recipient_user_id, created_at from ins order by seq`)) as SweptRow[];
      await announce(tx, rows.map(announcedOf));
      return rows.length;
    });
  },
};
