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
 *  2. it could be differenced (secondary suppression against differencing,
 *     README "Indicators: periods and differencing"): a period P is whole
 *     calendar months, and every run of whole months inside P (each month,
 *     each quarter, the year, any other run) is itself a period a reader
 *     may ask for. P's figure is published only if, for each of its counts
 *     (a share's numerator, denominator and denominator − numerator; a
 *     median's people), (a) P's own value is 0 or at least 5, (b) the value
 *     of every such sub-period S is 0 or at least 5, and (c) every
 *     difference |value(P) − value(S)| is 0 or at least 5. For counts of
 *     events (additive over months) (b) on the months implies the rest;
 *     for counts of distinct people over a period (c) is what stops
 *     "people in P but not in S" from being 1 to 4. The sub-periods'
 *     values come from the same SQL statement as P's (`Runs`);
 *  3. its publication would let a reader derive a suppressed count: when
 *     the total is published and one gender's cell is suppressed, the other
 *     gender's cell is suppressed too, since total − other = suppressed.
 *     Zero is not a person and is published.
 *
 * Point-in-time figures (people enrolled at the period's end, places in
 * use) are snapshots at one day, not sums over the period: they get rule 1
 * and 3 only (see the README for what that leaves open).
 */
import type { Wording } from './i18n.ts';
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
  /** a t`` message, written in the request's language when published (i18n.ts) */
  label: Wording;
  kind: Kind;
  total: Counts;
  byGender: Record<Gender, Counts>;
  /**
   * The same counts over every run of whole months of the period (absent for snapshots): the
   * figure is suppressed when a sub-period, or its difference from the whole, is 1 to 4.
   */
  runs?: Record<Gender | 'TOTAL', RunCounts>;
}

/** A figure's counts over every run of months of its period. */
export interface RunCounts {
  numerator: Runs;
  /** a share's denominator; null for counts and medians */
  denominator: Runs | null;
}

/**
 * One count over every run of whole calendar months [a, b] of a period of n months (month 0 is
 * the period's first, a ≤ b, both counted): [0, n − 1] is the period itself.
 */
export class Runs {
  private constructor(
    readonly n: number,
    private readonly v: Float64Array,
  ) {}

  static zero(n: number): Runs {
    return new Runs(n, new Float64Array(n * n));
  }

  /** A count of events (or of anything additive over months), from its value in each month. */
  static monthly(n: number, perMonth: ArrayLike<number>): Runs {
    const r = Runs.zero(n);
    for (let a = 0; a < n; a++) {
      let sum = 0;
      for (let b = a; b < n; b++) r.v[a * n + b] = sum += perMonth[b] ?? 0;
    }
    return r;
  }

  /**
   * A count of distinct people: `people` are groups of `count` people who count in exactly the
   * months of `mask` (bit i: month i), so a person counts in [a, b] when a month of theirs is in it.
   * Each person is counted once per run, at their first month in it (the one whose previous month
   * of theirs is before a): O(months per person) per group, then O(n²) for every run.
   */
  static distinct(n: number, people: Iterable<{ mask: number; count: number }>): Runs {
    // first[b * (n + 1) + p]: people with month b whose previous month is p − 1 (p = 0: none before)
    const first = new Float64Array(n * (n + 1));
    for (const { mask, count } of people) {
      let prev = -1;
      let m = mask;
      for (let b = 0; b < n && m > 0; b++, m = Math.floor(m / 2)) {
        if (m % 2 === 1) {
          first[b * (n + 1) + prev + 1]! += count;
          prev = b;
        }
      }
    }
    const r = Runs.zero(n);
    for (let a = 0; a < n; a++) {
      let sum = 0;
      for (let b = a; b < n; b++) {
        // people whose month b is their first in [a, b]: previous month before a (p − 1 < a, p ≤ a)
        for (let p = 0; p <= a; p++) sum += first[b * (n + 1) + p]!;
        r.v[a * n + b] = sum;
      }
    }
    return r;
  }

  at(a: number, b: number): number {
    return this.v[a * this.n + b]!;
  }

  get whole(): number {
    return this.at(0, this.n - 1);
  }

  plus(o: Runs): Runs {
    const r = Runs.zero(this.n);
    for (let i = 0; i < this.v.length; i++) r.v[i] = this.v[i]! + o.v[i]!;
    return r;
  }

  minus(o: Runs): Runs {
    const r = Runs.zero(this.n);
    for (let i = 0; i < this.v.length; i++) r.v[i] = this.v[i]! - o.v[i]!;
    return r;
  }
}

/** Whether a sub-period of the count, or its difference from the whole period, is 1 to 4 (rule 2 (b), (c)). */
export function differencingReveals(r: Runs): boolean {
  const whole = r.whole;
  for (let a = 0; a < r.n; a++)
    for (let b = a; b < r.n; b++) {
      if (a === 0 && b === r.n - 1) continue;
      const s = r.at(a, b);
      if (risky(s) || risky(Math.abs(whole - s))) return true;
    }
  return false;
}

/** Why a cell is suppressed: a count of 1 to 4, a sub-period that differencing would reveal, or the other gender's hidden cell. */
export type SuppressionReason = 'SMALL_COUNT' | 'DIFFERENCING' | 'OTHER_GENDER';

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

/** A figure's counts over the runs of its period: a share's denominator − numerator is a count of people too. */
function countsOver(kind: Kind, r: RunCounts): Runs[] {
  if (kind === 'SHARE' && r.denominator) return [r.numerator, r.denominator, r.denominator.minus(r.numerator)];
  return r.denominator ? [r.numerator, r.denominator] : [r.numerator];
}

/**
 * `differencing: false` leaves rule 2 out: only for tests that check a section's hand-computed
 * counts of a period apart from the sub-periods (no resolver passes it).
 */
export interface PublishOptions {
  differencing?: boolean;
}

function reasonOf(raw: RawIndicator, group: Gender | 'TOTAL', options: PublishOptions): SuppressionReason | null {
  if (needsSuppression(raw.kind, group === 'TOTAL' ? raw.total : raw.byGender[group])) return 'SMALL_COUNT';
  const runs = options.differencing === false ? undefined : raw.runs?.[group];
  if (runs && countsOver(raw.kind, runs).some(differencingReveals)) return 'DIFFERENCING';
  return null;
}

/** Why each cell of a figure is suppressed (null: published), by the rules above. */
export function suppressionReasons(raw: RawIndicator, options: PublishOptions = {}): Record<Gender | 'TOTAL', SuppressionReason | null> {
  const reasons = { TOTAL: reasonOf(raw, 'TOTAL', options), WOMEN: reasonOf(raw, 'WOMEN', options), MEN: reasonOf(raw, 'MEN', options) };
  if (reasons.TOTAL === null) {
    const hidden = GENDERS.filter((g) => reasons[g] !== null);
    // total − the one published cell would give the hidden one: hide the other cell too.
    if (hidden.length === 1) for (const g of GENDERS) reasons[g] ??= 'OTHER_GENDER';
  }
  return reasons;
}

export function publish(raw: RawIndicator, options: PublishOptions = {}): Indicator {
  const reasons = suppressionReasons(raw, options);
  const totalSuppressed = reasons.TOTAL !== null;
  const suppressed = { WOMEN: reasons.WOMEN !== null, MEN: reasons.MEN !== null };
  return {
    key: raw.key,
    label: String(raw.label),
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
export function publishAggregate(key: string, label: Wording, numerator: number, denominator: number | null): Indicator {
  const value = denominator === null ? numerator : denominator ? Math.round((numerator / denominator) * 1000) / 1000 : null;
  return { key, label: String(label), value, numerator, denominator, suppressed: false, byGender: [] };
}

/** Per-gender rows from SQL (`group by legal_gender`, a null gender counts in the total only) summed into a raw figure. */
export function fromRows<R extends { gender: string | null }>(rows: R[], key: string, label: Wording, kind: Kind, pick: (r: R) => Counts): RawIndicator {
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

/** The months of a period of whole calendar months: how many, and the first one's index (year × 12 + month − 1) for SQL. */
export function periodMonths(from: string, to: string): { n: number; base: number } {
  const index = (d: string) => Number(d.slice(0, 4)) * 12 + Number(d.slice(5, 7)) - 1;
  return { n: index(to) - index(from) + 1, base: index(from) };
}

/** The first day (YYYY-MM-01) of each month of a period of `n` months from `from`: the bounds SQL sorts days into months by. */
export function monthStarts(from: string, n: number): string[] {
  const [y, m] = [Number(from.slice(0, 4)), Number(from.slice(5, 7)) - 1];
  return Array.from({ length: n }, (_, i) => `${String(y + Math.floor((m + i) / 12)).padStart(4, '0')}-${String(((m + i) % 12) + 1).padStart(2, '0')}-01`);
}

/**
 * A row from SQL for one count of one gender (null: counted in the total only): either a
 * count of events in one month (`month`, 0 = the period's first), or a group of `n` distinct
 * people who count in the months of `mask` (bit i: month i; a bigint arrives as a string).
 */
export interface RunRow {
  gender: string | null;
  what: string;
  month?: number | null;
  mask?: string | number | null;
  n: number;
}

export type GroupRuns = Record<Gender | 'TOTAL', Runs>;

/** The rows of each count (`what`) as Runs for the total and each gender. */
export function runsOf(n: number, rows: RunRow[], whats: readonly string[]): Record<string, GroupRuns> {
  const out: Record<string, GroupRuns> = {};
  for (const what of whats) {
    const mine = rows.filter((r) => r.what === what);
    const of = (keep: (r: RunRow) => boolean): Runs => {
      const sel = mine.filter(keep);
      if (sel.some((r) => r.mask !== null && r.mask !== undefined))
        return Runs.distinct(
          n,
          sel.map((r) => ({ mask: Number(r.mask), count: Number(r.n) })),
        );
      const perMonth = new Float64Array(n);
      for (const r of sel) if (r.month !== null && r.month !== undefined && r.month >= 0 && r.month < n) perMonth[r.month]! += Number(r.n);
      return Runs.monthly(n, perMonth);
    };
    out[what] = { TOTAL: of(() => true), WOMEN: of((r) => r.gender === 'WOMEN'), MEN: of((r) => r.gender === 'MEN') };
  }
  return out;
}

const GROUPS = ['TOTAL', 'WOMEN', 'MEN'] as const;

/** A count (or a median's people, with its values) over a period, with its sub-periods. */
export function runsFigure(
  key: string,
  label: Wording,
  kind: 'COUNT' | 'MEDIAN',
  people: GroupRuns,
  medians?: Record<Gender | 'TOTAL', number | null>,
): RawIndicator {
  const counts = (g: (typeof GROUPS)[number]): Counts => ({ numerator: people[g].whole, denominator: null, ...(medians ? { value: medians[g] } : {}) });
  return {
    key,
    label,
    kind,
    total: counts('TOTAL'),
    byGender: { WOMEN: counts('WOMEN'), MEN: counts('MEN') },
    runs: Object.fromEntries(GROUPS.map((g) => [g, { numerator: people[g], denominator: null }])) as Record<(typeof GROUPS)[number], RunCounts>,
  };
}

/** A share over a period, with its sub-periods. */
export function runsShare(key: string, label: Wording, numerator: GroupRuns, denominator: GroupRuns): RawIndicator {
  const counts = (g: (typeof GROUPS)[number]): Counts => ({ numerator: numerator[g].whole, denominator: denominator[g].whole });
  return {
    key,
    label,
    kind: 'SHARE',
    total: counts('TOTAL'),
    byGender: { WOMEN: counts('WOMEN'), MEN: counts('MEN') },
    runs: Object.fromEntries(GROUPS.map((g) => [g, { numerator: numerator[g], denominator: denominator[g] }])) as Record<(typeof GROUPS)[number], RunCounts>,
  };
}
