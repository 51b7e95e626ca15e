/**
 * Demo data of the clinics subgraph, seeded once (seed_run 'demo'):
 * enrolments at both local integrated clinics across the policy's target
 * groups, with efforts of every kind, dated relative to the day of seeding.
 * The personnummer are valid but invented; two people are also contract-care
 * clients of Frivården Stockholm in the probation demo, under the same numbers.
 */
import { pseudonymFor } from '../../shared/src/person-id.ts';
import { seedOnce } from '../../shared/src/seed.ts';
import { auditSeeding, demoClock, demoNumber, demoOrganisation, demoStaff } from '../../shared/src/demo.ts';
import * as schema from './db/schema.ts';
import { BASIS_OWN_CLINIC, requireChange, requireEnrolAt } from './domain/policy.ts';
import { newEffort, newEnrolment } from './domain/rules.ts';

type ClinicId = 'clinic:0180-sodermalm' | 'clinic:0180-kista';

const STAFF = {
  'clinic:0180-sodermalm': demoStaff('clinic:0180-sodermalm', 'CLINIC_STAFF', 'Klara Mottagning'),
  'clinic:0180-kista': demoStaff('clinic:0180-kista', 'CLINIC_STAFF', 'Kim Mottagning'),
} satisfies Record<ClinicId, unknown>;

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

/**
 * The rows of the demo, built for "now" (exported for tests): each step
 * through the builder and the policy check its mutation uses, at the time
 * the story says it happened.
 */
export function demoRows(now: Date, personIdSecret: string) {
  const { day, at } = demoClock(now);
  const pseudonym = (n: string) => pseudonymFor(personIdSecret, n);
  const enrolments: schema.EnrolmentRow[] = [];
  const efforts: Array<Omit<schema.EffortRow, 'seq'>> = [];
  for (const s of DEMO_ENROLMENTS) {
    const staff = STAFF[s.clinic];
    requireEnrolAt(staff, demoOrganisation(s.clinic));
    const enrolment = newEnrolment({ id: s.clinic }, demoNumber(s.born, s.serial), s.targetGroups, staff, at(s.enrolledDaysAgo, 10), pseudonym);
    for (const [kind, daysAgo] of s.efforts) {
      requireChange(staff, enrolment, enrolment.id, 'clinic.recordEffort');
      efforts.push(newEffort(enrolment, kind, day(daysAgo), staff, at(daysAgo, 15)));
    }
    enrolments.push(enrolment);
  }
  return { enrolments, efforts };
}

export async function seedDemo(databaseUrl: string, personIdSecret: string, now: Date = new Date()): Promise<void> {
  await seedOnce(databaseUrl, schema, 'demo', async (tx) => {
    const { enrolments, efforts } = demoRows(now, personIdSecret);
    await tx.insert(schema.clinicEnrolment).values(enrolments);
    await tx.insert(schema.clinicEffort).values(efforts);
    // the seeding is itself an access to personal data, and is logged as such, per clinic
    const records = enrolments.map((e) => ({ owner: e.clinicId, entity: 'ClinicEnrolment', entityId: e.id, personId: e.personId }));
    await auditSeeding(tx, BASIS_OWN_CLINIC, records);
  });
}
