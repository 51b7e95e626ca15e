/**
 * The same answer by every path (docs/design/architecture.md, security model 5):
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
import { gql, subgraphRequest, type As, type GqlResult } from '../helpers/hub.ts';
import { accessMatrix, type AccessPath, type AccessRow } from '../helpers/access-matrix.ts';
import { personnummer } from '../helpers/people.ts';
import { participants, recordConsent } from '../helpers/plans.ts';
import { caseworker1980, coordinator19, referralInput } from '../helpers/withdrawal.ts';
import { register } from '../helpers/probation.ts';

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

const PLAN = 'id kind goals version';
type Row = AccessRow & { plan: 'withdrawal' | 'contract'; f: () => Fixture };
const planId = (row: Row) => (row.plan === 'withdrawal' ? row.f().withdrawalPlan : row.f().contractPlan);
const found = (list: Array<{ id: string }> | undefined, id: string) => list?.find((p) => p.id === id) ?? null;

/** Each path gives the plan it reached (or null when it reached none); a FORBIDDEN error counts as reaching none. */
const planPaths: Record<string, AccessPath<Row>> = {
  direct: viaGateway(
    `query($id: ID!) { jointCarePlan(id: $id) { ${PLAN} } }`,
    (row) => ({ id: planId(row) }),
    (d) => d?.jointCarePlan,
  ),
  list: viaGateway(
    `query($p: ID!) { jointCarePlans(personId: $p) { nodes { ${PLAN} } } }`,
    (row) => ({ p: row.f().personId }),
    (d, row) => found(d?.jointCarePlans?.nodes, planId(row)),
  ),
  'person(id)': viaGateway(
    `query($p: ID!) { person(id: $p) { jointCarePlans { ${PLAN} } } }`,
    (row) => ({ p: row.f().personId }),
    (d, row) => found(d?.person?.jointCarePlans, planId(row)),
  ),
  findPerson: viaGateway(
    `query($p: String!) { findPerson(personnummer: $p) { jointCarePlans { ${PLAN} } } }`,
    (row) => ({ p: row.f().pnr }),
    (d, row) => found(d?.findPerson?.jointCarePlans, planId(row)),
  ),
  'its referral or order': {
    shape: 'record',
    run: (row) =>
      row.plan === 'withdrawal'
        ? viaGateway(
            `query($r: ID!) { withdrawalReferral(id: $r) { jointCarePlan { ${PLAN} } } }`,
            () => ({ r: row.f().referralId }),
            (d) => d?.withdrawalReferral?.jointCarePlan,
          ).run(row)
        : viaGateway(
            `query($o: ID!) { contractCareOrder(id: $o) { carePlan { ${PLAN} } } }`,
            () => ({ o: row.f().orderId }),
            (d) => d?.contractCareOrder?.carePlan,
          ).run(row),
  },
  _entities: {
    shape: 'record',
    run: async (row) => {
      const q = `{ _entities(representations: [{ __typename: "JointCarePlan", id: "${planId(row)}" }]) { ... on JointCarePlan { ${PLAN} } } }`;
      const { body } = await subgraphRequest('municipality', q, { as: row.as });
      return { res: { data: body.data }, value: body.data?._entities?.[0] ?? null };
    },
  },
};

/** A gateway path whose refusals count as hidden: only the data is kept (and searched for leaks). */
function viaGateway(query: string, variables: (row: Row) => Record<string, unknown>, pick: (d: GqlResult['data'], row: Row) => unknown): AccessPath<Row> {
  return {
    shape: 'record',
    run: async (row) => {
      const res = await gql(query, variables(row), { as: row.as });
      return { res: { data: res.data }, value: pick(res.data, row) ?? null };
    },
  };
}

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

/** A person with a withdrawal referral, a court order, and a plan for each, under two consents. */
async function makeFixture(): Promise<Fixture> {
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
  const members: Array<[string, string, string]> = [
    ['municipality:1980', 'caseworker', 'Anna'],
    ['psychiatry:19', 'physician', 'Erik'],
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
    participants: participants('Kim', ...members),
    followUpOn: '2099-01-01',
    withdrawalReferralId: referralId,
  });
  const contractPlan = await create({
    kind: 'CONTRACT_CARE',
    personnummer: pnr,
    consentId: c2.id,
    goals: ['Fullföljd kontraktsvård'],
    participants: participants('Kim', ...members, ['probation:vasteras', 'probation officer', 'Per']),
    followUpOn: '2099-01-01',
    contractCareOrderId: order.id,
  });
  return { pnr, personId, referralId, orderId: order.id, withdrawalPlan, contractPlan, withdrawalConsent: c1.id };
}

const rowsFor = (revoked: boolean, f: () => Fixture): Row[] =>
  Object.keys(callers).flatMap((who) =>
    Object.keys(planPaths).flatMap((path) =>
      (['withdrawal', 'contract'] as const).map((plan) => ({
        who,
        as: callers[who]!,
        path,
        plan,
        f,
        expected: expected(plan, who, path, revoked) ? ('visible' as const) : ('hidden' as const),
      })),
    ),
  );

const matrix = (rows: Row[]) =>
  accessMatrix(rows, {
    paths: planPaths,
    label: (row) => `(the ${row.plan} plan)`,
    record: (row) => ({
      id: planId(row),
      kind: row.plan === 'withdrawal' ? 'WITHDRAWAL' : 'CONTRACT_CARE',
      goals: [row.plan === 'withdrawal' ? 'Nykter' : 'Fullföljd kontraktsvård'],
      version: 1,
    }),
    secrets: (row) => [planId(row)],
  });

describe('before the consent is revoked', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await makeFixture();
  }, 60_000);

  describe('a joint care plan, by every path', () => matrix(rowsFor(false, () => f)));

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
});

describe("after the individual revokes the withdrawal plan's consent", () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await makeFixture();
    const res = await gql('mutation($id: ID!) { revokeConsent(id: $id) { active } }', { id: f.withdrawalConsent }, { as: caseworker1980 });
    expect(res.data!.revokeConsent.active).toBe(false);
  }, 60_000);

  describe('a joint care plan, by every path', () => matrix(rowsFor(true, () => f)));
});
