/**
 * A plan linked to another organisation's record (psychiatry's withdrawal referral,
 * probation's contract-care order) is drawn up only by a caller whom the record's owner lets
 * see it (asked in the owning subgraph, as the caller). A record the caller may not see gives
 * exactly the NOT_FOUND of an id that does not exist, also once a plan is on it (never the
 * CONFLICT that would tell it exists), nothing is written, and the owner can still draw up
 * theirs. A table: callers × linked record kinds, in order.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { gql, withSql, type As, type GqlResult } from '../helpers/hub.ts';
import { personnummer } from '../helpers/people.ts';
import { participants, recordConsent } from '../helpers/plans.ts';
import {
  BOOK,
  caseworker0180,
  caseworker1980,
  caseworker1981,
  chiefPhysician19,
  coordinator19,
  DECIDE,
  ok,
  referralInput,
  WITHDRAW,
} from '../helpers/withdrawal.ts';
import { register } from '../helpers/probation.ts';

const probationVasteras: As = { org: 'probation:vasteras', roles: ['PROBATION_OFFICER'], sub: 'po-vasteras', name: 'Per Frivård' };
const probationSthlm: As = { org: 'probation:stockholm', roles: ['PROBATION_OFFICER'], sub: 'po-sthlm', name: 'Stina Frivård' };

type Kind = 'referral' | 'order';
type Target = 'own' | 'nonexistent' | 'not an id' | "another person's";
type Expected = 'created' | 'NOT_FOUND' | 'CONFLICT' | 'BAD_USER_INPUT';

/** [who, caller, which record, expected]; run in this order for each kind. */
const table: Record<Kind, Array<[string, As, Target, Expected]>> = {
  referral: [
    ['caseworker, Sala (another municipality)', caseworker1981, 'own', 'NOT_FOUND'],
    ['caseworker, Stockholm (another region)', caseworker0180, 'own', 'NOT_FOUND'],
    ['caseworker, Västerås (the sender)', caseworker1980, 'nonexistent', 'NOT_FOUND'],
    ['caseworker, Västerås (the sender)', caseworker1980, 'not an id', 'NOT_FOUND'],
    ['caseworker, Västerås (the sender)', caseworker1980, "another person's", 'BAD_USER_INPUT'],
    ['caseworker, Västerås (the sender)', caseworker1980, 'own', 'created'],
    ['caseworker, Sala, once a plan is on it', caseworker1981, 'own', 'NOT_FOUND'],
    ['coordinator, psychiatry Västmanland (the receiver), once a plan is on it', coordinator19, 'own', 'CONFLICT'],
  ],
  order: [
    ['caseworker, Sala (not a partner)', caseworker1981, 'own', 'NOT_FOUND'],
    ['caseworker, Stockholm (not a partner)', caseworker0180, 'own', 'NOT_FOUND'],
    ['probation officer, Stockholm (another office)', probationSthlm, 'own', 'NOT_FOUND'],
    ['caseworker, Västerås (a partner)', caseworker1980, 'nonexistent', 'NOT_FOUND'],
    ['caseworker, Västerås (a partner)', caseworker1980, 'not an id', 'NOT_FOUND'],
    ['caseworker, Västerås (a partner)', caseworker1980, "another person's", 'BAD_USER_INPUT'],
    ['probation officer, Västerås (the office)', probationVasteras, 'own', 'created'],
    ['caseworker, Sala, once a plan is on it', caseworker1981, 'own', 'NOT_FOUND'],
    ['caseworker, Västerås (a partner), once a plan is on it', caseworker1980, 'own', 'CONFLICT'],
  ],
};

const NOT_FOUND_MESSAGE: Record<Kind, [message: string, field: string]> = {
  referral: ['There is no withdrawal referral with that id that you may see.', 'input.withdrawalReferralId'],
  order: ['There is no contract-care order with that id that you may see.', 'input.contractCareOrderId'],
};

interface Fixture {
  pnr: string;
  /** the record linked to */
  id: string;
  /** a record of the same kind, visible to Västerås, about another person */
  otherPersonsId: string;
}

const fixtures = {} as Record<Kind, Fixture>;

async function submitReferral(pnr: string): Promise<string> {
  const res = await gql(
    'mutation($i: WithdrawalReferralInput!) { submitWithdrawalReferral(input: $i) { id } }',
    { i: referralInput({ personnummer: pnr }) },
    { as: caseworker1980 },
  );
  expect(res.errors).toBeUndefined();
  return res.data!.submitWithdrawalReferral.id as string;
}

beforeAll(async () => {
  const [p1, p2] = [personnummer(), personnummer()];
  fixtures.referral = { pnr: p1, id: await submitReferral(p1), otherPersonsId: await submitReferral(personnummer()) };
  const { order } = await register(probationVasteras, { personnummer: p2, partnerOrganisationIds: ['municipality:1980', 'psychiatry:19'] });
  const { order: other } = await register(probationVasteras, { personnummer: personnummer(), partnerOrganisationIds: ['municipality:1980', 'psychiatry:19'] });
  fixtures.order = { pnr: p2, id: order.id as string, otherPersonsId: other.id as string };
});

/** The caller's own municipality (or office) with the partners the kind needs, consent for all of them recorded by the caller. */
async function attempt(kind: Kind, as: As, target: Target): Promise<GqlResult> {
  const f = fixtures[kind];
  const own = as.org;
  const orgs = kind === 'referral' ? [own, 'municipality:1980', 'psychiatry:19'] : [own, 'municipality:1980', 'psychiatry:19', 'probation:vasteras'];
  const members = [...new Set(orgs)].map((o): [string, string, string] => [o, 'member', `Member of ${o}`]);
  const consent = await recordConsent(as, f.pnr, [...new Set(orgs)]);
  const id = { own: f.id, nonexistent: randomUUID(), 'not an id': 'vasteras-1', "another person's": f.otherPersonsId }[target];
  const link = kind === 'referral' ? { kind: 'WITHDRAWAL', withdrawalReferralId: id } : { kind: 'CONTRACT_CARE', contractCareOrderId: id };
  return gql(
    'mutation($i: JointCarePlanInput!) { createJointCarePlan(input: $i) { id ownerOrganisation { id } withdrawalReferralId contractCareOrderId } }',
    { i: { personnummer: f.pnr, consentId: consent.id, goals: ['Nykter'], participants: participants('Kim', ...members), followUpOn: '2099-01-01', ...link } },
    { as },
  );
}

describe.each(['referral', 'order'] as const)('a plan linked to a %s', (kind) => {
  for (const [who, as, target, expected] of table[kind]) {
    it(`${who} · ${target} → ${expected}`, async () => {
      const res = await attempt(kind, as, target);
      if (expected === 'created') {
        expect(res.errors).toBeUndefined();
        const f = fixtures[kind];
        expect(res.data!.createJointCarePlan).toMatchObject({
          ownerOrganisation: { id: as.org },
          withdrawalReferralId: kind === 'referral' ? f.id : null,
          contractCareOrderId: kind === 'order' ? f.id : null,
        });
        return;
      }
      expect(res.data ?? null).toBeNull();
      expect(res.errors?.length).toBe(1);
      const error = res.errors![0]!;
      expect(error.extensions?.code, error.message).toBe(expected);
      if (expected === 'NOT_FOUND') {
        const [message, field] = NOT_FOUND_MESSAGE[kind];
        // byte for byte the answer to an id that does not exist: nothing tells the record is there
        expect(error).toEqual({ message, path: ['createJointCarePlan'], extensions: { code: 'NOT_FOUND', field, serviceName: 'municipality' } });
        expect(JSON.stringify(res)).not.toContain(fixtures[kind].id);
      }
      if (expected === 'CONFLICT') {
        expect(error.message).toBe(
          kind === 'referral'
            ? 'This referral already has an open withdrawal plan; change that plan instead.'
            : 'This contract-care order already has an open plan; change that plan instead.',
        );
      }
      if (expected === 'BAD_USER_INPUT') {
        expect(error.extensions?.field).toBe(NOT_FOUND_MESSAGE[kind][1]);
      }
    });
  }

  it('wrote only the owner’s plan on the record, and none for a caller who may not see it', async () => {
    const f = fixtures[kind];
    const column = kind === 'referral' ? 'withdrawal_referral_id' : 'contract_care_order_id';
    const owners = await withSql('municipality', (sql) => sql`select owner_organisation_id as owner from joint_care_plan where ${sql(column)} = ${f.id}`);
    expect(owners.map((r) => r.owner)).toEqual([kind === 'referral' ? 'municipality:1980' : 'probation:vasteras']);
    const refused = await withSql(
      'municipality',
      (sql) =>
        sql`select count(*)::int as n from joint_care_plan where owner_organisation_id in ('municipality:1981', 'municipality:0180', 'probation:stockholm')`,
    );
    expect(refused[0]!.n).toBe(0);
  });
});

describe('no withdrawal plan on a referral whose pathway ended', () => {
  /** a referral of its own person, taken to `end`; then the sender tries to draw up its plan */
  async function endedThen(end: 'NOT_NEEDED' | 'WITHDRAWN') {
    const pnr = personnummer();
    const id = await submitReferral(pnr);
    if (end === 'NOT_NEEDED') {
      ok(await gql(BOOK, { id, at: '2026-03-31T13:00:00+02:00' }, { as: coordinator19, clock: '2026-03-24T10:00:00+01:00' }));
      ok(await gql(DECIDE, { id, needed: false, rationale: 'Ingen abstinens väntas.' }, { as: chiefPhysician19, clock: '2026-03-31T15:00:00+02:00' }));
    } else ok(await gql(WITHDRAW, { id, reason: 'Personen har flyttat.' }, { as: caseworker1980 }));
    const consent = await recordConsent(caseworker1980, pnr, ['municipality:1980', 'psychiatry:19']);
    const res = await gql(
      'mutation($i: JointCarePlanInput!) { createJointCarePlan(input: $i) { id } }',
      {
        i: {
          personnummer: pnr,
          consentId: consent.id,
          goals: ['Nykter'],
          participants: participants('Kim', ['municipality:1980', 'member', 'A'], ['psychiatry:19', 'member', 'B']),
          followUpOn: '2099-01-01',
          kind: 'WITHDRAWAL',
          withdrawalReferralId: id,
        },
      },
      { as: caseworker1980 },
    );
    return { id, res };
  }

  it.each([
    ['NOT_NEEDED', 'The referral group found that withdrawal treatment is not needed, so there is no withdrawal plan to draw up for this referral.'],
    ['WITHDRAWN', 'The request was withdrawn, so there is no withdrawal plan to draw up for this referral.'],
  ] as const)('a referral %s: CONFLICT on input.withdrawalReferralId, nothing written', async (end, message) => {
    const { id, res } = await endedThen(end);
    expect(res.data ?? null).toBeNull();
    expect(res.errors).toEqual([
      {
        message,
        path: ['createJointCarePlan'],
        extensions: { code: 'CONFLICT', field: 'input.withdrawalReferralId', status: end, serviceName: 'municipality' },
      },
    ]);
    const rows = await withSql('municipality', (sql) => sql`select count(*)::int as n from joint_care_plan where withdrawal_referral_id = ${id}`);
    expect(rows[0]!.n).toBe(0);
  });
});
