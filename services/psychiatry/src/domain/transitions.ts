/**
 * Which step may follow which: the pathway's state machine as a table. A step
 * that makes no sense for the current status is refused with CONFLICT and a
 * message naming that status.
 */
import { conflict } from '../../../shared/src/errors.ts';
import type { ReferralStatus } from './deadlines.ts';

export type Step = 'bookMeeting' | 'decide' | 'offerPlace' | 'admit' | 'discharge' | 'requestNewAssessment' | 'withdraw';

export const ALL_STATUSES: readonly ReferralStatus[] = [
  'RECEIVED',
  'ASSESSMENT_BOOKED',
  'AWAITING_DECISION',
  'NOT_NEEDED',
  'CARE_PLANNING',
  'PLACE_OFFERED',
  'ADMITTED',
  'COMPLETED',
  'LAPSED',
  'WITHDRAWN',
];

/** For each step, the statuses it may start from. */
export const ALLOWED_FROM: Record<Step, readonly ReferralStatus[]> = {
  // rebooking is allowed until the decision (e.g. the individual did not come)
  bookMeeting: ['RECEIVED', 'ASSESSMENT_BOOKED', 'AWAITING_DECISION'],
  // the referral group decides after the meeting has taken place
  decide: ['AWAITING_DECISION'],
  offerPlace: ['CARE_PLANNING'],
  admit: ['PLACE_OFFERED'],
  discharge: ['ADMITTED'],
  requestNewAssessment: ['LAPSED'],
  withdraw: ['RECEIVED', 'ASSESSMENT_BOOKED', 'AWAITING_DECISION', 'CARE_PLANNING', 'PLACE_OFFERED', 'LAPSED'],
};

const STATUS_WORDS: Record<ReferralStatus, string> = {
  RECEIVED: 'received, with no assessment meeting booked yet',
  ASSESSMENT_BOOKED: 'assessment booked, and the meeting has not taken place yet',
  AWAITING_DECISION: 'awaiting the decision of the referral group',
  NOT_NEEDED: 'closed: treatment was found not needed',
  CARE_PLANNING: 'care planning, with no place offered yet',
  PLACE_OFFERED: 'place offered, not yet admitted',
  ADMITTED: 'admitted',
  COMPLETED: 'completed',
  LAPSED: 'lapsed: the offered place was not used in time',
  WITHDRAWN: 'withdrawn by social services',
};

const STEP_WORDS: Record<Step, string> = {
  bookMeeting: 'An assessment meeting can be booked only before the decision',
  decide: 'A treatment decision can be recorded only after the assessment meeting has taken place',
  offerPlace: 'A place can be offered only after a decision that treatment is needed',
  admit: 'An admission can be recorded only while an offered place is still valid',
  discharge: 'A discharge can be recorded only for an admitted individual',
  requestNewAssessment: 'A new assessment can be requested only after an offered place has lapsed',
  withdraw: 'A request can be withdrawn only while it is still open',
};

export function canTake(step: Step, status: ReferralStatus): boolean {
  return ALLOWED_FROM[step].includes(status);
}

export function assertTransition(step: Step, status: ReferralStatus): void {
  if (!canTake(step, status)) {
    throw conflict(`${STEP_WORDS[step]}; this referral is ${status} (${STATUS_WORDS[status]}).`, { status });
  }
}
