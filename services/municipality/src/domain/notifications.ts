/**
 * Social services' notifications (services/shared/src/notify.ts): who is told of what happens to a
 * joint care plan, and the deadline sweep. A notification names the plan (or, for SHARING_STOPPED,
 * the consent) only; the recipient reads it with the record's own authorization, so an item is
 * visible exactly when its record is:
 *
 * - ADDED_TO_PLAN: each participating organisation other than the one that drew the plan up;
 * - SIGN_PLAN (version 1) / NEW_VERSION_TO_SIGN: for a contract-care plan, every party whose
 *   signature the version needs (social services, the care provider, the probation service),
 *   except the organisation that made the version;
 * - PLAN_MESSAGE: the other organisations that see the plan;
 * - FOLLOW_UP_DUE (by the sweep, once per plan, follow-up date and organisation): every
 *   organisation that sees the plan, from the follow-up date on while none has been held;
 * - SHARING_STOPPED: when the individual revokes a consent, each organisation that loses access to
 *   a plan resting on it. Its record is the *consent* (recordKind Consent), not the plan: the
 *   organisations named in a consent still see the consent after a revocation (it shows
 *   active: false), while the plan is gone from their view. So the notification stays visible to
 *   them, and what it points to tells only that sharing stopped.
 */
import { sql } from 'drizzle-orm';
import type { Caller } from '../../../shared/src/caller.ts';
import { organisation } from '../../../shared/src/directory.ts';
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
import type { ConsentRow, PlanRow } from '../db/schema.ts';
import { consentActive, consentBasis, planBasis } from './policy.ts';

export const PLAN_RECORD = 'JointCarePlan';
export const CONSENT_RECORD = 'Consent';

type Parties = Pick<PlanRow, 'id' | 'kind' | 'ownerOrganisationId' | 'participantOrganisationIds'>;

/** The agencies that sign a contract-care plan (plan-rules.missingSignatures). */
const SIGNING_AGENCIES = new Set(['MUNICIPALITY', 'PSYCHIATRY', 'CLINIC', 'PROBATION']);

const toPlan = (planId: string, kind: string, orgs: Iterable<string>): NewNotification[] =>
  [...new Set(orgs)].map((o) => ({ recipientOrganisationId: o, kind, recordKind: PLAN_RECORD, recordId: planId }));

/** The organisations that may see the plan now: the owner, and participants while the consent is active and names them. */
function seeing(plan: Parties, planConsent: Pick<ConsentRow, 'revokedAt' | 'validUntil' | 'organisationIds'>, now: Date): string[] {
  const shared = consentActive(planConsent, now);
  return [plan.ownerOrganisationId, ...plan.participantOrganisationIds.filter((o) => shared && planConsent.organisationIds.includes(o))];
}

/** A new contract-care version needs every signing party's signature: tells them, except the one that made it. */
function toSign(plan: Parties, byOrg: string, kind: 'SIGN_PLAN' | 'NEW_VERSION_TO_SIGN'): NewNotification[] {
  if (plan.kind !== 'CONTRACT_CARE') return [];
  const parties = [plan.ownerOrganisationId, ...plan.participantOrganisationIds].filter(
    (o) => o !== byOrg && SIGNING_AGENCIES.has(organisation(o)?.agency ?? ''),
  );
  return toPlan(plan.id, kind, parties);
}

/** In the creating transaction: the participants are told they were added, and (contract care) asked to sign. */
export async function notifyPlanCreated(tx: Executor, plan: Parties, now: Date): Promise<void> {
  const added = toPlan(
    plan.id,
    'ADDED_TO_PLAN',
    plan.participantOrganisationIds.filter((o) => o !== plan.ownerOrganisationId),
  );
  await notify(tx, [...added, ...toSign(plan, plan.ownerOrganisationId, 'SIGN_PLAN')], now);
}

/** In the transaction that made a new version: (contract care) the other parties are asked to sign it. */
export async function notifyNewVersion(tx: Executor, plan: Parties, byOrg: string, now: Date): Promise<void> {
  await notify(tx, toSign(plan, byOrg, 'NEW_VERSION_TO_SIGN'), now);
}

/** In the message's transaction: the other organisations that see the plan. */
export async function notifyPlanMessage(tx: Executor, plan: Parties, planConsent: ConsentRow, byOrg: string, now: Date): Promise<void> {
  await notify(
    tx,
    toPlan(
      plan.id,
      'PLAN_MESSAGE',
      seeing(plan, planConsent, now).filter((o) => o !== byOrg),
    ),
    now,
  );
}

/**
 * In the revocation's transaction: each organisation that saw a plan on the consent only through it
 * (a participant named in the consent, not the plan's owner) is told, once per consent.
 */
export async function notifySharingStopped(tx: Executor, revoked: ConsentRow, now: Date): Promise<void> {
  const rows = (await tx.execute(
    sql`select owner_organisation_id, participant_organisation_ids from joint_care_plan where consent_id = ${revoked.id}`,
  )) as Array<{ owner_organisation_id: string; participant_organisation_ids: string[] }>;
  const losing = new Set<string>();
  for (const r of rows) {
    for (const o of r.participant_organisation_ids) if (o !== r.owner_organisation_id && revoked.organisationIds.includes(o)) losing.add(o);
  }
  await notify(
    tx,
    [...losing].map((o) => ({
      recipientOrganisationId: o,
      kind: 'SHARING_STOPPED',
      recordKind: CONSENT_RECORD,
      recordId: revoked.id,
      dedupKey: `SHARING_STOPPED:${revoked.id}:${o}`,
    })),
    now,
  );
}

type SweptRow = StoredRow;

interface PlanFacts {
  id: string;
  owner_organisation_id: string;
  participant_organisation_ids: string[];
  revoked_at: Date | null;
  valid_until: string;
  organisation_ids: string[];
  recorded_by_organisation_id: string;
  consent_id: string;
}

const asConsent = (r: PlanFacts) =>
  ({
    id: r.consent_id,
    revokedAt: r.revoked_at,
    validUntil: typeof r.valid_until === 'string' ? r.valid_until : stockholmDate(new Date(r.valid_until)),
    organisationIds: r.organisation_ids,
    recordedByOrganisationId: r.recorded_by_organisation_id,
  }) as ConsentRow;

export const municipalityNotifications: NotificationHooks = {
  /** A plan by planBasis (owner; participant under an active consent naming it); a consent by consentBasis (party to it). */
  async visible(db: Executor, caller: Caller, now: Date, refs) {
    const planIds = [...new Set(refs.filter((r) => r.recordKind === PLAN_RECORD && isUuid(r.recordId)).map((r) => r.recordId))];
    const consentIds = [...new Set(refs.filter((r) => r.recordKind === CONSENT_RECORD && isUuid(r.recordId)).map((r) => r.recordId))];
    const out = new Set<string>();
    if (planIds.length > 0) {
      const found = (await db.execute(sql`
        select p.id, p.owner_organisation_id, p.participant_organisation_ids, p.consent_id, c.revoked_at, c.valid_until::text as valid_until,
               c.organisation_ids, c.recorded_by_organisation_id
          from joint_care_plan p join consent c on c.id = p.consent_id
         where p.id in (select (jsonb_array_elements_text(${JSON.stringify(planIds)}::jsonb))::uuid)`)) as PlanFacts[];
      for (const r of found) {
        const plan = { ownerOrganisationId: r.owner_organisation_id, participantOrganisationIds: r.participant_organisation_ids } as PlanRow;
        if (planBasis(caller, plan, asConsent(r), now)) out.add(refKey({ recordKind: PLAN_RECORD, recordId: r.id }));
      }
    }
    if (consentIds.length > 0) {
      const found = (await db.execute(sql`
        select id, organisation_ids, recorded_by_organisation_id from consent
         where id in (select (jsonb_array_elements_text(${JSON.stringify(consentIds)}::jsonb))::uuid)`)) as Array<{
        id: string;
        organisation_ids: string[];
        recorded_by_organisation_id: string;
      }>;
      for (const r of found) {
        const c = { id: r.id, organisationIds: r.organisation_ids, recordedByOrganisationId: r.recorded_by_organisation_id } as ConsentRow;
        if (consentBasis(caller, c)) out.add(refKey({ recordKind: CONSENT_RECORD, recordId: r.id }));
      }
    }
    return out;
  },
  /**
   * A follow-up is due from its date (followUpOn) while none has been held since it was set: every
   * organisation that sees the plan then is told, once per plan, date and organisation (one
   * statement; a second replica's insert of the same key does nothing).
   */
  async sweep(db, now, personId) {
    const today = stockholmDate(now);
    const person = personId === null ? sql`` : sql` and p.person_id = ${personId}`;
    return db.transaction(async (tx) => {
      const rows = (await tx.execute(sql`
        with due as (
          select p.id, p.follow_up_on, o.org
            from joint_care_plan p
            join consent c on c.id = p.consent_id
            cross join lateral unnest(array[p.owner_organisation_id] || p.participant_organisation_ids) as o(org)
           where p.ended_at is null and p.follow_up_on <= ${today}::date${person}
             and not exists (select 1 from care_plan_follow_up f where f.plan_id = p.id and f.held_on >= p.follow_up_set_on)
             and (o.org = p.owner_organisation_id
                  or (c.revoked_at is null and c.valid_until >= ${today}::date and o.org = any(c.organisation_ids)))
        )
        insert into notification (recipient_organisation_id, kind, record_kind, record_id, created_at, dedup_key)
        select distinct d.org, 'FOLLOW_UP_DUE', ${PLAN_RECORD}, d.id::text, ${now.toISOString()}::timestamptz,
               'FOLLOW_UP_DUE:' || d.id || ':' || to_char(d.follow_up_on, 'YYYY-MM-DD') || ':' || d.org
          from due d
        on conflict (dedup_key) do nothing
        returning seq, kind, record_kind, record_id, recipient_organisation_id, recipient_role, recipient_user_id, created_at`)) as SweptRow[];
      const sorted = [...rows].sort((a, b) => Number(a.seq) - Number(b.seq));
      await announce(tx, sorted.map(announcedOf));
      return new Set(sorted.map((r) => r.record_id)).size;
    });
  },
};
