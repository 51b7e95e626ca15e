/** WithdrawalReferral and its parts: fields derived from the stored row and the request's clock. */
import { organisation } from '../../../shared/src/directory.ts';
import { formatIdentityNumber } from '../../../shared/src/personnummer.ts';
import { selectedFields } from '../../../shared/src/selection.ts';
import type {
  ExpectedDischargeChangeResolvers,
  InvitedMeetingResolvers,
  InternalNoteResolvers,
  JointCarePlanResolvers,
  MeetingInvitationResolvers,
  MeetingParticipantResolvers,
  WithdrawalMeetingResolvers,
  PersonResolvers,
  PlaceOfferResolvers,
  ReferralDocumentResolvers,
  RemovedReferralDocumentResolvers,
  ReferralEventResolvers,
  WithdrawalReferralResolvers,
} from '../generated/resolvers.ts';
import * as deadlines from '../domain/deadlines.ts';
import { meetingsOf } from '../domain/meetings.ts';
import {
  amendmentsOf,
  amendmentView,
  eventsOf,
  internalNotesOf,
  preparedDecisionOf,
  referralById,
  referralByReference,
  referralOfPlan,
  referralsOfPerson,
} from '../domain/referrals.ts';
import { admissionRefusalOf, decisionOf, earlierCyclesOf, placeOfferOf, storedOrganisation, treatmentOfferOf } from '../domain/views.ts';
import { wardById } from '../domain/wards.ts';
import { messagesOfReferral } from '../domain/work.ts';
import { referralBundle } from '../domain/fhir.ts';
import { documentsOfReferral, removedDocumentsOfReferral } from '../domain/documents.ts';
import { listedDocumentFields, removedDocumentFields } from '../../../shared/src/documents.ts';
import { noteText } from '../../../shared/src/i18n.ts';

export const WithdrawalReferral: WithdrawalReferralResolvers = {
  __resolveReference: (ref, ctx) => referralByReference(ctx, ref.id),
  person: (r) => ({ id: r.personId }),
  status: (r, _, ctx) => deadlines.deriveStatus(r, ctx.now),
  messages: (r, _, ctx) => messagesOfReferral(ctx, r),
  personnummer: (r) => formatIdentityNumber(r.personnummer),
  referringOrganisation: (r) => storedOrganisation(r.referringOrganisationId),
  receivingOrganisation: (r) => storedOrganisation(r.receivingOrganisationId),
  caseworker: (r) => ({ name: r.caseworkerName, phone: r.caseworkerPhone, email: r.caseworkerEmail }),
  assessmentCycle: (r) => r.cycle,
  assessmentDeadlineMissed: (r, _, ctx) => deadlines.assessmentDeadlineMissed(r, ctx.now),
  overdue: (r, _, ctx) => deadlines.isOverdue(r, ctx.now),
  nextDueBy: (r) => {
    const due = deadlines.nextDueBy(r);
    return due === deadlines.NO_DEADLINE ? null : due;
  },
  decision: (r) => decisionOf(r),
  placeOffer: (r) => placeOfferOf(r),
  treatmentOffer: (r) => treatmentOfferOf(r),
  admissionRefusal: (r) => admissionRefusalOf(r),
  events: (r, _, ctx) => eventsOf(ctx, r),
  documents: (r, _, ctx) => documentsOfReferral(ctx, r.id),
  removedDocuments: (r, _, ctx) => removedDocumentsOfReferral(ctx, r.id),
  internalNotes: (r, _, ctx) => internalNotesOf(ctx, r),
  earlierCycles: (r) => earlierCyclesOf(r),
  amendments: async (r, _, ctx) => (await amendmentsOf(ctx, r)).map(amendmentView),
  assignedCoordinator: (r) =>
    r.assignedToUserId && r.assignedToName && r.assignedAt
      ? { userId: r.assignedToUserId, name: r.assignedToName, assignedAt: r.assignedAt, assignedBy: r.assignedByName ?? '' }
      : null,
  preparedDecision: (r, _, ctx) => preparedDecisionOf(ctx, r),
  // the linked request is shown only where the caller may see it (the same check as the direct query)
  newCycleOf: (r, _, ctx) => (r.newCycleOf ? referralById(ctx, r.newCycleOf, ['id']) : null),
  meetings: (r, _, ctx) => meetingsOf(ctx, r),
  expectedDischargeChanges: (r) => r.expectedDischargeChanges,
  // the parent is the referral the caller may read (its check and audit): the bundle shows what it shows
  fhirBundle: (r, _, ctx) => JSON.stringify(referralBundle(r, ctx.now)),
};

export const ExpectedDischargeChange: ExpectedDischargeChangeResolvers = {
  at: (c) => new Date(c.at),
  by: (c) => `${c.byName} (${organisation(c.byOrganisationId)?.name ?? c.byOrganisationId})`,
};

export const WithdrawalMeeting: WithdrawalMeetingResolvers = {
  id: (m) => m.row.id,
  kind: (m) => m.row.kind,
  cycle: (m) => m.row.cycle,
  status: (m) => m.row.status,
  at: (m) => m.row.startAt,
  firstOfferedAt: (m) => m.row.firstOfferedAt,
  durationMinutes: (m) => m.row.durationMinutes,
  place: (m) => m.row.place,
  videoLink: (m) => m.row.videoLink,
  participants: (m) => m.participants,
  invitations: (m) => m.invitations,
  outcomeReason: (m) => (m.party ? m.row.outcomeReason : null),
  outcomeRecordedAt: (m) => m.row.outcomeAt,
};

export const MeetingParticipant: MeetingParticipantResolvers = {
  organisation: (p) => (p.organisationId ? storedOrganisation(p.organisationId) : null),
  userId: (p) => p.userId ?? null,
};

/** A meeting as an invited organisation sees it (meetingInvitations): the organisations are references by id. */
export const InvitedMeeting: InvitedMeetingResolvers = {
  id: (m) => m.row.id,
  kind: (m) => m.row.kind,
  status: (m) => m.row.status,
  at: (m) => m.row.startAt,
  durationMinutes: (m) => m.row.durationMinutes,
  place: (m) => m.row.place,
  videoLink: (m) => m.row.videoLink,
  host: (m) => storedOrganisation(m.host),
  participants: (m) => m.participants,
  invitation: (m) => m.invitation,
};

export const MeetingInvitation: MeetingInvitationResolvers = {
  organisation: (i) => storedOrganisation(i.organisationId),
  proposedAt: (i) => (i.proposedAt ? new Date(i.proposedAt) : null),
  answeredAt: (i) => (i.answeredAt ? new Date(i.answeredAt) : null),
  reason: (i) => i.reason ?? null,
  answeredBy: (i) => (i.answeredByName ? `${i.answeredByName} (${organisation(i.organisationId)?.name ?? i.organisationId})` : null),
};

export const ReferralDocument: ReferralDocumentResolvers = listedDocumentFields<'ASI' | 'AUDIT' | 'DUDIT' | 'OTHER'>();

export const RemovedReferralDocument: RemovedReferralDocumentResolvers = removedDocumentFields<'ASI' | 'AUDIT' | 'DUDIT' | 'OTHER'>();

export const PlaceOffer: PlaceOfferResolvers = {
  ward: (o, _, ctx) => wardById(ctx, o.wardId),
};

export const ReferralEvent: ReferralEventResolvers = {
  by: (e) => `${e.byName} (${organisation(e.byOrganisationId)?.name ?? e.byOrganisationId})`,
  // stored as its message, written in the reader's language (services/shared/src/i18n.ts)
  note: (e) => noteText(e.note),
};

export const InternalNote: InternalNoteResolvers = {
  by: (n) => n.byName,
};

export const Person: PersonResolvers = {
  withdrawalReferrals: (p, _, ctx, info) => referralsOfPerson(ctx, p.id, selectedFields(info)),
};

export const JointCarePlan: JointCarePlanResolvers = {
  withdrawalReferral: (p, _, ctx) => referralOfPlan(ctx, p),
};
