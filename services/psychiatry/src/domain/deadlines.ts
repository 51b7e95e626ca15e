/**
 * The pathway's deadlines and the statuses derived from the clock, as pure
 * functions (no timers: everything is computed from stored dates and "now").
 * Dates are whole days on the Europe/Stockholm calendar, so a daylight-saving
 * change never moves a deadline.
 */
import { addDays, stockholmDate } from '../../../shared/src/time.ts';
import type { Stage } from '../db/schema.ts';

/** The routine: an assessment meeting within 2 weeks; a place within 2 weeks of the decision; used within 4 weeks. */
export const ASSESSMENT_DAYS = 14;
export const PLACE_OFFER_DAYS = 14;
export const PLACE_LAPSE_DAYS = 28;

export type ReferralStatus = Stage | 'AWAITING_DECISION' | 'LAPSED';

/** The Stockholm date of receipt (or of the new-assessment request) + 14 days. */
export function assessmentDueBy(cycleStartedAt: Date): string {
  return addDays(stockholmDate(cycleStartedAt), ASSESSMENT_DAYS);
}

/** The Stockholm date of the decision + 14 days. */
export function placeDueBy(decidedAt: Date): string {
  return addDays(stockholmDate(decidedAt), PLACE_OFFER_DAYS);
}

/** startDate + 28 days: the last day on which the place can be used. */
export function lapsesOn(startDate: string): string {
  return addDays(startDate, PLACE_LAPSE_DAYS);
}

/** What the status-deriving rules need of a referral. */
export interface StatusFacts {
  stage: Stage;
  assessmentMeetingAt: Date | null;
  placeLapsesOn: string | null;
}

/**
 * The status a caller sees at `now`: a booked meeting whose time has come is
 * AWAITING_DECISION; an offered place not used by lapsesOn (Stockholm) is
 * LAPSED from the day after.
 */
export function deriveStatus(r: StatusFacts, now: Date): ReferralStatus {
  if (r.stage === 'ASSESSMENT_BOOKED' && r.assessmentMeetingAt && r.assessmentMeetingAt.getTime() <= now.getTime()) return 'AWAITING_DECISION';
  if (r.stage === 'PLACE_OFFERED' && r.placeLapsesOn && stockholmDate(now) > r.placeLapsesOn) return 'LAPSED';
  return r.stage;
}

/** Overdue: no meeting booked and today (Stockholm) is after the due date. Day 14 is in time; day 15 is overdue. */
export function isOverdue(r: { stage: Stage; assessmentDueBy: string }, now: Date): boolean {
  return r.stage === 'RECEIVED' && stockholmDate(now) > r.assessmentDueBy;
}

/** Whether the first meeting booked in a cycle misses the due date (its Stockholm date is after it). */
export function meetingMissesDeadline(meetingAt: Date, dueBy: string): boolean {
  return stockholmDate(meetingAt) > dueBy;
}

/**
 * The 14-day rule is met by the first time offered in the cycle (the first booking), not the
 * one the meeting is finally held at: missed when that time is after the due date, or when it
 * was offered only after the due date had passed. A later move never changes the mark.
 */
export function firstOfferMissesDeadline(firstOfferedAt: Date, offeredOn: Date, dueBy: string): boolean {
  return meetingMissesDeadline(firstOfferedAt, dueBy) || stockholmDate(offeredOn) > dueBy;
}

/** The missed-deadline mark: stays once a late meeting was booked; also true while unbooked and overdue. */
export function assessmentDeadlineMissed(r: { stage: Stage; assessmentDueBy: string; assessmentDeadlineMissed: boolean }, now: Date): boolean {
  return r.assessmentDeadlineMissed || isOverdue(r, now);
}

/** A start date after the offer's due date needs a reason and counts as a missed deadline. */
export function placeStartMissesDeadline(startDate: string, dueBy: string): boolean {
  return startDate > dueBy;
}

/** The far date that sorts a referral with no deadline ahead of it last. */
export const NO_DEADLINE = '9999-12-31';

/**
 * The next deadline of a referral, which the inbox sorts by: the assessment due date until the
 * decision, the place due date (decision + 14 days) while no place is offered, the day the
 * offered place lapses; none (NO_DEADLINE) once admitted or closed.
 */
export function nextDueBy(r: { stage: Stage; assessmentDueBy: string; decidedAt: Date | null; placeLapsesOn: string | null }): string {
  if (r.stage === 'RECEIVED' || r.stage === 'ASSESSMENT_BOOKED') return r.assessmentDueBy;
  if (r.stage === 'CARE_PLANNING' && r.decidedAt) return placeDueBy(r.decidedAt);
  if (r.stage === 'PLACE_OFFERED' && r.placeLapsesOn) return r.placeLapsesOn;
  return NO_DEADLINE;
}
