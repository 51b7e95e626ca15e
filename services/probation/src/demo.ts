/**
 * Demo data of the probation subgraph, seeded once (seed_run 'demo'): a few
 * contract-care orders per probation office, dated relative to the day of
 * seeding so that one is ACTIVE and overdue for evaluation, one COMPLETED
 * and one BREACHED, with deviations reported by partners and evaluations
 * held in time and late. Names are made up; the personnummer are valid but
 * invented (two of the Stockholm clients are also enrolled at a clinic in the
 * clinics demo, under the same numbers).
 */
import type { Role } from '../../shared/src/caller.ts';
import type { Agency } from '../../shared/src/directory.ts';
import { pseudonymFor } from '../../shared/src/person-id.ts';
import { seedOnce } from '../../shared/src/seed.ts';
import { storeMessage } from '../../shared/src/messages.ts';
import { auditSeeding, demoClock, demoNumber, demoOrganisation, demoStaff } from '../../shared/src/demo.ts';
import * as schema from './db/schema.ts';
import { BASIS_OWN_OFFICE, requireRegister, requireStep } from './domain/policy.ts';
import { newBreach, newDeviation, newEvaluation, newOrder } from './domain/rules.ts';

export { demoNumber };

type Office = 'probation:vasteras' | 'probation:stockholm';

const OFFICERS = {
  'probation:vasteras': demoStaff('probation:vasteras', 'PROBATION_OFFICER', 'Petra Frivård'),
  'probation:stockholm': demoStaff('probation:stockholm', 'PROBATION_OFFICER', 'Omar Kontrakt'),
} satisfies Record<Office, unknown>;

/** Who reports a partner's deviations: a member of staff with the client role their kind of organisation has. */
const REPORTER_ROLE: Record<Agency, Role> = { MUNICIPALITY: 'CASEWORKER', PSYCHIATRY: 'COORDINATOR', CLINIC: 'CLINIC_STAFF', PROBATION: 'PROBATION_OFFICER' };

function reporter(organisationId: string) {
  const org = demoOrganisation(organisationId);
  return demoStaff(organisationId, REPORTER_ROLE[org.agency], `Demo, ${org.name}`, `${organisationId}:demo`);
}

/** One order: days are counted back from the day of seeding (negative: in the future). */
interface Story {
  name: string;
  born: string; // YYMMDD, 1900s
  serial: string; // three digits, the last odd for men, even for women
  office: Office;
  partners: string[];
  courtDaysAgo: number;
  endsInDays: number;
  evaluationsDaysAgo?: number[];
  deviations?: Array<{ by: string; occurredDaysAgo: number; reportedDaysAgo: number; description: string }>;
  breach?: { daysAgo: number; reason: string };
}

type Events = Pick<Story, 'evaluationsDaysAgo' | 'deviations' | 'breach'>;

/** An order: whose, at which office with which partners, its court decision and end, and what happened since. */
const order = (
  name: string,
  born: string,
  serial: string,
  office: Office,
  partners: string[],
  courtDaysAgo: number,
  endsInDays: number,
  events: Events = {},
): Story => ({ name, born, serial, office, partners, courtDaysAgo, endsInDays, ...events });

export const DEMO_ORDERS: Story[] = [
  order('Mikael Demosson', '851104', '273', 'probation:vasteras', ['municipality:1980', 'psychiatry:19'], 120, 245, {
    evaluationsDaysAgo: [32],
    deviations: [{ by: 'psychiatry:19', occurredDaysAgo: 7, reportedDaysAgo: 5, description: 'Uteblev från två öppenvårdsbesök i rad.' }],
  }),
  // overdue for evaluation: the first was due 90 days after the court decision, none held
  order('Emma Provberg', '920218', '384', 'probation:vasteras', ['municipality:1981', 'psychiatry:19'], 104, 260, {
    deviations: [
      { by: 'municipality:1981', occurredDaysAgo: 2, reportedDaysAgo: 2, description: 'Lämnade behandlingshemmet över natten utan att meddela personalen.' },
    ],
  }),
  // completed; the second evaluation was held five days late
  order('Oskar Exempelsson', '770630', '155', 'probation:vasteras', ['municipality:1980', 'psychiatry:19'], 400, -20, {
    evaluationsDaysAgo: [315, 220, 130, 40],
  }),
  order('Linnea Testberg', '990912', '428', 'probation:vasteras', ['municipality:1980', 'psychiatry:19'], 75, 290, {
    evaluationsDaysAgo: [],
    deviations: [
      { by: 'psychiatry:19', occurredDaysAgo: 30, reportedDaysAgo: 27, description: 'Positivt urinprov (amfetamin).' },
      { by: 'municipality:1980', occurredDaysAgo: 14, reportedDaysAgo: 13, description: 'Avvek från boendet; okänd vistelseort i tre dygn.' },
    ],
    breach: { daysAgo: 10, reason: 'Har upprepat brutit mot behandlingsplanen; underrättelse till åklagare.' },
  }),
  order('Ali Demovic', '880523', '317', 'probation:stockholm', ['municipality:0180', 'clinic:0180-sodermalm'], 45, 320, {
    deviations: [{ by: 'clinic:0180-sodermalm', occurredDaysAgo: 4, reportedDaysAgo: 3, description: 'Missade hämtning av substitutionsmedicin två dagar.' }],
  }),
  order('Maja Exempel', '940107', '262', 'probation:stockholm', ['municipality:0180', 'psychiatry:01'], 200, 165, { evaluationsDaysAgo: [112, 30] }),
  order('Sara Provsson', '010314', '248', 'probation:stockholm', ['municipality:0180', 'clinic:0180-kista', 'psychiatry:01'], 10, 355),
];

const EVALUATION_SUMMARY = 'Uppföljning med socialtjänsten och vårdgivaren: behandlingen följs i huvudsak enligt planen.';

/**
 * The rows of the demo, built for "now" (exported for tests): each step
 * through the builder and the policy check its mutation uses, at the time
 * the story says it happened.
 */
export function demoRows(now: Date, personIdSecret: string) {
  const { day, at } = demoClock(now);
  const pseudonym = (n: string) => pseudonymFor(personIdSecret, n);
  const orders: schema.OrderRow[] = [];
  const deviations: Array<Omit<schema.DeviationRow, 'seq'>> = [];
  const evaluations: Array<Omit<schema.EvaluationRow, 'seq'>> = [];
  for (const s of DEMO_ORDERS) {
    const officer = OFFICERS[s.office];
    const registeredAt = at(s.courtDaysAgo - 1, 10);
    requireRegister(officer);
    const input = {
      personnummer: demoNumber(s.born, s.serial),
      name: s.name,
      courtDecisionOn: day(s.courtDaysAgo),
      endsOn: day(-s.endsInDays),
      partnerOrganisationIds: s.partners,
    };
    let order = newOrder(input, officer, registeredAt, pseudonym);
    for (const d of s.deviations ?? []) {
      const by = reporter(d.by);
      requireStep(by, 'reportDeviation', order, order.id);
      deviations.push(newDeviation(order, day(d.occurredDaysAgo), d.description, by, at(d.reportedDaysAgo, 9)));
    }
    for (const daysAgo of s.evaluationsDaysAgo ?? []) {
      requireStep(officer, 'recordEvaluation', order, order.id);
      evaluations.push(newEvaluation(order, day(daysAgo), EVALUATION_SUMMARY, officer, at(daysAgo, 16)));
    }
    if (s.breach) {
      requireStep(officer, 'recordBreach', order, order.id);
      order = { ...order, ...newBreach(order, s.breach.reason, officer, at(s.breach.daysAgo, 14)) };
    }
    orders.push(order);
  }
  return { orders, deviations, evaluations };
}

export async function seedDemo(databaseUrl: string, personIdSecret: string, now: Date = new Date()): Promise<void> {
  await seedOnce(databaseUrl, schema, 'demo', async (tx) => {
    const { orders, deviations, evaluations } = demoRows(now, personIdSecret);
    await tx.insert(schema.contractCareOrder).values(orders);
    if (deviations.length > 0) await tx.insert(schema.contractCareDeviation).values(deviations);
    if (evaluations.length > 0) await tx.insert(schema.contractCareEvaluation).values(evaluations);
    // the seeding is itself an access to personal data, and is logged as such, per office
    const records = orders.map((o) => ({ owner: o.probationOfficeId, entity: 'ContractCareOrder', entityId: o.id, personId: o.personId }));
    await auditSeeding(tx, BASIS_OWN_OFFICE, records);
    // a partner's message on an active Västerås order, unread by the office (its orderWork shows it)
    const { day, at } = demoClock(now);
    const onOrder = orders.find(
      (o) => o.probationOfficeId === 'probation:vasteras' && o.partnerOrganisationIds.includes('municipality:1980') && o.endsOn >= day(0),
    );
    if (onOrder) {
      await storeMessage(
        tx,
        'ContractCareOrder',
        onOrder.id,
        reporter('municipality:1980'),
        'Klienten har fått en ny kontaktperson hos socialtjänsten.',
        at(1, 10),
      );
    }
  });
}
