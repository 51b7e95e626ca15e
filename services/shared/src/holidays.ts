/**
 * Swedish public holidays (allmänna helgdagar, lag 1989:253), with midsommarafton,
 * julafton and nyårsafton, which are treated as holidays (no meetings are held):
 * pure functions over ISO dates (YYYY-MM-DD), Easter by the Gregorian computus.
 */

/** A public holiday: its date and its Swedish name. */
export interface Holiday {
  date: string;
  name: string;
}

const iso = (y: number, m: number, d: number) => new Date(Date.UTC(y, m - 1, d)).toISOString().slice(0, 10);
const plusDays = (date: string, n: number) => new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

/** Easter Sunday of a Gregorian year (the anonymous Gregorian algorithm, "Meeus/Jones/Butcher"). */
export function easterSunday(year: number): string {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return iso(year, month, day);
}

/** The first day in [from, from + 6] that falls on ISO weekday `weekday` (1 = Monday … 7 = Sunday). */
function weekdayFrom(year: number, month: number, from: number, weekday: number): string {
  for (let i = 0; i < 7; i += 1) {
    const date = iso(year, month, from + i);
    const day = new Date(`${date}T00:00:00Z`).getUTCDay();
    if ((day === 0 ? 7 : day) === weekday) return date;
  }
  throw new Error('unreachable: seven consecutive days hold every weekday');
}

const cache = new Map<number, readonly Holiday[]>();

/** The year's public holidays (and the eves treated as such), in date order. */
export function holidaysOf(year: number): readonly Holiday[] {
  const known = cache.get(year);
  if (known) return known;
  const easter = easterSunday(year);
  const list: Holiday[] = [
    { date: iso(year, 1, 1), name: 'nyårsdagen' },
    { date: iso(year, 1, 6), name: 'trettondedag jul' },
    { date: plusDays(easter, -2), name: 'långfredagen' },
    { date: easter, name: 'påskdagen' },
    { date: plusDays(easter, 1), name: 'annandag påsk' },
    { date: iso(year, 5, 1), name: 'första maj' },
    { date: plusDays(easter, 39), name: 'Kristi himmelsfärdsdag' },
    { date: plusDays(easter, 49), name: 'pingstdagen' },
    { date: iso(year, 6, 6), name: 'nationaldagen' },
    { date: weekdayFrom(year, 6, 19, 5), name: 'midsommarafton' },
    { date: weekdayFrom(year, 6, 20, 6), name: 'midsommardagen' },
    { date: weekdayFrom(year, 10, 31, 6), name: 'alla helgons dag' },
    { date: iso(year, 12, 24), name: 'julafton' },
    { date: iso(year, 12, 25), name: 'juldagen' },
    { date: iso(year, 12, 26), name: 'annandag jul' },
    { date: iso(year, 12, 31), name: 'nyårsafton' },
  ].sort((x, y) => (x.date < y.date ? -1 : x.date > y.date ? 1 : 0));
  cache.set(year, list);
  return list;
}

/** The holiday on an ISO date, or null on an ordinary day. */
export function holidayOn(date: string): Holiday | null {
  const year = Number(date.slice(0, 4));
  if (!Number.isInteger(year)) return null;
  return holidaysOf(year).find((h) => h.date === date) ?? null;
}
