/**
 * Time as the hub shows it: calendar dates in Europe/Stockholm, deadlines as
 * whole days on that calendar (so daylight-saving changes never move them),
 * and date-times with the Stockholm offset.
 */
export const TIME_ZONE = 'Europe/Stockholm';

const partsFmt = new Intl.DateTimeFormat('en-GB', {
  timeZone: TIME_ZONE,
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

const HOUR_MS = 3_600_000;
/**
 * Stockholm's offset from UTC, in minutes, per UTC hour. The offset changes only at
 * daylight-saving transitions, which fall on whole UTC hours, so one Intl call per hour
 * serves every value in it (formatting each value through Intl was a measurable part of
 * a list's cost). Each process keeps its own cache; it is cleared when it grows large.
 */
const offsetByHour = new Map<number, number>();

function stockholmOffsetMinutes(at: Date): number {
  const hour = Math.floor(at.getTime() / HOUR_MS);
  let offset = offsetByHour.get(hour);
  if (offset === undefined) {
    const start = new Date(hour * HOUR_MS);
    const p = Object.fromEntries(partsFmt.formatToParts(start).map((x) => [x.type, x.value]));
    const local = Date.UTC(+p.year!, +p.month! - 1, +p.day!, +p.hour!, +p.minute!, +p.second!);
    offset = Math.round((local - start.getTime()) / 60_000);
    if (offsetByHour.size >= 100_000) offsetByHour.clear();
    offsetByHour.set(hour, offset);
  }
  return offset;
}

/** The wall-clock reading in Stockholm at `at`, as an ISO string without offset (YYYY-MM-DDTHH:mm:ss.sss). */
function stockholmWallClock(at: Date): string {
  return new Date(at.getTime() + stockholmOffsetMinutes(at) * 60_000).toISOString().slice(0, 23);
}

/** The calendar date (YYYY-MM-DD) in Stockholm at the instant `at`. */
export function stockholmDate(at: Date): string {
  return stockholmWallClock(at).slice(0, 10);
}

/** Whole calendar days added to a YYYY-MM-DD date. */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** Calendar days from `a` to `b` (both YYYY-MM-DD); negative when b is earlier. */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}

/** ISO 8601 with the Stockholm offset, e.g. 2026-11-23T08:00:00.000+01:00. */
export function formatStockholm(at: Date): string {
  const offsetMin = stockholmOffsetMinutes(at);
  const sign = offsetMin >= 0 ? '+' : '-';
  const abs = Math.abs(offsetMin);
  const off = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  return `${stockholmWallClock(at)}${off}`;
}

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/;

/** Parses an ISO date-time that names its offset; null when it is not one. */
export function parseDateTime(text: string): Date | null {
  if (!ISO_DATE_TIME.test(text)) return null;
  const d = new Date(text);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** True when `text` is a real calendar date written YYYY-MM-DD. */
export function isCalendarDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const d = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === text;
}

/** What "now" is for one request: the real clock, or in development mode the x-hub-clock header. */
export type Clock = () => Date;
export const systemClock: Clock = () => new Date();
