/**
 * Demo data of the clinics subgraph, seeded once (seed_run 'demo'):
 * enrolments at both local integrated clinics across the policy's target
 * groups, with efforts of every kind, dated relative to the day of seeding.
 * The personnummer are valid but invented; two people are also contract-care
 * clients of Frivården Stockholm in the probation demo, under the same numbers.
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
import { BASIS_OWN_CLINIC } from './domain/policy.ts';

type ClinicId = 'clinic:0180-sodermalm' | 'clinic:0180-kista';

const STAFF: Record<ClinicId, { userId: string; name: string }> = {
  'clinic:0180-sodermalm': { userId: 'clinic:0180-sodermalm:CLINIC_STAFF', name: 'Klara Mottagning' },
  'clinic:0180-kista': { userId: 'clinic:0180-kista:CLINIC_STAFF', name: 'Kim Mottagning' },
};

interface Story {
  born: string; // YYMMDD
  serial: string;
  clinic: ClinicId;
  enrolledDaysAgo: number;
  targetGroups: schema.TargetGroup[];
  efforts: Array<[schema.EffortKind, number]>; // kind, days ago
}

export const DEMO_ENROLMENTS: Story[] = [
  // also a contract-care client of Frivården Stockholm (probation demo)
  {
    born: '880523',
    serial: '317',
    clinic: 'clinic:0180-sodermalm',
    enrolledDaysAgo: 60,
    targetGroups: ['OPIOID_MAINTENANCE', 'HOMELESS'],
    efforts: [
      ['OPIOID_MAINTENANCE_TREATMENT', 58],
      ['INFECTION_TESTING', 55],
      ['VACCINATION', 40],
      ['OPIOID_MAINTENANCE_TREATMENT', 7],
      ['SOCIAL_SUPPORT', 3],
    ],
  },
  {
    born: '970811',
    serial: '126',
    clinic: 'clinic:0180-sodermalm',
    enrolledDaysAgo: 21,
    targetGroups: ['PREGNANT'],
    efforts: [
      ['PRIMARY_CARE_VISIT', 20],
      ['INFECTION_TESTING', 20],
      ['SOCIAL_SUPPORT', 6],
    ],
  },
  {
    born: '860402',
    serial: '364',
    clinic: 'clinic:0180-sodermalm',
    enrolledDaysAgo: 140,
    targetGroups: ['PARENT_OF_MINOR', 'COMPLEX_NEEDS'],
    efforts: [
      ['PSYCHIATRIC_ASSESSMENT', 130],
      ['SOCIAL_SUPPORT', 90],
      ['SOCIAL_SUPPORT', 30],
    ],
  },
  {
    born: '050919',
    serial: '491',
    clinic: 'clinic:0180-sodermalm',
    enrolledDaysAgo: 12,
    targetGroups: ['YOUNG_PERSON'],
    efforts: [['PSYCHIATRIC_ASSESSMENT', 5]],
  },
  // also a contract-care client of Frivården Stockholm (probation demo)
  {
    born: '010314',
    serial: '248',
    clinic: 'clinic:0180-kista',
    enrolledDaysAgo: 9,
    targetGroups: ['COMPLEX_NEEDS', 'YOUNG_PERSON'],
    efforts: [
      ['PSYCHIATRIC_ASSESSMENT', 8],
      ['INFECTION_TESTING', 8],
    ],
  },
  {
    born: '700101',
    serial: '515',
    clinic: 'clinic:0180-kista',
    enrolledDaysAgo: 300,
    targetGroups: ['HOMELESS'],
    efforts: [
      ['PRIMARY_CARE_VISIT', 290],
      ['VACCINATION', 200],
      ['INFECTION_TESTING', 100],
      ['PRIMARY_CARE_VISIT', 14],
    ],
  },
  {
    born: '820728',
    serial: '402',
    clinic: 'clinic:0180-kista',
    enrolledDaysAgo: 400,
    targetGroups: ['OPIOID_MAINTENANCE', 'PARENT_OF_MINOR'],
    efforts: [
      ['OPIOID_MAINTENANCE_TREATMENT', 395],
      ['OPIOID_MAINTENANCE_TREATMENT', 30],
      ['OPIOID_MAINTENANCE_TREATMENT', 2],
    ],
  },
  {
    born: '060205',
    serial: '139',
    clinic: 'clinic:0180-kista',
    enrolledDaysAgo: 35,
    targetGroups: ['YOUNG_PERSON', 'HOMELESS'],
    efforts: [['SOCIAL_SUPPORT', 34]],
  },
];

function demoNumber(born: string, serial: string): string {
  const century = Number(born.slice(0, 2)) <= 10 ? '20' : '19';
  return `${century}${born}${serial}${checkDigit(`${born}${serial}`)}`;
}

/** The rows of the demo, built for "now" (exported for tests). */
export function demoRows(now: Date, personIdSecret: string) {
  const today = stockholmDate(now);
  const at = (daysAgo: number, hour: number) => new Date(`${addDays(today, -daysAgo)}T${String(hour).padStart(2, '0')}:00:00+01:00`);
  const enrolments: Array<typeof schema.clinicEnrolment.$inferInsert> = [];
  const efforts: Array<typeof schema.clinicEffort.$inferInsert> = [];
  for (const s of DEMO_ENROLMENTS) {
    const id = randomUUID();
    const personnummer = demoNumber(s.born, s.serial);
    const staff = STAFF[s.clinic];
    enrolments.push({
      id,
      clinicId: s.clinic,
      personId: pseudonymFor(personIdSecret, personnummer),
      personnummer,
      enrolledOn: addDays(today, -s.enrolledDaysAgo),
      targetGroups: s.targetGroups,
      enrolledAt: at(s.enrolledDaysAgo, 10),
      enrolledBy: staff.userId,
      enrolledByName: staff.name,
    });
    for (const [kind, daysAgo] of s.efforts) {
      efforts.push({
        id: randomUUID(),
        enrolmentId: id,
        kind,
        performedOn: addDays(today, -daysAgo),
        recordedAt: at(daysAgo, 15),
        recordedBy: staff.userId,
        recordedByName: staff.name,
      });
    }
  }
  return { enrolments, efforts };
}

export async function seedDemo(databaseUrl: string, personIdSecret: string, now: Date = new Date()): Promise<void> {
  await seedOnce(databaseUrl, schema, 'demo', async (tx) => {
    const { enrolments, efforts } = demoRows(now, personIdSecret);
    await tx.insert(schema.clinicEnrolment).values(enrolments);
    await tx.insert(schema.clinicEffort).values(efforts);
    // the seeding is itself an access to personal data, and is logged as such, per clinic
    for (const clinicId of Object.keys(STAFF) as ClinicId[]) {
      const seeder: Caller = { userId: 'system:demo-data', name: 'Demo data at installation', organisation: organisation(clinicId)!, roles: [] };
      await appendAudit(
        tx,
        seeder,
        enrolments
          .filter((e) => e.clinicId === clinicId)
          .map((e) => ({
            action: 'CREATE',
            entity: 'ClinicEnrolment',
            entityId: e.id,
            personId: e.personId,
            fields: null,
            basis: `${BASIS_OWN_CLINIC}: demo data seeded at installation`,
          })),
      );
    }
  });
}
