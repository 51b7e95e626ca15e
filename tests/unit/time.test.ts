/** Stockholm time as the hub writes it, across both daylight-saving changes of 2026. */
import { describe, expect, it } from 'vitest';
import { formatStockholm, stockholmDate } from '../../services/shared/src/time.ts';

describe('formatStockholm and stockholmDate', () => {
  it.each([
    // winter time, +01:00
    ['2026-03-29T00:59:59.999Z', '2026-03-29T01:59:59.999+01:00', '2026-03-29'],
    // clocks go forward at 01:00 UTC: 02:00 local becomes 03:00
    ['2026-03-29T01:00:00.000Z', '2026-03-29T03:00:00.000+02:00', '2026-03-29'],
    // summer time, +02:00; local midnight is 22:00 UTC the evening before
    ['2026-06-30T22:00:00.000Z', '2026-07-01T00:00:00.000+02:00', '2026-07-01'],
    ['2026-06-30T21:59:59.000Z', '2026-06-30T23:59:59.000+02:00', '2026-06-30'],
    // clocks go back at 01:00 UTC: 03:00 local becomes 02:00 again
    ['2026-10-25T00:59:00.000Z', '2026-10-25T02:59:00.000+02:00', '2026-10-25'],
    ['2026-10-25T01:00:00.000Z', '2026-10-25T02:00:00.000+01:00', '2026-10-25'],
    ['2026-12-31T23:30:00.000Z', '2027-01-01T00:30:00.000+01:00', '2027-01-01'],
  ])('%s is %s, on %s', (utc, local, date) => {
    const at = new Date(utc);
    expect(formatStockholm(at)).toBe(local);
    expect(stockholmDate(at)).toBe(date);
    expect(new Date(formatStockholm(at)).getTime()).toBe(at.getTime());
  });
});
