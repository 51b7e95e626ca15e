/**
 * What the resolvers of a referral's parts receive as parent: the place offer
 * (current or of a closed cycle) with its ward's id, the decision, the closed
 * cycles, and a joint care plan as social services' representation carries it.
 * Built from the stored row by pure functions, so a field's shape is decided
 * here and checked against the SDL through the generated resolver types.
 */
import { storedOrganisation } from '../../../shared/src/directory.ts';
import type { PersonKey } from '../../../shared/src/federation.ts';
import type { ReferralRow, StoredCycle } from '../db/schema.ts';
import * as deadlines from './deadlines.ts';

/** A place offer on a ward (an outpatient offer is a TreatmentOffer only); PlaceOffer.ward resolves wardId to the ward. */
export interface PlaceOfferView {
  wardId: string;
  offeredAt: Date;
  dueBy: string;
  startDate: string;
  lapsesOn: string;
  reason: string | null;
  deadlineMissed: boolean;
}

export interface DecisionView {
  needed: boolean;
  setting: 'INPATIENT' | 'OUTPATIENT' | null;
  decidedAt: Date;
  decidedBy: string;
  rationale: string | null;
  /** the physician who prepared the decision, when one did */
  preparedBy: string | null;
}

export interface CycleView {
  cycle: number;
  startedAt: Date;
  assessmentDueBy: string;
  assessmentMeetingAt: Date | null;
  assessmentDeadlineMissed: boolean;
  decision: DecisionView | null;
  placeOffer: PlaceOfferView | null;
  outcome: StoredCycle['outcome'];
  admissionRefusalReason: string | null;
}

/**
 * A joint care plan as it reaches psychiatry: its key, and the referral id and
 * person social services supplies (@requires). A representation without them
 * (a plan resolved by key alone) names no referral.
 */
export interface JointCarePlanReference {
  id: string;
  withdrawalReferralId?: string | null;
  person?: PersonKey | null;
}

type Offer = Omit<PlaceOfferView, 'deadlineMissed'>;
const withMark = (o: Offer): PlaceOfferView => ({ ...o, deadlineMissed: deadlines.placeStartMissesDeadline(o.startDate, o.dueBy) });

/** The current cycle's place offer, or null before one is made. */
export function placeOfferOf(r: ReferralRow): PlaceOfferView | null {
  if (!r.placeOfferedAt || !r.placeWardId || !r.placeDueBy || !r.placeStartDate || !r.placeLapsesOn) return null;
  return withMark({
    wardId: r.placeWardId,
    offeredAt: r.placeOfferedAt,
    dueBy: r.placeDueBy,
    startDate: r.placeStartDate,
    lapsesOn: r.placeLapsesOn,
    reason: r.placeReason,
  });
}

/** Any offer of the current cycle, outpatient (no ward) or inpatient; TreatmentOffer resolves ward and provider. */
export interface TreatmentOfferView {
  setting: 'INPATIENT' | 'OUTPATIENT';
  wardId: string | null;
  receivingOrganisationId: string;
  offeredAt: Date;
  dueBy: string;
  startDate: string;
  lapsesOn: string;
  reason: string | null;
  deadlineMissed: boolean;
}

export function treatmentOfferOf(r: ReferralRow): TreatmentOfferView | null {
  if (!r.placeOfferedAt || !r.placeDueBy || !r.placeStartDate || !r.placeLapsesOn) return null;
  return {
    setting: r.placeWardId ? 'INPATIENT' : 'OUTPATIENT',
    wardId: r.placeWardId,
    receivingOrganisationId: r.receivingOrganisationId,
    offeredAt: r.placeOfferedAt,
    dueBy: r.placeDueBy,
    startDate: r.placeStartDate,
    lapsesOn: r.placeLapsesOn,
    reason: r.placeReason,
    deadlineMissed: deadlines.placeStartMissesDeadline(r.placeStartDate, r.placeDueBy),
  };
}

/** The recorded refusal of an admission, or null. */
export function admissionRefusalOf(r: ReferralRow): { at: Date; reason: string } | null {
  return r.admissionRefusedAt && r.admissionRefusalReason ? { at: r.admissionRefusedAt, reason: r.admissionRefusalReason } : null;
}

/** The current cycle's decision, or null before the referral group has decided. */
export function decisionOf(r: ReferralRow): DecisionView | null {
  if (!r.decidedAt || r.decisionNeeded === null || r.decidedBy === null) return null;
  return {
    needed: r.decisionNeeded,
    setting: r.decisionSetting,
    decidedAt: r.decidedAt,
    decidedBy: r.decidedBy,
    rationale: r.decisionRationale,
    preparedBy: r.decisionPreparedBy,
  };
}

/** The closed cycles as stored (ISO strings in JSON), with instants as dates again. */
export function earlierCyclesOf(r: ReferralRow): CycleView[] {
  return r.earlierCycles.map((c) => ({
    cycle: c.cycle,
    startedAt: new Date(c.startedAt),
    assessmentDueBy: c.assessmentDueBy,
    assessmentMeetingAt: c.assessmentMeetingAt ? new Date(c.assessmentMeetingAt) : null,
    assessmentDeadlineMissed: c.assessmentDeadlineMissed,
    decision: c.decision ? { ...c.decision, decidedAt: new Date(c.decision.decidedAt), preparedBy: c.decision.preparedBy ?? null } : null,
    // a closed cycle's outpatient offer had no ward: PlaceOffer is a ward place
    placeOffer: c.placeOffer?.wardId ? withMark({ ...c.placeOffer, wardId: c.placeOffer.wardId, offeredAt: new Date(c.placeOffer.offeredAt) }) : null,
    outcome: c.outcome,
    admissionRefusalReason: c.admissionRefusalReason ?? null,
  }));
}

export { storedOrganisation };
