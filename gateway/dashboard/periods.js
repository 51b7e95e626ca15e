// @ts-check
/**
 * Periods as Europe/Stockholm calendar dates (YYYY-MM-DD strings, as the API
 * takes them): today's date, the presets, and a period cut into calendar months.
 */

/** Today's date in Sweden. */
export function today() {
  // sv-SE formats as YYYY-MM-DD.
  return new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Stockholm', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
}

/** @param {number} n */
const pad = (n) => String(n).padStart(2, '0');

/**
 * @param {number} y
 * @param {number} m 1-12, may overflow either way
 * @param {number} d
 */
function iso(y, m, d) {
  const date = new Date(Date.UTC(y, m - 1, d));
  return `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
}

/** @param {string} date */
const parts = (date) => /** @type {[number, number, number]} */ (date.split('-').map(Number));

/** The last day of the month of y-m. */
const endOfMonth = (/** @type {number} */ y, /** @type {number} */ m) => iso(y, m + 1, 0);

/**
 * The period a preset stands for, as of `now` (a date): always whole calendar
 * months (the API refuses other periods, so that figures cannot be differenced).
 * @param {'thisYear' | 'last12' | 'thisQuarter' | 'lastQuarter'} preset
 * @param {string} now
 * @returns {{ from: string, to: string }}
 */
export function presetPeriod(preset, now) {
  const [y, m] = parts(now);
  const q = Math.floor((m - 1) / 3); // 0..3
  switch (preset) {
    case 'thisYear':
      return { from: `${y}-01-01`, to: endOfMonth(y, m) };
    case 'last12':
      // the 12 calendar months up to and including this one
      return { from: iso(y, m - 11, 1), to: endOfMonth(y, m) };
    case 'thisQuarter':
      return { from: iso(y, q * 3 + 1, 1), to: endOfMonth(y, q * 3 + 3) };
    case 'lastQuarter':
      return { from: iso(y, q * 3 - 2, 1), to: endOfMonth(y, q * 3) };
  }
}

/** @param {string} s */
export const isDate = (s) => /^\d{4}-\d{2}-\d{2}$/.test(s) && iso(...parts(s)) === s;

/**
 * The period cut at month boundaries: one slice per calendar month it touches.
 * @param {string} from
 * @param {string} to
 * @returns {Array<{ month: string, from: string, to: string }>}
 */
export function monthsOf(from, to) {
  const out = [];
  let [y, m] = parts(from);
  let start = from;
  for (;;) {
    const end = endOfMonth(y, m);
    out.push({ month: `${y}-${pad(m)}`, from: start, to: end < to ? end : to });
    if (end >= to) break;
    start = iso(y, m + 1, 1);
    [y, m] = parts(start);
  }
  return out;
}
