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

/** What the hub wrote before the offsets were cached: one Intl call per value. */
const reference = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/Stockholm',
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});
function referenceFormat(at: Date): string {
  const p = Object.fromEntries(reference.formatToParts(at).map((x) => [x.type, x.value]));
  const whole = Math.floor(at.getTime() / 1000) * 1000;
  const offsetMin = Math.round((Date.UTC(+p.year!, +p.month! - 1, +p.day!, +p.hour!, +p.minute!, +p.second!) - whole) / 60_000);
  const wall = new Date(at.getTime() + offsetMin * 60_000).toISOString().slice(0, 23);
  const abs = Math.abs(offsetMin);
  return `${wall}${offsetMin >= 0 ? '+' : '-'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

describe('formatStockholm across the daylight-saving changes of 2025 and 2026, and far dates', () => {
  it.each([
    // 2025: forward on 30 March, back on 26 October (01:00 UTC both)
    ['2025-03-30T00:59:59.999Z', '2025-03-30T01:59:59.999+01:00'],
    ['2025-03-30T01:00:00.000Z', '2025-03-30T03:00:00.000+02:00'],
    ['2025-10-26T00:59:59.999Z', '2025-10-26T02:59:59.999+02:00'],
    ['2025-10-26T01:00:00.000Z', '2025-10-26T02:00:00.000+01:00'],
    // 2026: forward on 29 March, back on 25 October
    ['2026-03-29T00:00:00.000Z', '2026-03-29T01:00:00.000+01:00'],
    ['2026-03-29T01:00:00.001Z', '2026-03-29T03:00:00.001+02:00'],
    ['2026-10-25T00:00:00.000Z', '2026-10-25T02:00:00.000+02:00'],
    ['2026-10-25T01:59:59.000Z', '2026-10-25T02:59:59.000+01:00'],
    // far dates: 2100 keeps the EU rule; 1975 had no summer time in Sweden; 1985 ended it in September
    ['2100-07-01T12:00:00.000Z', '2100-07-01T14:00:00.000+02:00'],
    ['2100-12-01T12:00:00.000Z', '2100-12-01T13:00:00.000+01:00'],
    ['1975-07-01T12:00:00.000Z', '1975-07-01T13:00:00.000+01:00'],
    ['1985-09-29T00:59:00.000Z', '1985-09-29T02:59:00.000+02:00'],
    ['1985-09-29T01:00:00.000Z', '1985-09-29T02:00:00.000+01:00'],
  ])('%s is %s', (utc, local) => {
    const at = new Date(utc);
    expect(formatStockholm(at)).toBe(local);
    expect(formatStockholm(at)).toBe(referenceFormat(at));
  });

  it('writes every hour (and a minute before and after it) of 2025 and 2026 as one Intl call per value did', () => {
    const differing: string[] = [];
    const from = Date.UTC(2024, 11, 31, 0);
    const to = Date.UTC(2027, 0, 2, 0);
    // in an order that jumps between years, so the spans are met out of order and again
    const hours: number[] = [];
    for (let t = from; t < to; t += 3_600_000) hours.push(t);
    const shuffled = hours.map((_, i) => hours[(i * 7919) % hours.length]!);
    for (const t of shuffled)
      for (const at of [new Date(t - 60_000), new Date(t), new Date(t + 60_000 + 123)]) {
        if (formatStockholm(at) !== referenceFormat(at)) differing.push(at.toISOString());
        if (stockholmDate(at) !== referenceFormat(at).slice(0, 10)) differing.push(`date ${at.toISOString()}`);
      }
    expect(hours.length).toBe(17_568);
    expect(differing).toEqual([]);
  });
});
