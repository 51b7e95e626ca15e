/**
 * Demo data for a development installation, seeded on first start only
 * (each subgraph remembers it in seed_run). Personal demo records arrive with
 * the capabilities that hold them; the reference data (wards, clinics,
 * councils) is seeded with the migrations.
 *
 * Withdrawal referrals (psychiatry): one or more in every status, dated
 * relative to the day of seeding so that some are overdue, for Västmanland
 * (sent by Västerås and Sala to psychiatry:19, ward 91) and a few for
 * Stockholm. Names are made up; the personnummer are valid but invented.
 * Places as a calendar: an outpatient offer (no ward), a place moved to a
 * new start date, an admission the ward refused, a place Västmanland ordered
 * on Stockholm's ward, and admissions with their expected discharge; no
 * ward is over-full on any day.
 */
import { randomUUID } from 'node:crypto';
import type { SubgraphName } from '../services/shared/src/env.ts';
import { seedOnce } from '../services/shared/src/seed.ts';
import { appendAudit } from '../services/shared/src/audit.ts';
import { organisation } from '../services/shared/src/directory.ts';
import type { Caller } from '../services/shared/src/caller.ts';
import { checkDigit } from '../services/shared/src/personnummer.ts';
import { pseudonymFor } from '../services/shared/src/person-id.ts';
import { stockholmDate, addDays } from '../services/shared/src/time.ts';
import * as psychiatrySchema from '../services/psychiatry/src/db/schema.ts';
import { storeMessage } from '../services/shared/src/messages.ts';
import type { ReferralRow } from '../services/psychiatry/src/db/schema.ts';
import { placeDueOf, replay, submittedReferral, type Actor } from '../services/psychiatry/src/domain/transitions.ts';
import {
  validateAmendment,
  validateDecision,
  validateMeetingTime,
  validatePlaceMove,
  validatePlaceOffer,
  validateReferral,
  validateRefusalReason,
  validateWithdrawalReason,
} from '../services/psychiatry/src/domain/validation.ts';
import { REFERENCE_WARDS } from '../services/psychiatry/src/seed.ts';
import postgres from 'postgres';
import { seedDemo as seedProbationDemo } from '../services/probation/src/demo.ts';
import { seedDemo as seedClinicsDemo } from '../services/clinics/src/demo.ts';
import { seedDemo as seedMunicipalityDemo, type DemoLink, type DemoLinks } from '../services/municipality/src/demo.ts';

type EventInsert = typeof psychiatrySchema.withdrawalReferralEvent.$inferInsert;
type AmendmentInsert = typeof psychiatrySchema.withdrawalReferralAmendment.$inferInsert;
type MeetingInsert = typeof psychiatrySchema.withdrawalMeeting.$inferInsert;

const SENDERS = {
  'municipality:1980': {
    caseworker: { name: 'Anna Svensson', phone: '021-39 00 00', email: 'anna.svensson@vasteras.example' },
    receiver: 'psychiatry:19',
    ward: REFERENCE_WARDS[0],
  },
  'municipality:1981': {
    caseworker: { name: 'Sara Lind', phone: '0224-74 70 00', email: 'sara.lind@sala.example' },
    receiver: 'psychiatry:19',
    ward: REFERENCE_WARDS[0],
  },
  'municipality:0180': {
    caseworker: { name: 'Karin Ek', phone: '08-508 00 000', email: 'karin.ek@stockholm.example' },
    receiver: 'psychiatry:01',
    ward: REFERENCE_WARDS[1],
  },
} as const;
type Sender = keyof typeof SENDERS;

/** The coordinator, a physician who prepares decisions, and the chief physician (överläkare) who records them. */
const STAFF: Record<string, { coordinator: string; physician: string; chief: string }> = {
  'psychiatry:19': { coordinator: 'Maria Berg', physician: 'Lina Falk', chief: 'Erik Holm' },
  'psychiatry:01': { coordinator: 'Jonas Ny', physician: 'Omar Said', chief: 'Lisa Ström' },
};

/** What the demo shows for one referral: the steps taken, in days before the day of seeding. */
interface Story {
  name: string;
  born: string; // YYMMDD
  serial: string; // three digits, the last odd for men, even for women
  from: Sender;
  receivedDaysAgo: number;
  /** the assessment meeting (negative: in the future) */
  meetingDaysAgo?: number;
  decision?: { daysAgo: number; needed: boolean; rationale?: string; setting?: 'OUTPATIENT' };
  /** `provider`: the place is ordered on the other region's ward (Stockholm's for Västmanland) */
  offer?: { daysAgo: number; startDaysAgo: number; reason?: string; provider?: 'other' };
  /** the offered place moved to a new start date */
  moved?: { daysAgo: number; startDaysAgo: number; reason: string };
  /** the ward refused the admission */
  refused?: { daysAgo: number; reason: string };
  admittedDaysAgo?: number;
  /** the expected stay recorded on admission, in days (default 7) */
  stayDays?: number;
  completedDaysAgo?: number;
  withdrawn?: { daysAgo: number; reason: string };
  /** a lapsed first cycle and a new-assessment request this many days ago */
  renewedDaysAgo?: number;
  /** the coordinator took the request (assigned it to themselves) this many days ago */
  assignedDaysAgo?: number;
  /** a physician prepared the decision this many days ago (for the chief physician) */
  preparedDaysAgo?: number;
  /** the caseworker corrected the phone number and added a new AUDIT result this many days ago */
  amendedDaysAgo?: number;
  /** another organisation invited to the assessment meeting (a staff member of it taking part), and its answer */
  invited?: { organisationId: string; staff: string; answer: 'ACCEPTED' | 'DECLINED'; comment: string; daysAgo: number };
  /** the coordinator changed the expected discharge this many days ago, to the admission date + stayDays */
  dischargeChanged?: { daysAgo: number; stayDays: number; reason: string };
}

type Steps = Omit<Story, 'name' | 'born' | 'serial' | 'from' | 'receivedDaysAgo'>;

/** A story: who, sent by whom, received how many days ago, and the steps taken since. */
const story = (name: string, born: string, serial: string, from: Sender, receivedDaysAgo: number, steps: Steps = {}): Story => ({
  name,
  born,
  serial,
  from,
  receivedDaysAgo,
  ...steps,
});

const STORIES: Story[] = [
  story('Per Demosson', '780312', '231', 'municipality:1980', 2),
  story('Karl Exempel', '650904', '457', 'municipality:1980', 19, { assignedDaysAgo: 10 }), // overdue, assigned
  story('Sofia Provsdotter', '910127', '246', 'municipality:1981', 16), // overdue
  story('Johan Testare', '830615', '613', 'municipality:1981', 6, { meetingDaysAgo: -3, assignedDaysAgo: 5, amendedDaysAgo: 2 }), // corrected
  story('Lena Fiktiv', '700222', '128', 'municipality:1980', 20, {
    meetingDaysAgo: -2,
    assignedDaysAgo: 8,
    invited: {
      organisationId: 'probation:vasteras',
      staff: 'Frivårdsinspektör Olle Ek',
      answer: 'ACCEPTED',
      comment: 'Frivården deltar på plats.',
      daysAgo: 1,
    },
  }), // booked late; Frivården Västerås invited and accepted
  story('Oskar Påhittad', '880430', '375', 'municipality:1980', 12, { meetingDaysAgo: 1, preparedDaysAgo: 0 }), // decision prepared
  story('Maja Låtsas', '950808', '064', 'municipality:1981', 25, {
    meetingDaysAgo: 15,
    decision: { daysAgo: 14, needed: false, rationale: 'Abstinensen bedöms kunna hanteras i öppenvård via vårdcentralen.' },
  }),
  story('Nils Demoberg', '720119', '591', 'municipality:1980', 14, { meetingDaysAgo: 5, preparedDaysAgo: 5, decision: { daysAgo: 4, needed: true } }),
  story('Greta Exempelsson', '600505', '382', 'municipality:1980', 30, { meetingDaysAgo: 20, decision: { daysAgo: 17, needed: true } }), // place overdue
  story('Ali Provare', '890910', '733', 'municipality:1981', 24, {
    meetingDaysAgo: 14,
    decision: { daysAgo: 14, needed: true },
    offer: { daysAgo: 6, startDaysAgo: 0 },
  }),
  story('Eva Testsson', '770303', '208', 'municipality:1980', 35, {
    meetingDaysAgo: 26,
    decision: { daysAgo: 26, needed: true },
    offer: { daysAgo: 20, startDaysAgo: 12 },
    admittedDaysAgo: 10,
  }),
  story('Hans Fiktivsson', '681111', '419', 'municipality:1981', 28, {
    meetingDaysAgo: 20,
    decision: { daysAgo: 19, needed: true },
    offer: { daysAgo: 15, startDaysAgo: 5 },
    admittedDaysAgo: 2,
    stayDays: 9,
    dischargeChanged: { daysAgo: 1, stayDays: 6, reason: 'Snabbare förlopp än väntat; utskrivning tidigare.' },
  }), // expected discharge changed
  story('Ingrid Demodotter', '590620', '146', 'municipality:1980', 60, {
    meetingDaysAgo: 50,
    decision: { daysAgo: 49, needed: true },
    offer: { daysAgo: 45, startDaysAgo: 40 },
    admittedDaysAgo: 40,
    completedDaysAgo: 33,
  }),
  story('Mats Påhitt', '800101', '655', 'municipality:1980', 70, {
    meetingDaysAgo: 62,
    decision: { daysAgo: 61, needed: true },
    offer: { daysAgo: 58, startDaysAgo: 35, reason: 'Den enskilde önskade börja efter semestern.' },
  }), // lapsed
  story('Anders Låtsasson', '930715', '897', 'municipality:1981', 80, {
    meetingDaysAgo: 72,
    decision: { daysAgo: 72, needed: true },
    offer: { daysAgo: 70, startDaysAgo: 60 },
    renewedDaysAgo: 4,
  }),
  story('Rut Öppensson', '870412', '426', 'municipality:1980', 13, {
    meetingDaysAgo: 6,
    decision: { daysAgo: 6, needed: true, setting: 'OUTPATIENT' },
    offer: { daysAgo: 4, startDaysAgo: -3 },
  }), // outpatient: no ward, no bed
  story('Lars Flyttsson', '760929', '517', 'municipality:1981', 15, {
    meetingDaysAgo: 8,
    decision: { daysAgo: 8, needed: true },
    offer: { daysAgo: 7, startDaysAgo: -1 },
    moved: { daysAgo: 2, startDaysAgo: -5, reason: 'Den enskilde har fått förhinder; ny start efter helgen.' },
  }),
  story('Tina Nekadsdotter', '920303', '248', 'municipality:1980', 22, {
    meetingDaysAgo: 14,
    decision: { daysAgo: 14, needed: true },
    offer: { daysAgo: 10, startDaysAgo: 1 },
    refused: { daysAgo: 1, reason: 'Påverkad vid ankomst; ny tid planeras med socialtjänsten.' },
  }),
  story('Kim Omprövad', '860214', '373', 'municipality:1980', 30, {
    meetingDaysAgo: 22,
    decision: { daysAgo: 21, needed: true },
    offer: { daysAgo: 18, startDaysAgo: 10 },
    refused: { daysAgo: 10, reason: 'Akut somatisk vård behövdes först; ny bedömning efter utskrivning.' },
    renewedDaysAgo: 5,
  }), // a refused admission, then a new assessment
  story('Olof Beställdsson', '840716', '639', 'municipality:1980', 11, {
    meetingDaysAgo: 5,
    decision: { daysAgo: 5, needed: true },
    offer: { daysAgo: 3, startDaysAgo: -4, provider: 'other' },
  }), // ordered from Stockholm's ward
  story('Britt Exempeldotter', '610909', '502', 'municipality:1980', 9, { withdrawn: { daysAgo: 3, reason: 'Den enskilde har flyttat till annan kommun.' } }),
  // Stockholm
  story('Tove Demoström', '970228', '024', 'municipality:0180', 3),
  story('Viktor Provström', '850517', '871', 'municipality:0180', 18), // overdue
  story('Sara Testström', '790824', '362', 'municipality:0180', 21, {
    meetingDaysAgo: 12,
    decision: { daysAgo: 11, needed: true },
    offer: { daysAgo: 8, startDaysAgo: 1 },
    admittedDaysAgo: 1,
  }),
];

function personnummerOf(s: Story): string {
  const nine = `${s.born}${s.serial}`;
  return `19${nine}${checkDigit(nine)}`;
}

/**
 * One story replayed through the pathway's own builders (domain/transitions.ts)
 * and input checks (domain/validation.ts), each step at its own time, so the
 * rows, notes and deadlines are exactly what the mutations would have stored.
 */
function buildStory(
  s: Story,
  now: Date,
  personIdSecret: string,
): { row: ReferralRow; events: EventInsert[]; amendments: AmendmentInsert[]; meetings: MeetingInsert[] } {
  const dayOf = (daysAgo: number) => addDays(stockholmDate(now), -daysAgo);
  // `hour` o'clock (CET) on the Stockholm day `daysAgo` before today's: the same day as dayOf gives,
  // whatever the hour of `now` (between 23:00 and 24:00 UTC, Stockholm's day is already the next)
  const at = (daysAgo: number, hour = 10) => {
    const d = new Date(`${dayOf(daysAgo)}T00:00:00Z`);
    d.setUTCHours(hour - 1, 0, 0, 0);
    return d;
  };
  const sender = SENDERS[s.from];
  const staff = STAFF[sender.receiver]!;
  const demoUser = (name: string, organisationId: string): Actor => ({ userId: `demo:${name.toLowerCase().replace(/\s/g, '.')}`, name, organisationId });
  const caseworker = demoUser(sender.caseworker.name, s.from);
  const coordinator = demoUser(staff.coordinator, sender.receiver);
  const physician = demoUser(staff.physician, sender.receiver);
  const chief = demoUser(staff.chief, sender.receiver);
  const amendments: AmendmentInsert[] = [];
  const meetings: MeetingInsert[] = [];
  const { ward } = sender;
  const otherWard = ward.id === REFERENCE_WARDS[0].id ? REFERENCE_WARDS[1] : REFERENCE_WARDS[0];

  const receivedAt = at(s.receivedDaysAgo, 9);
  const valid = validateReferral(
    {
      personnummer: personnummerOf(s),
      name: s.name,
      substances: s.serial.endsWith('1') || s.serial.endsWith('7') ? ['ALCOHOL'] : ['ALCOHOL', 'BENZODIAZEPINES'],
      currentProblems: 'Dagligt intag sedan flera månader, morgonabstinens med skakningar och svettningar.',
      postTreatmentPlan: 'Fortsatt öppenvårdsbehandling hos kommunens beroendeenhet och stöd i boendet.',
      otherIllnesses: s.serial.startsWith('4') ? null : ['Högt blodtryck'],
      medications: s.serial.startsWith('4') ? null : [],
      assessments: [{ instrument: 'AUDIT', performedOn: dayOf(s.receivedDaysAgo + 7), score: 22 + (Number(s.serial) % 15), summary: 'Tecken på beroende.' }],
      caseworker: sender.caseworker,
      individualConsents: true,
    },
    receivedAt,
  );
  const ids = { id: randomUUID(), personId: pseudonymFor(personIdSecret, valid.personnummer), receivingOrganisationId: sender.receiver };
  const r = replay(submittedReferral(valid, caseworker, ids, receivedAt), () => randomUUID());

  if (s.meetingDaysAgo !== undefined) {
    const meetingAt = at(s.meetingDaysAgo, 13);
    const bookedAt = at(Math.max(s.meetingDaysAgo + 3, Math.min(s.receivedDaysAgo - 1, s.meetingDaysAgo + 7)), 11);
    validateMeetingTime(meetingAt, bookedAt);
    r.take({ step: 'bookMeeting', at: meetingAt }, coordinator, bookedAt);
    const invited = s.invited ? { ...s.invited, at: at(s.invited.daysAgo, 10) } : null;
    meetings.push(
      demoMeeting(r.row, meetingAt, bookedAt, now, s.amendedDaysAgo !== undefined ? at(s.amendedDaysAgo, 15) : null, coordinator, caseworker, invited),
    );
  }
  if (s.assignedDaysAgo !== undefined)
    r.take({ step: 'assign', to: { userId: coordinator.userId, name: coordinator.name } }, coordinator, at(s.assignedDaysAgo, 8));
  if (s.amendedDaysAgo !== undefined) {
    const amendedAt = at(s.amendedDaysAgo, 14);
    const reason = 'Nytt telefonnummer och ny AUDIT-screening.';
    const a = validateAmendment(
      {
        caseworker: { phone: sender.caseworker.phone.replace(/00$/, '11') },
        addAssessments: [{ instrument: 'AUDIT', performedOn: dayOf(s.amendedDaysAgo + 1), score: 19, summary: 'Ny screening efter återfall.' }],
        reason,
      },
      amendedAt,
    );
    const before = r.row;
    const set = { caseworkerPhone: a.caseworkerPhone!, assessments: [...before.assessments, ...a.addAssessments] };
    r.take({ step: 'amend', set, fields: ['caseworker.phone', 'assessments'], reason }, caseworker, amendedAt);
    amendments.push({
      id: randomUUID(),
      referralId: before.id,
      at: amendedAt,
      byUserId: caseworker.userId,
      byName: caseworker.name,
      byOrganisationId: caseworker.organisationId,
      reason,
      changes: [
        { field: 'caseworker.phone', before: before.caseworkerPhone, after: set.caseworkerPhone },
        { field: 'assessments', before: before.assessments, after: set.assessments },
      ],
    });
  }
  if (s.preparedDaysAgo !== undefined) {
    const needed = s.decision?.needed ?? true;
    const prepared = validateDecision({ needed, setting: needed ? 'INPATIENT' : null, rationale: s.decision?.rationale });
    r.take({ step: 'prepareDecision', ...prepared }, physician, at(s.preparedDaysAgo, 14));
  }
  if (s.decision) {
    const { needed, rationale } = s.decision;
    const setting = needed ? (s.decision.setting ?? 'INPATIENT') : null;
    r.take({ step: 'decide', ...validateDecision({ needed, setting, rationale }) }, chief, at(s.decision.daysAgo, 15));
  }
  if (s.offer) {
    const offeredAt = at(s.offer.daysAgo, 11);
    const startDate = dayOf(s.offer.startDaysAgo);
    const { reason } = validatePlaceOffer({ startDate, reason: s.offer.reason }, placeDueOf(r.row), offeredAt);
    const place = r.row.decisionSetting === 'OUTPATIENT' ? null : s.offer.provider === 'other' ? otherWard : ward;
    r.take({ step: 'offerPlace', ward: place, startDate, reason }, coordinator, offeredAt);
  }
  if (s.moved) {
    const movedAt = at(s.moved.daysAgo, 11);
    const startDate = dayOf(s.moved.startDaysAgo);
    const { reason } = validatePlaceMove({ startDate, reason: s.moved.reason }, placeDueOf(r.row), movedAt);
    r.take({ step: 'movePlace', ward: r.row.placeWardId ? ward : null, startDate, reason }, coordinator, movedAt);
  }
  if (s.refused) r.take({ step: 'refuseAdmission', reason: validateRefusalReason(s.refused.reason) }, coordinator, at(s.refused.daysAgo, 9));
  if (s.admittedDaysAgo !== undefined) {
    const expectedDischargeOn = s.stayDays === undefined ? undefined : dayOf(s.admittedDaysAgo - s.stayDays);
    r.take(
      { step: 'admit', ward: r.row.placeWardId ? ward : null, ...(expectedDischargeOn ? { expectedDischargeOn } : {}) },
      coordinator,
      at(s.admittedDaysAgo, 8),
    );
  }
  if (s.dischargeChanged && s.admittedDaysAgo !== undefined) {
    const { daysAgo, stayDays, reason } = s.dischargeChanged;
    r.take({ step: 'changeDischarge', expectedDischargeOn: dayOf(s.admittedDaysAgo - stayDays), reason }, coordinator, at(daysAgo, 10));
  }
  if (s.completedDaysAgo !== undefined) r.take({ step: 'discharge' }, coordinator, at(s.completedDaysAgo, 12));
  if (s.withdrawn) r.take({ step: 'withdraw', reason: validateWithdrawalReason(s.withdrawn.reason) }, caseworker, at(s.withdrawn.daysAgo));
  if (s.renewedDaysAgo !== undefined) r.take({ step: 'requestNewAssessment' }, caseworker, at(s.renewedDaysAgo));
  return { row: r.row, events: r.events, amendments, meetings };
}

/**
 * The assessment meeting of a story, as bookAssessmentMeeting writes it: at the ward, an hour,
 * the individual, the caseworker and the coordinator, the municipality invited. A meeting whose
 * time has passed was held; one still to come is booked, and answered (accepted) where the
 * caseworker has been in touch since (`answeredAt`). The timeline shows the booking only.
 */
function demoMeeting(
  row: ReferralRow,
  startAt: Date,
  bookedAt: Date,
  now: Date,
  answeredAt: Date | null,
  coordinator: Actor,
  caseworker: Actor,
  invited: (NonNullable<Story['invited']> & { at: Date }) | null = null,
): MeetingInsert {
  const held = startAt.getTime() <= now.getTime();
  const answered = !held && answeredAt !== null;
  const partner = invited
    ? {
        participant: { role: 'PARTNER_STAFF' as const, relation: null, name: invited.staff, organisationId: invited.organisationId },
        invitation: {
          organisationId: invited.organisationId,
          answer: invited.answer,
          proposedAt: null,
          comment: invited.answer === 'ACCEPTED' ? invited.comment : null,
          reason: invited.answer === 'DECLINED' ? invited.comment : null,
          answeredAt: invited.at.toISOString(),
          answeredByName: invited.staff,
        },
      }
    : null;
  return {
    id: randomUUID(),
    referralId: row.id,
    cycle: row.cycle,
    kind: 'ASSESSMENT',
    startAt,
    firstOfferedAt: startAt,
    durationMinutes: 60,
    // a room of its own: a room holds one meeting at a time
    place: `Beroendemottagningen, samtalsrum ${row.personnummer.slice(-4)}`,
    videoLink: null,
    participants: [
      { role: 'INDIVIDUAL', relation: null, name: null, organisationId: null },
      { role: 'CASEWORKER', relation: null, name: null, organisationId: row.referringOrganisationId },
      { role: 'COORDINATOR', relation: null, name: null, organisationId: row.receivingOrganisationId },
      ...(partner ? [partner.participant] : []),
    ],
    invitations: [
      {
        organisationId: row.referringOrganisationId,
        answer: answered ? 'ACCEPTED' : 'PENDING',
        proposedAt: null,
        comment: null,
        answeredAt: answered ? answeredAt.toISOString() : null,
        answeredByName: answered ? caseworker.name : null,
      },
      ...(partner ? [partner.invitation] : []),
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

/** The demo referrals, built for "now" (exported for the demo-data test). */
export function demoReferrals(now: Date, personIdSecret: string) {
  return STORIES.map((s) => buildStory(s, now, personIdSecret));
}

/**
 * Seeds every subgraph's demo data once: psychiatry's referrals, probation's
 * orders, the clinics' enrolments, then social services' consents, plans and
 * agreements, which link to records of the others (found in their databases:
 * an installation script may read them; a subgraph never does).
 */
export async function seedDemo(databaseUrls: Record<SubgraphName, string>, personIdSecret: string, now: Date = new Date()): Promise<boolean> {
  const seeded = await seedReferrals(databaseUrls, personIdSecret, now);
  await seedProbationDemo(databaseUrls.probation, personIdSecret, now);
  await seedClinicsDemo(databaseUrls.clinics, personIdSecret, now);
  const links = await demoLinks(databaseUrls);
  const plans = await seedMunicipalityDemo(databaseUrls.municipality, personIdSecret, links, now);
  return seeded || plans;
}

async function demoLinks(databaseUrls: Record<SubgraphName, string>): Promise<DemoLinks> {
  const one = async <T>(url: string, query: (sql: postgres.Sql) => Promise<T[]>): Promise<T | null> => {
    const sql = postgres(url, { max: 1, onnotice: () => {} });
    try {
      return (await query(sql))[0] ?? null;
    } finally {
      await sql.end();
    }
  };
  return {
    referral: await one(
      databaseUrls.psychiatry,
      (sql) => sql<DemoLink[]>`select id, personnummer from withdrawal_referral
      where referring_organisation_id = 'municipality:1980' and stage in ('ADMITTED', 'CARE_PLANNING')
      order by case stage when 'ADMITTED' then 0 else 1 end, received_at limit 1`,
    ),
    order: await one(
      databaseUrls.probation,
      (sql) => sql<DemoLink[]>`select id, personnummer from contract_care_order
      where probation_office_id = 'probation:stockholm' and partner_organisation_ids @> array['municipality:0180', 'clinic:0180-sodermalm']::text[] limit 1`,
    ),
    clinicPerson:
      (
        await one(
          databaseUrls.clinics,
          (sql) => sql<Array<{ personnummer: string }>>`select personnummer from clinic_enrolment
      where clinic_id = 'clinic:0180-sodermalm' order by enrolled_on limit 1`,
        )
      )?.personnummer ?? null,
  };
}

async function seedReferrals(databaseUrls: Record<SubgraphName, string>, personIdSecret: string, now: Date): Promise<boolean> {
  return seedOnce(databaseUrls.psychiatry, psychiatrySchema, 'demo', async (tx) => {
    const built = demoReferrals(now, personIdSecret);
    await tx.insert(psychiatrySchema.withdrawalReferral).values(built.map((b) => b.row));
    await tx.insert(psychiatrySchema.withdrawalReferralEvent).values(built.flatMap((b) => b.events));
    await tx.insert(psychiatrySchema.withdrawalReferralAmendment).values(built.flatMap((b) => b.amendments));
    await tx.insert(psychiatrySchema.withdrawalMeeting).values(built.flatMap((b) => b.meetings));
    // the coordinator's message on an offered Västerås place, unread by social services (its withdrawalWork shows it)
    const offered = built.find((b) => b.row.referringOrganisationId === 'municipality:1980' && b.row.stage === 'PLACE_OFFERED');
    if (offered) {
      const coordinator: Caller = {
        userId: 'psychiatry:19:COORDINATOR',
        name: 'Maria Berg',
        organisation: organisation('psychiatry:19')!,
        roles: ['COORDINATOR'],
      };
      await storeMessage(
        tx,
        'WithdrawalReferral',
        offered.row.id,
        coordinator,
        'Ring avdelning 91 dagen före inskrivningen, tack.',
        offered.row.placeOfferedAt ?? now,
      );
    }
    // the seeding is itself an access to personal data, and is logged as such
    const seeder: Caller = { userId: 'system:demo-data', name: 'Demo data at installation', organisation: organisation('psychiatry:19')!, roles: [] };
    await appendAudit(
      tx,
      seeder,
      built.map((b) => ({
        action: 'CREATE',
        entity: 'WithdrawalReferral',
        entityId: b.row.id,
        personId: b.row.personId,
        fields: null,
        basis: 'demo data seeded at installation',
      })),
    );
  });
}
