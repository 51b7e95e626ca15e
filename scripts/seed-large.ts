/**
 * `npm run seed:large`: fills the development installation's databases with a
 * year of data at the size of a large county, for the indicator benchmark
 * (`npm run bench:indicators`) and for trying the council dashboard on
 * realistic volumes.
 *
 * Region 01 (Stockholm: municipality:0180, psychiatry:01, probation:stockholm,
 * the clinics at Södermalm and Kista): a pool of 20,000 people in treatment
 * in the year (policy: 66 % men), of whom 8,000 have a request for
 * withdrawal treatment (every stage, lapsed places with new assessment
 * cycles, some overdue), 6,000 a joint care plan (SIP, withdrawal plans on
 * those referrals, contract-care plans on court orders; with consents,
 * versions, efforts, signatures and follow-ups), 800 a contract-care order
 * (deviations, evaluations) and 5,000 an enrolment at a clinic (target
 * groups, efforts). The same person has the same personnummer and the same
 * pseudonymous id in every subgraph. Region 19 (Västerås, Sala,
 * psychiatry:19, probation:vasteras) gets a third of that and no clinics.
 * Wards with enough places for the admissions, and agreements for the
 * councils, are added too. Names are made up; the personnummer are valid
 * but invented.
 *
 * The year is the 365 days up to `--until` (default today, Stockholm); every
 * step of a pathway that would fall after that day has not happened yet, so
 * recent referrals are still waiting, some overdue. Deterministic: a seeded
 * PRNG, so the same `--until` and `--scale` give the same rows (ids and
 * pseudonyms included, for the same person-id secret). `--scale 0.01` makes
 * a hundredth of everything (the test uses it).
 *
 * Once per database: each subgraph's part runs in one transaction, remembered
 * in seed_run as 'large'; a second run does nothing. It is not an access to
 * personal data by a user (no one reads or changes a record: the rows are
 * invented and written by the installation), so it writes no audit events
 * and never touches the audit tables.
 *
 * Databases: `<SUBGRAPH>_DATABASE_URL` for all four when set (then
 * HUB_PERSON_ID_SECRET is required too); otherwise the development
 * installation (HUB_POSTGRES_URL, or the embedded server of .hub/, started
 * for the run if `npm start` is not running). Migrations and reference data
 * are applied first, as `npm start` would.
 */
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import postgres from 'postgres';
import type { PgTable } from 'drizzle-orm/pg-core';
import { getTableColumns, getTableName, is, SQL } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/postgres-js';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { SUBGRAPHS, type SubgraphName } from '../services/shared/src/env.ts';
import { migrateDatabase, withDatabase } from '../services/shared/src/db.ts';
import { pseudonymFor } from '../services/shared/src/person-id.ts';
import { checkDigit } from '../services/shared/src/personnummer.ts';
import { genderOf, type Gender } from '../services/shared/src/indicators.ts';
import { addDays, stockholmDate } from '../services/shared/src/time.ts';
import { organisation, type Agency } from '../services/shared/src/directory.ts';
import type { Caller, Role } from '../services/shared/src/caller.ts';
import { demoStaff } from '../services/shared/src/demo.ts';
import * as psychiatry from '../services/psychiatry/src/db/schema.ts';
import * as municipality from '../services/municipality/src/db/schema.ts';
import * as probation from '../services/probation/src/db/schema.ts';
import * as clinics from '../services/clinics/src/db/schema.ts';
import * as deadlines from '../services/psychiatry/src/domain/deadlines.ts';
import { OPEN_STATUSES, placeDueOf, replay, submittedReferral, type Actor } from '../services/psychiatry/src/domain/transitions.ts';
import {
  validateDecision,
  validateMeetingTime,
  validatePlaceOffer,
  validateReferral,
  type ReferralInput,
  type Substance,
} from '../services/psychiatry/src/domain/validation.ts';
import { newBreach, newDeviation, newEvaluation, newOrder } from '../services/probation/src/domain/rules.ts';
import { newEffort as newClinicEffort, newEnrolment } from '../services/clinics/src/domain/rules.ts';
import {
  effortChange,
  ending,
  newEffort,
  newFollowUp,
  newPlan,
  newPlanVersion,
  newSignature,
  nextVersion,
  planChange,
} from '../services/municipality/src/domain/plan-rules.ts';
import { newConsent, revocation } from '../services/municipality/src/domain/consent.ts';
import { newAgreement } from '../services/municipality/src/domain/councils.ts';
import type { ParticipantInput } from '../services/municipality/src/domain/validation.ts';
import { PREPARATION } from './databases.ts';
import type { EmbeddedServer } from './embedded-postgres.ts';
import { developmentPostgres } from './development-postgres.ts';
import { readLocalState } from './local-state.ts';

export const SEED_NAME = 'large';

/** The sizes at scale 1 for region 01; region 19 gets a third. */
export const SIZES = { people: 20_000, referrals: 8_000, plans: 6_000, orders: 800, contractCarePlans: 300, enrolments: 5_000 } as const;

export interface LargeSeedOptions {
  personIdSecret: string;
  /** 1 = a large county; 0.01 a hundredth */
  scale?: number;
  /** the last day of the seeded year (YYYY-MM-DD), "now" for the data; default today in Stockholm */
  until?: string;
}

/** The rows the seed builds for some tables of a subgraph's schema, by the table's name there. */
type Seeded<S, K extends keyof S> = { [T in K]: S[T] extends PgTable ? Array<S[T]['$inferInsert']> : never };

export interface LargeSeed {
  psychiatry: Seeded<typeof psychiatry, 'ward' | 'withdrawalReferral' | 'withdrawalReferralEvent' | 'withdrawalMeeting' | 'withdrawalReferralAmendment'>;
  municipality: Seeded<
    typeof municipality,
    'cooperationAgreement' | 'consent' | 'jointCarePlan' | 'jointCarePlanVersion' | 'carePlanEffort' | 'carePlanSignature' | 'carePlanFollowUp'
  >;
  probation: Seeded<typeof probation, 'contractCareOrder' | 'contractCareDeviation' | 'contractCareEvaluation'>;
  clinics: Seeded<typeof clinics, 'clinicEnrolment' | 'clinicEffort'>;
  /** distinct people in the pool, and those with at least one record */
  people: { pool: number; withRecords: number; men: number };
}

// ------------------------------------------------------------------ randomness

/** mulberry32: small, fast, and the same sequence on every machine. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  const chance = (p: number) => next() < p;
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  const weighted = <T>(xs: ReadonlyArray<readonly [T, number]>): T => {
    const total = xs.reduce((s, [, w]) => s + w, 0);
    let r = next() * total;
    for (const [x, w] of xs) if ((r -= w) < 0) return x;
    return xs[xs.length - 1]![0];
  };
  const uuid = () => {
    const h: string[] = [];
    for (let i = 0; i < 4; i++)
      h.push(
        Math.floor(next() * 0x100000000)
          .toString(16)
          .padStart(8, '0'),
      );
    const s = h.join('');
    const variant = ((parseInt(s[16]!, 16) & 0x3) | 0x8).toString(16);
    return `${s.slice(0, 8)}-${s.slice(8, 12)}-4${s.slice(13, 16)}-${variant}${s.slice(17, 20)}-${s.slice(20, 32)}`;
  };
  return { next, int, chance, pick, weighted, uuid };
}
type Rng = ReturnType<typeof prng>;

// ------------------------------------------------------------------ people

const MEN_NAMES = [
  'Erik',
  'Lars',
  'Karl',
  'Anders',
  'Johan',
  'Per',
  'Nils',
  'Mikael',
  'Jan',
  'Hans',
  'Ali',
  'Mohammed',
  'Oskar',
  'Viktor',
  'Jonas',
  'Daniel',
  'Omar',
  'Mats',
];
const WOMEN_NAMES = [
  'Anna',
  'Eva',
  'Maria',
  'Karin',
  'Sara',
  'Lena',
  'Kerstin',
  'Emma',
  'Ingrid',
  'Sofia',
  'Fatima',
  'Linnea',
  'Maja',
  'Elin',
  'Hanna',
  'Amira',
  'Britt',
  'Tove',
];
const SURNAMES = [
  'Andersson',
  'Johansson',
  'Karlsson',
  'Nilsson',
  'Eriksson',
  'Larsson',
  'Olsson',
  'Persson',
  'Svensson',
  'Gustafsson',
  'Pettersson',
  'Jonsson',
  'Lindberg',
  'Holm',
  'Berg',
  'Ek',
  'Ahmed',
  'Hassan',
  'Lind',
  'Ström',
];

interface Person {
  pnr: string;
  personId: string;
  gender: Gender;
  name: string;
  born: string; // YYYY-MM-DD
}

function makePeople(rng: Rng, n: number, secret: string, taken: Set<string>): Person[] {
  const out: Person[] = [];
  while (out.length < n) {
    const man = rng.chance(0.66);
    // mostly 25–65 years old; some young people (for the clinics' target group)
    const year = rng.chance(0.12) ? rng.int(2001, 2007) : rng.int(1955, 2000);
    const month = String(rng.int(1, 12)).padStart(2, '0');
    const day = String(rng.int(1, 28)).padStart(2, '0');
    const serialDigit = man ? rng.pick([1, 3, 5, 7, 9]) : rng.pick([0, 2, 4, 6, 8]);
    const serial = `${String(rng.int(0, 99)).padStart(2, '0')}${serialDigit}`;
    const nine = `${String(year).slice(2)}${month}${day}${serial}`;
    const pnr = `${year}${month}${day}${serial}${checkDigit(nine)}`;
    if (taken.has(pnr)) continue;
    taken.add(pnr);
    const gender = genderOf(pnr);
    out.push({
      pnr,
      personId: pseudonymFor(secret, pnr),
      gender,
      name: `${rng.pick(gender === 'MEN' ? MEN_NAMES : WOMEN_NAMES)} ${rng.pick(SURNAMES)}`,
      born: `${year}-${month}-${day}`,
    });
  }
  return out;
}

// ------------------------------------------------------------------ regions

interface Region {
  code: '01' | '19';
  factor: number;
  municipalities: Array<readonly [string, number]>;
  psychiatry: string;
  probation: string;
  clinics: Array<readonly [string, number]>;
  caseworkers: Record<string, { name: string; phone: string; email: string }>;
  coordinator: string;
  physician: string;
  wards: Array<{ id: string; name: string; places: number }>;
}

const REGIONS: Region[] = [
  {
    code: '01',
    factor: 1,
    municipalities: [['municipality:0180', 1]],
    psychiatry: 'psychiatry:01',
    probation: 'probation:stockholm',
    clinics: [
      ['clinic:0180-sodermalm', 55],
      ['clinic:0180-kista', 45],
    ],
    caseworkers: { 'municipality:0180': { name: 'Karin Ek', phone: '08-508 00 000', email: 'karin.ek@stockholm.example' } },
    coordinator: 'Jonas Ny',
    physician: 'Lisa Ström',
    wards: [
      { id: 'sthlm-beroende-2', name: 'Beroendeavdelning 2, Region Stockholm', places: 40 },
      { id: 'sthlm-beroende-3', name: 'Beroendeavdelning 3, Region Stockholm', places: 40 },
      { id: 'sthlm-beroende-4', name: 'Beroendeavdelning 4, Region Stockholm', places: 40 },
      { id: 'sthlm-beroende-5', name: 'Beroendeavdelning 5, Region Stockholm', places: 40 },
    ],
  },
  {
    code: '19',
    factor: 1 / 3,
    municipalities: [
      ['municipality:1980', 75],
      ['municipality:1981', 25],
    ],
    psychiatry: 'psychiatry:19',
    probation: 'probation:vasteras',
    clinics: [],
    caseworkers: {
      'municipality:1980': { name: 'Anna Svensson', phone: '021-39 00 00', email: 'anna.svensson@vasteras.example' },
      'municipality:1981': { name: 'Sara Lind', phone: '0224-74 70 00', email: 'sara.lind@sala.example' },
    },
    coordinator: 'Maria Berg',
    physician: 'Erik Holm',
    wards: [
      { id: 'vastmanland-92', name: 'Avdelning 92, Västerås', places: 25 },
      { id: 'vastmanland-93', name: 'Avdelning 93, Köping', places: 25 },
    ],
  },
];

const SUBSTANCE_MIX: ReadonlyArray<readonly [Substance[], number]> = [
  [['ALCOHOL'], 50],
  [['ALCOHOL', 'BENZODIAZEPINES'], 14],
  [['OPIOIDS'], 8],
  [['OPIOIDS', 'BENZODIAZEPINES'], 6],
  [['CENTRAL_STIMULANTS'], 6],
  [['CANNABIS', 'ALCOHOL'], 6],
  [['GHB'], 3],
  [['BENZODIAZEPINES'], 5],
  [['OTHER'], 2],
];

// ------------------------------------------------------------------ building

/** The role the staff of each kind of organisation write the seeded rows in. */
const STAFF_ROLE: Record<Agency, Role> = { MUNICIPALITY: 'CASEWORKER', PSYCHIATRY: 'COORDINATOR', PROBATION: 'PROBATION_OFFICER', CLINIC: 'CLINIC_STAFF' };
const PARTICIPANT_ROLE: Record<Agency, string> = {
  MUNICIPALITY: 'caseworker',
  PSYCHIATRY: 'coordinator',
  PROBATION: 'probation officer',
  CLINIC: 'coordinator',
};
const CONSENT_PURPOSE = {
  CONTRACT_CARE: 'Kontraktsvård: samordnad planering och uppföljning',
  WITHDRAWAL: 'Planerad abstinensbehandling och eftervård',
  SIP: 'Samordnad individuell plan (SIP)',
} as const;

/** A member of staff at an organisation, as the caller the step builders take (one per organisation and name). */
const staffAt = (() => {
  const made = new Map<string, Caller>();
  return (organisationId: string, name: string): Caller => {
    const key = `${organisationId}/${name}`;
    let caller = made.get(key);
    if (!caller) made.set(key, (caller = demoStaff(organisationId, STAFF_ROLE[organisation(organisationId)!.agency], name)));
    return caller;
  };
})();
/** The contact person of an organisation taking part in a plan. */
const contactAt = (organisationId: string) => staffAt(organisationId, `Kontakt, ${organisation(organisationId)!.name}`);

export function buildLargeSeed(options: LargeSeedOptions): LargeSeed {
  const scale = options.scale ?? 1;
  const until = options.until ?? stockholmDate(new Date());
  const yearStart = addDays(until, -364);
  const rng = prng(0x5eed_1a26);
  const withdrawalIds = prng(0x5eed_1a27);
  // meetings and amendments draw from a stream of their own, so the referrals' dates and outcomes stay as they were tuned
  const meetingRng = prng(0x5eed_1a28);
  let rooms = 0;
  const at = (date: string, hour: number, minute = 0) => new Date(`${date}T${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}:00+01:00`);
  const now = at(until, 17);
  const dayIn = (from: string, to: string) => addDays(from, rng.int(0, Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000))));
  const size = (n: number, f: number) => Math.round(n * f * scale);

  const seed: LargeSeed = {
    psychiatry: { ward: [], withdrawalReferral: [], withdrawalReferralEvent: [], withdrawalMeeting: [], withdrawalReferralAmendment: [] },
    municipality: {
      cooperationAgreement: [],
      consent: [],
      jointCarePlan: [],
      jointCarePlanVersion: [],
      carePlanEffort: [],
      carePlanSignature: [],
      carePlanFollowUp: [],
    },
    probation: { contractCareOrder: [], contractCareDeviation: [], contractCareEvaluation: [] },
    clinics: { clinicEnrolment: [], clinicEffort: [] },
    people: { pool: 0, withRecords: 0, men: 0 },
  };
  const taken = new Set<string>();
  const pseudonyms = new Map<string, string>();
  // the builders ask for the pseudonym of a normalised number: every number here is a pool person's, derived once
  const pseudonymOf = (normalised: string) => pseudonyms.get(normalised) ?? pseudonymFor(options.personIdSecret, normalised);
  const withRecords = new Set<string>();

  for (const region of REGIONS) {
    const people = makePeople(rng, size(SIZES.people, region.factor), options.personIdSecret, taken);
    seed.people.pool += people.length;
    for (const p of people) pseudonyms.set(p.pnr, p.personId);
    seed.people.men += people.filter((p) => p.gender === 'MEN').length;
    let cursor = 0;
    const fresh = () => people[cursor++ % people.length]!;
    const wards = region.wards.map((w) => ({ ...w, organisationId: region.psychiatry, places: Math.max(2, Math.round(w.places * scale)) }));
    seed.psychiatry.ward.push(...wards);
    const coordinator: Actor = { userId: `${region.psychiatry}:COORDINATOR`, name: region.coordinator, organisationId: region.psychiatry };
    const physician: Actor = { userId: `${region.psychiatry}:PHYSICIAN`, name: region.physician, organisationId: region.psychiatry };

    // ---------------------------------------------------------------- referrals
    interface Decided {
      referralId: string;
      person: Person;
      municipality: string;
      decidedDay: string;
    }
    const decided: Decided[] = [];
    const referralPeople: Person[] = [];
    for (let i = 0; i < size(SIZES.referrals, region.factor); i++) {
      const person = fresh();
      referralPeople.push(person);
      withRecords.add(person.pnr);
      const from = rng.weighted(region.municipalities);
      const cw = region.caseworkers[from]!;
      const caseworker: Actor = { userId: `${from}:CASEWORKER`, name: cw.name, organisationId: from };
      const id = rng.uuid();
      const receivedDay = dayIn(yearStart, until);
      const receivedAt = at(receivedDay, rng.int(8, 16), rng.int(0, 59));
      const submittedEventId = rng.uuid();
      const assessments: ReferralInput['assessments'] = [];
      const performed = () => addDays(receivedDay, -rng.int(1, 30));
      if (rng.chance(0.6)) assessments.push({ instrument: 'AUDIT', performedOn: performed(), score: rng.int(8, 40), summary: 'Tecken på beroende.' });
      if (rng.chance(0.3)) assessments.push({ instrument: 'DUDIT', performedOn: performed(), score: rng.int(6, 44), summary: null });
      if (rng.chance(0.4)) assessments.push({ instrument: 'ASI', performedOn: performed(), score: null, summary: 'ASI-intervju genomförd.' });
      const valid = validateReferral(
        {
          personnummer: person.pnr,
          name: person.name,
          substances: rng.weighted(SUBSTANCE_MIX),
          currentProblems: 'Dagligt intag sedan flera månader, morgonabstinens med skakningar och svettningar.',
          postTreatmentPlan: 'Fortsatt öppenvårdsbehandling hos kommunens beroendeenhet.',
          otherIllnesses: rng.chance(0.2) ? null : rng.chance(0.5) ? [] : ['Högt blodtryck'],
          medications: rng.chance(0.2) ? null : [],
          assessments,
          caseworker: cw,
          individualConsents: true,
        },
        receivedAt,
      );
      const r = replay(
        submittedReferral(valid, caseworker, { id, personId: person.personId, receivingOrganisationId: region.psychiatry }, receivedAt),
        // entry ids come from rng in the order the people, dates and outcomes were tuned on (SIZES and the
        // proportions tests/seed-large.test.ts checks); a withdrawal's entry draws from a stream of its own
        (e) =>
          e.kind === 'SUBMITTED' ? submittedEventId : e.kind === 'WITHDRAWN' ? withdrawalIds.uuid() : e.kind === 'AMENDED' ? meetingRng.uuid() : rng.uuid(),
      );
      const withdraw = (day: string, reason: string) => {
        if (day <= until) r.take({ step: 'withdraw', reason }, caseworker, at(day, 10));
      };

      // One assessment cycle after another: a step that would come after `until` has not happened yet.
      for (;;) {
        const start = stockholmDate(r.row.cycleStartedAt);
        if (rng.chance(0.03)) {
          // never booked: withdrawn after a while, or still waiting (overdue)
          withdraw(addDays(start, rng.int(20, 60)), 'Den enskilde avböjer fortsatt kontakt.');
          break;
        }
        const meetingOffset = rng.chance(0.82) ? rng.int(3, 14) : rng.int(15, 28);
        const meetingDay = addDays(start, meetingOffset);
        const bookDay = addDays(start, rng.int(0, Math.min(4, meetingOffset - 1)));
        if (bookDay > until || at(bookDay, 11) > now) break;
        const meetingAt = at(meetingDay, rng.int(9, 15));
        validateMeetingTime(meetingAt, at(bookDay, 11));
        r.take({ step: 'bookMeeting', at: meetingAt }, coordinator, at(bookDay, 11));
        seed.psychiatry.withdrawalMeeting.push(largeMeeting(r.row, meetingAt, at(bookDay, 11), now, coordinator, caseworker, meetingRng.uuid(), (rooms += 1)));
        if (rng.chance(0.03)) {
          withdraw(addDays(bookDay, rng.int(1, 10)), 'Den enskilde har flyttat till annan kommun.');
          break;
        }
        const decidedDay = addDays(
          meetingDay,
          rng.weighted([
            [0, 60],
            [rng.int(1, 3), 30],
            [rng.int(4, 7), 10],
          ] as const),
        );
        const decidedAt = at(decidedDay, 15);
        if (decidedAt > now) break;
        const needed = rng.chance(0.78);
        const decision = validateDecision({
          needed,
          setting: needed ? 'INPATIENT' : null,
          rationale: needed ? null : 'Abstinensen bedöms kunna hanteras i öppenvård.',
        });
        r.take({ step: 'decide', ...decision }, physician, decidedAt);
        if (!needed) break;
        if (r.row.cycle === 1) decided.push({ referralId: id, person, municipality: from, decidedDay });
        if (rng.chance(0.03)) {
          withdraw(addDays(decidedDay, rng.int(1, 10)), 'Den enskilde avböjer slutenvård.');
          break;
        }
        const offeredDay = addDays(decidedDay, rng.int(1, 8));
        const inTime = rng.chance(0.78);
        const startDate = inTime ? addDays(decidedDay, rng.int(Math.max(2, daysFrom(decidedDay, offeredDay)), 14)) : addDays(decidedDay, rng.int(15, 30));
        if (at(offeredDay, 11) > now) break;
        const ward = rng.pick(wards);
        const placeDue = placeDueOf(r.row);
        const { reason } = validatePlaceOffer(
          { startDate, reason: startDate > placeDue ? 'Den enskilde önskade börja senare.' : null },
          placeDue,
          at(offeredDay, 11),
        );
        r.take({ step: 'offerPlace', ward, startDate, reason }, coordinator, at(offeredDay, 11));
        if (rng.chance(0.86)) {
          const admittedDay = addDays(startDate, rng.chance(0.8) ? 0 : rng.int(1, 10));
          const admittedAt = at(admittedDay, 9);
          if (admittedAt > now) break;
          r.take({ step: 'admit', ward }, coordinator, admittedAt);
          const completedAt = at(addDays(admittedDay, rng.int(4, 12)), 12);
          if (completedAt > now) break;
          r.take({ step: 'discharge' }, coordinator, completedAt);
          break;
        }
        // the place lapses; often the need remains and a new assessment is requested
        if (r.row.cycle >= 3 || !rng.chance(0.55)) break;
        const renewedAt = at(addDays(deadlines.lapsesOn(startDate), rng.int(1, 21)), 10);
        if (renewedAt > now) break;
        r.take({ step: 'requestNewAssessment' }, caseworker, renewedAt);
      }
      // some open requests corrected by the caseworker after their last step: a new phone number, with its history
      const lastAt = r.events.at(-1)!.at;
      const amendAt = new Date(lastAt.getTime() + 3_600_000);
      if (meetingRng.chance(0.08) && amendAt <= now && OPEN_STATUSES.includes(deadlines.deriveStatus(r.row, amendAt))) {
        const before = r.row.caseworkerPhone;
        const after = before.replace(/\d\d$/, (d) => String((Number(d) + 11) % 100).padStart(2, '0'));
        const reason = 'Nytt telefonnummer till handläggaren.';
        r.take({ step: 'amend', set: { caseworkerPhone: after }, fields: ['caseworker.phone'], reason }, caseworker, amendAt);
        seed.psychiatry.withdrawalReferralAmendment.push({
          id: meetingRng.uuid(),
          referralId: id,
          at: amendAt,
          byUserId: caseworker.userId,
          byName: caseworker.name,
          byOrganisationId: caseworker.organisationId,
          reason,
          changes: [{ field: 'caseworker.phone', before, after }],
        });
      }
      seed.psychiatry.withdrawalReferral.push(r.row);
      seed.psychiatry.withdrawalReferralEvent.push(...r.events);
    }

    // ---------------------------------------------------------------- contract-care orders
    // The rows come from probation's step builders (rules.ts), as the mutations write them; the ids from rng.
    const orders: Array<{ id: string; person: Person; municipality: string; care: string; court: string; end: string }> = [];
    const officer = demoStaff(region.probation, 'PROBATION_OFFICER', region.code === '01' ? 'Omar Kontrakt' : 'Petra Frivård');
    const ordered = new Set<Person>();
    while (orders.length < size(SIZES.orders, region.factor)) {
      // a third are also known to psychiatry through a withdrawal referral
      const person = rng.chance(0.3) && referralPeople.length ? rng.pick(referralPeople) : fresh();
      if (ordered.has(person)) continue;
      ordered.add(person);
      withRecords.add(person.pnr);
      const id = rng.uuid();
      const mun = rng.weighted(region.municipalities);
      const care = region.clinics.length && rng.chance(0.35) ? rng.weighted(region.clinics) : region.psychiatry;
      const court = rng.chance(0.75) ? dayIn(yearStart, until) : dayIn(addDays(yearStart, -365), yearStart);
      const end = addDays(court, rng.int(180, 730));
      const breach = rng.chance(0.1) ? addDays(court, rng.int(30, 300)) : null;
      const breachOn = breach && breach <= until && breach <= end ? breach : null;
      const registeredAt = at([addDays(court, rng.int(0, 5)), until].sort()[0]!, 10);
      const input = { personnummer: person.pnr, name: person.name, courtDecisionOn: court, endsOn: end, partnerOrganisationIds: [mun, care] };
      const order = { ...newOrder(input, officer, registeredAt, pseudonymOf), id };
      if (breachOn)
        Object.assign(order, newBreach(order, 'Har upprepat brutit mot behandlingsplanen; underrättelse till åklagare.', officer, at(breachOn, 14)));
      seed.probation.contractCareOrder.push(order);
      const stop = [until, end, breachOn ?? until].sort()[0]!;
      let from = court;
      for (;;) {
        const due = addDays(from, 90);
        if (rng.chance(0.05)) break; // not held (overdue while the order is active)
        const held = addDays(due, rng.chance(0.78) ? -rng.int(0, 20) : rng.int(1, 30));
        if (held > stop) break;
        const evaluation = newEvaluation(order, held, 'Uppföljning med socialtjänsten och vårdgivaren.', officer, at(held, 16));
        seed.probation.contractCareEvaluation.push({ ...evaluation, id: rng.uuid() });
        from = held;
      }
      const deviations = rng.weighted([
        [0, 40],
        [1, 25],
        [2, 20],
        [3, 10],
        [4, 5],
      ] as const);
      for (let d = 0; d < deviations; d++) {
        const occurred = dayIn(court, stop);
        const reported = addDays(
          occurred,
          rng.weighted([
            [0, 40],
            [rng.int(1, 3), 40],
            [rng.int(4, 14), 20],
          ] as const),
        );
        if (reported > until) continue;
        const by = rng.pick([mun, care]);
        const deviationId = rng.uuid(); // drawn before the description, as the proportions were tuned
        const description = rng.pick([
          'Uteblev från två öppenvårdsbesök i rad.',
          'Positivt urinprov.',
          'Lämnade boendet över natten utan att meddela personalen.',
        ]);
        seed.probation.contractCareDeviation.push({
          ...newDeviation(order, occurred, description, staffAt(by, `Handläggare, ${organisation(by)!.name}`), at(reported, 9)),
          id: deviationId,
        });
      }
      orders.push({ id, person, municipality: mun, care, court, end });
    }

    // ---------------------------------------------------------------- joint care plans
    const plansWanted = size(SIZES.plans, region.factor);
    const ccWanted = Math.min(orders.length, size(SIZES.contractCarePlans, region.factor));
    const withdrawalWanted = Math.min(decided.length, Math.round(plansWanted * 0.35));
    type PlanSpec = {
      kind: 'SIP' | 'WITHDRAWAL' | 'CONTRACT_CARE';
      person: Person;
      owner: string;
      orgs: string[];
      created: string;
      referralId?: string;
      orderId?: string;
    };
    const specs: PlanSpec[] = [];
    for (const d of decided.slice(0, withdrawalWanted)) {
      const created = addDays(d.decidedDay, rng.int(0, 5));
      if (created > until) continue;
      specs.push({ kind: 'WITHDRAWAL', person: d.person, owner: d.municipality, orgs: [d.municipality, region.psychiatry], created, referralId: d.referralId });
    }
    for (const o of orders.slice(0, ccWanted)) {
      const created = addDays(o.court, rng.int(5, 30));
      if (created > until) continue;
      specs.push({ kind: 'CONTRACT_CARE', person: o.person, owner: o.municipality, orgs: [o.municipality, region.probation, o.care], created, orderId: o.id });
    }
    while (specs.length < plansWanted) {
      // SIP: half for people psychiatry knows, half for people known elsewhere only
      const person = rng.chance(0.5) ? rng.pick(referralPeople) : fresh();
      const mun = rng.weighted(region.municipalities);
      const others = [region.psychiatry, ...region.clinics.map(([c]) => c)];
      const orgs = [mun, rng.pick(others)];
      if (rng.chance(0.3)) orgs.push(rng.pick(others));
      specs.push({ kind: 'SIP', person, owner: mun, orgs: [...new Set(orgs)], created: dayIn(yearStart, until) });
    }
    // The rows come from the municipality's step builders (plan-rules.ts, consent.ts), as the mutations write them:
    // the owner's caseworker draws the plan up and holds its follow-ups, a contact at each organisation adds its
    // efforts and signs; the ids come from rng.
    for (const s of specs) {
      withRecords.add(s.person.pnr);
      const planId = rng.uuid();
      const consentId = rng.uuid();
      const given = addDays(s.created, -rng.int(0, 10));
      const owner = staffAt(s.owner, `Handläggare, ${organisation(s.owner)!.name}`);
      const participants: ParticipantInput[] = [
        { organisationId: null, role: 'individual', name: s.person.name },
        ...s.orgs.map((o) => ({ organisationId: o, role: PARTICIPANT_ROLE[organisation(o)!.agency], name: contactAt(o).name })),
      ];
      const endDay = rng.chance(0.2) ? addDays(s.created, rng.int(30, 200)) : null;
      const ended = endDay && endDay <= until ? endDay : null;
      const revoked = ended && rng.chance(0.05);
      const consentInput = { personnummer: s.person.pnr, purpose: CONSENT_PURPOSE[s.kind], organisationIds: s.orgs, validUntil: addDays(given, 365) };
      const consentRow = { ...newConsent(consentInput, owner, at(given, 10), pseudonymOf), id: consentId };
      if (revoked) Object.assign(consentRow, revocation(owner, at(ended, 15)));
      seed.municipality.consent.push(consentRow);
      const goals = s.kind === 'CONTRACT_CARE' ? ['Fullfölja behandlingsprogrammet', 'Drogfrihet'] : ['Stabilt boende', 'Minskat alkoholbruk'];
      const planInput = {
        kind: s.kind,
        personnummer: s.person.pnr,
        consentId,
        goals,
        participants,
        followUpOn: addDays(s.created, rng.int(30, 90)),
        withdrawalReferralId: s.referralId ?? null,
        contractCareOrderId: s.orderId ?? null,
      };
      let plan: municipality.PlanRow = { ...newPlan(planInput, owner, at(s.created, 13), pseudonymOf), id: planId };
      let lastChange = s.created;
      const versionRow = (day: string, change: string, by: Caller) =>
        seed.municipality.jointCarePlanVersion.push(newPlanVersion(plan, change, by, at(day, 13, plan.version % 60)));
      const limit = ended ?? until;
      versionRow(s.created, 'drawn up', owner);
      // signatures on a version, after it was made and (for an earlier version) before the next one
      const signRound = (v: number, day: string, nextVersionOn: string | null) => {
        const signDay = addDays(day, rng.int(0, 5));
        if (signDay > limit || (nextVersionOn !== null && signDay > nextVersionOn)) return;
        if (rng.chance(0.86))
          seed.municipality.carePlanSignature.push({ ...newSignature(planId, v, s.person.name, true, owner, at(signDay, 11)), id: rng.uuid() });
        for (const o of s.orgs) {
          if (!rng.chance(organisation(o)!.agency === 'PROBATION' ? 0.8 : 0.92)) continue;
          const contact = contactAt(o);
          seed.municipality.carePlanSignature.push({ ...newSignature(planId, v, contact.name, false, contact, at(signDay, 12)), id: rng.uuid() });
        }
      };
      // efforts, one version each
      const effortCount = rng.int(1, 3);
      for (let e = 0; e < effortCount; e++) {
        const day = addDays(lastChange, rng.int(1, 7));
        if (day > limit) break;
        if (e === 0 && rng.chance(0.5)) signRound(plan.version, s.created, day); // the first version was signed before the plan grew
        plan = nextVersion(plan);
        lastChange = day;
        const by = contactAt(rng.pick(s.orgs));
        const description = rng.pick([
          'Boendestöd två gånger i veckan',
          'Öppenvårdsbehandling',
          'Läkemedelsassisterad behandling',
          'Motiverande samtal',
          'Stöd till sysselsättning',
        ]);
        const effort = { ...newEffort(planId, plan.version, { description, responsible: by.name, startsOn: day, endsOn: null }, by), id: rng.uuid() };
        seed.municipality.carePlanEffort.push(effort);
        versionRow(day, effortChange(effort), by);
      }
      // follow-ups: most in time, some late, some missed; often a new date is set at a follow-up
      for (let round = 0; round < 4 && plan.followUpOn <= limit; round++) {
        const outcome = rng.weighted([
          ['inTime', 72],
          ['late', 13],
          ['none', 15],
        ] as const);
        if (outcome === 'none') break;
        const { followUpOn, followUpSetOn } = plan;
        const held =
          outcome === 'inTime' ? addDays(followUpOn, -rng.int(0, Math.min(10, daysFrom(followUpSetOn, followUpOn)))) : addDays(followUpOn, rng.int(1, 20));
        if (held > limit) break;
        const followUp = newFollowUp(plan, held, 'Planen följdes upp med den enskilde och de deltagande organisationerna.', owner, at(held, 15));
        seed.municipality.carePlanFollowUp.push({ ...followUp, id: rng.uuid() });
        if (!rng.chance(0.6)) break;
        const { set, change } = planChange(null, addDays(held, rng.int(60, 120)), at(held, 15));
        plan = nextVersion(plan, set);
        lastChange = held;
        versionRow(held, change, owner);
      }
      signRound(plan.version, lastChange, null);
      if (ended) plan = { ...plan, ...ending('Målen är uppnådda.', rng.chance(0.65), owner, at(ended, 16)) };
      seed.municipality.jointCarePlan.push(plan);
    }

    // ---------------------------------------------------------------- clinics
    if (region.clinics.length) {
      // The rows come from the clinics' step builders (rules.ts), as the mutations write them; the ids from rng.
      const enrolled = new Set<string>();
      let made = 0;
      const wanted = size(SIZES.enrolments, region.factor);
      while (made < wanted) {
        // a quarter are people the other organisations know too
        const person = rng.chance(0.25) ? rng.pick(referralPeople) : fresh();
        const clinicId = rng.weighted(region.clinics);
        if (enrolled.has(`${clinicId}/${person.pnr}`)) continue;
        enrolled.add(`${clinicId}/${person.pnr}`);
        withRecords.add(person.pnr);
        made++;
        const staff = staffAt(clinicId, `Personal, ${organisation(clinicId)!.name}`);
        const id = rng.uuid();
        const enrolledOn = rng.chance(0.7) ? dayIn(yearStart, until) : dayIn(addDays(yearStart, -3 * 365), yearStart);
        const age = Number(until.slice(0, 4)) - Number(person.born.slice(0, 4));
        const groups = new Set<clinics.TargetGroup>();
        if (age <= 25 && rng.chance(0.8)) groups.add('YOUNG_PERSON');
        if (person.gender === 'WOMEN' && age < 42 && rng.chance(0.08)) groups.add('PREGNANT');
        if (rng.chance(0.2)) groups.add('PARENT_OF_MINOR');
        if (rng.chance(0.18)) groups.add('HOMELESS');
        if (rng.chance(0.25)) groups.add('COMPLEX_NEEDS');
        if (rng.chance(0.2)) groups.add('OPIOID_MAINTENANCE');
        const enrolment = { ...newEnrolment({ id: clinicId }, person.pnr, [...groups], staff, at(enrolledOn, 10), pseudonymOf), id };
        seed.clinics.clinicEnrolment.push(enrolment);
        const effortFrom = enrolledOn > yearStart ? enrolledOn : yearStart;
        const kinds: ReadonlyArray<readonly [clinics.EffortKind, number]> = [
          ['OPIOID_MAINTENANCE_TREATMENT', groups.has('OPIOID_MAINTENANCE') ? 60 : 2],
          ['INFECTION_TESTING', 15],
          ['VACCINATION', 8],
          ['PSYCHIATRIC_ASSESSMENT', groups.has('COMPLEX_NEEDS') ? 20 : 8],
          ['SOCIAL_SUPPORT', groups.has('HOMELESS') ? 30 : 15],
          ['PRIMARY_CARE_VISIT', groups.has('PREGNANT') ? 30 : 12],
        ];
        const n = rng.int(1, groups.has('OPIOID_MAINTENANCE') ? 12 : 6);
        for (let e = 0; e < n; e++) {
          const day = dayIn(effortFrom, until);
          const effortId = rng.uuid(); // drawn before the kind, as the proportions were tuned
          seed.clinics.clinicEffort.push({ ...newClinicEffort(enrolment, rng.weighted(kinds), day, staff, at(day, 15)), id: effortId });
        }
      }
    }
  }

  // Agreements of the councils: one current agreement with joint goals each, and an old one past its review date for the local councils.
  const councils = [
    { id: 'council:local-0180', org: 'municipality:0180', local: true },
    { id: 'council:regional-01', org: 'municipality:0180', local: false },
    { id: 'council:local-1980', org: 'municipality:1980', local: true },
    { id: 'council:regional-19', org: 'municipality:1980', local: false },
  ];
  for (const c of councils) {
    const member = demoStaff(c.org, 'COUNCIL_MEMBER', `Ledamot, ${organisation(c.org)!.name}`);
    const add = (title: string, validFrom: string, reviewBy: string) => {
      const input = { title, jointGoals: ['Ingen ska falla mellan huvudmännens ansvarsområden', 'Bedömningsmöte inom 14 dagar'], validFrom, reviewBy };
      seed.municipality.cooperationAgreement.push({ ...newAgreement(c.id, input, member, at(validFrom, 10)), id: rng.uuid() });
    };
    add(`Samverkansöverenskommelse missbruk och beroende ${yearStart.slice(0, 4)}`, yearStart, addDays(until, 180));
    if (c.local) add('Samverkansöverenskommelse (föregående)', addDays(yearStart, -730), addDays(yearStart, 30));
  }

  seed.people.withRecords = withRecords.size;
  return seed;
}

/**
 * The assessment meeting a booking writes (as bookAssessmentMeeting does): an hour, a room of its own
 * (no two meetings share one), the individual, the caseworker and the coordinator, the referring
 * municipality invited; held once its time has passed (the invitation accepted), else booked and pending.
 */
function largeMeeting(
  row: psychiatry.ReferralRow,
  startAt: Date,
  bookedAt: Date,
  now: Date,
  coordinator: Actor,
  caseworker: Actor,
  id: string,
  room: number,
): typeof psychiatry.withdrawalMeeting.$inferInsert {
  const held = startAt.getTime() <= now.getTime();
  return {
    id,
    referralId: row.id,
    cycle: row.cycle,
    kind: 'ASSESSMENT',
    startAt,
    firstOfferedAt: startAt,
    durationMinutes: 60,
    place: `Beroendemottagningen, samtalsrum ${room}`,
    videoLink: null,
    participants: [
      { role: 'INDIVIDUAL', relation: null, name: null, organisationId: null },
      { role: 'CASEWORKER', relation: null, name: null, organisationId: row.referringOrganisationId },
      { role: 'COORDINATOR', relation: null, name: null, organisationId: row.receivingOrganisationId },
    ],
    invitations: [
      {
        organisationId: row.referringOrganisationId,
        answer: held ? 'ACCEPTED' : 'PENDING',
        proposedAt: null,
        comment: null,
        answeredAt: held ? new Date(bookedAt.getTime() + 86_400_000).toISOString() : null,
        answeredByName: held ? caseworker.name : null,
      },
    ],
    status: held ? 'HELD' : 'BOOKED',
    outcomeReason: null,
    outcomeAt: held ? startAt : null,
    outcomeByName: held ? coordinator.name : null,
    bookedAt,
    bookedByName: coordinator.name,
    updatedAt: held ? startAt : bookedAt,
  };
}

function daysFrom(a: string, b: string): number {
  return Math.round((Date.parse(b) - Date.parse(a)) / 86_400_000);
}

// ------------------------------------------------------------------ writing

/** A column's value as COPY's text format writes it (after drizzle's own mapping to the driver's value). */
function copyText(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  if (typeof value === 'boolean') return value ? 't' : 'f';
  const text =
    typeof value === 'string'
      ? value
      : value instanceof Date
        ? value.toISOString()
        : typeof value === 'number' || typeof value === 'bigint'
          ? String(value)
          : JSON.stringify(value);
  return text.replace(/[\\\n\r\t]/g, (c) => ({ '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' })[c]!);
}

/**
 * COPY's lines for a table's rows: the columns that any row sets; a row without one of them gets the
 * column's constant default, or null, as a multi-row insert would give it. Null when a row leaves out a
 * column whose default is an SQL expression (COPY cannot ask for it): that table is inserted instead.
 */
function copyRows(table: PgTable, rows: Array<Record<string, unknown>>): { columns: string[]; lines: string[] } | null {
  const all = Object.entries(getTableColumns(table));
  const used = all.filter(([key]) => rows.some((r) => r[key] !== undefined));
  const lines: string[] = [];
  for (const row of rows) {
    const fields: string[] = [];
    for (const [key, column] of used) {
      let value = row[key];
      if (value === undefined) {
        if (column.default !== undefined && is(column.default, SQL)) return null;
        value = column.default ?? null;
      }
      fields.push(copyText(value === null ? null : column.mapToDriverValue(value)));
    }
    lines.push(`${fields.join('\t')}\n`);
  }
  return { columns: used.map(([, c]) => c.name), lines };
}

/** A table's rows by COPY (a multi-row insert where COPY cannot give a row what the insert would). */
async function writeTable(tx: postgres.TransactionSql, table: PgTable, rows: Array<Record<string, unknown>>): Promise<void> {
  if (rows.length === 0) return;
  const copy = copyRows(table, rows);
  if (!copy) {
    const db = drizzle({ client: tx as unknown as postgres.Sql });
    const chunk = Math.max(1, Math.floor(30_000 / Object.keys(getTableColumns(table)).length));
    for (let i = 0; i < rows.length; i += chunk) await db.insert(table).values(rows.slice(i, i + chunk));
    return;
  }
  const stream = await tx`copy ${tx(getTableName(table))} (${tx(copy.columns)}) from stdin`.writable();
  // about 1 MB per write: few round trips, little memory
  const batches = (function* () {
    for (let i = 0; i < copy.lines.length; i += 2_000) yield copy.lines.slice(i, i + 2_000).join('');
  })();
  await pipeline(Readable.from(batches), stream);
}

/** Runs `fill` once per database in one transaction, remembered in seed_run (as seedOnce does, over COPY's connection). */
async function seedOnceByCopy(databaseUrl: string, name: string, fill: (tx: postgres.TransactionSql) => Promise<void>): Promise<boolean> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    return await sql.begin(async (tx) => {
      const inserted = await tx`insert into seed_run (name) values (${name}) on conflict do nothing returning name`;
      if (inserted.length === 0) return false;
      await fill(tx);
      return true;
    });
  } finally {
    await sql.end();
  }
}

/** The functions that fill a subgraph's indicator counts kept on write afresh (their migrations). */
const REFILL: Partial<Record<SubgraphName, string>> = { psychiatry: 'withdrawal_indicator_refill', municipality: 'care_plan_indicator_refill' };

export type SeedCounts = Record<string, number>;

/** Row counts per table (`subgraph.table`) of a built seed. */
export function countsOf(seed: LargeSeed): SeedCounts {
  const out: SeedCounts = {};
  for (const s of SUBGRAPHS) for (const [table, rows] of Object.entries(seed[s])) out[`${s}.${table}`] = (rows as unknown[]).length;
  return out;
}

/**
 * Writes the seed into the four databases, each in one transaction, once
 * (seed_run 'large'). Returns which databases were filled now.
 */
export async function seedLarge(
  databaseUrls: Record<SubgraphName, string>,
  options: LargeSeedOptions,
): Promise<{ seeded: Record<SubgraphName, boolean>; counts: SeedCounts; people: LargeSeed['people'] }> {
  const seed = buildLargeSeed(options);
  const schemas: Record<SubgraphName, Record<string, unknown>> = { psychiatry, municipality, probation, clinics };
  // Each subgraph's tables in the order buildLargeSeed made them, which is the order their foreign keys need
  // (a referral before its timeline, a consent before its plan, a plan before its versions).
  const fill = (s: SubgraphName) => async (tx: postgres.TransactionSql) => {
    // the indicator counts kept on write (withdrawal_indicator_month, care_plan_indicator_month) once at the
    // end rather than by their triggers, record by record (a plan for every signature and follow-up copied)
    const refill = REFILL[s];
    if (refill) await tx`select set_config('hub.indicators_deferred', 'on', true)`;
    for (const [name, rows] of Object.entries(seed[s])) await writeTable(tx, schemas[s][name] as PgTable, rows as Array<Record<string, unknown>>);
    if (refill) await tx.unsafe(`select set_config('hub.indicators_deferred', 'off', true), ${refill}()`);
  };
  // the four databases are independent: fill them side by side, each in its own transaction
  const done = await Promise.all(SUBGRAPHS.map((s) => seedOnceByCopy(databaseUrls[s], SEED_NAME, fill(s))));
  const seeded = Object.fromEntries(SUBGRAPHS.map((s, i) => [s, done[i]!])) as Record<SubgraphName, boolean>;
  // Fresh statistics after a bulk load, so the planner does not wait for autovacuum to learn the sizes.
  await Promise.all(
    SUBGRAPHS.filter((s) => seeded[s]).map(async (s) => {
      const sql = postgres(databaseUrls[s], { max: 1, onnotice: () => {} });
      try {
        await sql`analyze`;
      } finally {
        await sql.end();
      }
    }),
  );
  return { seeded, counts: countsOf(seed), people: seed.people };
}

// ------------------------------------------------------------------ command line

async function main() {
  const { values } = parseArgs({ options: { scale: { type: 'string', default: '1' }, until: { type: 'string' } } });
  const scale = Number(values.scale);
  if (!(scale > 0 && scale <= 10)) {
    console.error('--scale must be a number above 0 (1 = a large county, 0.01 a hundredth)');
    process.exit(2);
  }
  if (values.until !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(values.until)) {
    console.error('--until must be a date, YYYY-MM-DD');
    process.exit(2);
  }
  let embedded: EmbeddedServer | undefined;
  const urls = {} as Record<SubgraphName, string>;
  let secret = process.env.HUB_PERSON_ID_SECRET;
  const fromEnv = SUBGRAPHS.every((s) => process.env[`${s.toUpperCase()}_DATABASE_URL`]);
  if (fromEnv) {
    for (const s of SUBGRAPHS) urls[s] = process.env[`${s.toUpperCase()}_DATABASE_URL`]!;
    if (!secret) {
      console.error('HUB_PERSON_ID_SECRET is required with <SUBGRAPH>_DATABASE_URL: the pseudonyms must be those the subgraphs derive.');
      process.exit(2);
    }
  } else {
    const state = readLocalState();
    if (!state) {
      console.error('No databases to fill: set <SUBGRAPH>_DATABASE_URL for all four, or run `npm start` once to create the development installation.');
      process.exit(2);
    }
    secret ??= state.personIdSecret;
    const server = (await developmentPostgres(state))!; // never null: the state is there
    embedded = server.embedded;
    for (const s of SUBGRAPHS) urls[s] = withDatabase(server.url, `hub_${s}`);
  }
  try {
    const started = performance.now();
    await Promise.all(
      SUBGRAPHS.map(async (s) => {
        await migrateDatabase(urls[s], PREPARATION[s].migrationsFolder);
        await (
          await PREPARATION[s].seedReference()
        )(urls[s]);
      }),
    );
    const { seeded, counts, people } = await seedLarge(urls, { personIdSecret: secret, scale, ...(values.until ? { until: values.until } : {}) });
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    if (SUBGRAPHS.every((s) => !seeded[s])) {
      console.log(`The large seed is already in every database (seed_run '${SEED_NAME}'): nothing done.`);
      return;
    }
    console.log(
      `Large seed (scale ${scale}) written in ${seconds} s: ${people.pool} people in the pool (${((100 * people.men) / people.pool).toFixed(0)} % men), ${people.withRecords} with records.`,
    );
    for (const [table, n] of Object.entries(counts)) {
      const s = table.split('.')[0] as SubgraphName;
      console.log(`  ${table.padEnd(40)} ${String(n).padStart(7)}${seeded[s] ? '' : '  (already seeded: skipped)'}`);
    }
  } finally {
    await embedded?.stop();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
