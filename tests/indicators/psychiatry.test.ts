/**
 * Psychiatry's section of the council indicators, against a hand-computed
 * fixture, asked of this file's psychiatry subgraph exactly as the gateway
 * would ask: signed `_entities` requests carrying the report's key (with the
 * council's scope). The file's databases are its own, so ward capacity and
 * every referral counted are the fixture's.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../services/shared/src/time.ts';
import { subgraphRequest, withSql, type As } from '../helpers/hub.ts';
import { personnummer } from '../helpers/people.ts';
import { caseworker1980, coordinator19, chiefPhysician19, referralInput } from '../helpers/withdrawal.ts';
import { reportRepresentation } from '../helpers/indicators.ts';

async function call(query: string, variables: Record<string, unknown>, as: As, clock: string) {
  const res = await subgraphRequest('psychiatry', query, { as, variables, headers: { 'x-hub-clock': clock } });
  expect(res.body.errors, JSON.stringify(res.body.errors)).toBeUndefined();
  return res.body.data;
}

const at = (date: string, time = '10:00') => `${date}T${time}:00+01:00`;
const councilMember: As = { org: 'municipality:1980', roles: ['COUNCIL_MEMBER'] };
const PERIOD = { from: '2035-03-01', to: '2035-04-30' };
const REPORT = reportRepresentation({
  councilId: 'council:local-1980',
  ...PERIOD,
  municipalityCodes: ['1980'],
  memberOrganisationIds: ['municipality:1980', 'psychiatry:19'],
});
const SECTION = `query($r: [_Any!]!) { _entities(representations: $r) { ... on IndicatorReport { psychiatry {
  key value numerator denominator suppressed byGender { group value numerator denominator suppressed } } } } }`;

/**
 * 12 requests from Västerås received 1–7 March 2035, 7 women (W0–W6) and 5 men (M0–M4):
 * all have AUDIT screening and a meeting 7 days after receipt; 10 need treatment (W0–W4, M0–M4),
 * decided the day after the meeting; 8 get a place (W0–W3, M0–M3) starting 10 days after the
 * decision, offered on the decision day; 5 are admitted on the start date (W0–W2, M0–M1) to a
 * ward of 20 places; the other 3 offers lapse. The report is read on 1 June 2035.
 */
async function seedFixture() {
  await withSql('psychiatry', (sql) => sql`insert into ward (id, organisation_id, name, places) values ('fixture-20', 'psychiatry:19', 'Fixture ward', 20)`);
  const people: Array<{ g: 'WOMEN' | 'MEN' }> = [...[...Array(7)].map(() => ({ g: 'WOMEN' as const })), ...[...Array(5)].map(() => ({ g: 'MEN' as const }))];
  for (let i = 0; i < 12; i++) {
    const k = i < 7 ? i : i - 7; // index within the gender
    const received = `2035-03-0${k + 1}`;
    // the assessment meeting a week after receipt, or the Friday before when that is a weekend day (the unit holds meetings on weekdays)
    const weekday = new Date(`${addDays(received, 7)}T12:00:00Z`).getUTCDay();
    const meeting = addDays(received, weekday === 6 ? 6 : weekday === 0 ? 5 : 7);
    const decided = addDays(received, 8);
    const start = addDays(decided, 10);
    const input = referralInput({ personnummer: personnummer(people[i]!.g), idempotencyKey: `psyind-${i}` });
    const { submitWithdrawalReferral: r } = await call(
      'mutation($i: WithdrawalReferralInput!) { submitWithdrawalReferral(input: $i) { id } }',
      { i: input },
      caseworker1980,
      at(received, '09:00'),
    );
    await call(
      'mutation($id: ID!, $at: DateTime!) { bookAssessmentMeeting(referralId: $id, at: $at) { id } }',
      { id: r.id, at: at(meeting) },
      coordinator19,
      at(received, '11:00'),
    );
    const needed = k < 5;
    await call(
      'mutation($id: ID!, $n: Boolean!, $s: TreatmentSetting, $why: String) { recordTreatmentDecision(referralId: $id, needed: $n, setting: $s, rationale: $why) { id } }',
      { id: r.id, n: needed, s: needed ? 'INPATIENT' : null, why: needed ? null : 'Öppenvård räcker' },
      chiefPhysician19,
      at(decided, '09:00'),
    );
    if (!needed || k === 4) continue;
    await call(
      'mutation($id: ID!, $start: Date!) { offerPlace(referralId: $id, wardId: "fixture-20", startDate: $start) { id } }',
      { id: r.id, start },
      coordinator19,
      at(decided, '10:00'),
    );
    const admitted = people[i]!.g === 'WOMEN' ? k < 3 : k < 2;
    if (admitted) await call('mutation($id: ID!) { recordAdmission(referralId: $id) { id } }', { id: r.id }, coordinator19, at(start, '09:00'));
  }
}

beforeAll(seedFixture, 120_000);

const hidden = { value: null, numerator: null, denominator: null, suppressed: true };
const cell = (group: string, value: number | null, numerator: number | null, denominator: number | null) => ({
  group,
  value,
  numerator,
  denominator,
  suppressed: false,
});

describe("psychiatry's indicator section", () => {
  it('publishes every figure as hand-computed, suppressing what rests on 1 to 4 people', async () => {
    const data = await call(SECTION, { r: [REPORT] }, councilMember, at('2035-06-01'));
    const byKey = Object.fromEntries(data._entities[0].psychiatry.map((i: { key: string }) => [i.key, i]));
    const figure = (key: string, top: object, byGender: object[]) => expect(byKey[key], key).toEqual({ key, ...top, byGender });
    figure('withdrawal.requestsReceived', { value: 12, numerator: 12, denominator: null, suppressed: false }, [
      cell('WOMEN', 7, 7, null),
      cell('MEN', 5, 5, null),
    ]);
    figure('withdrawal.assessmentWithin14Days', { value: 1, numerator: 12, denominator: 12, suppressed: false }, [
      cell('WOMEN', 1, 7, 7),
      cell('MEN', 1, 5, 5),
    ]);
    figure('withdrawal.daysToAssessment', { value: 7, numerator: null, denominator: 12, suppressed: false }, [
      cell('WOMEN', 7, null, 7),
      cell('MEN', 7, null, 5),
    ]);
    // 8 of 10 decisions got a place within 14 days: the 2 without one are a count of 2 people.
    figure('withdrawal.placeWithin14Days', hidden, [
      { group: 'WOMEN', ...hidden },
      { group: 'MEN', ...hidden },
    ]);
    // the median rests on 8 people (published), each gender's on 4 (hidden)
    figure('withdrawal.daysDecisionToPlace', { value: 10, numerator: null, denominator: 8, suppressed: false }, [
      { group: 'WOMEN', ...hidden },
      { group: 'MEN', ...hidden },
    ]);
    figure('withdrawal.placesLapsed', hidden, [
      { group: 'WOMEN', ...hidden },
      { group: 'MEN', ...hidden },
    ]);
    figure('withdrawal.newAssessmentsAfterLapse', { value: 0, numerator: 0, denominator: null, suppressed: false }, [
      cell('WOMEN', 0, 0, null),
      cell('MEN', 0, 0, null),
    ]);
    figure('withdrawal.screenedAuditOrDudit', { value: 1, numerator: 12, denominator: 12, suppressed: false }, [cell('WOMEN', 1, 7, 7), cell('MEN', 1, 5, 5)]);
    figure('withdrawal.assessedWithAsi', { value: 0, numerator: 0, denominator: 12, suppressed: false }, [cell('WOMEN', 0, 0, 7), cell('MEN', 0, 0, 5)]);
    // ward 91 (4 places, seeded) and the fixture ward (20); 5 people in them (3 women, 2 men: hidden)
    figure('wards.places', { value: 24, numerator: 24, denominator: null, suppressed: false }, []);
    figure('wards.placesInUse', { value: 5, numerator: 5, denominator: null, suppressed: false }, [
      { group: 'WOMEN', ...hidden },
      { group: 'MEN', ...hidden },
    ]);
    figure('wards.placesFree', { value: 19, numerator: 19, denominator: null, suppressed: false }, []);
    figure('wards.daysWaitingForAdmission', { value: 10, numerator: null, denominator: 5, suppressed: false }, [
      { group: 'WOMEN', ...hidden },
      { group: 'MEN', ...hidden },
    ]);
  });

  it("counts only the council's municipalities: Stockholm's council sees none of these requests", async () => {
    const stockholm = reportRepresentation({
      councilId: 'council:local-0180',
      ...PERIOD,
      municipalityCodes: ['0180'],
      memberOrganisationIds: ['municipality:0180', 'psychiatry:01'],
    });
    const data = await call(SECTION, { r: [stockholm] }, { org: 'municipality:0180', roles: ['COUNCIL_MEMBER'] }, at('2035-06-01'));
    const received = data._entities[0].psychiatry.find((i: { key: string }) => i.key === 'withdrawal.requestsReceived');
    expect(received).toMatchObject({ value: 0, numerator: 0 });
  });

  it.each<[string, As]>([
    ['a council member of another region', { org: 'municipality:0180', roles: ['COUNCIL_MEMBER'] }],
    ['a coordinator of the region', coordinator19],
  ])('refuses %s', async (_who, as) => {
    const res = await subgraphRequest('psychiatry', SECTION, { as, variables: { r: [REPORT] } });
    expect(res.body.data._entities).toEqual([null]);
    expect(res.body.errors[0].extensions.code).toBe('FORBIDDEN');
  });
});
