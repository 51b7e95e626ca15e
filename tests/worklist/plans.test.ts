/**
 * The caller's work on joint care plans through the gateway (me { carePlanWork }): the owner's
 * missing signature of the individual and stopped sharing, a participant's "added" and "changed",
 * each party's own signature on a contract-care plan, the follow-up with its due date at the clock
 * header; gone with the consent for the participants; messages on a plan.
 */
import { describe, expect, it } from 'vitest';
import { gql, ok, refused, type As } from '../helpers/hub.ts';
import { personnummer } from '../helpers/people.ts';
import { caseworkerSthlm, clinicStaff, contractCarePlan, createPlan, recordConsent, sip } from '../helpers/plans.ts';
import { register } from '../helpers/probation.ts';

const WORK = `query { me { carePlanWork { id kind recordKind recordId dueOn overdue informational plan { id version } } } }`;
const MARK = `mutation($ids: [ID!]!) { markCarePlanWorkRead(ids: $ids) { marked } }`;
const SIGN = `mutation($id: ID!, $v: Int!, $by: String!, $ind: Boolean!) { signJointCarePlan(id: $id, version: $v, signedBy: $by, asIndividual: $ind) { id } }`;
const UPDATE = `mutation($id: ID!, $v: Int!, $g: [String!]) { updateJointCarePlan(id: $id, expectedVersion: $v, goals: $g) { version } }`;
const FOLLOW_UP = `mutation($id: ID!, $on: Date!) { recordCarePlanFollowUp(planId: $id, heldOn: $on, summary: "Uppföljt.") { id } }`;
const REVOKE = `mutation($id: ID!) { revokeConsent(id: $id) { active } }`;
const SEND = `mutation($id: ID!, $text: String!) { sendPlanMessage(planId: $id, text: $text) { id text senderOrganisation { id } } }`;
const MESSAGES = `query($id: ID!) { jointCarePlan(id: $id) { messages { text senderOrganisation { id } readBy { organisation { id } } } } }`;
const MARK_MESSAGES = `mutation($id: ID!) { markPlanMessagesRead(planId: $id) { marked } }`;

interface Item {
  id: string;
  kind: string;
  recordId: string;
  dueOn: string | null;
  overdue: boolean;
  informational: boolean;
  plan: { id: string; version: number } | null;
}

async function work(as: As, clock: string, id: string): Promise<Item[]> {
  return (ok(await gql(WORK, {}, { as, clock })).me.carePlanWork as Item[]).filter((i) => i.recordId === id);
}
const brief = (items: Item[]) => items.map((i) => [i.kind, i.dueOn, i.overdue]);

const C1 = '2026-03-01T10:00:00+01:00';

async function sipPlan() {
  const pnr = personnummer();
  const consent = await recordConsent(caseworkerSthlm, pnr, ['municipality:0180', 'clinic:0180-sodermalm'], '2027-03-01', C1);
  const plan = ok(await createPlan(caseworkerSthlm, sip(pnr, consent.id, { followUpOn: '2026-04-01' }), C1)).createJointCarePlan as { id: string };
  return { consentId: consent.id, id: plan.id };
}

describe('a SIP in the owner’s and the participant’s worklists', () => {
  it('signature, added, changed, follow-up due and overdue, held; sharing stopped only for the owner', async () => {
    const { consentId, id } = await sipPlan();
    expect(await work(caseworkerSthlm, C1, id)).toEqual([
      {
        id: `municipality:INDIVIDUAL_SIGNATURE:${id}:1`,
        kind: 'INDIVIDUAL_SIGNATURE',
        recordKind: 'JointCarePlan',
        recordId: id,
        dueOn: null,
        overdue: false,
        informational: false,
        plan: { id, version: 1 },
      },
    ]);
    expect((await work(clinicStaff, C1, id)).map((i) => [i.id, i.kind, i.informational])).toEqual([
      [`municipality:ADDED_TO_PLAN:${id}`, 'ADDED_TO_PLAN', true],
    ]);

    ok(await gql(SIGN, { id, v: 1, by: 'Kim Klient', ind: true }, { as: caseworkerSthlm, clock: C1 }));
    expect(await work(caseworkerSthlm, C1, id)).toEqual([]);
    ok(await gql(UPDATE, { id, v: 1, g: ['Eget boende'] }, { as: caseworkerSthlm, clock: C1 }));
    expect(brief(await work(caseworkerSthlm, C1, id))).toEqual([['INDIVIDUAL_SIGNATURE', null, false]]);
    expect((await work(clinicStaff, C1, id)).map((i) => i.id)).toEqual([`municipality:ADDED_TO_PLAN:${id}`, `municipality:PLAN_CHANGED:${id}:2`]);
    ok(await gql(SIGN, { id, v: 2, by: 'Kim Klient', ind: true }, { as: caseworkerSthlm, clock: C1 }));

    // the follow-up of 1 April enters on 18 March, is overdue from 2 April and leaves when held
    expect(await work(caseworkerSthlm, '2026-03-17T10:00:00+01:00', id)).toEqual([]);
    expect(brief(await work(caseworkerSthlm, '2026-03-18T10:00:00+01:00', id))).toEqual([['FOLLOW_UP_DUE', '2026-04-01', false]]);
    expect(brief(await work(clinicStaff, '2026-04-02T10:00:00+02:00', id))).toEqual([
      ['FOLLOW_UP_DUE', '2026-04-01', true],
      ['ADDED_TO_PLAN', null, false],
      ['PLAN_CHANGED', null, false],
    ]);
    ok(await gql(FOLLOW_UP, { id, on: '2026-04-02' }, { as: caseworkerSthlm, clock: '2026-04-02T10:00:00+02:00' }));
    expect(await work(caseworkerSthlm, '2026-04-02T11:00:00+02:00', id)).toEqual([]);

    // read marks are the user's: marked, the clinic's items leave
    const clinicItems = await work(clinicStaff, '2026-04-02T11:00:00+02:00', id);
    expect(ok(await gql(MARK, { ids: clinicItems.map((i) => i.id) }, { as: clinicStaff })).markCarePlanWorkRead.marked).toBe(2);
    expect(await work(clinicStaff, '2026-04-02T11:00:00+02:00', id)).toEqual([]);
    refused(await gql(MARK, { ids: ['probation:X'] }, { as: clinicStaff }), 'BAD_USER_INPUT', 'ids[0]');

    ok(await gql(REVOKE, { id: consentId }, { as: clinicStaff }));
    expect((await work(caseworkerSthlm, '2026-04-03T10:00:00+02:00', id)).map((i) => [i.kind, i.informational])).toEqual([['SHARING_STOPPED', true]]);
    expect(await work({ ...clinicStaff, sub: 'another-clinic-user' }, '2026-04-03T10:00:00+02:00', id)).toEqual([]);
  });
});

describe('a contract-care plan: each party its own signature', () => {
  const officer: As = { org: 'probation:stockholm', roles: ['PROBATION_OFFICER'], sub: 'petra', name: 'Petra Frivård' };
  const table: Array<[string, As, string[]]> = [
    ['social services (the owner)', caseworkerSthlm, ['INDIVIDUAL_SIGNATURE', 'SIGN_PLAN']],
    ['the clinic (the care provider)', clinicStaff, ['ADDED_TO_PLAN', 'SIGN_PLAN']],
    ['the probation office', officer, ['ADDED_TO_PLAN']],
    ['another probation office', { org: 'probation:vasteras', roles: ['PROBATION_OFFICER'], sub: 'po-v' }, []],
    ['another municipality', { org: 'municipality:1980', roles: ['CASEWORKER'], sub: 'cw-v' }, []],
    ['a psychiatry coordinator not taking part', { org: 'psychiatry:01', roles: ['COORDINATOR'], sub: 'co-01' }, []],
    ['a log reviewer of the owner', { org: 'municipality:0180', roles: ['LOG_REVIEWER'], sub: 'lr' }, []],
  ];
  it.each(table)('%s (after the probation office signed)', async (_, as, expected) => {
    const { input, order } = await register(officer, { partnerOrganisationIds: ['municipality:0180', 'clinic:0180-sodermalm'] });
    const consent = await recordConsent(caseworkerSthlm, input.personnummer, ['municipality:0180', 'clinic:0180-sodermalm', 'probation:stockholm']);
    const plan = ok(
      await gql(
        `mutation($i: JointCarePlanInput!) { createJointCarePlan(input: $i) { id } }`,
        {
          i: contractCarePlan(
            { personnummer: input.personnummer, consentId: consent.id, orderId: order.id },
            ['Drogfrihet'],
            'Klient Klientsson',
            ['municipality:0180', 'caseworker', 'Cecilia Handläggare'],
            ['clinic:0180-sodermalm', 'care provider', 'Lina Mottagning'],
            ['probation:stockholm', 'probation officer', 'Petra Frivård'],
          ),
        },
        { as: caseworkerSthlm },
      ),
    ).createJointCarePlan as { id: string };
    const now = new Date().toISOString();
    expect((await work(officer, now, plan.id)).map((i) => i.kind)).toEqual(['ADDED_TO_PLAN', 'SIGN_PLAN']);
    ok(await gql(SIGN, { id: plan.id, v: 1, by: 'Petra Frivård', ind: false }, { as: officer }));
    expect((await work(as, now, plan.id)).map((i) => i.kind)).toEqual(expected);
  });
});

describe('messages on a plan', () => {
  it('between the organisations that see it; gone from view with the consent; others NOT_FOUND; bad text on its field', async () => {
    const { consentId, id } = await sipPlan();
    const sent = ok(await gql(SEND, { id, text: 'Kan vi ses den 20:e?' }, { as: clinicStaff, clock: C1 })).sendPlanMessage;
    expect(sent).toMatchObject({ text: 'Kan vi ses den 20:e?', senderOrganisation: { id: 'clinic:0180-sodermalm' } });
    expect((await work(caseworkerSthlm, C1, id)).map((i) => i.kind)).toEqual(['INDIVIDUAL_SIGNATURE', 'MESSAGE']);
    expect(ok(await gql(MARK_MESSAGES, { id }, { as: caseworkerSthlm, clock: C1 })).markPlanMessagesRead.marked).toBe(1);
    expect((await work(caseworkerSthlm, C1, id)).map((i) => i.kind)).toEqual(['INDIVIDUAL_SIGNATURE']);
    expect(ok(await gql(MESSAGES, { id }, { as: caseworkerSthlm, clock: C1 })).jointCarePlan.messages).toEqual([
      {
        text: 'Kan vi ses den 20:e?',
        senderOrganisation: { id: 'clinic:0180-sodermalm' },
        readBy: [{ organisation: { id: 'clinic:0180-sodermalm' } }, { organisation: { id: 'municipality:0180' } }],
      },
    ]);
    for (const other of [
      { org: 'municipality:1980', roles: ['CASEWORKER'], sub: 'x1' },
      { org: 'clinic:0180-kista', roles: ['CLINIC_STAFF'], sub: 'x2' },
      { org: 'probation:stockholm', roles: ['PROBATION_OFFICER'], sub: 'x3' },
    ] as As[]) {
      refused(await gql(SEND, { id, text: 'Hej' }, { as: other }), 'NOT_FOUND');
      refused(await gql(MARK_MESSAGES, { id }, { as: other }), 'NOT_FOUND');
    }
    refused(await gql(SEND, { id, text: ' ' }, { as: caseworkerSthlm }), 'BAD_USER_INPUT', 'text');
    ok(await gql(REVOKE, { id: consentId }, { as: caseworkerSthlm }));
    ok(await gql(SEND, { id, text: 'Samtycket är återkallat.' }, { as: caseworkerSthlm }));
    refused(await gql(SEND, { id, text: 'Hej' }, { as: clinicStaff }), 'NOT_FOUND');
    expect(ok(await gql(MESSAGES, { id }, { as: clinicStaff })).jointCarePlan).toBeNull();
    expect(await work(clinicStaff, new Date().toISOString(), id)).toEqual([]);
  });
});
