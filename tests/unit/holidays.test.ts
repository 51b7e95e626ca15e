/** Swedish public holidays (services/shared/src/holidays.ts) against the dates of the published calendars. */
import { describe, expect, it } from 'vitest';
import { easterSunday, holidayOn, holidaysOf } from '../../services/shared/src/holidays.ts';

describe('easterSunday (Gregorian computus)', () => {
  it.each([
    [1818, '1818-03-22'], // the earliest possible date
    [1943, '1943-04-25'], // the latest possible date
    [2000, '2000-04-23'],
    [2019, '2019-04-21'],
    [2024, '2024-03-31'],
    [2025, '2025-04-20'],
    [2026, '2026-04-05'],
    [2027, '2027-03-28'],
    [2038, '2038-04-25'],
  ])('%i: %s', (year, date) => expect(easterSunday(year)).toBe(date));
});

const moving = (h: ReturnType<typeof holidaysOf>) =>
  Object.fromEntries(
    h
      .filter((x) =>
        ['långfredagen', 'påskdagen', 'annandag påsk', 'Kristi himmelsfärdsdag', 'midsommarafton', 'midsommardagen', 'alla helgons dag'].includes(x.name),
      )
      .map((x) => [x.name, x.date]),
  );

describe('holidaysOf', () => {
  it('2026: every holiday, in date order', () => {
    expect(holidaysOf(2026)).toEqual([
      { date: '2026-01-01', name: 'nyårsdagen' },
      { date: '2026-01-06', name: 'trettondedag jul' },
      { date: '2026-04-03', name: 'långfredagen' },
      { date: '2026-04-05', name: 'påskdagen' },
      { date: '2026-04-06', name: 'annandag påsk' },
      { date: '2026-05-01', name: 'första maj' },
      { date: '2026-05-14', name: 'Kristi himmelsfärdsdag' },
      { date: '2026-05-24', name: 'pingstdagen' },
      { date: '2026-06-06', name: 'nationaldagen' },
      { date: '2026-06-19', name: 'midsommarafton' },
      { date: '2026-06-20', name: 'midsommardagen' },
      { date: '2026-10-31', name: 'alla helgons dag' },
      { date: '2026-12-24', name: 'julafton' },
      { date: '2026-12-25', name: 'juldagen' },
      { date: '2026-12-26', name: 'annandag jul' },
      { date: '2026-12-31', name: 'nyårsafton' },
    ]);
  });

  it.each([
    [2024, ['2024-03-29', '2024-03-31', '2024-04-01', '2024-05-09', '2024-06-21', '2024-06-22', '2024-11-02']],
    [2025, ['2025-04-18', '2025-04-20', '2025-04-21', '2025-05-29', '2025-06-20', '2025-06-21', '2025-11-01']],
    [2027, ['2027-03-26', '2027-03-28', '2027-03-29', '2027-05-06', '2027-06-25', '2027-06-26', '2027-11-06']],
    [2028, ['2028-04-14', '2028-04-16', '2028-04-17', '2028-05-25', '2028-06-23', '2028-06-24', '2028-11-04']],
  ])('%i: the moving holidays', (year, dates) => {
    const [good, easter, monday, ascension, eve, midsummer, saints] = dates;
    expect(moving(holidaysOf(year))).toEqual({
      långfredagen: good,
      påskdagen: easter,
      'annandag påsk': monday,
      'Kristi himmelsfärdsdag': ascension,
      midsommarafton: eve,
      midsommardagen: midsummer,
      'alla helgons dag': saints,
    });
  });
});

describe('holidayOn', () => {
  it('names the holiday of a date, and null on an ordinary day', () => {
    expect(holidayOn('2026-12-24')).toEqual({ date: '2026-12-24', name: 'julafton' });
    expect(holidayOn('2027-03-29')).toEqual({ date: '2027-03-29', name: 'annandag påsk' });
    expect(holidayOn('2026-06-18')).toBeNull();
    expect(holidayOn('2026-12-23')).toBeNull();
    expect(holidayOn('2026-11-02')).toBeNull();
  });
});
