/**
 * The indicator counts kept on write (README "Indicators: periods and differencing"): psychiatry's
 * withdrawal_indicator_month and social services' care_plan_indicator_month are kept by triggers in
 * the transaction that changes a record, so a figure follows every change of a record's status.
 * Each test moves its own records through their stages with the mutations and reads the council's
 * figures through the gateway after each step, with exact values (5 women and 5 men, so that every
 * cell is 0 or at least 5 and nothing is suppressed).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { gql, withSql, type As } from '../helpers/hub.ts';
import { personnummer } from '../helpers/people.ts';
import { recordConsent } from '../helpers/plans.ts';
import { caseworker1980, chiefPhysician19, coordinator19, referralInput } from '../helpers/withdrawal.ts';

const member1980: As = { org: 'municipality:1980', roles: ['COUNCIL_MEMBER'], name: 'Vera Västerås' };
const GENDERS = ['WOMEN', 'MEN'] as const;
type Figure = { key: string; value: number | null; numerator: number | null; denominator: number | null; suppressed: boolean; byGender: unknown[] };

async function section(name: 'psychiatry' | 'municipality', period: { from: string; to: string }, clock: string): Promise<Record<string, Figure>> {
  const res = await gql(
    `query($from: Date!, $to: Date!) { council(id: "council:local-1980") { indicators(from: $from, to: $to) {
      ${name} { key value numerator denominator suppressed byGender { group value numerator denominator suppressed } } } } }`,
    period,
    { as: member1980, clock },
  );
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  return Object.fromEntries((res.data!.council.indicators[name] as Figure[]).map((f) => [f.key, f]));
}

/** A published figure: total [value, numerator, denominator], then women's and men's. */
const figure = (
  key: string,
  total: [number | null, number | null, number | null],
  women: [number | null, number | null, number | null],
  men: [number | null, number | null, number | null],
) => {
  const cell = ([value, numerator, denominator]: [number | null, number | null, number | null]) => ({ value, numerator, denominator, suppressed: false });
  return {
    key,
    ...cell(total),
    byGender: [
      { group: 'WOMEN', ...cell(women) },
      { group: 'MEN', ...cell(men) },
    ],
  };
};
const pick = (s: Record<string, Figure>, keys: string[]) => keys.map((k) => s[k]);

describe("psychiatry's counts follow a referral through its stages", () => {
  const MARCH = { from: '2037-03-01', to: '2037-03-31' };
  const MAY = { from: '2037-05-01', to: '2037-05-31' };
  const at = (date: string, time: string) => `${date}T${time}:00+01:00`;
  const ids: Record<(typeof GENDERS)[number], string[]> = { WOMEN: [], MEN: [] };
  const call = async (query: string, variables: Record<string, unknown>, as: As, clock: string) => {
    const res = await gql(query, variables, { as, clock });
    expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
    return res.data!;
  };
  const every = async (fn: (id: string, g: (typeof GENDERS)[number]) => Promise<unknown>, only?: (typeof GENDERS)[number]) => {
    for (const g of GENDERS) if (!only || only === g) for (const id of ids[g]) await fn(id, g);
  };
  const KEYS = [
    'withdrawal.requestsReceived',
    'withdrawal.assessmentWithin14Days',
    'withdrawal.daysToAssessment',
    'withdrawal.placeWithin14Days',
    'withdrawal.placesLapsed',
    'withdrawal.newAssessmentsAfterLapse',
    'withdrawal.screenedAuditOrDudit',
    'wards.placesInUse',
  ];

  beforeAll(async () => {
    await withSql('psychiatry', (sql) => sql`insert into ward (id, organisation_id, name, places) values ('kept-20', 'psychiatry:19', 'Kept ward', 20)`);
    // 5 women and 5 men from Västerås, received on Monday 2 March 2037 (assessment due by the 16th), AUDIT screened
    for (const g of GENDERS)
      for (let i = 0; i < 5; i++) {
        const input = referralInput({ personnummer: personnummer(g), idempotencyKey: `kept-${g}-${i}` });
        const data = await call(
          'mutation($i: WithdrawalReferralInput!) { submitWithdrawalReferral(input: $i) { id } }',
          { i: input },
          caseworker1980,
          at('2037-03-02', '09:00'),
        );
        ids[g].push(data.submitWithdrawalReferral.id);
      }
  }, 120_000);

  it('counts a request when it arrives, its assessment once due or booked, its place once offered, its lapse once past and no more once refused', async () => {
    const received = figure('withdrawal.requestsReceived', [10, 10, null], [5, 5, null], [5, 5, null]);
    const screened = figure('withdrawal.screenedAuditOrDudit', [1, 10, 10], [1, 5, 5], [1, 5, 5]);
    const none = (key: string) => figure(key, [null, 0, 0], [null, 0, 0], [null, 0, 0]);
    const noMedian = figure('withdrawal.daysToAssessment', [null, null, 0], [null, null, 0], [null, null, 0]);
    const notYet = figure('withdrawal.newAssessmentsAfterLapse', [0, 0, null], [0, 0, null], [0, 0, null]);
    const inUse = (w: number) => figure('wards.placesInUse', [w, w, null], [w, w, null], [0, 0, null]);

    // on the 5th: received; no assessment is due yet (due by the 16th), none booked
    expect(pick(await section('psychiatry', MARCH, at('2037-03-05', '12:00')), KEYS)).toEqual([
      received,
      none('withdrawal.assessmentWithin14Days'),
      noMedian,
      none('withdrawal.placeWithin14Days'),
      none('withdrawal.placesLapsed'),
      notYet,
      screened,
      inUse(0),
    ]);
    // on the 20th with none booked: all 10 due dates passed unmet
    expect(pick(await section('psychiatry', MARCH, at('2037-03-20', '12:00')), KEYS)[1]).toEqual(
      figure('withdrawal.assessmentWithin14Days', [0, 0, 10], [0, 0, 5], [0, 0, 5]),
    );

    // meetings on Monday the 9th (7 days), booked on the 3rd; treatment needed, decided on the 10th; a place
    // offered that day from Friday the 20th (due by the 24th); the women admitted on the 20th
    await every((id) =>
      call(
        'mutation($id: ID!, $at: DateTime!) { bookAssessmentMeeting(referralId: $id, at: $at) { id } }',
        { id, at: at('2037-03-09', '10:00') },
        coordinator19,
        at('2037-03-03', '11:00'),
      ),
    );
    await every((id) =>
      call(
        'mutation($id: ID!) { recordTreatmentDecision(referralId: $id, needed: true, setting: INPATIENT) { id } }',
        { id },
        chiefPhysician19,
        at('2037-03-10', '09:00'),
      ),
    );
    await every((id) =>
      call(
        'mutation($id: ID!) { offerPlace(referralId: $id, wardId: "kept-20", startDate: "2037-03-20") { id } }',
        { id },
        coordinator19,
        at('2037-03-10', '10:00'),
      ),
    );
    await every((id) => call('mutation($id: ID!) { recordAdmission(referralId: $id) { id } }', { id }, coordinator19, at('2037-03-20', '09:00')), 'WOMEN');

    // on the 25th: every meeting in time (7 days), every place within 14 days; the women's 5 offers settled
    // (admitted, none lapsed), the men's not yet lapsed; the 5 women in their places
    expect(pick(await section('psychiatry', MARCH, at('2037-03-25', '12:00')), KEYS)).toEqual([
      received,
      figure('withdrawal.assessmentWithin14Days', [1, 10, 10], [1, 5, 5], [1, 5, 5]),
      figure('withdrawal.daysToAssessment', [7, null, 10], [7, null, 5], [7, null, 5]),
      figure('withdrawal.placeWithin14Days', [1, 10, 10], [1, 5, 5], [1, 5, 5]),
      figure('withdrawal.placesLapsed', [0, 0, 5], [0, 0, 5], [null, 0, 0]),
      notYet,
      screened,
      inUse(5),
    ]);
    // on 1 June: the men's places lapsed (not used within 4 weeks of the 20th)
    const lapsed = figure('withdrawal.placesLapsed', [0.5, 5, 10], [0, 0, 5], [1, 5, 5]);
    expect(pick(await section('psychiatry', MARCH, at('2037-06-01', '12:00')), KEYS)[4]).toEqual(lapsed);

    // the ward records that it refused the men's admissions on the 20th: a refused admission never lapses, so their
    // offers are no longer lapsed (nor settled)
    await every(
      (id) =>
        call('mutation($id: ID!) { recordRefusedAdmission(referralId: $id, reason: "Ingen säng") { id } }', { id }, coordinator19, at('2037-03-20', '11:00')),
      'MEN',
    );
    const refused = figure('withdrawal.placesLapsed', [0, 0, 5], [0, 0, 5], [null, 0, 0]);
    expect(pick(await section('psychiatry', MARCH, at('2037-06-01', '12:00')), KEYS)[4]).toEqual(refused);

    // new assessments for the men on 4 May: their cycles move to earlier_cycles, and count in March as before
    await every((id) => call('mutation($id: ID!) { requestNewAssessment(referralId: $id) { id } }', { id }, coordinator19, at('2037-05-04', '09:00')), 'MEN');
    const march = pick(await section('psychiatry', MARCH, at('2037-06-01', '12:00')), KEYS);
    expect(march.slice(0, 7)).toEqual([
      received,
      figure('withdrawal.assessmentWithin14Days', [1, 10, 10], [1, 5, 5], [1, 5, 5]),
      figure('withdrawal.daysToAssessment', [7, null, 10], [7, null, 5], [7, null, 5]),
      figure('withdrawal.placeWithin14Days', [1, 10, 10], [1, 5, 5], [1, 5, 5]),
      refused,
      notYet,
      screened,
    ]);
    // in May: the men's new cycles (no new request), not yet due for assessment on 6 May
    expect(pick(await section('psychiatry', MAY, at('2037-05-06', '12:00')), KEYS).slice(0, 6)).toEqual([
      figure('withdrawal.requestsReceived', [0, 0, null], [0, 0, null], [0, 0, null]),
      none('withdrawal.assessmentWithin14Days'),
      noMedian,
      none('withdrawal.placeWithin14Days'),
      none('withdrawal.placesLapsed'),
      figure('withdrawal.newAssessmentsAfterLapse', [5, 5, null], [0, 0, null], [5, 5, null]),
    ]);
  }, 180_000);
});

describe("social services' counts follow a plan's versions, signatures and follow-ups", () => {
  const cw: As = { org: 'municipality:1980', roles: ['CASEWORKER'], name: 'Anna Svensson' };
  const PERIOD = { from: '2038-03-01', to: '2038-04-30' };
  const clock = (d: string) => `${d}T10:00:00+01:00`;
  const KEYS = ['plans.drawnUp', 'plans.signedByIndividual', 'plans.followedUpInTime'];

  it('recounts a plan when the individual signs, when a new version needs signing again, and when it is followed up', async () => {
    const orgs = ['municipality:1980', 'psychiatry:19'];
    const plans: Array<{ id: string; g: (typeof GENDERS)[number] }> = [];
    for (const g of GENDERS)
      for (let i = 0; i < 5; i++) {
        const pnr = personnummer(g);
        const consent = await recordConsent(cw, pnr, orgs, undefined, clock('2038-03-02'));
        const res = await gql(
          'mutation($i: JointCarePlanInput!) { createJointCarePlan(input: $i) { id } }',
          {
            i: {
              kind: 'SIP',
              personnummer: pnr,
              consentId: consent.id,
              goals: ['g'],
              participants: [
                { role: 'individual', name: 'Klienten' },
                ...orgs.map((organisationId) => ({ organisationId, role: 'staff', name: organisationId })),
              ],
              followUpOn: '2038-04-15',
            },
          },
          { as: cw, clock: clock('2038-03-02') },
        );
        expect(res.errors).toBeUndefined();
        plans.push({ id: res.data!.createJointCarePlan.id, g });
      }
    const read = async (on: string) => pick(await section('municipality', PERIOD, clock(on)), KEYS);
    const drawnUp = figure('plans.drawnUp', [10, 10, null], [5, 5, null], [5, 5, null]);

    // drawn up, none signed; the follow-up day (15 April) not yet come
    expect(await read('2038-03-20')).toEqual([
      drawnUp,
      figure('plans.signedByIndividual', [0, 0, 10], [0, 0, 5], [0, 0, 5]),
      figure('plans.followedUpInTime', [null, 0, 0], [null, 0, 0], [null, 0, 0]),
    ]);
    // every individual signs version 1
    for (const p of plans) {
      const signed = await gql(
        'mutation($id: ID!) { signJointCarePlan(id: $id, version: 1, signedBy: "N N", asIndividual: true) { id } }',
        { id: p.id },
        { as: cw, clock: clock('2038-03-05') },
      );
      expect(signed.errors).toBeUndefined();
    }
    expect((await read('2038-03-20'))[1]).toEqual(figure('plans.signedByIndividual', [1, 10, 10], [1, 5, 5], [1, 5, 5]));
    // the men's plans get a new version (new goals): the individual has not signed the current one
    for (const p of plans.filter((x) => x.g === 'MEN')) {
      const updated = await gql(
        'mutation($id: ID!) { updateJointCarePlan(id: $id, expectedVersion: 1, goals: ["g2"]) { id } }',
        { id: p.id },
        { as: cw, clock: clock('2038-03-10') },
      );
      expect(updated.errors).toBeUndefined();
    }
    expect((await read('2038-03-20'))[1]).toEqual(figure('plans.signedByIndividual', [0.5, 5, 10], [1, 5, 5], [0, 0, 5]));
    // the women's plans followed up on 10 April; on 1 May all 10 are past their follow-up day
    for (const p of plans.filter((x) => x.g === 'WOMEN')) {
      const fu = await gql(
        'mutation($id: ID!) { recordCarePlanFollowUp(planId: $id, heldOn: "2038-04-10", summary: "ok") { id } }',
        { id: p.id },
        { as: cw, clock: '2038-04-10T12:00:00+02:00' },
      );
      expect(fu.errors).toBeUndefined();
    }
    expect(await read('2038-05-01')).toEqual([
      drawnUp,
      figure('plans.signedByIndividual', [0.5, 5, 10], [1, 5, 5], [0, 0, 5]),
      figure('plans.followedUpInTime', [0.5, 5, 10], [1, 5, 5], [0, 0, 5]),
    ]);
  }, 180_000);
});
