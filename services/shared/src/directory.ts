/**
 * The organisation directory that every subgraph shares: who takes part in
 * the hub, which kind of organisation each is, and where it belongs. Ids are
 * stable (tokens, plans and demo scripts name them).
 */
import type { Agency } from './generated/enums.ts';

export type { Agency };

export interface Organisation {
  id: string;
  name: string;
  agency: Agency;
  /** län (county/region) code, two digits */
  regionCode: string;
  /** kommunkod for municipalities and clinics; null for regional organisations */
  municipalityCode: string | null;
}

export const ORGANISATIONS: readonly Organisation[] = [
  { id: 'municipality:1980', name: 'Västerås stad, socialtjänsten', agency: 'MUNICIPALITY', regionCode: '19', municipalityCode: '1980' },
  { id: 'municipality:1981', name: 'Sala kommun, socialtjänsten', agency: 'MUNICIPALITY', regionCode: '19', municipalityCode: '1981' },
  { id: 'municipality:0180', name: 'Stockholms stad, socialtjänsten', agency: 'MUNICIPALITY', regionCode: '01', municipalityCode: '0180' },
  { id: 'psychiatry:19', name: 'Vuxenpsykiatri Västmanland, beroendesektionen', agency: 'PSYCHIATRY', regionCode: '19', municipalityCode: null },
  { id: 'psychiatry:01', name: 'Beroendevården Region Stockholm', agency: 'PSYCHIATRY', regionCode: '01', municipalityCode: null },
  { id: 'probation:vasteras', name: 'Frivården Västerås', agency: 'PROBATION', regionCode: '19', municipalityCode: null },
  { id: 'probation:stockholm', name: 'Frivården Stockholm', agency: 'PROBATION', regionCode: '01', municipalityCode: null },
  { id: 'clinic:0180-sodermalm', name: 'Lokal integrerad mottagning Södermalm', agency: 'CLINIC', regionCode: '01', municipalityCode: '0180' },
  { id: 'clinic:0180-kista', name: 'Lokal integrerad mottagning Kista', agency: 'CLINIC', regionCode: '01', municipalityCode: '0180' },
];

const byId = new Map(ORGANISATIONS.map((o) => [o.id, o]));

export function organisation(id: string): Organisation | undefined {
  return byId.get(id);
}

/**
 * An organisation a stored row (or the demo) names. Every such id was checked against the
 * directory when it was written, so a miss is a broken invariant, not an answer for a caller.
 */
export function storedOrganisation(id: string): Organisation {
  const found = byId.get(id);
  if (!found) throw new Error(`${id}, named by a stored row, is not an organisation of the directory`);
  return found;
}

export function organisationsOf(agency?: Agency): Organisation[] {
  return ORGANISATIONS.filter((o) => !agency || o.agency === agency);
}

/** The subgraph that holds the records of an agency. */
export const SUBGRAPH_OF: Record<Agency, 'municipality' | 'psychiatry' | 'probation' | 'clinics'> = {
  MUNICIPALITY: 'municipality',
  PSYCHIATRY: 'psychiatry',
  PROBATION: 'probation',
  CLINIC: 'clinics',
};
