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
import { daysBetween, isCalendarDate } from './time.ts';

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
  if (!sitsOn(caller, memberOrganisationIds)) throw forbidden("Only council members of the council's member organisations see its indicators.");
}

export const MAX_PERIOD_DAYS = 3 * 366;

export function validatePeriod(from: string, to: string): void {
  if (!isCalendarDate(from)) throw badInput('from', `${from} is not a date; write it as YYYY-MM-DD.`);
  if (!isCalendarDate(to)) throw badInput('to', `${to} is not a date; write it as YYYY-MM-DD.`);
  if (to < from) throw badInput('to', 'The period must end on or after the day it starts.');
  if (daysBetween(from, to) > MAX_PERIOD_DAYS) throw badInput('to', 'A period may be at most three years.');
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
 * The report a section resolver receives from the gateway. The council's scope arrives as
 * required fields; a representation without them grants nothing and is refused.
 */
export function reportKey(r: {
  councilId: string;
  from: string;
  to: string;
  municipalityCodes?: string[] | null;
  memberOrganisationIds?: string[] | null;
}): ReportKey {
  if (!Array.isArray(r.municipalityCodes) || !Array.isArray(r.memberOrganisationIds)) {
    throw forbidden("Only council members of the council's member organisations see its indicators.");
  }
  return { councilId: r.councilId, from: r.from, to: r.to, municipalityCodes: r.municipalityCodes, memberOrganisationIds: r.memberOrganisationIds };
}
