/**
 * Places as a calendar: a ward's capacity per day, as pure functions over
 * the beds its referrals hold (no database here; domain/wards.ts reads the
 * holds, under the ward's row lock when a step writes).
 *
 * A ward has `places` beds on every day. A referral holds one bed of its
 * ward on each day of an interval (whole Stockholm days, both ends included):
 *   - an offered place (PLACE_OFFERED): from its start date to lapsesOn, until
 *     it is admitted, lapses, is refused at admission, moved or withdrawn;
 *   - an admitted individual (ADMITTED): from the admission date to the day
 *     before the expected discharge (the bed is free again on the discharge
 *     day); one still admitted after the expected discharge holds the bed
 *     through today, and every day after until the discharge is recorded;
 *   - outpatient offers, completed, refused, withdrawn and lapsed referrals
 *     hold nothing.
 */
import { addDays, stockholmDate } from '../../../shared/src/time.ts';
import type { ReferralRow } from '../db/schema.ts';

/** Days an admission lasts when recordAdmission is given no expected discharge date. */
export const DEFAULT_STAY_DAYS = 7;
/** The longest stay an expected discharge date may give, and the longest calendar one may ask for. */
export const MAX_STAY_DAYS = 90;
export const MAX_CALENDAR_DAYS = 92;
export const DEFAULT_CALENDAR_DAYS = 28;

/** One bed held from `from` to `until`, both included. */
export interface Hold {
  referralId: string;
  from: string;
  until: string;
}

type HoldFacts = Pick<ReferralRow, 'id' | 'stage' | 'placeStartDate' | 'placeLapsesOn' | 'admittedAt' | 'expectedDischargeOn'>;

/** The admission's default expected discharge: the admission date + 7 days. */
export const defaultExpectedDischarge = (admittedOn: string) => addDays(admittedOn, DEFAULT_STAY_DAYS);

/** The bed a referral holds on its ward, seen on `today`; null when it holds none. */
export function holdOf(r: HoldFacts, today: string): Hold | null {
  if (r.stage === 'PLACE_OFFERED' && r.placeStartDate && r.placeLapsesOn) return { referralId: r.id, from: r.placeStartDate, until: r.placeLapsesOn };
  if (r.stage === 'ADMITTED' && r.admittedAt) {
    const from = stockholmDate(r.admittedAt);
    const leaves = r.expectedDischargeOn ?? defaultExpectedDischarge(from);
    const last = addDays(leaves, -1);
    return { referralId: r.id, from, until: last < today ? today : last };
  }
  return null;
}

/** Beds held on `date`. */
export const takenOn = (holds: readonly Hold[], date: string) => holds.filter((h) => h.from <= date && date <= h.until).length;

/** A ward's day in the calendar. */
export interface WardDay {
  date: string;
  places: number;
  taken: number;
  free: number;
}

export function calendar(places: number, holds: readonly Hold[], from: string, days: number): WardDay[] {
  return Array.from({ length: days }, (_, i) => {
    const date = addDays(from, i);
    const taken = takenOn(holds, date);
    return { date, places, taken, free: Math.max(0, places - taken) };
  });
}

/** Why a hold does not fit: the first day in its interval with no free bed, and the first start from which the same length fits (null: a ward without places). */
export interface Shortage {
  firstFullDay: string;
  taken: number;
  nextFreeDate: string | null;
}

/** The first full day of [from, until] (null when every day has a free bed). */
function firstFull(places: number, holds: readonly Hold[], from: string, until: string): { day: string; taken: number } | null {
  for (let day = from; day <= until; day = addDays(day, 1)) {
    const taken = takenOn(holds, day);
    if (taken >= places) return { day, taken };
  }
  return null;
}

/**
 * Whether one more bed fits on every day of [from, until] next to `holds`;
 * null when it does, else the shortage. The next free date is the earliest
 * start on or after `from` from which an interval of the same length fits
 * (after the last hold ends, every day is free; a ward without places never
 * has one).
 */
export function shortage(places: number, holds: readonly Hold[], from: string, until: string): Shortage | null {
  const full = firstFull(places, holds, from, until);
  if (!full) return null;
  if (places <= 0) return { firstFullDay: full.day, taken: full.taken, nextFreeDate: null };
  const length = Math.round((Date.parse(until) - Date.parse(from)) / 86_400_000);
  const lastHeld = holds.reduce((m, h) => (h.until > m ? h.until : m), from);
  let start = addDays(full.day, 1);
  while (start <= lastHeld) {
    const blocked = firstFull(places, holds, start, addDays(start, length));
    if (!blocked) break;
    start = addDays(blocked.day, 1);
  }
  if (start > lastHeld) start = addDays(lastHeld, 1);
  return { firstFullDay: full.day, taken: full.taken, nextFreeDate: start };
}
