/**
 * Notifications and live updates of social services (joint care plans, consents) and the probation
 * service (contract-care orders) through the gateway, over SSE and WebSocket: each kind reaches
 * exactly its recipients, in order; the sweep's kinds (FOLLOW_UP_DUE, EVALUATION_DUE) once at the
 * clock header; SHARING_STOPPED stays visible to the organisations that lost the plan (its record
 * is the revoked consent) while their earlier plan notifications are gone with the plan; a caller
 * of another organisation gets nothing. Who sees which notification, role × organisation.
 */
import { describe, expect, it } from 'vitest';
import { gql, ok, tokenFor, type As } from '../helpers/hub.ts';
import { listQuery, markMutation, newestId, subscribe, sweepMutation, type Delivered, type LiveSubgraph, type Transport } from '../helpers/live.ts';
import { caseworkerSthlm, clinicStaff, contractCarePlan, recordConsent } from '../helpers/plans.ts';
import { DEVIATION, register, staff } from '../helpers/probation.ts';

const C1 = '2026-03-01T10:00:00+01:00';
const UPDATE = `mutation($id: ID!, $v: Int!, $g: [String!]) { updateJointCarePlan(id: $id, expectedVersion: $v, goals: $g) { version } }`;
const SEND_PLAN = `mutation($id: ID!, $text: String!) { sendPlanMessage(planId: $id, text: $text) { id } }`;
const REVOKE = `mutation($id: ID!) { revokeConsent(id: $id) { active } }`;
const SEND_ORDER = `mutation($id: ID!, $text: String!) { sendOrderMessage(orderId: $id, text: $text) { id } }`;

const officerSthlm: As = { org: 'probation:stockholm', roles: ['PROBATION_OFFICER'], sub: 'petra-live', name: 'Petra Frivård' };

/** The kinds of the notifications about these records, oldest first. */
const about = (ids: string[]) => (values: Delivered[]) => values.filter((v) => ids.includes(v.recordId)).map((v) => v.kind);

async function kindsListed(subgraph: LiveSubgraph, as: As, ids: string[]): Promise<string[]> {
  const page = ok(await gql(listQuery(subgraph), { first: 200 }, { as })).notifications[subgraph] as { nodes: Delivered[] };
  return about(ids)([...page.nodes].reverse());
}

/** Waits (at most 10 s) until the subscription holds what `enough` asks, without stopping it. */
async function waitFor(values: Delivered[], enough: (v: Delivered[]) => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!enough(values) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
}

/** A contract-care plan drawn up by Stockholm's social services with the clinic and the probation office, at C1; follow-up on 1 April. */
async function contractCare() {
  const { input, order } = await register(
    officerSthlm,
    { courtDecisionOn: '2026-01-10', endsOn: '2026-12-31', partnerOrganisationIds: ['municipality:0180', 'clinic:0180-sodermalm'] },
    C1,
  );
  const consent = await recordConsent(
    caseworkerSthlm,
    input.personnummer,
    ['municipality:0180', 'clinic:0180-sodermalm', 'probation:stockholm'],
    undefined,
    C1,
  );
  const plan = ok(
    await gql(
      `mutation($i: JointCarePlanInput!) { createJointCarePlan(input: $i) { id } }`,
      {
        i: {
          ...contractCarePlan(
            { personnummer: input.personnummer, consentId: consent.id, orderId: order.id as string },
            ['Drogfrihet'],
            'Klient Klientsson',
            ['municipality:0180', 'caseworker', 'Cecilia Handläggare'],
            ['clinic:0180-sodermalm', 'care provider', 'Lina Mottagning'],
            ['probation:stockholm', 'probation officer', 'Petra Frivård'],
          ),
          followUpOn: '2026-04-01',
        },
      },
      { as: caseworkerSthlm, clock: C1 },
    ),
  ).createJointCarePlan as { id: string };
  return { planId: plan.id, consentId: consent.id, personId: consent.person.id };
}

const SWEEP_M = sweepMutation('municipality');
const SWEEP_P = sweepMutation('probation');

describe.each<Transport>(['SSE', 'WebSocket'])('social services over %s', (transport) => {
  it('added, sign, new version, message, follow-up due (once), sharing stopped: each to its recipients, in order; another organisation nothing', async () => {
    const outsider: As = { org: 'municipality:1980', roles: ['CASEWORKER'], sub: 'cw-vasteras-live' };
    const parties = [caseworkerSthlm, clinicStaff, officerSthlm, outsider];
    const tokens = await Promise.all(parties.map((p) => tokenFor(p)));
    const afters = await Promise.all(parties.map((p) => newestId(p, 'municipality')));
    const live = parties.map((_, i) => subscribe(transport, tokens[i]!, afters[i]!, undefined, 'municipality'));
    const [owner, clinic, office, other] = live;

    const { planId, consentId, personId } = await contractCare();
    const ids = [planId, consentId];
    ok(await gql(UPDATE, { id: planId, v: 1, g: ['Drogfrihet', 'Arbete'] }, { as: caseworkerSthlm, clock: C1 }));
    ok(await gql(SEND_PLAN, { id: planId, text: 'Möte på tisdag?' }, { as: clinicStaff, clock: C1 }));
    expect(ok(await gql(SWEEP_M, { p: personId }, { as: caseworkerSthlm, clock: '2026-03-31T10:00:00+02:00' })).runMunicipalityDeadlineSweep.told).toBe(0);
    expect(ok(await gql(SWEEP_M, { p: personId }, { as: caseworkerSthlm, clock: '2026-04-01T07:00:00+02:00' })).runMunicipalityDeadlineSweep.told).toBe(1);
    expect(ok(await gql(SWEEP_M, { p: personId }, { as: caseworkerSthlm, clock: '2026-04-08T07:00:00+02:00' })).runMunicipalityDeadlineSweep.told).toBe(0);
    // delivered before the revocation, while the plan is still theirs to see
    await waitFor(clinic!.values, (v) => about(ids)(v).includes('FOLLOW_UP_DUE'));
    await waitFor(office!.values, (v) => about(ids)(v).includes('FOLLOW_UP_DUE'));
    ok(await gql(REVOKE, { id: consentId }, { as: caseworkerSthlm }));

    const [ownerSaw, clinicSaw, officeSaw] = await Promise.all([
      owner!.until((v) => about(ids)(v).includes('FOLLOW_UP_DUE')),
      clinic!.until((v) => about(ids)(v).includes('SHARING_STOPPED')),
      office!.until((v) => about(ids)(v).includes('SHARING_STOPPED')),
    ]);
    const otherSaw = await other!.until(() => true);
    expect(about(ids)(ownerSaw)).toEqual(['PLAN_MESSAGE', 'FOLLOW_UP_DUE']);
    expect(about(ids)(clinicSaw)).toEqual(['ADDED_TO_PLAN', 'SIGN_PLAN', 'NEW_VERSION_TO_SIGN', 'FOLLOW_UP_DUE', 'SHARING_STOPPED']);
    expect(about(ids)(officeSaw)).toEqual(['ADDED_TO_PLAN', 'SIGN_PLAN', 'NEW_VERSION_TO_SIGN', 'PLAN_MESSAGE', 'FOLLOW_UP_DUE', 'SHARING_STOPPED']);
    expect(about(ids)(otherSaw)).toEqual([]);
    expect(clinicSaw.filter((v) => ids.includes(v.recordId)).map((v) => [v.recordKind, v.recordId])).toEqual([
      ['JointCarePlan', planId],
      ['JointCarePlan', planId],
      ['JointCarePlan', planId],
      ['JointCarePlan', planId],
      ['Consent', consentId],
    ]);
    const seqs = officeSaw.filter((v) => ids.includes(v.recordId)).map((v) => Number(/^municipality:(\d+)$/.exec(v.id)![1]));
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  });
});

describe('social services: who sees which notification (role × organisation), before and after the revocation', () => {
  it('each kind reaches its recipients only; after the revocation those who lost the plan see only SHARING_STOPPED', async () => {
    const { planId, consentId, personId } = await contractCare();
    const ids = [planId, consentId];
    ok(await gql(UPDATE, { id: planId, v: 1, g: ['Drogfrihet', 'Arbete'] }, { as: caseworkerSthlm, clock: C1 }));
    ok(await gql(SEND_PLAN, { id: planId, text: 'Möte på tisdag?' }, { as: clinicStaff, clock: C1 }));
    // three sweeps at once (as three replicas would): the follow-up is told once in all
    const swept = await Promise.all(
      [1, 2, 3].map(
        async () =>
          ok(await gql(SWEEP_M, { p: personId }, { as: caseworkerSthlm, clock: '2026-04-01T07:00:00+02:00' })).runMunicipalityDeadlineSweep.told as number,
      ),
    );
    expect(swept.reduce((a, b) => a + b, 0)).toBe(1);
    const table: Array<[string, As, string[], string[]]> = [
      ['social services, the owner (caseworker)', caseworkerSthlm, ['PLAN_MESSAGE', 'FOLLOW_UP_DUE'], ['PLAN_MESSAGE', 'FOLLOW_UP_DUE']],
      ['the clinic taking part', clinicStaff, ['ADDED_TO_PLAN', 'SIGN_PLAN', 'NEW_VERSION_TO_SIGN', 'FOLLOW_UP_DUE'], ['SHARING_STOPPED']],
      [
        'the probation office taking part',
        officerSthlm,
        ['ADDED_TO_PLAN', 'SIGN_PLAN', 'NEW_VERSION_TO_SIGN', 'PLAN_MESSAGE', 'FOLLOW_UP_DUE'],
        ['SHARING_STOPPED'],
      ],
      ['a log reviewer of the owner', { org: 'municipality:0180', roles: ['LOG_REVIEWER'], sub: 'lr-live' }, [], []],
      ['another municipality', { org: 'municipality:1980', roles: ['CASEWORKER'], sub: 'cw-v-live' }, [], []],
      ['another probation office', { org: 'probation:vasteras', roles: ['PROBATION_OFFICER'], sub: 'po-v-live' }, [], []],
      ['a clinic not taking part', { org: 'clinic:0180-kista', roles: ['CLINIC_STAFF'], sub: 'cs-k-live' }, [], []],
      ['a psychiatry coordinator', { org: 'psychiatry:01', roles: ['COORDINATOR'], sub: 'co-01-live' }, [], []],
    ];
    const before = await Promise.all(table.map(async ([who, as]) => [who, await kindsListed('municipality', as, ids)] as const));
    expect(before).toEqual(table.map(([who, , kinds]) => [who, kinds]));
    ok(await gql(REVOKE, { id: consentId }, { as: clinicStaff }));
    const after = await Promise.all(table.map(async ([who, as]) => [who, await kindsListed('municipality', as, ids)] as const));
    expect(after).toEqual(table.map(([who, , , kinds]) => [who, kinds]));
    // the clinic marks its SHARING_STOPPED read; the plan notifications it can no longer see are left alone
    const mark = markMutation('municipality');
    expect(ok(await gql(mark, {}, { as: clinicStaff })).markMunicipalityNotificationsRead.marked).toBeGreaterThanOrEqual(1);
    const unread = ok(await gql(listQuery('municipality'), { unread: true, first: 200 }, { as: clinicStaff })).notifications.municipality as {
      nodes: Delivered[];
    };
    expect(about(ids)(unread.nodes)).toEqual([]);
  });
});

describe.each<Transport>(['SSE', 'WebSocket'])('probation over %s', (transport) => {
  it('a partner’s deviation and a message reach the office and the other parties, the evaluation due once; another office nothing', async () => {
    const officer = staff('probation:vasteras', 'PROBATION_OFFICER');
    const caseworker = staff('municipality:1980', 'CASEWORKER');
    const coordinator = staff('psychiatry:19', 'COORDINATOR');
    const otherOffice = staff('probation:stockholm', 'PROBATION_OFFICER');
    const parties = [officer, caseworker, coordinator, otherOffice];
    const tokens = await Promise.all(parties.map((p) => tokenFor(p)));
    const afters = await Promise.all(parties.map((p) => newestId(p, 'probation')));
    const live = parties.map((_, i) => subscribe(transport, tokens[i]!, afters[i]!, undefined, 'probation'));
    const [office, social, care, other] = live;

    const { order } = await register(officer, { courtDecisionOn: '2026-01-10', endsOn: '2026-12-31' }, C1);
    const id = order.id as string;
    const personId = order.person.id as string;
    const clock = '2026-03-10T10:00:00+01:00';
    ok(await gql(DEVIATION, { id, on: '2026-03-09', d: 'Uteblev från behandling.' }, { as: caseworker, clock }));
    ok(await gql(SEND_ORDER, { id, text: 'Utvärdering 10 april.' }, { as: caseworker, clock }));
    // the office's own deviation is no news to it
    ok(await gql(DEVIATION, { id, on: '2026-03-09', d: 'Sen till möte.' }, { as: officer, clock }));
    // the evaluation is due 90 days after the court decision: told on 10 April, once
    expect(ok(await gql(SWEEP_P, { p: personId }, { as: officer, clock: '2026-04-09T10:00:00+02:00' })).runProbationDeadlineSweep.told).toBe(0);
    expect(ok(await gql(SWEEP_P, { p: personId }, { as: officer, clock: '2026-04-10T07:00:00+02:00' })).runProbationDeadlineSweep.told).toBe(1);
    expect(ok(await gql(SWEEP_P, { p: personId }, { as: officer, clock: '2026-04-20T07:00:00+02:00' })).runProbationDeadlineSweep.told).toBe(0);

    const [officeSaw, careSaw] = await Promise.all([
      office!.until((v) => about([id])(v).includes('EVALUATION_DUE')),
      care!.until((v) => about([id])(v).includes('ORDER_MESSAGE')),
    ]);
    const socialSaw = await social!.until(() => true);
    const otherSaw = await other!.until(() => true);
    expect(about([id])(officeSaw)).toEqual(['DEVIATION_REPORTED', 'ORDER_MESSAGE', 'EVALUATION_DUE']);
    expect(about([id])(careSaw)).toEqual(['ORDER_MESSAGE']);
    expect(about([id])(socialSaw)).toEqual([]);
    expect(about([id])(otherSaw)).toEqual([]);
    expect(officeSaw.find((v) => v.kind === 'EVALUATION_DUE' && v.recordId === id)).toMatchObject({
      recordKind: 'ContractCareOrder',
      read: false,
      id: expect.stringMatching(/^probation:\d+$/),
    });
  });
});

describe('probation: who sees which notification (role × organisation)', () => {
  it('each kind reaches its recipients only, by the query', async () => {
    const officer = staff('probation:vasteras', 'PROBATION_OFFICER');
    const { order } = await register(officer, { courtDecisionOn: '2026-01-10', endsOn: '2026-12-31' }, C1);
    const id = order.id as string;
    const clock = '2026-03-30T10:00:00+02:00';
    ok(await gql(DEVIATION, { id, on: '2026-03-29', d: 'Uteblev.' }, { as: staff('municipality:1980', 'CASEWORKER'), clock }));
    ok(await gql(SEND_ORDER, { id, text: 'Utvärdering 10 april kl 10.' }, { as: officer, clock }));
    // three sweeps at once (as three replicas would): the evaluation is told once in all
    const swept = await Promise.all(
      [1, 2, 3].map(
        async () =>
          ok(await gql(SWEEP_P, { p: order.person.id }, { as: officer, clock: '2026-04-10T07:00:00+02:00' })).runProbationDeadlineSweep.told as number,
      ),
    );
    expect(swept.reduce((a, b) => a + b, 0)).toBe(1);
    const table: Array<[string, As, string[]]> = [
      ['the registering office', staff('probation:vasteras', 'PROBATION_OFFICER'), ['DEVIATION_REPORTED', 'EVALUATION_DUE']],
      ['the social-services partner', staff('municipality:1980', 'CASEWORKER'), ['ORDER_MESSAGE']],
      ['the care-provider partner', staff('psychiatry:19', 'COORDINATOR'), ['ORDER_MESSAGE']],
      ['another probation office', staff('probation:stockholm', 'PROBATION_OFFICER'), []],
      ['another municipality', staff('municipality:1981', 'CASEWORKER'), []],
      ['a clinic that does not take part', staff('clinic:0180-sodermalm', 'CLINIC_STAFF'), []],
      ['a log reviewer of the office', staff('probation:vasteras', 'LOG_REVIEWER'), []],
    ];
    const seen = await Promise.all(table.map(async ([who, as]) => [who, await kindsListed('probation', as, [id])] as const));
    expect(seen).toEqual(table.map(([who, , kinds]) => [who, kinds]));
  });
});
