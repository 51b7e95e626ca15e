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

/** A place offer; PlaceOffer.ward resolves wardId to the ward. */
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
    placeOffer: c.placeOffer ? withMark({ ...c.placeOffer, offeredAt: new Date(c.placeOffer.offeredAt) }) : null,
    outcome: c.outcome,
  }));
}

export { storedOrganisation };
