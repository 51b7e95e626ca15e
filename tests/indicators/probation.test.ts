/**
 * Probation's section of the council indicators (docs/design/rules.md 10, contract
 * care), against a hand-computed fixture over March–June 2061 (dated
 * with the clock header), read through the gateway as a council
 * member reads it. The fixture is built in time order so that a reading in
 * the middle of the period sees only what had happened by then.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { gql, subgraphRequest, type As } from '../helpers/hub.ts';
import { personnummer } from '../helpers/people.ts';
import { BREACH, DEVIATION, EVALUATION, ok, register, staff } from '../helpers/probation.ts';
import {
  computedSection,
  count,
  expectSection,
  hidden,
  indicatorReport,
  INDICATOR_FIELDS,
  median,
  reportKeyOf,
  share,
  type IndicatorOut,
} from '../helpers/indicators.ts';
import { probationSection } from '../../services/probation/src/domain/indicators.ts';
import type { Indicator } from '../../services/shared/src/indicators.ts';

const member1980: As = { org: 'municipality:1980', roles: ['COUNCIL_MEMBER'] };
const member0180: As = { org: 'municipality:0180', roles: ['COUNCIL_MEMBER'] };
const officer = staff('probation:vasteras', 'PROBATION_OFFICER', 'Petra Frivård');
const officerStockholm = staff('probation:stockholm', 'PROBATION_OFFICER', 'Sten Frivård');

const PERIOD = { from: '2061-03-01', to: '2061-06-30' };
const SECTION = `query($from: Date!, $to: Date!) { council(id: "council:regional-19") { id indicators(from: $from, to: $to) { from to probation { ${INDICATOR_FIELDS} } } } }`;
const ENTITIES = `query($r: [_Any!]!) { _entities(representations: $r) { ... on IndicatorReport { probation { ${INDICATOR_FIELDS} } } } }`;
const REPORT_19 = indicatorReport('council:regional-19', PERIOD);

/** 10:00 UTC on a day: the same Stockholm day. */
const day = (date: string) => `${date}T10:00:00Z`;

type Gender = 'WOMEN' | 'MEN';
interface Person {
  name: string;
  gender: Gender;
  court: string;
  ends?: string;
  partners?: string[];
  office?: As;
  evaluations?: string[];
  /** [occurred on, reported at (a clock)] */
  deviations?: Array<[string, string]>;
  breachAt?: string;
}

const V = ['municipality:1980', 'psychiatry:19'];
const SALA = ['municipality:1981', 'psychiatry:19'];

/**
 * Evaluations are due 90 days after the court decision, then after the evaluation held before.
 * Deviations: days from occurrence to report in brackets.
 */
const PEOPLE: Person[] = [
  // women, all in time: 6 of 6
  {
    name: 'W1',
    gender: 'WOMEN',
    court: '2061-01-01',
    evaluations: ['2061-03-25', '2061-06-20'], // due 04-01 and 06-23: both kept
    deviations: [
      ['2061-03-10', day('2061-03-11')],
      ['2061-04-01', day('2061-04-04')],
      ['2061-02-20', '2061-02-28T23:30:00+01:00'],
    ],
  }, // (1), (3), before the period
  {
    name: 'W2',
    gender: 'WOMEN',
    court: '2061-01-10',
    partners: SALA,
    evaluations: ['2061-04-10'], // due 04-10, held that day
    deviations: [['2061-03-01', '2061-03-01T00:30:00+01:00']],
  }, // (0), the period's first Stockholm half-hour
  { name: 'W3', gender: 'WOMEN', court: '2060-12-15', ends: '2061-04-15', evaluations: ['2061-03-01'] }, // due 03-15 kept; next due 05-30 is after the end
  { name: 'W4', gender: 'WOMEN', court: '2061-02-01', evaluations: ['2061-05-01'] }, // due 05-02
  { name: 'W5', gender: 'WOMEN', court: '2061-02-15', evaluations: ['2061-05-16'] }, // due 05-16
  { name: 'W6', gender: 'WOMEN', court: '2061-03-05', evaluations: ['2061-06-01'] }, // due 06-03
  // men: 5 of 10 in time
  {
    name: 'M1',
    gender: 'MEN',
    court: '2061-01-01',
    evaluations: ['2061-04-05'], // due 04-01: late
    deviations: [
      ['2061-03-05', day('2061-03-07')],
      ['2061-04-10', day('2061-04-20')],
      ['2061-05-01', day('2061-05-08')],
    ],
  }, // (2), (10), (7)
  { name: 'M2', gender: 'MEN', court: '2061-01-20', breachAt: day('2061-05-10') }, // due 04-20, never held, breach after it: missed
  { name: 'M3', gender: 'MEN', court: '2061-01-05', partners: SALA, evaluations: ['2061-04-03'], deviations: [['2061-03-20', day('2061-03-24')]] }, // due 04-05 kept (next 07-02); (4)
  { name: 'M4', gender: 'MEN', court: '2061-02-01', evaluations: ['2061-04-30'], deviations: [['2061-02-26', day('2061-03-03')]] }, // due 05-02 kept; (5), occurred before the period
  { name: 'M5', gender: 'MEN', court: '2061-02-10', evaluations: ['2061-05-10'], deviations: [['2061-05-15', day('2061-05-16')]] }, // due 05-11 kept; (1)
  { name: 'M6', gender: 'MEN', court: '2061-02-20', evaluations: ['2061-05-20'], deviations: [['2061-06-24', '2061-06-30T23:30:00+02:00']] }, // due 05-21 kept; (6), the period's last half-hour
  { name: 'M7', gender: 'MEN', court: '2061-03-10', evaluations: ['2061-06-08'], deviations: [['2061-06-30', '2061-07-01T00:10:00+02:00']] }, // due 06-08 kept; reported after the period (UTC still 30 June)
  { name: 'M8', gender: 'MEN', court: '2060-11-01', evaluations: ['2061-01-20', '2061-05-02'] }, // due 01-30 kept (before the period), then due 04-20: late
  { name: 'M9', gender: 'MEN', court: '2061-01-15', evaluations: ['2061-03-01'] }, // due 04-15 kept early; next due 05-30 never held: missed
  { name: 'M10', gender: 'MEN', court: '2061-03-20', evaluations: ['2061-06-19'] }, // due 06-18: a day late
  // counted nowhere
  { name: 'X1', gender: 'WOMEN', court: '2060-12-20', ends: '2061-02-28' }, // ended before the period; due 03-20 falls after its end
  { name: 'X2', gender: 'WOMEN', court: '2060-12-25', breachAt: '2061-02-20T10:00:00+01:00' }, // breached before the period and before its due date 03-25
  {
    name: 'X3',
    gender: 'MEN',
    court: '2061-01-01',
    partners: ['municipality:0180', 'psychiatry:01'],
    office: officerStockholm, // Stockholm's order
    deviations: [['2061-04-01', day('2061-04-02')]],
  },
  { name: 'X4', gender: 'WOMEN', court: '2061-07-10' }, // court decision after the period
];

/** The section as read by a member of the regional council of Västmanland at `clock`. */
async function section(clock: string): Promise<IndicatorOut[]> {
  const data = ok(await gql(SECTION, PERIOD, { as: member1980, clock }));
  expect(data.council.indicators).toMatchObject(PERIOD);
  return data.council.indicators.probation;
}

/** The section's counts of the period as computed at `clock`, before the rule against differencing. */
const computed = (clock: string) =>
  computedSection('probation', probationSection, { org: 'municipality:1980', name: 'Vera Västerås' }, reportKeyOf('council:regional-19', PERIOD), clock);

let middle: Indicator[];

/** Registers, evaluates, reports and breaches in time order; reads the section on 25 May. */
beforeAll(async () => {
  const steps: Array<{ at: string; run: () => Promise<unknown> }> = [];
  for (const p of PEOPLE) {
    const office = p.office ?? officer;
    let id!: Promise<string>;
    const registered = {
      at: `${p.court}T08:00:00Z`,
      run: async () =>
        (id = register(
          office,
          {
            personnummer: personnummer(p.gender),
            name: p.name,
            courtDecisionOn: p.court,
            endsOn: p.ends ?? '2061-12-31',
            partnerOrganisationIds: p.partners ?? V,
          },
          `${p.court}T08:00:00Z`,
        ).then((r) => r.order.id as string)),
    };
    steps.push(registered);
    for (const on of p.evaluations ?? [])
      steps.push({ at: day(on), run: async () => ok(await gql(EVALUATION, { id: await id, on, s: 'Uppföljning' }, { as: office, clock: day(on) })) });
    for (const [on, at] of p.deviations ?? [])
      steps.push({ at, run: async () => ok(await gql(DEVIATION, { id: await id, on, d: 'Avvikelse' }, { as: office, clock: at })) });
    if (p.breachAt)
      steps.push({ at: p.breachAt, run: async () => ok(await gql(BREACH, { id: await id, r: 'Avbröt behandlingen' }, { as: office, clock: p.breachAt })) });
  }
  steps.push({ at: day('2061-05-25'), run: async () => (middle = await computed(day('2061-05-25'))) });
  steps.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  for (const s of steps) await s.run();
}, 120_000);

describe("probation's indicator section", () => {
  it('computes every figure as by hand, by gender, suppressing what rests on 1 to 4 people (the period alone)', async () => {
    expectSection(await computed(day('2061-07-15')), {
      // W1–W6 (W3 ended in the period, still active in it) and M1–M10 (M2 breached in the period)
      'contractCare.peopleWithActiveOrder': [count(16), count(6), count(10)],
      // women 6 of 6; men M3–M7 of M1–M10 (M1, M8, M10 late; M2, M9 never held, due date passed)
      'contractCare.evaluationsHeldByDueDate': [share(11, 16), share(6, 6), share(5, 10)],
      // W1, W2 (2 women: primary) and M1, M3, M4, M5, M6 (5 men: hidden, else 7 − 5 gives the 2 women)
      'contractCare.peopleWithDeviationReported': [count(7), hidden, hidden],
      // 3 deviations about women, 7 about men: hidden with their people
      'contractCare.deviationsReported': [count(10), hidden, hidden],
      // days 0,1,1,2,3 | 4,5,6,7,10 → 3.5; rests on the 7 people
      'contractCare.daysToReportDeviation': [median(3.5, 7), hidden, hidden],
      // M2 alone (X2's breach was before the period)
      'contractCare.peopleWithBreachRecorded': [hidden, count(0), hidden],
    });
  });

  it('publishes through the gateway only what no sub-period of March–June gives away by difference', async () => {
    expectSection(await section(day('2061-07-15')), {
      // W3's order ended on 15 April: May–June has 5 of the 6 women (and 15 of the 16 people), 6 − 5 = 1
      'contractCare.peopleWithActiveOrder': [hidden, hidden, hidden],
      // March alone has one woman due (W3, 15 March)
      'contractCare.evaluationsHeldByDueDate': [hidden, hidden, hidden],
      // each month has 1 to 4 people reported about
      'contractCare.peopleWithDeviationReported': [hidden, hidden, hidden],
      'contractCare.deviationsReported': [hidden, hidden, hidden],
      'contractCare.daysToReportDeviation': [hidden, hidden, hidden],
      // M2 alone, as before; no woman in any month
      'contractCare.peopleWithBreachRecorded': [hidden, count(0), hidden],
    });
  });

  it('leaves out due dates not yet passed: on 25 May, W6 (due 3 June) is not counted, M9 is counted as kept', () => {
    // women W1–W5 5 of 5; men M1, M2, M3, M4, M5, M6, M8, M9 with 5 kept: complement 3, hidden; total 10 of 13, hidden
    const figure = middle.find((i) => i.key === 'contractCare.evaluationsHeldByDueDate')!;
    expect(figure).toMatchObject({
      ...hidden,
      byGender: [
        { group: 'WOMEN', ...share(5, 5) },
        { group: 'MEN', ...hidden },
      ],
    });
  });

  it('a council member of another region gets nothing: the council is null through the gateway, the section FORBIDDEN from the subgraph', async () => {
    const res = await gql(SECTION, PERIOD, { as: member0180, clock: day('2061-07-15') });
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({ council: null });
    const direct = await subgraphRequest('probation', ENTITIES, { as: member0180, variables: { r: [REPORT_19] } });
    expect(direct.body.data._entities).toEqual([null]);
    expect(direct.body.errors[0]).toMatchObject({
      message: "Only council members of the council's member organisations see its indicators.",
      extensions: { code: 'FORBIDDEN' },
    });
  });

  it.each([
    ['a caseworker of a member municipality', staff('municipality:1980', 'CASEWORKER')],
    ['a probation officer (probation sits on no council)', officer],
  ])('refuses %s, through the gateway and at the subgraph', async (_who, as) => {
    const res = await gql(SECTION, PERIOD, { as });
    expect(res.errors![0]!.extensions!.code).toBe('FORBIDDEN');
    expect(res.data).toEqual({ council: null });
    const direct = await subgraphRequest('probation', ENTITIES, { as, variables: { r: [REPORT_19] } });
    expect(direct.body.data._entities).toEqual([null]);
    expect(direct.body.errors[0].extensions.code).toBe('FORBIDDEN');
  });

  it('the signed _entities answer for a member is the section the gateway gave', async () => {
    const direct = await subgraphRequest('probation', ENTITIES, {
      as: member1980,
      variables: { r: [REPORT_19] },
      headers: { 'x-hub-clock': day('2061-07-15') },
    });
    expect(direct.body.errors).toBeUndefined();
    expect(direct.body.data._entities[0].probation).toEqual(await section(day('2061-07-15')));
  });
});
