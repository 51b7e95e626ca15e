/**
 * Care ordered from another care provider: psychiatry of one region offers a
 * place on a ward of another region's psychiatry organisation (offerPlace
 * with fromOtherProvider). That provider sees, for each place that holds a
 * bed on one of its wards (offered and not lapsed, or admitted), only what it
 * needs to receive and treat the individual (OrderedPlace): who, when, which
 * substances, the current problems, other illnesses and medications, and who
 * ordered it. Never the referral itself, the caseworker's contact, the
 * assessments, the timeline or psychiatry's internal notes. Every read is
 * audited with its basis; the ordering organisation holds the record and owns
 * the audit event.
 */
import { and, asc, eq, gte, inArray, ne, or } from 'drizzle-orm';
import { stockholmDate } from '../../../shared/src/time.ts';
import { ward, withdrawalReferral, type ReferralRow } from '../db/schema.ts';
import type { PsychiatryContext } from '../context.ts';
import { BASIS_PROVIDER, requireOrderedPlaces } from './policy.ts';

/** The fields of a referral an ordered place shows its provider (the audit event names them). */
export const ORDERED_PLACE_FIELDS = [
  'personnummer',
  'name',
  'substances',
  'currentProblems',
  'otherIllnesses',
  'medications',
  'placeStartDate',
  'placeLapsesOn',
  'admittedAt',
  'expectedDischargeOn',
] as const;

export async function orderedPlaces(ctx: PsychiatryContext): Promise<ReferralRow[]> {
  requireOrderedPlaces(ctx.caller);
  const org = ctx.caller.organisation.id;
  const t = withdrawalReferral;
  const rows = await ctx.db
    .select({ r: t })
    .from(t)
    .innerJoin(ward, eq(ward.id, t.placeWardId))
    .where(
      and(
        eq(ward.organisationId, org),
        ne(t.receivingOrganisationId, org),
        inArray(t.stage, ['PLACE_OFFERED', 'ADMITTED']),
        or(eq(t.stage, 'ADMITTED'), gte(t.placeLapsesOn, stockholmDate(ctx.now))),
      ),
    )
    .orderBy(asc(t.placeStartDate), asc(t.id));
  return rows.map(({ r }) => {
    ctx.audit.read({
      entity: 'WithdrawalReferral',
      entityId: r.id,
      personId: r.personId,
      fields: [...ORDERED_PLACE_FIELDS],
      basis: BASIS_PROVIDER,
      owner: r.receivingOrganisationId,
    });
    return r;
  });
}
