/**
 * The same answer by every path (issue 4; architecture.md, security model 5):
 * a joint care plan asked for directly and through every other path that
 * reaches it (list, person by id, person by personnummer, the withdrawal
 * referral or court order it belongs to, and `_entities` as the gateway
 * would send it), as each role of each organisation, before and after the
 * consent it rests on is revoked. The referral reached through its plan is
 * checked the same way. A table: a new path or caller is one row.
 *
 * "hidden" means no data of the record on that path: null, an empty or
 * shorter list, or (for a role that can never read plans) a FORBIDDEN error
 * with no data.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { gql, subgraphRequest, type As } from './helpers/hub.ts';
import { personnummer } from './helpers/people.ts';
import { recordConsent } from './helpers/plans.ts';
import { caseworker1980, coordinator19, referralInput } from './helpers/withdrawal.ts';
import { register } from './helpers/probation.ts';

const callers: Record<string, As> = {
  'caseworker, Västerås (owner)': caseworker1980,
  'caseworker, Sala': { org: 'municipality:1981', roles: ['CASEWORKER'] },
  'caseworker, Stockholm': { org: 'municipality:0180', roles: ['CASEWORKER'] },
  'coordinator, psychiatry Västmanland': coordinator19,
  'physician, psychiatry Västmanland': { org: 'psychiatry:19', roles: ['PHYSICIAN'] },
  'nurse, psychiatry Stockholm': { org: 'psychiatry:01', roles: ['NURSE'] },
  'probation officer, Västerås': { org: 'probation:vasteras', roles: ['PROBATION_OFFICER'], sub: 'po-vasteras' },
  'probation officer, Stockholm': { org: 'probation:stockholm', roles: ['PROBATION_OFFICER'] },
  'clinic staff, Södermalm': { org: 'clinic:0180-sodermalm', roles: ['CLINIC_STAFF'] },
  'council member, Västerås': { org: 'municipality:1980', roles: ['COUNCIL_MEMBER'] },
  'log reviewer, Västerås': { org: 'municipality:1980', roles: ['LOG_REVIEWER'] },
};

interface Fixture {
  pnr: string;
  personId: string;
  referralId: string;
  orderId: string;
  withdrawalPlan: string;
  contractPlan: string;
  withdrawalConsent: string;
}
let f: Fixture;

const PLAN = 'id kind goals version';
type Path = (id: string, as: As) => Promise<unknown>;

/** Each path returns the plan it reached (or null when it reached none). */
const planPaths: Record<string, Path> = {
  direct: async (id, as) => (await gql(`query($id: ID!) { jointCarePlan(id: $id) { ${PLAN} } }`, { id }, { as })).data?.jointCarePlan ?? null,
  list: async (id, as) =>
    ((await gql(`query($p: ID!) { jointCarePlans(personId: $p) { nodes { ${PLAN} } } }`, { p: f.personId }, { as })).data?.jointCarePlans?.nodes ?? []).find(
      (p: { id: string }) => p.id === id,
    ) ?? null,
  'person(id)': async (id, as) =>
    ((await gql(`query($p: ID!) { person(id: $p) { jointCarePlans { ${PLAN} } } }`, { p: f.personId }, { as })).data?.person?.jointCarePlans ?? []).find(
      (p: { id: string }) => p.id === id,
    ) ?? null,
  findPerson: async (id, as) =>
    (
      (await gql(`query($p: String!) { findPerson(personnummer: $p) { jointCarePlans { ${PLAN} } } }`, { p: f.pnr }, { as })).data?.findPerson
        ?.jointCarePlans ?? []
    ).find((p: { id: string }) => p.id === id) ?? null,
  'its referral or order': async (id, as) =>
    id === f.withdrawalPlan
      ? ((await gql(`query($r: ID!) { withdrawalReferral(id: $r) { jointCarePlan { ${PLAN} } } }`, { r: f.referralId }, { as })).data?.withdrawalReferral
          ?.jointCarePlan ?? null)
      : ((await gql(`query($o: ID!) { contractCareOrder(id: $o) { carePlan { ${PLAN} } } }`, { o: f.orderId }, { as })).data?.contractCareOrder?.carePlan ??
        null),
  _entities: async (id, as) =>
    (
      await subgraphRequest(
        'municipality',
        `{ _entities(representations: [{ __typename: "JointCarePlan", id: "${id}" }]) { ... on JointCarePlan { ${PLAN} } } }`,
        { as },
      )
    ).body.data?._entities?.[0] ?? null,
};

/** Who sees which plan (by the policy: owner, or participant named by the active consent). */
const seesWithdrawalPlan = (who: string, revoked: boolean) =>
  who === 'caseworker, Västerås (owner)' || (!revoked && (who === 'coordinator, psychiatry Västmanland' || who === 'physician, psychiatry Västmanland'));
const seesContractPlan = (who: string) =>
  ['caseworker, Västerås (owner)', 'coordinator, psychiatry Västmanland', 'physician, psychiatry Västmanland', 'probation officer, Västerås'].includes(who);
/** The path through the referral or order needs that record to be visible too. */
const seesReferral = (who: string) =>
  ['caseworker, Västerås (owner)', 'coordinator, psychiatry Västmanland', 'physician, psychiatry Västmanland'].includes(who);
const seesOrder = (who: string) =>
  ['caseworker, Västerås (owner)', 'coordinator, psychiatry Västmanland', 'physician, psychiatry Västmanland', 'probation officer, Västerås'].includes(who);

function expected(plan: 'withdrawal' | 'contract', who: string, path: string, revoked: boolean): boolean {
  const sees = plan === 'withdrawal' ? seesWithdrawalPlan(who, revoked) : seesContractPlan(who);
  if (path === 'its referral or order') return sees && (plan === 'withdrawal' ? seesReferral(who) : seesOrder(who));
  return sees;
}

beforeAll(async () => {
  const pnr = personnummer();
  const ref = await gql(
    'mutation($i: WithdrawalReferralInput!) { submitWithdrawalReferral(input: $i) { id person { id } } }',
    { i: referralInput({ personnummer: pnr }) },
    { as: caseworker1980 },
  );
  const referralId = ref.data!.submitWithdrawalReferral.id;
  const personId = ref.data!.submitWithdrawalReferral.person.id;
  const { order } = await register(callers['probation officer, Västerås']!, {
    personnummer: pnr,
    partnerOrganisationIds: ['municipality:1980', 'psychiatry:19'],
  });
  const c1 = await recordConsent(caseworker1980, pnr, ['municipality:1980', 'psychiatry:19']);
  const c2 = await recordConsent(caseworker1980, pnr, ['municipality:1980', 'psychiatry:19', 'probation:vasteras']);
  const participants = [
    { role: 'individual', name: 'Kim' },
    { organisationId: 'municipality:1980', role: 'caseworker', name: 'Anna' },
    { organisationId: 'psychiatry:19', role: 'physician', name: 'Erik' },
  ];
  const create = async (input: Record<string, unknown>) => {
    const res = await gql('mutation($i: JointCarePlanInput!) { createJointCarePlan(input: $i) { id } }', { i: input }, { as: caseworker1980 });
    expect(res.errors).toBeUndefined();
    return res.data!.createJointCarePlan.id as string;
  };
  const withdrawalPlan = await create({
    kind: 'WITHDRAWAL',
    personnummer: pnr,
    consentId: c1.id,
    goals: ['Nykter'],
    participants,
    followUpOn: '2099-01-01',
    withdrawalReferralId: referralId,
  });
  const contractPlan = await create({
    kind: 'CONTRACT_CARE',
    personnummer: pnr,
    consentId: c2.id,
    goals: ['Fullföljd kontraktsvård'],
    participants: [...participants, { organisationId: 'probation:vasteras', role: 'probation officer', name: 'Per' }],
    followUpOn: '2099-01-01',
    contractCareOrderId: order.id,
  });
  f = { pnr, personId, referralId, orderId: order.id, withdrawalPlan, contractPlan, withdrawalConsent: c1.id };
}, 60_000);

const rows = Object.keys(callers).flatMap((who) =>
  Object.keys(planPaths).flatMap((path) => (['withdrawal', 'contract'] as const).map((plan) => [who, path, plan] as const)),
);

async function check(who: string, path: string, plan: 'withdrawal' | 'contract', revoked: boolean) {
  const id = plan === 'withdrawal' ? f.withdrawalPlan : f.contractPlan;
  const got = await planPaths[path]!(id, callers[who]!);
  if (expected(plan, who, path, revoked)) {
    expect(got).toEqual({
      id,
      kind: plan === 'withdrawal' ? 'WITHDRAWAL' : 'CONTRACT_CARE',
      goals: [plan === 'withdrawal' ? 'Nykter' : 'Fullföljd kontraktsvård'],
      version: 1,
    });
  } else {
    expect(got).toBeNull();
  }
}

describe('a joint care plan, by every path, before the consent is revoked', () => {
  it.each(rows)('%s via %s: the %s plan', (who, path, plan) => check(who, path, plan, false));
});

describe('the referral, reached through its withdrawal plan, gives what the direct query gives', () => {
  it.each(Object.keys(callers))('%s', async (who) => {
    const as = callers[who]!;
    const direct = (await gql('query($r: ID!) { withdrawalReferral(id: $r) { id status } }', { r: f.referralId }, { as })).data?.withdrawalReferral ?? null;
    const viaPlan =
      (await gql('query($id: ID!) { jointCarePlan(id: $id) { withdrawalReferral { id status } } }', { id: f.withdrawalPlan }, { as })).data?.jointCarePlan
        ?.withdrawalReferral ?? null;
    expect(direct).toEqual(seesReferral(who) ? { id: f.referralId, status: 'RECEIVED' } : null);
    expect(viaPlan).toEqual(seesWithdrawalPlan(who, false) ? direct : null);
  });
});

describe("after the individual revokes the withdrawal plan's consent", () => {
  beforeAll(async () => {
    const res = await gql('mutation($id: ID!) { revokeConsent(id: $id) { active } }', { id: f.withdrawalConsent }, { as: caseworker1980 });
    expect(res.data!.revokeConsent.active).toBe(false);
  });
  it.each(rows)('%s via %s: the %s plan', (who, path, plan) => check(who, path, plan, true));
});
