/**
 * Publishing quality indicators without identifying anyone (docs/design/architecture.md,
 * security model 6; docs/design/rules.md "Quality indicators"). Each subgraph counts
 * people in SQL, by legal gender, and publishes the counts through here.
 *
 * A figure rests on counts of people: a numerator and a denominator for a
 * share, one count for a count, the number of people for a median. It is
 * suppressed (value, numerator and denominator null) when
 *  1. any of those counts is 1 to 4 (primary suppression), or, for a share,
 *     the denominator minus the numerator is 1 to 4 (those people are
 *     counted too: "did not get a meeting in time");
 *  2. its publication would let a reader derive a suppressed count: when
 *     the total is published and one gender's cell is suppressed, the other
 *     gender's cell is suppressed too, since total − other = suppressed
 *     (secondary suppression). Zero is not a person and is published.
 */
export type Gender = 'WOMEN' | 'MEN';
export const GENDERS: readonly Gender[] = ['WOMEN', 'MEN'];
export const MIN_CELL = 5;

/** Counts of people for one group (a gender, or everyone). */
export interface Counts {
  /** people in the figure: the count itself, or a share's numerator, or the people a median rests on */
  numerator: number;
  /** a share's denominator; null for counts and medians */
  denominator: number | null;
  /** the figure's value when it is not numerator/denominator (a median); null otherwise */
  value?: number | null;
}

export type Kind = 'COUNT' | 'SHARE' | 'MEDIAN';

export interface RawIndicator {
  key: string;
  label: string;
  kind: Kind;
  total: Counts;
  byGender: Record<Gender, Counts>;
}

export interface Cell {
  value: number | null;
  numerator: number | null;
  denominator: number | null;
  suppressed: boolean;
}

export interface Indicator extends Cell {
  key: string;
  label: string;
  byGender: Array<Cell & { group: Gender }>;
}

const risky = (n: number | null | undefined) => n !== null && n !== undefined && n >= 1 && n < MIN_CELL;

/** Whether a figure rests on, or reveals, a count of 1 to 4 people. */
export function needsSuppression(kind: Kind, c: Counts): boolean {
  if (risky(c.numerator)) return true;
  if (kind === 'SHARE' && c.denominator !== null && (risky(c.denominator) || risky(c.denominator - c.numerator))) return true;
  return false;
}

function valueOf(kind: Kind, c: Counts): number | null {
  if (kind === 'COUNT') return c.numerator;
  if (kind === 'SHARE') return c.denominator ? Math.round((c.numerator / c.denominator) * 1000) / 1000 : null;
  return c.value ?? null;
}

function cell(kind: Kind, c: Counts, suppressed: boolean): Cell {
  if (suppressed) return { value: null, numerator: null, denominator: null, suppressed: true };
  return {
    value: valueOf(kind, c),
    numerator: kind === 'MEDIAN' ? null : c.numerator,
    denominator: kind === 'MEDIAN' ? c.numerator : c.denominator,
    suppressed: false,
  };
}

export function publish(raw: RawIndicator): Indicator {
  const totalSuppressed = needsSuppression(raw.kind, raw.total);
  const primary = Object.fromEntries(GENDERS.map((g) => [g, needsSuppression(raw.kind, raw.byGender[g])])) as Record<Gender, boolean>;
  const suppressed = { ...primary };
  if (!totalSuppressed) {
    const hidden = GENDERS.filter((g) => primary[g]);
    // total − the one published cell would give the hidden one: hide the other cell too.
    if (hidden.length === 1) for (const g of GENDERS) suppressed[g] = true;
  }
  return {
    key: raw.key,
    label: raw.label,
    ...cell(raw.kind, raw.total, totalSuppressed),
    byGender: GENDERS.map((g) => ({ group: g, ...cell(raw.kind, raw.byGender[g], suppressed[g]) })),
  };
}

/** The median of whole numbers (days), half-up between the two middle values; null for none. */
export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Legal gender from a normalised 12-digit personnummer (the second-to-last digit: odd for men). */
export function genderOf(normalisedNumber: string): Gender {
  return Number(normalisedNumber[10]) % 2 === 1 ? 'MEN' : 'WOMEN';
}

/** A figure about councils or agreements, not people: published as it is, with no gender breakdown. */
export function publishAggregate(key: string, label: string, numerator: number, denominator: number | null): Indicator {
  const value = denominator === null ? numerator : denominator ? Math.round((numerator / denominator) * 1000) / 1000 : null;
  return { key, label, value, numerator, denominator, suppressed: false, byGender: [] };
}

/** Per-gender rows from SQL (`group by legal_gender`, a null gender counts in the total only) summed into a raw figure. */
export function fromRows<R extends { gender: string | null }>(rows: R[], key: string, label: string, kind: Kind, pick: (r: R) => Counts): RawIndicator {
  const zero = (): Counts => ({ numerator: 0, denominator: kind === 'SHARE' ? 0 : null });
  const add = (a: Counts, b: Counts): Counts => ({
    numerator: a.numerator + b.numerator,
    denominator: a.denominator === null ? null : a.denominator + (b.denominator ?? 0),
  });
  const total = rows.reduce((acc, r) => add(acc, pick(r)), zero());
  const byGender = { WOMEN: zero(), MEN: zero() };
  for (const r of rows) if (r.gender === 'WOMEN' || r.gender === 'MEN') byGender[r.gender] = add(byGender[r.gender], pick(r));
  return { key, label, kind, total, byGender };
}
