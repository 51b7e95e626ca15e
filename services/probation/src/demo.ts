/**
 * Demo data of the probation subgraph, seeded once (seed_run 'demo'): a few
 * contract-care orders per probation office, dated relative to the day of
 * seeding so that one is ACTIVE and overdue for evaluation, one COMPLETED
 * and one BREACHED, with deviations reported by partners and evaluations
 * held in time and late. Names are made up; the personnummer are valid but
 * invented (two of the Stockholm clients are also enrolled at a clinic in the
 * clinics demo, under the same numbers).
 */
import { randomUUID } from 'node:crypto';
import { appendAudit } from '../../shared/src/audit.ts';
import type { Caller } from '../../shared/src/caller.ts';
import { organisation } from '../../shared/src/directory.ts';
import { pseudonymFor } from '../../shared/src/person-id.ts';
import { checkDigit } from '../../shared/src/personnummer.ts';
import { seedOnce } from '../../shared/src/seed.ts';
import { addDays, stockholmDate } from '../../shared/src/time.ts';
import * as schema from './db/schema.ts';
import { BASIS_OWN_OFFICE } from './domain/policy.ts';

type Office = 'probation:vasteras' | 'probation:stockholm';

const OFFICERS: Record<Office, { userId: string; name: string }> = {
  'probation:vasteras': { userId: 'probation:vasteras:PROBATION_OFFICER', name: 'Petra Frivård' },
  'probation:stockholm': { userId: 'probation:stockholm:PROBATION_OFFICER', name: 'Omar Kontrakt' },
};

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

export const DEMO_ORDERS: Story[] = [
  {
    name: 'Mikael Demosson',
    born: '851104',
    serial: '273',
    office: 'probation:vasteras',
    partners: ['municipality:1980', 'psychiatry:19'],
    courtDaysAgo: 120,
    endsInDays: 245,
    evaluationsDaysAgo: [32],
    deviations: [{ by: 'psychiatry:19', occurredDaysAgo: 7, reportedDaysAgo: 5, description: 'Uteblev från två öppenvårdsbesök i rad.' }],
  },
  {
    // overdue for evaluation: the first was due 90 days after the court decision, none held
    name: 'Emma Provberg',
    born: '920218',
    serial: '384',
    office: 'probation:vasteras',
    partners: ['municipality:1981', 'psychiatry:19'],
    courtDaysAgo: 104,
    endsInDays: 260,
    deviations: [
      { by: 'municipality:1981', occurredDaysAgo: 2, reportedDaysAgo: 2, description: 'Lämnade behandlingshemmet över natten utan att meddela personalen.' },
    ],
  },
  {
    // completed; the second evaluation was held five days late
    name: 'Oskar Exempelsson',
    born: '770630',
    serial: '155',
    office: 'probation:vasteras',
    partners: ['municipality:1980', 'psychiatry:19'],
    courtDaysAgo: 400,
    endsInDays: -20,
    evaluationsDaysAgo: [315, 220, 130, 40],
  },
  {
    name: 'Linnea Testberg',
    born: '990912',
    serial: '428',
    office: 'probation:vasteras',
    partners: ['municipality:1980', 'psychiatry:19'],
    courtDaysAgo: 75,
    endsInDays: 290,
    evaluationsDaysAgo: [],
    deviations: [
      { by: 'psychiatry:19', occurredDaysAgo: 30, reportedDaysAgo: 27, description: 'Positivt urinprov (amfetamin).' },
      { by: 'municipality:1980', occurredDaysAgo: 14, reportedDaysAgo: 13, description: 'Avvek från boendet; okänd vistelseort i tre dygn.' },
    ],
    breach: { daysAgo: 10, reason: 'Har upprepat brutit mot behandlingsplanen; underrättelse till åklagare.' },
  },
  {
    name: 'Ali Demovic',
    born: '880523',
    serial: '317',
    office: 'probation:stockholm',
    partners: ['municipality:0180', 'clinic:0180-sodermalm'],
    courtDaysAgo: 45,
    endsInDays: 320,
    deviations: [{ by: 'clinic:0180-sodermalm', occurredDaysAgo: 4, reportedDaysAgo: 3, description: 'Missade hämtning av substitutionsmedicin två dagar.' }],
  },
  {
    name: 'Maja Exempel',
    born: '940107',
    serial: '262',
    office: 'probation:stockholm',
    partners: ['municipality:0180', 'psychiatry:01'],
    courtDaysAgo: 200,
    endsInDays: 165,
    evaluationsDaysAgo: [112, 30],
  },
  {
    name: 'Sara Provsson',
    born: '010314',
    serial: '248',
    office: 'probation:stockholm',
    partners: ['municipality:0180', 'clinic:0180-kista', 'psychiatry:01'],
    courtDaysAgo: 10,
    endsInDays: 355,
  },
];

/** The normalised 12-digit number of a demo person (the century is 19 or 20 by the year). */
export function demoNumber(born: string, serial: string): string {
  const century = Number(born.slice(0, 2)) <= 10 ? '20' : '19';
  return `${century}${born}${serial}${checkDigit(`${born}${serial}`)}`;
}

/** The rows of the demo, built for "now" (exported for tests). */
export function demoRows(now: Date, personIdSecret: string) {
  const today = stockholmDate(now);
  const at = (daysAgo: number, hour = 10) => new Date(`${addDays(today, -daysAgo)}T${String(hour).padStart(2, '0')}:00:00+01:00`);
  const orders: Array<typeof schema.contractCareOrder.$inferInsert> = [];
  const deviations: Array<typeof schema.contractCareDeviation.$inferInsert> = [];
  const evaluations: Array<typeof schema.contractCareEvaluation.$inferInsert> = [];
  for (const s of DEMO_ORDERS) {
    const id = randomUUID();
    const personnummer = demoNumber(s.born, s.serial);
    const officer = OFFICERS[s.office];
    orders.push({
      id,
      probationOfficeId: s.office,
      personId: pseudonymFor(personIdSecret, personnummer),
      personnummer,
      name: s.name,
      courtDecisionOn: addDays(today, -s.courtDaysAgo),
      endsOn: addDays(today, s.endsInDays),
      partnerOrganisationIds: s.partners,
      registeredAt: at(s.courtDaysAgo - 1),
      registeredBy: officer.userId,
      registeredByName: officer.name,
      breachedAt: s.breach ? at(s.breach.daysAgo, 14) : null,
      breachReason: s.breach?.reason ?? null,
      breachRecordedByName: s.breach ? officer.name : null,
    });
    for (const d of s.deviations ?? []) {
      deviations.push({
        id: randomUUID(),
        orderId: id,
        occurredOn: addDays(today, -d.occurredDaysAgo),
        reportedAt: at(d.reportedDaysAgo, 9),
        description: d.description,
        reportedByOrganisationId: d.by,
        reportedBy: `${d.by}:demo`,
        reportedByName: `Demo, ${organisation(d.by)!.name}`,
      });
    }
    for (const daysAgo of s.evaluationsDaysAgo ?? []) {
      evaluations.push({
        id: randomUUID(),
        orderId: id,
        heldOn: addDays(today, -daysAgo),
        summary: 'Uppföljning med socialtjänsten och vårdgivaren: behandlingen följs i huvudsak enligt planen.',
        recordedAt: at(daysAgo, 16),
        recordedBy: officer.userId,
        recordedByName: officer.name,
      });
    }
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
    for (const office of Object.keys(OFFICERS) as Office[]) {
      const seeder: Caller = { userId: 'system:demo-data', name: 'Demo data at installation', organisation: organisation(office)!, roles: [] };
      await appendAudit(
        tx,
        seeder,
        orders
          .filter((o) => o.probationOfficeId === office)
          .map((o) => ({
            action: 'CREATE',
            entity: 'ContractCareOrder',
            entityId: o.id,
            personId: o.personId,
            fields: null,
            basis: `${BASIS_OWN_OFFICE}: demo data seeded at installation`,
          })),
      );
    }
  });
}
