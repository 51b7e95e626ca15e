/**
 * Who may see a consent or a joint care plan, and on which basis
 * (architecture.md, security model 4–5; rules.md 3 and 5). Every path that
 * reaches a plan (directly, through a person, a referral, a court order or
 * a list) asks `planBasis`; a record without a basis is absent.
 *
 * - The plan's owner organisation (the one that drew it up) always sees its
 *   own record.
 * - A participating organisation sees the plan, with every part contributed
 *   to it, while the plan's consent is active and names that organisation.
 * - Nobody else, and no role without clients (council members, log
 *   reviewers), sees a plan.
 */
import { and, eq, or, sql, type SQL } from 'drizzle-orm';
import type { Caller } from '../../../shared/src/caller.ts';
import { can } from '../../../shared/src/access.ts';
import { stockholmDate } from '../../../shared/src/time.ts';
import { consent, jointCarePlan } from '../db/schema.ts';

export type ConsentRow = typeof consent.$inferSelect;
export type PlanRow = typeof jointCarePlan.$inferSelect;

export function consentActive(c: Pick<ConsentRow, 'revokedAt' | 'validUntil'>, now: Date): boolean {
  return (c.revokedAt === null || c.revokedAt > now) && c.validUntil >= stockholmDate(now);
}

/** Why a consent is not active now, in words; null while it is. */
export function consentInactiveReason(c: Pick<ConsentRow, 'revokedAt' | 'validUntil'>, now: Date): string | null {
  if (c.revokedAt !== null && c.revokedAt <= now) return `the individual revoked the consent on ${stockholmDate(c.revokedAt)}`;
  if (c.validUntil < stockholmDate(now)) return `the consent expired after ${c.validUntil}`;
  return null;
}

export function consentBasis(caller: Caller, c: ConsentRow): string | null {
  if (!can(caller, 'plan.read')) return null;
  const org = caller.organisation.id;
  if (c.recordedByOrganisationId === org) return 'recorded by own organisation';
  if (c.organisationIds.includes(org)) return 'organisation named in the consent';
  return null;
}

export function planBasis(caller: Caller, plan: PlanRow, planConsent: ConsentRow | undefined, now: Date): string | null {
  if (!can(caller, 'plan.read')) return null;
  const org = caller.organisation.id;
  if (plan.ownerOrganisationId === org) return 'own organisation';
  if (plan.participantOrganisationIds.includes(org) && planConsent && consentActive(planConsent, now) && planConsent.organisationIds.includes(org)) {
    return `plan participant under consent ${planConsent.id}`;
  }
  return null;
}

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
        and (c.revoked_at is null or c.revoked_at > ${now.toISOString()}::timestamptz)
        and c.valid_until >= ${today}::date and ${org} = any(c.organisation_ids))`,
    ),
  )!;
}

/** Consents the caller's organisation is party to, as SQL. */
export function visibleConsentsSql(caller: Caller): SQL | null {
  if (!can(caller, 'plan.read')) return null;
  const org = caller.organisation.id;
  return or(eq(consent.recordedByOrganisationId, org), sql`${org} = any(${consent.organisationIds})`)!;
}
