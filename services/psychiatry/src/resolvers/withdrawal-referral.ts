/** WithdrawalReferral and its parts: fields derived from the stored row and the request's clock. */
import type { GraphQLResolveInfo } from 'graphql';
import { organisation } from '../../../shared/src/directory.ts';
import { formatIdentityNumber } from '../../../shared/src/personnummer.ts';
import type { ReferralEventRow, ReferralRow, StoredCycle, InternalNoteRow } from '../db/schema.ts';
import type { PsychiatryContext } from '../context.ts';
import * as deadlines from '../domain/deadlines.ts';
import { eventsOf, internalNotesOf, referralById, referralByReference, referralsOfPerson } from '../domain/referrals.ts';
import { wardById } from '../domain/wards.ts';
import { selectedFields } from '../../../shared/src/selection.ts';

interface OfferView {
  wardId: string;
  offeredAt: Date;
  dueBy: string;
  startDate: string;
  lapsesOn: string;
  reason: string | null;
}

const offerOf = (o: OfferView) => ({ ...o, deadlineMissed: deadlines.placeStartMissesDeadline(o.startDate, o.dueBy) });

export const WithdrawalReferral = {
  __resolveReference: (ref: { id: string }, ctx: PsychiatryContext) => referralByReference(ctx, ref.id),
  person: (r: ReferralRow) => ({ id: r.personId }),
  status: (r: ReferralRow, _: unknown, ctx: PsychiatryContext) => deadlines.deriveStatus(r, ctx.now),
  personnummer: (r: ReferralRow) => formatIdentityNumber(r.personnummer),
  referringOrganisation: (r: ReferralRow) => organisation(r.referringOrganisationId),
  receivingOrganisation: (r: ReferralRow) => organisation(r.receivingOrganisationId),
  caseworker: (r: ReferralRow) => ({ name: r.caseworkerName, phone: r.caseworkerPhone, email: r.caseworkerEmail }),
  assessmentCycle: (r: ReferralRow) => r.cycle,
  assessmentDeadlineMissed: (r: ReferralRow, _: unknown, ctx: PsychiatryContext) => deadlines.assessmentDeadlineMissed(r, ctx.now),
  overdue: (r: ReferralRow, _: unknown, ctx: PsychiatryContext) => deadlines.isOverdue(r, ctx.now),
  decision: (r: ReferralRow) =>
    r.decidedAt
      ? { needed: r.decisionNeeded, setting: r.decisionSetting, decidedAt: r.decidedAt, decidedBy: r.decidedBy, rationale: r.decisionRationale }
      : null,
  placeOffer: (r: ReferralRow) =>
    r.placeOfferedAt
      ? offerOf({
          wardId: r.placeWardId!,
          offeredAt: r.placeOfferedAt,
          dueBy: r.placeDueBy!,
          startDate: r.placeStartDate!,
          lapsesOn: r.placeLapsesOn!,
          reason: r.placeReason,
        })
      : null,
  events: (r: ReferralRow, _: unknown, ctx: PsychiatryContext) => eventsOf(ctx, r),
  internalNotes: (r: ReferralRow, _: unknown, ctx: PsychiatryContext) => internalNotesOf(ctx, r),
  earlierCycles: (r: ReferralRow) =>
    r.earlierCycles.map((c: StoredCycle) => ({
      cycle: c.cycle,
      startedAt: new Date(c.startedAt),
      assessmentDueBy: c.assessmentDueBy,
      assessmentMeetingAt: c.assessmentMeetingAt ? new Date(c.assessmentMeetingAt) : null,
      assessmentDeadlineMissed: c.assessmentDeadlineMissed,
      decision: c.decision ? { ...c.decision, decidedAt: new Date(c.decision.decidedAt) } : null,
      placeOffer: c.placeOffer ? offerOf({ ...c.placeOffer, offeredAt: new Date(c.placeOffer.offeredAt) }) : null,
      outcome: c.outcome,
    })),
};

export const PlaceOffer = {
  ward: (o: OfferView, _: unknown, ctx: PsychiatryContext) => wardById(ctx, o.wardId),
};

export const ReferralEvent = {
  by: (e: ReferralEventRow) => `${e.byName} (${organisation(e.byOrganisationId)?.name ?? e.byOrganisationId})`,
};

export const InternalNote = {
  by: (n: InternalNoteRow) => n.byName,
};

export const Person = {
  withdrawalReferrals: (p: { id: string }, _: unknown, ctx: PsychiatryContext, info: GraphQLResolveInfo) => referralsOfPerson(ctx, p.id, selectedFields(info)),
};

/**
 * The referral of a withdrawal plan. Social services supplies the plan's
 * referral id and person (@requires; trustworthy because the gateway signs);
 * the referral must be about the same person, and the caller must be able to
 * see it here, whatever they may see of the plan.
 */
export const JointCarePlan = {
  withdrawalReferral: async (p: { withdrawalReferralId?: string | null; person?: { id: string } }, _: unknown, ctx: PsychiatryContext) => {
    if (!p.withdrawalReferralId) return null;
    const r = await referralById(ctx, p.withdrawalReferralId, null);
    return r && r.personId === p.person?.id ? r : null;
  },
};
