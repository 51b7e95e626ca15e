/** The suppression rules of council indicators, against hand-computed cases. */
import { describe, expect, it } from 'vitest';
import { genderOf, median, publish, type RawIndicator } from '../../services/shared/src/indicators.ts';

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
