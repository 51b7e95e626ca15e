/**
 * Who sits on a council, from the directory: a local council has the
 * municipality (or city district) and its region's psychiatry at management
 * level; a regional council has every municipality of the region and the
 * region's psychiatry. Their COUNCIL_MEMBER staff read the council. Every
 * subgraph asks the same question of the report it contributes to.
 */
import type { Caller } from './caller.ts';
import { can } from './access.ts';
import { ORGANISATIONS } from './directory.ts';
import { badInput, forbidden } from './errors.ts';
import { isCalendarDate } from './time.ts';
import { t } from './i18n.ts';

export interface CouncilScope {
  level: 'LOCAL' | 'REGIONAL';
  regionCode: string;
  municipalityCodes: string[];
}

export function councilMembers(c: CouncilScope): string[] {
  return ORGANISATIONS.filter(
    (o) =>
      (o.agency === 'MUNICIPALITY' && o.municipalityCode !== null && c.municipalityCodes.includes(o.municipalityCode)) ||
      (o.agency === 'PSYCHIATRY' && o.regionCode === c.regionCode),
  ).map((o) => o.id);
}

export function sitsOn(caller: Caller, memberOrganisationIds: string[]): boolean {
  return can(caller, 'council.read') && memberOrganisationIds.includes(caller.organisation.id);
}

/** The guard each subgraph runs before computing its section of a report. */
export function requireCouncilMember(caller: Caller, memberOrganisationIds: string[]): void {
  if (!sitsOn(caller, memberOrganisationIds)) throw forbidden(t`Only council members of the council's member organisations see its indicators.`);
}

/** A period is at most 36 whole calendar months (three years). */
export const MAX_PERIOD_MONTHS = 36;

/** The last day (YYYY-MM-DD) of the calendar month `date` falls in. */
export function lastDayOfMonth(date: string): string {
  const [y, m] = [Number(date.slice(0, 4)), Number(date.slice(5, 7))];
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
}

/** Calendar months from the month of `from` to the month of `to`, both counted. */
export const monthsIn = (from: string, to: string): number =>
  (Number(to.slice(0, 4)) - Number(from.slice(0, 4))) * 12 + Number(to.slice(5, 7)) - Number(from.slice(5, 7)) + 1;

/**
 * The period of an indicator report: `from` and `to` are both inclusive Stockholm calendar
 * days, and the period is made of whole calendar months (a month, a quarter, a year, or any
 * run of up to 36 months): `from` is the first day of a month, `to` the last day of a month.
 * A period cut at any other day could be compared with one a day longer and reveal, by their
 * difference, one person's day (README, "Indicators: periods and differencing").
 */
export function validatePeriod(from: string, to: string): void {
  if (!isCalendarDate(from)) throw badInput('from', t`${from} is not a date; write it as YYYY-MM-DD.`);
  if (!isCalendarDate(to)) throw badInput('to', t`${to} is not a date; write it as YYYY-MM-DD.`);
  if (to < from) throw badInput('to', t`The period must end on or after the day it starts.`);
  if (!from.endsWith('-01'))
    throw badInput('from', t`Indicators are given for whole calendar months: from must be the first day of a month (${from.slice(0, 8)}01), not ${from}.`);
  if (to !== lastDayOfMonth(to))
    throw badInput('to', t`Indicators are given for whole calendar months: to must be the last day of a month (${lastDayOfMonth(to)}), not ${to}.`);
  if (monthsIn(from, to) > MAX_PERIOD_MONTHS) throw badInput('to', t`A period may be at most three years (36 calendar months).`);
}

/** An indicator report as every section receives it: its key and the council's scope. */
export interface ReportKey {
  councilId: string;
  from: string;
  to: string;
  municipalityCodes: string[];
  memberOrganisationIds: string[];
}

/**
 * The report as a section resolver receives it from the gateway: its @key. `scope` carries
 * the council's municipalities and member organisations as social services computed them
 * (a @key cannot hold lists, so they travel as one opaque value; the gateway signs every
 * subgraph request, so a key is as trustworthy as a required field).
 */
export interface ReportReference {
  councilId: string;
  from: string;
  to: string;
  scope?: string | null;
}

/** The opaque `IndicatorReport.scope` of a report (social services computes it). */
export function reportScope(r: Pick<ReportKey, 'municipalityCodes' | 'memberOrganisationIds'>): string {
  return Buffer.from(JSON.stringify({ municipalityCodes: r.municipalityCodes, memberOrganisationIds: r.memberOrganisationIds })).toString('base64url');
}

const strings = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

function decodeScope(scope: string | null | undefined): Pick<ReportKey, 'municipalityCodes' | 'memberOrganisationIds'> | undefined {
  if (typeof scope !== 'string') return undefined;
  try {
    const v = JSON.parse(Buffer.from(scope, 'base64url').toString('utf8')) as { municipalityCodes?: unknown; memberOrganisationIds?: unknown };
    return strings(v.municipalityCodes) && strings(v.memberOrganisationIds)
      ? { municipalityCodes: v.municipalityCodes, memberOrganisationIds: v.memberOrganisationIds }
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The report a section resolver receives from the gateway, with the council's scope read
 * from its key; a representation without a well-formed scope grants nothing and is refused,
 * and one whose period is not whole calendar months is refused as the council field refuses it.
 */
export function reportKey(r: ReportReference): ReportKey {
  const scope = decodeScope(r.scope);
  if (!scope) throw forbidden(t`Only council members of the council's member organisations see its indicators.`);
  validatePeriod(r.from, r.to);
  return { councilId: r.councilId, from: r.from, to: r.to, ...scope };
}
