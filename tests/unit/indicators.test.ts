/** The suppression rules of council indicators, against hand-computed cases. */
import { describe, expect, it } from 'vitest';
import { differencingReveals, genderOf, median, publish, Runs, suppressionReasons, type RawIndicator } from '../../services/shared/src/indicators.ts';

const share = (t: [number, number], w: [number, number], m: [number, number]): RawIndicator => ({
  key: 'k',
  label: 'l',
  kind: 'SHARE',
  total: { numerator: t[0], denominator: t[1] },
  byGender: { WOMEN: { numerator: w[0], denominator: w[1] }, MEN: { numerator: m[0], denominator: m[1] } },
});
const count = (w: number, m: number): RawIndicator => ({
  key: 'k',
  label: 'l',
  kind: 'COUNT',
  total: { numerator: w + m, denominator: null },
  byGender: { WOMEN: { numerator: w, denominator: null }, MEN: { numerator: m, denominator: null } },
});
const hidden = { value: null, numerator: null, denominator: null, suppressed: true };

describe('suppression of counts', () => {
  it('publishes counts of 5 or more and zero', () => {
    expect(publish(count(0, 12))).toEqual({
      key: 'k',
      label: 'l',
      value: 12,
      numerator: 12,
      denominator: null,
      suppressed: false,
      byGender: [
        { group: 'WOMEN', value: 0, numerator: 0, denominator: null, suppressed: false },
        { group: 'MEN', value: 12, numerator: 12, denominator: null, suppressed: false },
      ],
    });
  });

  it('hides a count of 1 to 4 and, beside a published total, the other gender too', () => {
    const p = publish(count(3, 9));
    expect([p.value, p.suppressed]).toEqual([12, false]);
    expect(p.byGender).toEqual([
      { group: 'WOMEN', ...hidden },
      { group: 'MEN', ...hidden },
    ]);
  });

  it('hides a total of 1 to 4 and its cells of 1 to 4, but publishes a zero cell', () => {
    const p = publish(count(0, 4));
    expect(p.suppressed).toBe(true);
    expect(p.byGender).toEqual([
      { group: 'WOMEN', value: 0, numerator: 0, denominator: null, suppressed: false },
      { group: 'MEN', ...hidden },
    ]);
  });

  it('keeps both cells when both are hidden on their own (nothing more to derive)', () => {
    const p = publish(count(4, 4));
    expect([p.value, p.suppressed]).toEqual([8, false]);
    expect(p.byGender.map((c) => c.suppressed)).toEqual([true, true]);
  });
});

describe('suppression of shares', () => {
  it('publishes numerator, denominator and value (three decimals)', () => {
    const p = publish(share([20, 30], [10, 15], [10, 15]));
    expect([p.value, p.numerator, p.denominator, p.suppressed]).toEqual([0.667, 20, 30, false]);
    expect(p.byGender[0]).toEqual({ group: 'WOMEN', value: 0.667, numerator: 10, denominator: 15, suppressed: false });
  });

  it('hides a share whose complement (denominator − numerator) is 1 to 4 people', () => {
    const p = publish(share([27, 30], [12, 15], [15, 15]));
    expect(p).toMatchObject(hidden);
    // women: complement 3 → hidden; men: complement 0, but total hidden too, so nothing derives women: published
    expect(p.byGender).toEqual([
      { group: 'WOMEN', ...hidden },
      { group: 'MEN', value: 1, numerator: 15, denominator: 15, suppressed: false },
    ]);
  });

  it('hides the other gender when the total share is published and one gender is hidden', () => {
    const p = publish(share([20, 40], [2, 10], [18, 30]));
    expect([p.numerator, p.denominator]).toEqual([20, 40]);
    expect(p.byGender.map((c) => c.suppressed)).toEqual([true, true]);
  });

  it('hides a denominator of 1 to 4', () => {
    expect(publish(share([0, 3], [0, 0], [0, 3])).suppressed).toBe(true);
  });
});

describe('medians', () => {
  it('rests on the people counted and hides one resting on 1 to 4', () => {
    const raw: RawIndicator = {
      key: 'days',
      label: 'days',
      kind: 'MEDIAN',
      total: { numerator: 9, denominator: null, value: 12 },
      byGender: { WOMEN: { numerator: 4, denominator: null, value: 10 }, MEN: { numerator: 5, denominator: null, value: 13 } },
    };
    const p = publish(raw);
    expect([p.value, p.numerator, p.denominator, p.suppressed]).toEqual([12, null, 9, false]);
    expect(p.byGender.map((c) => c.suppressed)).toEqual([true, true]);
  });

  it('computes medians of odd and even lists', () => {
    expect(median([5, 1, 9])).toBe(5);
    expect(median([4, 1, 9, 10])).toBe(6.5);
    expect(median([])).toBeNull();
  });
});

describe('legal gender from the personnummer', () => {
  it('reads the second-to-last digit', () => {
    expect(genderOf('191212121212')).toBe('MEN');
    expect(genderOf('198001011245')).toBe('WOMEN');
  });
});

describe('sub-periods (Runs) and the rule against differencing', () => {
  it('counts distinct people over every run of months from their months (bit masks)', () => {
    // 2 people in months 0 and 2, 3 in month 1 only, 1 in months 0, 1 and 2
    const r = Runs.distinct(3, [
      { mask: 0b101, count: 2 },
      { mask: 0b010, count: 3 },
      { mask: 0b111, count: 1 },
    ]);
    const all = [0, 1, 2].flatMap((a) => [0, 1, 2].filter((b) => b >= a).map((b) => [a, b, r.at(a, b)]));
    expect(all).toEqual([
      [0, 0, 3],
      [0, 1, 6],
      [0, 2, 6],
      [1, 1, 4],
      [1, 2, 6],
      [2, 2, 3],
    ]);
  });

  it('sums counts of events over every run, and a 36-month mask keeps its last month', () => {
    const r = Runs.monthly(3, [3, 10, 0]);
    expect([r.at(0, 1), r.at(1, 2), r.whole]).toEqual([13, 10, 13]);
    expect(differencingReveals(r)).toBe(true);
    expect(differencingReveals(Runs.monthly(3, [5, 5, 0]))).toBe(false);
    expect(Runs.distinct(36, [{ mask: 2 ** 35, count: 7 }]).at(35, 35)).toBe(7);
  });

  it('suppresses a figure for differencing, as a reason of its own, and the other gender beside a published total', () => {
    const months = (n: number[]) => Runs.monthly(n.length, n);
    const raw: RawIndicator = {
      ...count(13, 10),
      runs: {
        TOTAL: { numerator: months([8, 15]), denominator: null },
        WOMEN: { numerator: months([3, 10]), denominator: null },
        MEN: { numerator: months([5, 5]), denominator: null },
      },
    };
    expect(suppressionReasons(raw)).toEqual({ TOTAL: null, WOMEN: 'DIFFERENCING', MEN: 'OTHER_GENDER' });
    expect(suppressionReasons(raw, { differencing: false })).toEqual({ TOTAL: null, WOMEN: null, MEN: null });
    const p = publish(raw);
    expect([p.value, p.suppressed, p.byGender.map((c) => c.suppressed)]).toEqual([23, false, [true, true]]);
  });
});
