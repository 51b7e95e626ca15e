/** Places as a calendar, the pure rules (services/psychiatry/src/domain/capacity.ts): which days a referral holds a bed, and where the next free date is. */
import { describe, expect, it } from 'vitest';
import { calendar, holdOf, shortage, type Hold } from '../../services/psychiatry/src/domain/capacity.ts';

const base = { id: 'r', placeStartDate: null, placeLapsesOn: null, admittedAt: null, expectedDischargeOn: null } as const;
const hold = (from: string, until: string, referralId = `${from}…${until}`): Hold => ({ referralId, from, until });

describe('the beds a referral holds', () => {
  it('an offered place: start date to lapsesOn, both included', () => {
    expect(holdOf({ ...base, stage: 'PLACE_OFFERED', placeStartDate: '2026-05-11', placeLapsesOn: '2026-06-08' }, '2026-05-05')).toEqual(
      hold('2026-05-11', '2026-06-08', 'r'),
    );
  });

  it('an admission: the admission day (Stockholm) to the day before the expected discharge, 7 days by default, at least through today', () => {
    // 22:30 UTC on 10 May is 00:30 on 11 May in Stockholm
    const admittedAt = new Date('2026-05-10T22:30:00Z');
    expect(holdOf({ ...base, stage: 'ADMITTED', admittedAt, expectedDischargeOn: '2026-05-15' }, '2026-05-11')).toEqual(hold('2026-05-11', '2026-05-14', 'r'));
    expect(holdOf({ ...base, stage: 'ADMITTED', admittedAt }, '2026-05-11')).toEqual(hold('2026-05-11', '2026-05-17', 'r'));
    expect(holdOf({ ...base, stage: 'ADMITTED', admittedAt, expectedDischargeOn: '2026-05-15' }, '2026-05-20')).toEqual(hold('2026-05-11', '2026-05-20', 'r'));
  });

  it('refused, completed, withdrawn and not yet offered referrals hold nothing', () => {
    for (const stage of ['ADMISSION_REFUSED', 'COMPLETED', 'WITHDRAWN', 'CARE_PLANNING'] as const) {
      expect(holdOf({ ...base, stage, placeStartDate: '2026-05-11', placeLapsesOn: '2026-06-08' }, '2026-05-05')).toBeNull();
    }
  });
});

describe('whether one more bed fits', () => {
  const holds = [hold('2026-05-11', '2026-05-14'), hold('2026-05-13', '2026-05-20'), hold('2026-05-25', '2026-05-26')];

  it('counts each day', () => {
    expect(calendar(2, holds, '2026-05-12', 3).map((d) => [d.date, d.taken, d.free])).toEqual([
      ['2026-05-12', 1, 1],
      ['2026-05-13', 2, 0],
      ['2026-05-14', 2, 0],
    ]);
  });

  it('fits when every day has a free bed', () => {
    expect(shortage(2, holds, '2026-05-15', '2026-05-30')).toBeNull();
    expect(shortage(1, [], '2026-05-15', '2026-05-30')).toBeNull();
  });

  it('names the first full day and the first start from which the whole interval fits', () => {
    // 3 days long: 13–14 full at 2 places; the first 3 free days are 15–17
    expect(shortage(2, holds, '2026-05-12', '2026-05-14')).toEqual({ firstFullDay: '2026-05-13', taken: 2, nextFreeDate: '2026-05-15' });
    // at 1 place, a 5-day interval fits first from 21 May? 21–25 meets the hold from the 25th: so from the 27th
    expect(shortage(1, holds, '2026-05-12', '2026-05-16')).toEqual({ firstFullDay: '2026-05-12', taken: 1, nextFreeDate: '2026-05-27' });
    // a 3-day interval fits between: 21–23
    expect(shortage(1, holds, '2026-05-12', '2026-05-14')).toEqual({ firstFullDay: '2026-05-12', taken: 1, nextFreeDate: '2026-05-21' });
  });

  it('a ward without places never has a next free date', () => {
    expect(shortage(0, [], '2026-05-12', '2026-05-14')).toEqual({ firstFullDay: '2026-05-12', taken: 0, nextFreeDate: null });
  });
});
