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
const WEEK_MS = 7 * 24 * HOUR_MS;
/** How far one span of constant offset is looked for on each side of a value (a span longer than this is cut there). */
const REACH_MS = 54 * WEEK_MS;

/** Stockholm's offset from UTC, in minutes, at the start of the UTC hour `hour` (one Intl call). */
function offsetAtHour(hour: number): number {
  const start = hour * HOUR_MS;
  const p = Object.fromEntries(partsFmt.formatToParts(new Date(start)).map((x) => [x.type, x.value]));
  const local = Date.UTC(+p.year!, +p.month! - 1, +p.day!, +p.hour!, +p.minute!, +p.second!);
  return Math.round((local - start) / 60_000);
}

/**
 * A span of UTC hours [fromHour, toHour) in which Stockholm keeps one offset, with the offset
 * in milliseconds and as the text the hub writes (+01:00).
 */
interface Span {
  fromHour: number;
  toHour: number;
  offsetMs: number;
  suffix: string;
}

/**
 * The spans met so far, newest first. Daylight-saving changes fall on whole UTC hours and
 * months apart, so a span covers months and a list of values needs one or two of them:
 * formatting each value through Intl was a measurable part of a list's cost (one
 * formatToParts per value). Bounded: the oldest span is dropped past SPAN_LIMIT.
 */
const spans: Span[] = [];
const SPAN_LIMIT = 32;

function suffixOf(offsetMin: number): string {
  const sign = offsetMin >= 0 ? '+' : '-';
  const abs = Math.abs(offsetMin);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/**
 * The span around `hour`: the offset there, then a walk a week at a time each way while the
 * offset stays the same (Stockholm never changes twice within a week), and a binary search for
 * the exact hour inside the week where it changed. About 30 Intl calls per span, once.
 */
function spanAround(hour: number): Span {
  const offset = offsetAtHour(hour);
  const weekHours = WEEK_MS / HOUR_MS;
  const reach = REACH_MS / HOUR_MS;
  // forward: the first hour with another offset (or the reach)
  let ok = hour;
  let toHour = hour + reach;
  for (let h = hour + weekHours; h <= hour + reach; h += weekHours) {
    if (offsetAtHour(h) !== offset) {
      let bad = h;
      while (bad - ok > 1) {
        const mid = Math.floor((ok + bad) / 2);
        if (offsetAtHour(mid) === offset) ok = mid;
        else bad = mid;
      }
      toHour = bad;
      break;
    }
    ok = h;
  }
  // backward: the first hour of this offset (or the reach)
  ok = hour;
  let fromHour = hour - reach;
  for (let h = hour - weekHours; h >= hour - reach; h -= weekHours) {
    if (offsetAtHour(h) !== offset) {
      let bad = h;
      while (ok - bad > 1) {
        const mid = Math.ceil((ok + bad) / 2);
        if (offsetAtHour(mid) === offset) ok = mid;
        else bad = mid;
      }
      fromHour = ok;
      break;
    }
    ok = h;
  }
  return { fromHour, toHour, offsetMs: offset * 60_000, suffix: suffixOf(offset) };
}

function spanOf(at: Date): Span {
  const hour = Math.floor(at.getTime() / HOUR_MS);
  for (let i = 0; i < spans.length; i++) {
    const s = spans[i]!;
    if (hour >= s.fromHour && hour < s.toHour) {
      if (i > 0) {
        spans.splice(i, 1);
        spans.unshift(s);
      }
      return s;
    }
  }
  const s = spanAround(hour);
  spans.unshift(s);
  if (spans.length > SPAN_LIMIT) spans.pop();
  return s;
}

/** The wall-clock reading in Stockholm at `at`, as an ISO string without offset (YYYY-MM-DDTHH:mm:ss.sss). */
function stockholmWallClock(at: Date, span = spanOf(at)): string {
  return new Date(at.getTime() + span.offsetMs).toISOString().slice(0, 23);
}

/** The last instant stockholmDate was asked about and its date: a request asks about its own "now" once per row. */
let lastDateMs = Number.NaN;
let lastDate = '';

/** The calendar date (YYYY-MM-DD) in Stockholm at the instant `at`. */
export function stockholmDate(at: Date): string {
  const ms = at.getTime();
  if (ms !== lastDateMs) {
    lastDate = stockholmWallClock(at).slice(0, 10);
    lastDateMs = ms;
  }
  return lastDate;
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
  const span = spanOf(at);
  return `${stockholmWallClock(at, span)}${span.suffix}`;
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
