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
  /** how to reach the organisation's functions; empty where the directory has no published details */
  contacts: readonly ContactPoint[];
  /** when the unit holds meetings (psychiatry's meetings of the withdrawal pathway); DEFAULT_OPENING_HOURS when left out */
  openingHours?: OpeningHours;
  /** the HSA-id (the national catalogue's id), where one is published; the FHIR export carries it. None of the entries below has one in the sources, so none is invented. */
  hsaId?: string;
}

/** The days (ISO weekday numbers, 1 = Monday) and the hours (HH:mm, Europe/Stockholm) a unit holds meetings. */
export interface OpeningHours {
  days: readonly number[];
  opens: string;
  closes: string;
}

/** Weekdays 08:00–17:00 Stockholm time: the coordinator works weekdays (the routine: "vardagar"). */
export const DEFAULT_OPENING_HOURS: OpeningHours = { days: [1, 2, 3, 4, 5], opens: '08:00', closes: '17:00' };

/** The opening hours of an organisation of the directory (the default where none are given). */
export function openingHoursOf(id: string): OpeningHours {
  return byId.get(id)?.openingHours ?? DEFAULT_OPENING_HOURS;
}

/** One function of an organisation and how to reach it. */
export interface ContactPoint {
  function: string;
  phone: string | null;
  email: string | null;
  hours: string | null;
}

/**
 * Västmanland's routine for planned withdrawal treatment (seeds/000_cee64fd67e88d779.txt):
 * the coordinator is reached on weekdays at 021-17 44 13, or ward 91 at 021-17 39 41;
 * e-mail avd91@regionvastmanland.se. No other organisation's details are published in the
 * sources, so none are invented.
 */
const VASTMANLAND_WITHDRAWAL_CONTACTS: readonly ContactPoint[] = [
  {
    function: 'Samordnare (coordinator), planned withdrawal treatment',
    phone: '021-17 44 13',
    email: 'avd91@regionvastmanland.se',
    hours: 'weekdays (vardagar)',
  },
  { function: 'Avdelning 91 (ward 91)', phone: '021-17 39 41', email: 'avd91@regionvastmanland.se', hours: 'weekdays (vardagar)' },
];

export const ORGANISATIONS: readonly Organisation[] = [
  { id: 'municipality:1980', name: 'Västerås stad, socialtjänsten', agency: 'MUNICIPALITY', regionCode: '19', municipalityCode: '1980', contacts: [] },
  { id: 'municipality:1981', name: 'Sala kommun, socialtjänsten', agency: 'MUNICIPALITY', regionCode: '19', municipalityCode: '1981', contacts: [] },
  { id: 'municipality:0180', name: 'Stockholms stad, socialtjänsten', agency: 'MUNICIPALITY', regionCode: '01', municipalityCode: '0180', contacts: [] },
  {
    id: 'psychiatry:19',
    name: 'Vuxenpsykiatri Västmanland, beroendesektionen',
    agency: 'PSYCHIATRY',
    regionCode: '19',
    municipalityCode: null,
    contacts: VASTMANLAND_WITHDRAWAL_CONTACTS,
  },
  { id: 'psychiatry:01', name: 'Beroendevården Region Stockholm', agency: 'PSYCHIATRY', regionCode: '01', municipalityCode: null, contacts: [] },
  { id: 'probation:vasteras', name: 'Frivården Västerås', agency: 'PROBATION', regionCode: '19', municipalityCode: null, contacts: [] },
  { id: 'probation:stockholm', name: 'Frivården Stockholm', agency: 'PROBATION', regionCode: '01', municipalityCode: null, contacts: [] },
  { id: 'clinic:0180-sodermalm', name: 'Lokal integrerad mottagning Södermalm', agency: 'CLINIC', regionCode: '01', municipalityCode: '0180', contacts: [] },
  { id: 'clinic:0180-kista', name: 'Lokal integrerad mottagning Kista', agency: 'CLINIC', regionCode: '01', municipalityCode: '0180', contacts: [] },
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
