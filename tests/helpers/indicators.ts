/** Shared pieces of the indicator-section tests: expected cells and a figure-by-key check. */
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { expect } from 'vitest';
import type { Caller } from '../../services/shared/src/caller.ts';
import { reportScope, type ReportKey } from '../../services/shared/src/councils.ts';
import { organisation } from '../../services/shared/src/directory.ts';
import type { SubgraphName } from '../../services/shared/src/env.ts';
import type { Indicator, PublishOptions } from '../../services/shared/src/indicators.ts';
import { hub } from './hub.ts';

export const INDICATOR_FIELDS = 'key label value numerator denominator suppressed byGender { group value numerator denominator suppressed }';

export interface IndicatorOut {
  key: string;
  label: string;
  value: number | null;
  numerator: number | null;
  denominator: number | null;
  suppressed: boolean;
  byGender: Array<{ group: string; value: number | null; numerator: number | null; denominator: number | null; suppressed: boolean }>;
}

export const hidden = { value: null, numerator: null, denominator: null, suppressed: true };

/** A published count. */
export const count = (n: number) => ({ value: n, numerator: n, denominator: null, suppressed: false });
/** A published share (value rounded to three decimals, as published). */
export const share = (numerator: number, denominator: number) => ({
  value: denominator ? Math.round((numerator / denominator) * 1000) / 1000 : null,
  numerator,
  denominator,
  suppressed: false,
});
/** A published median over `people`. */
export const median = (value: number | null, people: number) => ({ value, numerator: null, denominator: people, suppressed: false });

type Cell = typeof hidden | ReturnType<typeof count> | ReturnType<typeof share> | ReturnType<typeof median>;

/** Checks a section figure by figure: exact total and women/men cells (the label is checked to be present). */
export function expectSection(section: Array<IndicatorOut | Indicator>, expected: Record<string, [Cell, Cell, Cell]>) {
  expect(section.map((i) => i.key)).toEqual(Object.keys(expected));
  for (const [key, [total, women, men]] of Object.entries(expected)) {
    const got = section.find((i) => i.key === key)!;
    expect(got.label, key).toMatch(/^[A-Z][^\n]+[a-z)]$/);
    const { label: _label, ...rest } = got;
    expect(rest, key).toEqual({
      key,
      ...total,
      byGender: [
        { group: 'WOMEN', ...women },
        { group: 'MEN', ...men },
      ],
    });
  }
}

/** The scope of two councils' reports (as in the reference seed). */
export const REPORTS = {
  'council:local-0180': { municipalityCodes: ['0180'], memberOrganisationIds: ['municipality:0180', 'psychiatry:01'] },
  'council:regional-19': { municipalityCodes: ['1980', '1981'], memberOrganisationIds: ['municipality:1980', 'municipality:1981', 'psychiatry:19'] },
};

export const indicatorReport = (councilId: keyof typeof REPORTS, period: { from: string; to: string }) =>
  reportRepresentation({ councilId, ...period, ...REPORTS[councilId] });

/** An IndicatorReport as the gateway sends it to a section's subgraph: its key, with the council's scope opaque. */
export function reportRepresentation(r: { councilId: string; from: string; to: string; municipalityCodes: string[]; memberOrganisationIds: string[] }) {
  return { __typename: 'IndicatorReport', councilId: r.councilId, from: r.from, to: r.to, scope: reportScope(r) };
}

/**
 * A section's figures for a report as its domain function computes them, straight against this
 * file's database, without the rule against differencing (`differencing: false`): the counts of
 * the period itself, to check them by hand apart from their sub-periods. The API always applies it.
 */
export async function computedSection(
  subgraph: SubgraphName,
  section: (ctx: never, r: ReportKey, options: PublishOptions) => Promise<Indicator[]>,
  caller: { org: string; name: string },
  r: ReportKey,
  now: string,
): Promise<Indicator[]> {
  const pool = postgres(hub().databaseUrls[subgraph], { max: 1, onnotice: () => {} });
  try {
    const who: Caller = { userId: `computed-${caller.org}`, name: caller.name, organisation: organisation(caller.org)!, roles: ['COUNCIL_MEMBER'] };
    return await section({ db: drizzle({ client: pool }), caller: who, now: new Date(now) } as never, r, { differencing: false });
  } finally {
    await pool.end();
  }
}

/** The report key a section receives for one of the two councils above. */
export const reportKeyOf = (councilId: keyof typeof REPORTS, period: { from: string; to: string }): ReportKey => ({
  councilId,
  ...period,
  ...REPORTS[councilId],
});
