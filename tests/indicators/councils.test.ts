/**
 * Councils: who sits on which, agreements, and social services' section of
 * the indicators against a hand-computed fixture, dated with the clock header.
 */
import { describe, expect, it } from 'vitest';
import { gql, type As } from '../helpers/hub.ts';
import { personnummer } from '../helpers/people.ts';
import { recordConsent } from '../helpers/plans.ts';
import { register } from '../helpers/probation.ts';

const member1980: As = { org: 'municipality:1980', roles: ['COUNCIL_MEMBER'], name: 'Vera Västerås' };
const member19: As = { org: 'psychiatry:19', roles: ['COUNCIL_MEMBER'], name: 'Rune Region' };
const member0180: As = { org: 'municipality:0180', roles: ['COUNCIL_MEMBER'], name: 'Stina Stockholm' };
const caseworker1981: As = { org: 'municipality:1981', roles: ['CASEWORKER'], name: 'Sam Sala' };

const memberOf = (org: string): As => ({ org, roles: ['COUNCIL_MEMBER'] });

describe('who sits on which council', () => {
  it.each([
    [member1980, ['council:local-1980', 'council:regional-19']],
    [member19, ['council:local-1980', 'council:regional-19']],
    [memberOf('municipality:1981'), ['council:regional-19']],
    [member0180, ['council:local-0180', 'council:regional-01']],
    [memberOf('psychiatry:01'), ['council:local-0180', 'council:regional-01']],
  ])('%o sits on %o', async (as, ids) => {
    const res = await gql('{ councils { id level municipalityCodes } }', {}, { as });
    expect(res.data!.councils.map((c: { id: string }) => c.id)).toEqual(ids);
  });

  it("a council member of one region cannot read or change another region's council", async () => {
    const read = await gql('{ council(id: "council:regional-19") { id agreements { id } } }', {}, { as: member0180 });
    expect(read.data).toEqual({ council: null });
    const add = await gql(
      'mutation { addCooperationAgreement(councilId: "council:regional-19", input: { title: "x", jointGoals: ["y"], validFrom: "2026-01-01", reviewBy: "2027-01-01" }) { id } }',
      {},
      { as: member0180 },
    );
    expect(add.errors![0]!).toMatchObject({ message: 'There is no council council:regional-19 that you sit on.', extensions: { code: 'NOT_FOUND' } });
  });

  it('staff who are not council members are refused', async () => {
    const res = await gql('{ councils { id } }', {}, { as: caseworker1981 });
    expect(res.errors![0]!).toMatchObject({
      extensions: { code: 'FORBIDDEN' },
      message: "Your role (CASEWORKER) does not allow you to read a council's agreements and indicators.",
    });
  });

  it('lists the members of a regional council', async () => {
    const res = await gql(
      '{ council(id: "council:regional-19") { name level regionCode municipalityCodes memberOrganisations { id } } }',
      {},
      { as: member19 },
    );
    expect(res.data!.council).toEqual({
      name: 'Regionalt samråd Västmanland',
      level: 'REGIONAL',
      regionCode: '19',
      municipalityCodes: ['1980', '1981'],
      memberOrganisations: [{ id: 'municipality:1980' }, { id: 'municipality:1981' }, { id: 'psychiatry:19' }],
    });
  });
});

describe('cooperation agreements', () => {
  it('a member adds one; it is flagged once past its review date', async () => {
    const add = await gql(
      'mutation($i: CooperationAgreementInput!) { addCooperationAgreement(councilId: "council:local-0180", input: $i) { id title jointGoals validFrom reviewBy reviewOverdue addedBy addedByOrganisation { id } } }',
      { i: { title: 'Samverkan kring beroende 2026', jointGoals: ['Ingen ska falla mellan stolarna'], validFrom: '2026-01-01', reviewBy: '2026-12-31' } },
      { as: member0180, clock: '2026-06-01T12:00:00+02:00' },
    );
    expect(add.errors).toBeUndefined();
    expect(add.data!.addCooperationAgreement).toMatchObject({
      reviewOverdue: false,
      addedBy: 'Stina Stockholm',
      addedByOrganisation: { id: 'municipality:0180' },
    });
    const id = add.data!.addCooperationAgreement.id;
    const seen = async (clock: string) =>
      (
        await gql(
          '{ council(id: "council:local-0180") { agreements { id reviewOverdue } } }',
          {},
          { as: { org: 'psychiatry:01', roles: ['COUNCIL_MEMBER'] }, clock },
        )
      ).data!.council.agreements.find((a: { id: string }) => a.id === id);
    expect(await seen('2026-12-31T23:00:00+01:00')).toEqual({ id, reviewOverdue: false });
    expect(await seen('2027-01-01T00:30:00+01:00')).toEqual({ id, reviewOverdue: true });
  });

  it.each([
    [{ title: ' ' }, 'input.title', 'The title must not be empty.'],
    [{ jointGoals: [] }, 'input.jointGoals', 'An agreement states at least one joint goal.'],
    [{ reviewBy: '2025-01-01' }, 'input.reviewBy', 'The review date must come after the agreement starts to apply.'],
    // A value that is not a date fails as the variable the caller sent ($i), before any resolver runs.
    [
      { validFrom: '2026-02-30' },
      'i.validFrom',
      'Variable "$i" got invalid value "2026-02-30" at "i.validFrom"; "2026-02-30" is not a date; write it as YYYY-MM-DD.',
    ],
  ])('refuses %o', async (override, field, message) => {
    const res = await gql(
      'mutation($i: CooperationAgreementInput!) { addCooperationAgreement(councilId: "council:local-1980", input: $i) { id } }',
      { i: { title: 't', jointGoals: ['g'], validFrom: '2026-01-01', reviewBy: '2027-01-01', ...override } },
      { as: member1980 },
    );
    expect(res.errors![0]!.extensions).toEqual({ code: 'BAD_USER_INPUT', field, ...(field.startsWith('input.') ? { serviceName: 'municipality' } : {}) });
    expect(res.errors![0]!.message).toBe(message);
  });
});

describe('the municipality section of the indicators', () => {
  const cw: As = { org: 'municipality:1981', roles: ['CASEWORKER'], name: 'Sam Sala' };
  const INDICATORS = `query($from: Date!, $to: Date!) { council(id: "council:regional-19") { indicators(from: $from, to: $to) { from to municipalityCodes
    municipality { key value numerator denominator suppressed byGender { group value numerator denominator suppressed } } } } }`;

  const probation: As = { org: 'probation:vasteras', roles: ['PROBATION_OFFICER'], name: 'Petra Frivård' };

  /** The court order a contract-care plan belongs to: social services must be a partner to see it, and so to link a plan to it. */
  async function orderFor(pnr: string, clock: string): Promise<string> {
    const { order } = await register(
      probation,
      { personnummer: pnr, courtDecisionOn: '2033-01-10', endsOn: '2034-01-10', partnerOrganisationIds: ['municipality:1981', 'psychiatry:19'] },
      clock,
    );
    return order.id as string;
  }

  async function planFor(gender: 'WOMEN' | 'MEN', clock: string, sign: boolean, kind: 'SIP' | 'CONTRACT_CARE' = 'SIP') {
    const pnr = personnummer(gender);
    const orgs = kind === 'SIP' ? ['municipality:1981', 'psychiatry:19'] : ['municipality:1981', 'psychiatry:19', 'probation:vasteras'];
    const consent = await recordConsent(cw, pnr, orgs, undefined, clock);
    const res = await gql(
      'mutation($i: JointCarePlanInput!) { createJointCarePlan(input: $i) { id } }',
      {
        i: {
          kind,
          personnummer: pnr,
          consentId: consent.id,
          goals: ['g'],
          participants: [{ role: 'individual', name: 'Klienten' }, ...orgs.map((organisationId) => ({ organisationId, role: 'staff', name: organisationId }))],
          followUpOn: '2033-04-15',
          ...(kind === 'CONTRACT_CARE' ? { contractCareOrderId: await orderFor(pnr, clock) } : {}),
        },
      },
      { as: cw, clock },
    );
    expect(res.errors).toBeUndefined();
    const id = res.data!.createJointCarePlan.id;
    if (sign) await gql('mutation($id: ID!) { signJointCarePlan(id: $id, version: 1, signedBy: "N N", asIndividual: true) { id } }', { id }, { as: cw, clock });
    if (kind === 'CONTRACT_CARE') {
      const signed = await gql(
        'mutation($id: ID!) { signJointCarePlan(id: $id, version: 1, signedBy: "Petra Frivård", asIndividual: false) { id } }',
        { id },
        { as: probation, clock },
      );
      expect(signed.errors).toBeUndefined();
    }
    return id;
  }

  it('counts plans, signatures, follow-ups and probation planning by gender, suppressing what rests on 1 to 4 people', async () => {
    // March 2033, for Sala (in the regional council of Västmanland):
    //  SIPs: 6 women (5 signed by the individual), 7 men (all signed);
    //  contract-care plans: 5 men, signed by the probation service, not (yet) by the individual.
    //  All 18 are due for follow-up on 15 April; the first 8 (the 6 women, 2 men) were followed up on 10 April.
    const clock = (d: number) => `2033-03-${String(d).padStart(2, '0')}T10:00:00+01:00`;
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push(await planFor('WOMEN', clock(i + 1), i < 5));
    for (let i = 0; i < 7; i++) ids.push(await planFor('MEN', clock(i + 10), true));
    for (let i = 0; i < 5; i++) ids.push(await planFor('MEN', clock(i + 20), false, 'CONTRACT_CARE'));
    for (const id of ids.slice(0, 8)) {
      const fu = await gql(
        'mutation($id: ID!) { recordCarePlanFollowUp(planId: $id, heldOn: "2033-04-10", summary: "ok") { id } }',
        { id },
        { as: cw, clock: '2033-04-10T12:00:00+02:00' },
      );
      expect(fu.errors).toBeUndefined();
    }
    const res = await gql(INDICATORS, { from: '2033-03-01', to: '2033-04-30' }, { as: member1980, clock: '2033-05-01T12:00:00+02:00' });
    expect(res.errors).toBeUndefined();
    const report = res.data!.council.indicators;
    expect([report.from, report.to, report.municipalityCodes]).toEqual(['2033-03-01', '2033-04-30', ['1980', '1981']]);
    const byKey = Object.fromEntries(report.municipality.map((i: { key: string }) => [i.key, i]));
    const hidden = { value: null, numerator: null, denominator: null, suppressed: true };
    const both = [
      { group: 'WOMEN', ...hidden },
      { group: 'MEN', ...hidden },
    ];
    const cell = (group: string, value: number | null, numerator: number, denominator: number | null) => ({
      group,
      value,
      numerator,
      denominator,
      suppressed: false,
    });
    // 18 plans: 6 women, 12 men
    expect(byKey['plans.drawnUp']).toEqual({
      key: 'plans.drawnUp',
      value: 18,
      numerator: 18,
      denominator: null,
      suppressed: false,
      byGender: [cell('WOMEN', 6, 6, null), cell('MEN', 12, 12, null)],
    });
    // 12 of 18 signed by the individual (6 did not: published); women 5 of 6 (1 did not: hidden),
    // so the men's 7 of 12 would reveal it from the total: hidden too.
    expect(byKey['plans.signedByIndividual']).toEqual({
      key: 'plans.signedByIndividual',
      value: 0.667,
      numerator: 12,
      denominator: 18,
      suppressed: false,
      byGender: both,
    });
    // 8 of 18 followed up in time; men 2 of 12 (hidden), so women's 6 of 6 is hidden too.
    expect(byKey['plans.followedUpInTime']).toEqual({
      key: 'plans.followedUpInTime',
      value: 0.444,
      numerator: 8,
      denominator: 18,
      suppressed: false,
      byGender: both,
    });
    // 5 contract-care plans, all signed by the probation service; no women (zero is published).
    expect(byKey['contractCare.probationTookPartInPlanning']).toEqual({
      key: 'contractCare.probationTookPartInPlanning',
      value: 1,
      numerator: 5,
      denominator: 5,
      suppressed: false,
      byGender: [cell('WOMEN', null, 0, 0), cell('MEN', 1, 5, 5)],
    });
  });

  it("reports the councils' agreements at the period's end: past review, current, superseded", async () => {
    const clock = '2033-05-01T12:00:00+02:00';
    const add = (councilId: string, validFrom: string, reviewBy: string) =>
      gql(
        'mutation($c: ID!, $i: CooperationAgreementInput!) { addCooperationAgreement(councilId: $c, input: $i) { id } }',
        { c: councilId, i: { title: `Överenskommelse ${validFrom}`, jointGoals: ['Gemensamt mål'], validFrom, reviewBy } },
        { as: member1980, clock },
      );
    const figures = async () => {
      const res = await gql(INDICATORS, { from: '2033-03-01', to: '2033-04-30' }, { as: member1980, clock });
      const byKey = Object.fromEntries(res.data!.council.indicators.municipality.map((i: { key: string }) => [i.key, i]));
      return [byKey['agreements.localCouncilsWithCurrentAgreement'], byKey['agreements.pastReviewDate']];
    };
    // The regional council of Västmanland covers one local council (Västerås) and itself.
    expect((await add('council:local-1980', '2033-01-01', '2033-03-15')).errors).toBeUndefined();
    expect((await add('council:regional-19', '2033-02-01', '2034-02-01')).errors).toBeUndefined();
    expect(await figures()).toEqual([
      { key: 'agreements.localCouncilsWithCurrentAgreement', value: 0, numerator: 0, denominator: 1, suppressed: false, byGender: [] },
      { key: 'agreements.pastReviewDate', value: 1, numerator: 1, denominator: null, suppressed: false, byGender: [] },
    ]);
    // A newer agreement for Västerås supersedes the one past review.
    expect((await add('council:local-1980', '2033-04-01', '2034-04-01')).errors).toBeUndefined();
    expect(await figures()).toEqual([
      { key: 'agreements.localCouncilsWithCurrentAgreement', value: 1, numerator: 1, denominator: 1, suppressed: false, byGender: [] },
      { key: 'agreements.pastReviewDate', value: 0, numerator: 0, denominator: null, suppressed: false, byGender: [] },
    ]);
  });

  it.each([
    [
      { from: '2033-03-02', to: '2033-03-31' },
      'from',
      'Indicators are given for whole calendar months: from must be the first day of a month (2033-03-01), not 2033-03-02.',
    ],
    [
      { from: '2033-03-01', to: '2033-03-30' },
      'to',
      'Indicators are given for whole calendar months: to must be the last day of a month (2033-03-31), not 2033-03-30.',
    ],
    [{ from: '2033-01-01', to: '2036-01-31' }, 'to', 'A period may be at most three years (36 calendar months).'],
  ])('refuses %o: indicators only for whole calendar months, at most 36', async (period, field, message) => {
    const res = await gql(INDICATORS, period, { as: member1980 });
    // nothing is computed: the council comes back null with the refusal
    expect(res.data).toEqual({ council: null });
    expect(res.errors![0]!).toMatchObject({ message, extensions: { code: 'BAD_USER_INPUT', field } });
  });

  it('refuses a period that ends before it starts, naming the field', async () => {
    const res = await gql(INDICATORS, { from: '2033-03-01', to: '2033-02-01' }, { as: member1980 });
    expect(res.errors![0]!).toMatchObject({
      message: 'The period must end on or after the day it starts.',
      extensions: { code: 'BAD_USER_INPUT', field: 'to' },
    });
  });
});
