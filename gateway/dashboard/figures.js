// @ts-check
/**
 * What kind of figure an indicator cell is, read from its shape (the API's
 * Indicator has no kind field): a count has no denominator; a share has a
 * numerator and a denominator (value 0 to 1); a median (days) has no
 * numerator and the number of people it rests on as its denominator.
 */
import { formatCount, formatPercent, t } from './i18n.js';

/** @typedef {import('./i18n.js').Lang} Lang */
/** @typedef {{ value: number | null, numerator: number | null, denominator: number | null, suppressed: boolean }} Cell */
/** @typedef {'COUNT' | 'SHARE' | 'DAYS'} Kind */

/**
 * @param {Cell} cell
 * @returns {Kind | null} null when the cell is suppressed (its shape is hidden too)
 */
export function kindOf(cell) {
  if (cell.suppressed) return null;
  if (cell.denominator === null) return 'COUNT';
  if (cell.numerator === null) return 'DAYS';
  return 'SHARE';
}

/**
 * The kind of an indicator: from its total, else from any published gender cell.
 * @param {Cell & { byGender?: Cell[] }} indicator
 * @returns {Kind | null}
 */
export function indicatorKind(indicator) {
  for (const c of [indicator, ...(indicator.byGender ?? [])]) {
    const k = kindOf(c);
    if (k) return k;
  }
  return null;
}

/**
 * A number in the way its kind is read.
 * @param {Lang} lang
 * @param {Kind | null} kind
 * @param {number} value
 */
export function formatNumber(lang, kind, value) {
  if (kind === 'SHARE') return formatPercent(lang, value);
  if (kind === 'DAYS') return t(lang).days(formatCount(lang, value), value);
  return formatCount(lang, value);
}

/**
 * @param {Lang} lang
 * @param {Cell} cell
 * @returns {{ state: 'suppressed' | 'empty' | 'value', text: string, title?: string }}
 */
export function formatValue(lang, cell) {
  const s = t(lang);
  if (cell.suppressed) return { state: 'suppressed', text: '< 5', title: s.suppressedNote };
  if (cell.value === null) return { state: 'empty', text: '–', title: s.noCasesTitle };
  return { state: 'value', text: formatNumber(lang, kindOf(cell), cell.value) };
}

/**
 * "numerator / denominator" for a share, "n = people" for a median, nothing for a count.
 * @param {Lang} lang
 * @param {Cell} cell
 */
export function formatFraction(lang, cell) {
  const kind = kindOf(cell);
  if (kind === 'SHARE') return `${formatCount(lang, /** @type {number} */ (cell.numerator))} / ${formatCount(lang, /** @type {number} */ (cell.denominator))}`;
  if (kind === 'DAYS') return t(lang).people(formatCount(lang, /** @type {number} */ (cell.denominator)));
  return '';
}
