/**
 * The local integrated clinics' section of the council indicators (docs/design/rules.md
 * 11), against a hand-computed fixture. "Enrolled at the period's end"
 * counts everyone ever enrolled (enrolments have no end); the file's
 * databases are its own, so everyone counted is the fixture's. The
 * subgraph is asked exactly what the gateway would ask: signed `_entities`
 * requests carrying the report's key (with the council's scope). Through the
 * gateway it checks who gets the section.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { gql, subgraphRequest, withSql, type As } from '../helpers/hub.ts';
import { personnummer } from '../helpers/people.ts';
import { staff } from '../helpers/probation.ts';
import { computedSection, count, expectSection, hidden, indicatorReport, INDICATOR_FIELDS, reportKeyOf, type IndicatorOut } from '../helpers/indicators.ts';
import { clinicsSection } from '../../services/clinics/src/domain/indicators.ts';

const member0180: As = { org: 'municipality:0180', roles: ['COUNCIL_MEMBER'] };
const member1980: As = { org: 'municipality:1980', roles: ['COUNCIL_MEMBER'] };
const SODERMALM = 'clinic:0180-sodermalm';
const KISTA = 'clinic:0180-kista';
const staffOf = { [SODERMALM]: staff(SODERMALM, 'CLINIC_STAFF'), [KISTA]: staff(KISTA, 'CLINIC_STAFF') } as Record<string, As>;

const PERIOD = { from: '2036-03-01', to: '2036-05-31' };
const REPORT_0180 = indicatorReport('council:local-0180', PERIOD);
const REPORT_19 = indicatorReport('council:regional-19', PERIOD);
const ENTITIES = `query($r: [_Any!]!) { _entities(representations: $r) { ... on IndicatorReport { clinics { ${INDICATOR_FIELDS} } } } }`;
const READ_AT = '2036-06-15T10:00:00Z';

/** 10:00 UTC on a day: the same Stockholm day. */
const day = (date: string) => `${date}T10:00:00Z`;

async function call(query: string, variables: Record<string, unknown>, as: As, clock: string) {
  const res = await subgraphRequest('clinics', query, { as, variables, headers: { 'x-hub-clock': clock } });
  expect(res.body.errors, JSON.stringify(res.body.errors)).toBeUndefined();
  return res.body.data;
}

type Kind = 'LARO' | 'INFECTION' | 'VACCINATION' | 'PSYCH' | 'SOCIAL';
const KIND = {
  LARO: 'OPIOID_MAINTENANCE_TREATMENT',
  INFECTION: 'INFECTION_TESTING',
  VACCINATION: 'VACCINATION',
  PSYCH: 'PSYCHIATRIC_ASSESSMENT',
  SOCIAL: 'SOCIAL_SUPPORT',
} as const;
const PREG = 'PREGNANT',
  PARENT = 'PARENT_OF_MINOR',
  YOUNG = 'YOUNG_PERSON',
  HOMELESS = 'HOMELESS',
  COMPLEX = 'COMPLEX_NEEDS',
  OPIOID = 'OPIOID_MAINTENANCE';

interface Enrolment {
  clinic: string;
  /** the clock of the enrolment (enrolled on its Stockholm day) */
  at: string;
  groups: string[];
  efforts: Array<[Kind, string]>;
}

/**
 * Ten women and eleven men enrolled by 31 May 2036 (4 + 3 before the period); one woman
 * enrolled after it. D is enrolled at both clinics (Södermalm before the period, Kista in it).
 */
const PEOPLE: Array<{ name: string; gender: 'WOMEN' | 'MEN'; enrolments: Enrolment[] }> = [
  {
    name: 'W1',
    gender: 'WOMEN',
    enrolments: [
      {
        clinic: SODERMALM,
        at: day('2036-01-15'),
        groups: [PREG, OPIOID, YOUNG],
        efforts: [
          ['LARO', '2036-03-05'],
          ['LARO', '2036-04-05'],
          ['INFECTION', '2036-03-05'],
          ['PSYCH', '2036-03-10'],
          ['SOCIAL', '2036-03-12'],
        ],
      },
    ],
  },
  {
    name: 'W2',
    gender: 'WOMEN',
    enrolments: [
      {
        clinic: SODERMALM,
        at: day('2036-01-20'),
        groups: [PREG, OPIOID, YOUNG, PARENT],
        efforts: [
          ['LARO', '2036-03-06'],
          ['PSYCH', '2036-03-11'],
          ['SOCIAL', '2036-03-13'],
        ],
      },
    ],
  },
  {
    name: 'W3',
    gender: 'WOMEN',
    enrolments: [
      {
        clinic: KISTA,
        at: day('2036-02-10'),
        groups: [PREG, OPIOID, YOUNG],
        efforts: [
          ['LARO', '2036-03-07'],
          ['INFECTION', '2036-04-01'],
        ],
      },
    ],
  },
  { name: 'W4', gender: 'WOMEN', enrolments: [{ clinic: KISTA, at: day('2036-02-25'), groups: [PREG, YOUNG], efforts: [['SOCIAL', '2036-02-26']] }] }, // effort before the period
  // the first half-hour of 1 March in Stockholm (still 29 February in UTC)
  {
    name: 'W5',
    gender: 'WOMEN',
    enrolments: [
      {
        clinic: SODERMALM,
        at: '2036-03-01T00:30:00+01:00',
        groups: [PREG, OPIOID, YOUNG, PARENT],
        efforts: [
          ['LARO', '2036-03-02'],
          ['PSYCH', '2036-03-15'],
          ['SOCIAL', '2036-03-16'],
          ['INFECTION', '2036-03-20'],
        ],
      },
    ],
  },
  {
    name: 'W6',
    gender: 'WOMEN',
    enrolments: [
      {
        clinic: SODERMALM,
        at: day('2036-03-10'),
        groups: [OPIOID, YOUNG, PARENT],
        efforts: [
          ['LARO', '2036-03-11'],
          ['PSYCH', '2036-03-12'],
          ['SOCIAL', '2036-03-12'],
        ],
      },
    ],
  },
  {
    name: 'W7',
    gender: 'WOMEN',
    enrolments: [
      {
        clinic: KISTA,
        at: day('2036-04-01'),
        groups: [COMPLEX],
        efforts: [
          ['PSYCH', '2036-04-02'],
          ['SOCIAL', '2036-04-03'],
        ],
      },
    ],
  },
  { name: 'W8', gender: 'WOMEN', enrolments: [{ clinic: KISTA, at: day('2036-04-15'), groups: [], efforts: [['SOCIAL', '2036-04-16']] }] },
  { name: 'W9', gender: 'WOMEN', enrolments: [{ clinic: SODERMALM, at: day('2036-05-20'), groups: [], efforts: [['SOCIAL', '2036-05-31']] }] },
  { name: 'W10', gender: 'WOMEN', enrolments: [{ clinic: KISTA, at: '2036-05-31T23:30:00+02:00', groups: [], efforts: [] }] },
  // the first half-hour of 1 June in Stockholm (still 31 May in UTC): after the period
  { name: 'W11', gender: 'WOMEN', enrolments: [{ clinic: SODERMALM, at: '2036-06-01T00:30:00+02:00', groups: [PREG], efforts: [['LARO', '2036-06-02']] }] },
  {
    name: 'M1',
    gender: 'MEN',
    enrolments: [
      {
        clinic: SODERMALM,
        at: day('2036-01-10'),
        groups: [HOMELESS, OPIOID],
        efforts: [
          ['LARO', '2036-03-01'],
          ['LARO', '2036-04-01'],
          ['INFECTION', '2036-03-01'],
        ],
      },
    ],
  },
  {
    name: 'M2',
    gender: 'MEN',
    enrolments: [
      {
        clinic: KISTA,
        at: day('2036-02-01'),
        groups: [HOMELESS, OPIOID, PARENT],
        efforts: [
          ['LARO', '2036-03-03'],
          ['SOCIAL', '2036-03-04'],
        ],
      },
    ],
  },
  { name: 'M3', gender: 'MEN', enrolments: [{ clinic: SODERMALM, at: day('2036-02-15'), groups: [HOMELESS], efforts: [['SOCIAL', '2036-06-02']] }] }, // effort after the period
  {
    name: 'D',
    gender: 'MEN',
    enrolments: [
      { clinic: SODERMALM, at: day('2036-02-01'), groups: [HOMELESS, OPIOID], efforts: [['LARO', '2036-03-20']] },
      {
        clinic: KISTA,
        at: day('2036-03-15'),
        groups: [HOMELESS],
        efforts: [
          ['INFECTION', '2036-03-16'],
          ['VACCINATION', '2036-03-16'],
        ],
      },
    ],
  },
  {
    name: 'M4',
    gender: 'MEN',
    enrolments: [
      {
        clinic: SODERMALM,
        at: day('2036-03-03'),
        groups: [HOMELESS, OPIOID, YOUNG],
        efforts: [
          ['LARO', '2036-03-04'],
          ['SOCIAL', '2036-03-05'],
          ['INFECTION', '2036-03-06'],
        ],
      },
    ],
  },
  {
    name: 'M5',
    gender: 'MEN',
    enrolments: [
      {
        clinic: KISTA,
        at: day('2036-03-20'),
        groups: [HOMELESS, OPIOID, PARENT],
        efforts: [
          ['LARO', '2036-03-21'],
          ['SOCIAL', '2036-03-22'],
        ],
      },
    ],
  },
  {
    name: 'M6',
    gender: 'MEN',
    enrolments: [
      {
        clinic: KISTA,
        at: day('2036-04-10'),
        groups: [HOMELESS, OPIOID, YOUNG, PARENT],
        efforts: [
          ['LARO', '2036-04-11'],
          ['INFECTION', '2036-04-12'],
          ['VACCINATION', '2036-04-12'],
          ['PSYCH', '2036-04-13'],
          ['SOCIAL', '2036-04-14'],
        ],
      },
    ],
  },
  { name: 'M7', gender: 'MEN', enrolments: [{ clinic: SODERMALM, at: day('2036-04-20'), groups: [], efforts: [['SOCIAL', '2036-04-21']] }] },
  { name: 'M8', gender: 'MEN', enrolments: [{ clinic: SODERMALM, at: day('2036-05-05'), groups: [], efforts: [] }] },
  { name: 'M9', gender: 'MEN', enrolments: [{ clinic: KISTA, at: day('2036-05-10'), groups: [], efforts: [] }] },
  { name: 'M10', gender: 'MEN', enrolments: [{ clinic: SODERMALM, at: day('2036-05-30'), groups: [], efforts: [] }] },
];

async function seedFixture() {
  for (const p of PEOPLE) {
    const pnr = personnummer(p.gender);
    for (const e of p.enrolments) {
      const as = staffOf[e.clinic]!;
      const { enrolInClinic } = await call(
        'mutation($c: ID!, $p: String!, $g: [TargetGroup!]!) { enrolInClinic(clinicId: $c, personnummer: $p, targetGroups: $g) { id } }',
        { c: e.clinic, p: pnr, g: e.groups },
        as,
        e.at,
      );
      for (const [kind, on] of e.efforts) {
        await call(
          'mutation($id: ID!, $k: ClinicEffortKind!, $on: Date!) { recordClinicEffort(enrolmentId: $id, kind: $k, on: $on) { id } }',
          { id: enrolInClinic.id, k: KIND[kind], on },
          as,
          day(on),
        );
      }
    }
  }
  // A clinic in Västerås (not in the directory: the hub has none there yet), with 3 women and 2 men
  // enrolled in the period, each tested for infections and homeless: only a Västmanland report counts them.
  await withSql('clinics', async (sql) => {
    await sql`insert into clinic (id, name, municipality_code) values ('clinic:1980-fixture', 'Fixture clinic Västerås', '1980')`;
    for (const g of ['WOMEN', 'WOMEN', 'WOMEN', 'MEN', 'MEN'] as const) {
      const id = randomUUID();
      await sql`insert into clinic_enrolment (id, clinic_id, person_id, personnummer, enrolled_on, target_groups, enrolled_at, enrolled_by, enrolled_by_name)
        values (${id}, 'clinic:1980-fixture', ${randomUUID()}, ${personnummer(g).replace('-', '')}, '2036-03-05', ${['HOMELESS']}, '2036-03-05T10:00:00Z', 'fixture', 'Fixture')`;
      await sql`insert into clinic_effort (id, enrolment_id, kind, performed_on, recorded_at, recorded_by, recorded_by_name)
        values (${randomUUID()}, ${id}, 'INFECTION_TESTING', '2036-03-06', '2036-03-06T10:00:00Z', 'fixture', 'Fixture')`;
    }
  });
}

beforeAll(seedFixture, 120_000);

const KEYS = [
  'clinics.enrolledInPeriod',
  'clinics.enrolledAtPeriodEnd',
  'clinics.peopleWithAnyEffort',
  'clinics.effort.opioidMaintenanceTreatment',
  'clinics.effort.infectionTesting',
  'clinics.effort.vaccination',
  'clinics.effort.psychiatricAssessment',
  'clinics.effort.socialSupport',
  'clinics.effort.primaryCareVisit',
  'clinics.targetGroup.pregnant',
  'clinics.targetGroup.parentOfMinor',
  'clinics.targetGroup.youngPerson',
  'clinics.targetGroup.homeless',
  'clinics.targetGroup.complexNeeds',
  'clinics.targetGroup.opioidMaintenance',
];

describe("the clinics' indicator section", () => {
  it('computes every figure as by hand, by gender, suppressing what rests on 1 to 4 people (the period alone)', async () => {
    const section = await computedSection(
      'clinics',
      clinicsSection,
      { org: 'municipality:0180', name: 'Stina Stockholm' },
      reportKeyOf('council:local-0180', PERIOD),
      READ_AT,
    );
    expectSection(section, {
      // W5–W10 and D, M4–M10 (D's Kista enrolment; W11 came on 1 June)
      'clinics.enrolledInPeriod': [count(14), count(6), count(8)],
      // W1–W10; M1–M3 and the 8 above (D once, though enrolled at both clinics)
      'clinics.enrolledAtPeriodEnd': [count(21), count(10), count(11)],
      // W1–W3, W5–W9 (W4's effort was before the period); M1, M2, D, M4–M7 (M3's after it)
      'clinics.peopleWithAnyEffort': [count(15), count(8), count(7)],
      // W1, W2, W3, W5, W6; M1 (twice, counted once), M2, D, M4, M5, M6
      'clinics.effort.opioidMaintenanceTreatment': [count(11), count(5), count(6)],
      // W1, W3, W5 (3) and M1, D, M4, M6 (4): both hidden (primary)
      'clinics.effort.infectionTesting': [count(7), hidden, hidden],
      // D, M6: 2 people, hidden; no woman
      'clinics.effort.vaccination': [hidden, count(0), hidden],
      // W1, W2, W5, W6, W7 (5) and M6 alone: men hidden, so women too (6 − 5 would give 1)
      'clinics.effort.psychiatricAssessment': [count(6), hidden, hidden],
      // W1, W2, W5–W9 and M2, M4–M7
      'clinics.effort.socialSupport': [count(12), count(7), count(5)],
      'clinics.effort.primaryCareVisit': [count(0), count(0), count(0)],
      // W1–W5 (W11's enrolment was after the period)
      'clinics.targetGroup.pregnant': [count(5), count(5), count(0)],
      // W2, W5, W6 and M2, M5, M6
      'clinics.targetGroup.parentOfMinor': [count(6), hidden, hidden],
      // W1–W6 (hidden: secondary) and M4, M6 (primary)
      'clinics.targetGroup.youngPerson': [count(8), hidden, hidden],
      // M1, M2, M3, D (at both clinics, once), M4, M5, M6
      'clinics.targetGroup.homeless': [count(7), count(0), count(7)],
      // W7 alone
      'clinics.targetGroup.complexNeeds': [hidden, hidden, count(0)],
      // W1, W2, W3, W5, W6 and M1, M2, D, M4, M5, M6
      'clinics.targetGroup.opioidMaintenance': [count(11), count(5), count(6)],
    });
    expect(section.map((i) => i.key)).toEqual(KEYS);
  });

  it('publishes at the subgraph only what no sub-period of March–May gives away by difference; snapshots as they are', async () => {
    const data = await call(ENTITIES, { r: [REPORT_0180] }, member0180, READ_AT);
    expectSection(data._entities[0].clinics, {
      // enrolled by month: women 2, 2, 2 (W5 W6 | W7 W8 | W9 W10), men 3, 2, 3, everyone 5, 4, 5: April alone is 4
      'clinics.enrolledInPeriod': [hidden, hidden, hidden],
      'clinics.enrolledAtPeriodEnd': [count(21), count(10), count(11)],
      // every figure over the period has a sub-period of 1 to 4 people (April's LARO: W1 and M6)
      'clinics.peopleWithAnyEffort': [hidden, hidden, hidden],
      'clinics.effort.opioidMaintenanceTreatment': [hidden, hidden, hidden],
      'clinics.effort.infectionTesting': [hidden, hidden, hidden],
      'clinics.effort.vaccination': [hidden, count(0), hidden],
      'clinics.effort.psychiatricAssessment': [hidden, hidden, hidden],
      'clinics.effort.socialSupport': [hidden, hidden, hidden],
      'clinics.effort.primaryCareVisit': [count(0), count(0), count(0)],
      // at the period's end (31 May): the same as computed, with no sub-periods
      'clinics.targetGroup.pregnant': [count(5), count(5), count(0)],
      'clinics.targetGroup.parentOfMinor': [count(6), hidden, hidden],
      'clinics.targetGroup.youngPerson': [count(8), hidden, hidden],
      'clinics.targetGroup.homeless': [count(7), count(0), count(7)],
      'clinics.targetGroup.complexNeeds': [hidden, hidden, count(0)],
      'clinics.targetGroup.opioidMaintenance': [count(11), count(5), count(6)],
    });
  });

  it("counts only the council's clinics: Västmanland's report sees the Västerås clinic's 5 people, none of Stockholm's", async () => {
    const data = await call(ENTITIES, { r: [REPORT_19] }, member1980, READ_AT);
    const byKey = Object.fromEntries((data._entities[0].clinics as IndicatorOut[]).map((i) => [i.key, i]));
    const five = {
      ...count(5),
      byGender: [
        { group: 'WOMEN', ...hidden },
        { group: 'MEN', ...hidden },
      ],
    };
    expect(byKey['clinics.enrolledInPeriod']).toMatchObject(five);
    expect(byKey['clinics.enrolledAtPeriodEnd']).toMatchObject(five);
    expect(byKey['clinics.effort.infectionTesting']).toMatchObject(five);
    expect(byKey['clinics.targetGroup.homeless']).toMatchObject(five);
    expect(byKey['clinics.effort.opioidMaintenanceTreatment']).toMatchObject({
      ...count(0),
      byGender: [
        { group: 'WOMEN', ...count(0) },
        { group: 'MEN', ...count(0) },
      ],
    });
  });

  it.each([
    ['a council member of another region', member1980],
    ['clinic staff', staffOf[SODERMALM]!],
    ['a caseworker of a member municipality', staff('municipality:0180', 'CASEWORKER')],
  ])('refuses %s at the subgraph', async (_who, as) => {
    const res = await subgraphRequest('clinics', ENTITIES, { as, variables: { r: [REPORT_0180] }, headers: { 'x-hub-clock': READ_AT } });
    expect(res.body.data._entities).toEqual([null]);
    expect(res.body.errors[0]).toMatchObject({
      message: "Only council members of the council's member organisations see its indicators.",
      extensions: { code: 'FORBIDDEN' },
    });
  });

  describe('through the gateway', () => {
    const QUERY = `query($from: Date!, $to: Date!) { council(id: "council:local-0180") { indicators(from: $from, to: $to) { clinics { ${INDICATOR_FIELDS} } } } }`;

    it('a member of the council gets the section, every figure by gender', async () => {
      const res = await gql(QUERY, PERIOD, { as: member0180 });
      expect(res.errors).toBeUndefined();
      const section: IndicatorOut[] = res.data!.council.indicators.clinics;
      expect(section.map((i) => i.key)).toEqual(KEYS);
      for (const i of section) expect(i.byGender.map((c) => c.group)).toEqual(['WOMEN', 'MEN']);
    });

    it('a member of another region gets no council; a caseworker is refused', async () => {
      const other = await gql(QUERY, PERIOD, { as: member1980 });
      expect(other.errors).toBeUndefined();
      expect(other.data).toEqual({ council: null });
      const caseworker = await gql(QUERY, PERIOD, { as: staff('municipality:0180', 'CASEWORKER') });
      expect(caseworker.data).toEqual({ council: null });
      expect(caseworker.errors![0]!.extensions!.code).toBe('FORBIDDEN');
    });
  });
});
