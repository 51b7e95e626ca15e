/**
 * Who may see and change a consent, a joint care plan or a council, and on
 * which basis, on top of the role table in shared/access.ts. Every path that
 * reaches a plan (directly, through a person, a referral, a court order or a
 * list) asks `planBasis`; a record without a basis is absent (null, left out
 * of lists, NOT_FOUND on a change), following the shared outline in
 * services/shared/src/record-access.ts.
 *
 * - The plan's owner organisation (the one that drew it up) always sees its
 *   own record.
 * - A participating organisation sees the plan, with every part contributed
 *   to it, while the plan's consent is active and names that organisation.
 * - Nobody else, and no role without clients (council members, log
 *   reviewers), sees a plan.
 * - Only a participating organisation adds efforts to a plan or signs it on
 *   its own behalf; the individual's signature may be recorded by anyone who
 *   may change the plan.
 * - A consent is seen by the organisation that recorded it and those it names.
 * - A council is seen by the COUNCIL_MEMBER staff of its member organisations.
 */
import { and, eq, or, sql, type SQL } from 'drizzle-orm';
import type { Caller } from '../../../shared/src/caller.ts';
import { can } from '../../../shared/src/access.ts';
import { councilMembers, sitsOn } from '../../../shared/src/councils.ts';
import { organisation } from '../../../shared/src/directory.ts';
import { badInput, forbidden, notFound } from '../../../shared/src/errors.ts';
import { recordAccess } from '../../../shared/src/record-access.ts';
import { stockholmDate } from '../../../shared/src/time.ts';
import { consent, jointCarePlan, type ConsentRow, type CouncilRow, type PlanRow } from '../db/schema.ts';
import { t, type Wording } from '../../../shared/src/i18n.ts';

// ---------------------------------------------------------------- consent state

/**
 * Active: not revoked, and `now` not past its last day. A revocation is effective from the moment
 * it is recorded whatever "now" a request asks for: a development clock (x-hub-clock) set before
 * the revocation does not bring the consent, or what was shared on it, back.
 */
export function consentActive(c: Pick<ConsentRow, 'revokedAt' | 'validUntil'>, now: Date): boolean {
  return c.revokedAt === null && c.validUntil >= stockholmDate(now);
}

/** Why a consent is not active now, in words; null while it is. */
export function consentInactiveReason(c: Pick<ConsentRow, 'revokedAt' | 'validUntil'>, now: Date): string | null {
  if (c.revokedAt !== null) return `the individual revoked the consent on ${stockholmDate(c.revokedAt)}`;
  if (c.validUntil < stockholmDate(now)) return `the consent expired after ${c.validUntil}`;
  return null;
}

// ---------------------------------------------------------------- consents

export const BASIS_CONSENT_RECORDER = 'recorded by own organisation';
export const BASIS_CONSENT_NAMED = 'organisation named in the consent';
type ConsentBasis = typeof BASIS_CONSENT_RECORDER | typeof BASIS_CONSENT_NAMED;

/** Whether the caller's organisation is party to the consent (recorded it or is named in it), whatever the caller's role. */
function partyTo(caller: Caller, c: Pick<ConsentRow, 'recordedByOrganisationId' | 'organisationIds'>): ConsentBasis | null {
  const org = caller.organisation.id;
  if (c.recordedByOrganisationId === org) return BASIS_CONSENT_RECORDER;
  if (c.organisationIds.includes(org)) return BASIS_CONSENT_NAMED;
  return null;
}

export function consentBasis(caller: Caller, c: ConsentRow): ConsentBasis | null {
  return can(caller, 'plan.read') ? partyTo(caller, c) : null;
}

/** Consents seen, audited and refused by the shared outline. */
export const consentAccess = recordAccess<ConsentRow, ConsentBasis>({
  entity: 'Consent',
  basis: consentBasis,
  subject: (c) => ({ entityId: c.id, personId: c.personId, owner: c.recordedByOrganisationId }),
  notVisible: (id) => notFound(t`There is no consent ${id} that your organisation is party to.`),
});

/** Consents the caller's organisation is party to, as SQL. */
export function visibleConsentsSql(caller: Caller): SQL | null {
  if (!can(caller, 'plan.read')) return null;
  const org = caller.organisation.id;
  return or(eq(consent.recordedByOrganisationId, org), sql`${org} = any(${consent.organisationIds})`)!;
}

// ---------------------------------------------------------------- plans

export const BASIS_PLAN_OWNER = 'own organisation';

export function planBasis(caller: Caller, plan: PlanRow, planConsent: ConsentRow, now: Date): string | null {
  if (!can(caller, 'plan.read')) return null;
  const org = caller.organisation.id;
  if (plan.ownerOrganisationId === org) return BASIS_PLAN_OWNER;
  if (plan.participantOrganisationIds.includes(org) && consentActive(planConsent, now) && planConsent.organisationIds.includes(org)) {
    return `plan participant under consent ${planConsent.id}`;
  }
  return null;
}

/** A plan together with the consent it rests on: what its basis is decided on. */
export interface PlanRecord {
  plan: PlanRow;
  consent: ConsentRow;
}

export const planNotVisible = (id: string) => notFound(t`There is no joint care plan ${id} that you can see.`);

/** Plans seen, audited and refused by the shared outline, as of `now` (a consent may lapse). */
export const planAccess = (now: Date) =>
  recordAccess<PlanRecord, string>({
    entity: 'JointCarePlan',
    basis: (caller, r) => planBasis(caller, r.plan, r.consent, now),
    subject: (r) => ({ entityId: r.plan.id, personId: r.plan.personId, owner: r.plan.ownerOrganisationId }),
    notVisible: planNotVisible,
  });

/** `planBasis` as SQL, for lists: the plans the caller may see. Null when the role sees none. */
export function visiblePlansSql(caller: Caller, now: Date): SQL | null {
  if (!can(caller, 'plan.read')) return null;
  const org = caller.organisation.id;
  const today = stockholmDate(now);
  return or(
    eq(jointCarePlan.ownerOrganisationId, org),
    and(
      sql`${org} = any(${jointCarePlan.participantOrganisationIds})`,
      sql`exists (select 1 from ${consent} c where c.id = ${jointCarePlan.consentId}
        and c.revoked_at is null
        and c.valid_until >= ${today}::date and ${org} = any(c.organisation_ids))`,
    ),
  )!;
}

/**
 * A new plan may rest only on a consent the caller's organisation is party to, given by
 * the person the plan is about, active now, and naming every participating organisation.
 */
export function requirePlanConsent(
  caller: Caller,
  planConsent: ConsentRow | null,
  consentId: string,
  plan: Pick<PlanRow, 'personId' | 'participantOrganisationIds'>,
  now: Date,
): ConsentRow {
  if (!planConsent || !partyTo(caller, planConsent)) {
    throw badInput('input.consentId', t`There is no consent ${consentId} that your organisation is party to. Record the individual's consent first.`);
  }
  if (planConsent.personId !== plan.personId) throw badInput('input.consentId', t`This consent was given by another person than the one the plan is about.`);
  if (!consentActive(planConsent, now))
    throw badInput('input.consentId', t`The consent is not active: ${consentInactiveReason(planConsent, now)}. No plan can be drawn up on it.`);
  const unnamed = plan.participantOrganisationIds.filter((id) => !planConsent.organisationIds.includes(id));
  if (unnamed.length) {
    throw badInput(
      'input.consentId',
      t`The consent does not name ${unnamed.map((id) => organisation(id)?.name ?? id).join(', ')}. Every participating organisation must be named in the individual's consent.`,
    );
  }
  return planConsent;
}

const takesPart = (caller: Caller, plan: Pick<PlanRow, 'participantOrganisationIds'>) => plan.participantOrganisationIds.includes(caller.organisation.id);

/** Each organisation writes only its own efforts, and only in a plan it takes part in. */
export function requireEffortAuthor(caller: Caller, plan: Pick<PlanRow, 'participantOrganisationIds'>): void {
  if (!takesPart(caller, plan)) throw forbidden(t`Only an organisation taking part in the plan adds efforts to it.`);
}

/** An organisation signs only a plan it takes part in; the individual's own signature is recorded by whoever may change the plan. */
/** Only the organisation that owns the plan takes this step (FORBIDDEN otherwise). */
export function requireOwner(caller: Caller, plan: Pick<PlanRow, 'ownerOrganisationId'>, message: Wording): void {
  if (caller.organisation.id !== plan.ownerOrganisationId) throw forbidden(message);
}

/**
 * An organisation signs for itself when it takes part; the individual's own signature is recorded
 * only by the organisation that owns the plan (it met the individual and keeps the record: the
 * signed paper, the identity provider's assertion, the representative's name).
 */
export function requireSigner(caller: Caller, plan: Pick<PlanRow, 'participantOrganisationIds' | 'ownerOrganisationId'>, asIndividual: boolean): void {
  if (asIndividual) {
    if (caller.organisation.id !== plan.ownerOrganisationId) throw forbidden(t`Only the organisation that owns the plan records the individual's signature.`);
  } else if (!takesPart(caller, plan)) throw forbidden(t`Only an organisation taking part in the plan signs it.`);
}

// ---------------------------------------------------------------- councils

/** The organisations whose council members sit on the council, from the directory. */
export function councilMembersOf(row: Pick<CouncilRow, 'level' | 'regionCode' | 'municipalityCodes'>): string[] {
  return councilMembers({ level: row.level, regionCode: row.regionCode, municipalityCodes: row.municipalityCodes });
}

export function sitsOnCouncil(caller: Caller, row: CouncilRow): boolean {
  return sitsOn(caller, councilMembersOf(row));
}

export const councilBasis = (councilId: string) => `council member of ${councilId}`;
