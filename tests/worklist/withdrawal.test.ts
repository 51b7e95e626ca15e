/**
 * The caller's work on withdrawal referrals through the gateway (me { withdrawalWork }): each party
 * of the pathway sees exactly its next step, with its due date at the clock header, the earliest
 * first; an item leaves when the work is done, an informational one also when marked read; who
 * sees which item (role × organisation); messages on a referral between its two parties.
 */
import { describe, expect, it } from 'vitest';
import { gql, type As } from '../helpers/hub.ts';
import { LIST } from '../helpers/live.ts';
import {
  auditOf,
  BOOK,
  caseworker1980,
  caseworker1981,
  chiefPhysician19,
  coordinator01,
  coordinator19,
  createWard,
  DECIDE,
  NEW_ASSESSMENT,
  nurse19,
  OFFER,
  ok,
  physician19,
  refused,
  submit,
  WITHDRAW,
} from '../helpers/withdrawal.ts';

const WORK = `query($kinds: [String!]) { me { withdrawalWork(kinds: $kinds) { id kind recordKind recordId dueOn overdue informational referral { id status } } } }`;
const MARK = `mutation($ids: [ID!]!) { markWithdrawalWorkRead(ids: $ids) { marked } }`;
const SEND = `mutation($id: ID!, $text: String!) { sendReferralMessage(referralId: $id, text: $text) { id text senderUserId senderName senderOrganisation { id } readBy { organisation { id } userId } } }`;
const MESSAGES = `query($id: ID!) { withdrawalReferral(id: $id) { messages { id text senderName senderOrganisation { id name } readBy { organisation { id } } } } }`;
const MARK_MESSAGES = `mutation($id: ID!) { markReferralMessagesRead(referralId: $id) { marked } }`;

interface Item {
  id: string;
  kind: string;
  recordKind: string;
  recordId: string;
  dueOn: string | null;
  overdue: boolean;
  informational: boolean;
  referral: { id: string; status: string } | null;
}

/** The caller's items on these referrals, in the list's order. */
async function work(as: As, clock: string, ids: string[]): Promise<Item[]> {
  const items = ok(await gql(WORK, {}, { as, clock })).me.withdrawalWork as Item[];
  return items.filter((i) => ids.includes(i.recordId));
}
const kinds = (items: Item[]) => items.map((i) => [i.kind, i.dueOn, i.overdue]);

const probation: As = { org: 'probation:vasteras', roles: ['PROBATION_OFFICER'], sub: 'po-vasteras' };
const clinic: As = { org: 'clinic:0180-sodermalm', roles: ['CLINIC_STAFF'], sub: 'lim-sod' };
const councilMember: As = { org: 'psychiatry:19', roles: ['COUNCIL_MEMBER'], sub: 'council-19' };

describe('the pathway, each party reading only its worklist', () => {
  it('new request → meeting → decision → place → lapse → new assessment: the right item for the right party, with its due date', async () => {
    const { referral } = await submit(caseworker1980, '2026-03-20T09:00:00+01:00');
    const id = referral.id as string;
    // the coordinator: a new request, the meeting to book by received + 14 days; overdue after that day
    const fresh = await work(coordinator19, '2026-03-24T10:00:00+01:00', [id]);
    expect(fresh).toEqual([
      {
        id: `psychiatry:NEW_REQUEST:${id}:1`,
        kind: 'NEW_REQUEST',
        recordKind: 'WithdrawalReferral',
        recordId: id,
        dueOn: '2026-04-03',
        overdue: false,
        informational: false,
        referral: { id, status: 'RECEIVED' },
      },
    ]);
    expect(kinds(await work(coordinator19, '2026-04-04T10:00:00+02:00', [id]))).toEqual([['NEW_REQUEST', '2026-04-03', true]]);
    expect(await work(caseworker1980, '2026-03-24T10:00:00+01:00', [id])).toEqual([]);

    ok(await gql(BOOK, { id, at: '2026-03-31T13:00:00+02:00' }, { as: coordinator19, clock: '2026-03-24T10:00:00+01:00' }));
    expect(await work(coordinator19, '2026-03-24T11:00:00+01:00', [id])).toEqual([]);
    // before the meeting nothing waits for a decision; after it, the chief physician decides and a physician prepares
    expect(await work(chiefPhysician19, '2026-03-30T10:00:00+02:00', [id])).toEqual([]);
    expect(kinds(await work(chiefPhysician19, '2026-03-31T15:00:00+02:00', [id]))).toEqual([['DECISION_WAITING', '2026-03-31', false]]);
    expect(kinds(await work(physician19, '2026-03-31T15:00:00+02:00', [id]))).toEqual([['DECISION_TO_PREPARE', '2026-03-31', false]]);

    ok(await gql(DECIDE, { id, needed: true, setting: 'INPATIENT' }, { as: chiefPhysician19, clock: '2026-03-31T15:00:00+02:00' }));
    expect(await work(chiefPhysician19, '2026-03-31T16:00:00+02:00', [id])).toEqual([]);
    expect(kinds(await work(coordinator19, '2026-03-31T16:00:00+02:00', [id]))).toEqual([['OFFER_PLACE', '2026-04-14', false]]);
    const decided = await work(caseworker1980, '2026-03-31T16:00:00+02:00', [id]);
    expect(decided.map((i) => [i.kind, i.dueOn, i.informational])).toEqual([['DECISION_MADE', null, true]]);

    const ward = await createWard(1);
    ok(await gql(OFFER, { id, ward, start: '2026-04-14' }, { as: coordinator19, clock: '2026-04-02T09:00:00+02:00' }));
    expect(await work(coordinator19, '2026-04-02T10:00:00+02:00', [id])).toEqual([]);
    expect(kinds(await work(caseworker1980, '2026-04-02T10:00:00+02:00', [id]))).toEqual([['PLACE_OFFERED', '2026-04-14', false]]);
    // lapsesOn is 12 May: from the 13th the caseworker has a lapsed place to act on, overdue from the 14th
    expect(kinds(await work(caseworker1980, '2026-05-13T08:00:00+02:00', [id]))).toEqual([['PLACE_LAPSED', '2026-05-13', false]]);
    expect(kinds(await work(caseworker1980, '2026-05-20T08:00:00+02:00', [id]))).toEqual([['PLACE_LAPSED', '2026-05-13', true]]);

    ok(await gql(NEW_ASSESSMENT, { id }, { as: caseworker1980, clock: '2026-05-20T09:00:00+02:00' }));
    expect(await work(caseworker1980, '2026-05-20T10:00:00+02:00', [id])).toEqual([]);
    const again = await work(coordinator19, '2026-05-20T10:00:00+02:00', [id]);
    expect(again.map((i) => [i.id, i.kind, i.dueOn])).toEqual([[`psychiatry:NEW_ASSESSMENT_REQUESTED:${id}:2`, 'NEW_ASSESSMENT_REQUESTED', '2026-06-03']]);

    ok(await gql(WITHDRAW, { id, reason: 'Flyttat' }, { as: caseworker1980, clock: '2026-05-21T09:00:00+02:00' }));
    expect(await work(coordinator19, '2026-05-21T10:00:00+02:00', [id])).toEqual([]);
  });

  it('an informational item leaves when marked read, for that user only; an action item cannot be marked away; bad ids name their field', async () => {
    const { referral } = await submit(caseworker1980, '2026-03-20T09:00:00+01:00');
    const id = referral.id as string;
    ok(await gql(BOOK, { id, at: '2026-03-31T13:00:00+02:00' }, { as: coordinator19, clock: '2026-03-24T10:00:00+01:00' }));
    ok(await gql(DECIDE, { id, needed: false, rationale: 'Öppenvård räcker.' }, { as: chiefPhysician19, clock: '2026-03-31T15:00:00+02:00' }));
    const reader: As = { ...caseworker1980, sub: `reader-${id.slice(0, 8)}` };
    const clock = '2026-04-01T09:00:00+02:00';
    const [item] = await work(reader, clock, [id]);
    expect(item).toMatchObject({ id: `psychiatry:DECISION_MADE:${id}:1`, kind: 'DECISION_MADE', informational: true, referral: { id, status: 'NOT_NEEDED' } });
    expect(ok(await gql(MARK, { ids: [item!.id] }, { as: reader, clock })).markWithdrawalWorkRead.marked).toBe(1);
    expect(ok(await gql(MARK, { ids: [item!.id] }, { as: reader, clock })).markWithdrawalWorkRead.marked).toBe(0);
    expect(await work(reader, clock, [id])).toEqual([]);
    expect(kinds(await work({ ...caseworker1980, sub: `other-${id.slice(0, 8)}` }, clock, [id]))).toEqual([['DECISION_MADE', null, false]]);

    // the coordinator's new request is work, not news: marking it changes nothing
    const { referral: second } = await submit(caseworker1980, '2026-03-20T09:00:00+01:00');
    const [todo] = await work(coordinator19, clock, [second.id as string]);
    expect(ok(await gql(MARK, { ids: [todo!.id] }, { as: coordinator19, clock })).markWithdrawalWorkRead.marked).toBe(0);
    expect(kinds(await work(coordinator19, clock, [second.id as string]))).toEqual([['NEW_REQUEST', '2026-04-03', false]]);
    refused(await gql(MARK, { ids: ['probation:X:1'] }, { as: coordinator19, clock }), 'BAD_USER_INPUT', 'ids[0]');
  });

  it('the list is sorted by due date, the overdue first, the same at every read', async () => {
    const received = ['2026-03-10T09:00:00+01:00', '2026-03-02T09:00:00+01:00', '2026-03-20T09:00:00+01:00'];
    const ids: string[] = [];
    for (const at of received) ids.push((await submit(caseworker1980, at)).referral.id as string);
    const items = await work(coordinator19, '2026-03-20T12:00:00+01:00', ids);
    expect(items.map((i) => [i.recordId, i.dueOn, i.overdue])).toEqual([
      [ids[1], '2026-03-16', true],
      [ids[0], '2026-03-24', false],
      [ids[2], '2026-04-03', false],
    ]);
    expect(
      ok(await gql(WORK, { kinds: ['OFFER_PLACE'] }, { as: coordinator19, clock: '2026-03-20T12:00:00+01:00' })).me.withdrawalWork.filter((i: Item) =>
        ids.includes(i.recordId),
      ),
    ).toEqual([]);
  });
});

describe('who sees which item: exactly who may see the referral', () => {
  const table: Array<[string, As, string[]]> = [
    ['the receiving coordinator', coordinator19, ['NEW_REQUEST', 'MESSAGE']],
    ['another region’s coordinator', coordinator01, []],
    ['a nurse of the receiving organisation (no step of hers, but the message)', nurse19, ['MESSAGE']],
    ['the chief physician before the meeting', chiefPhysician19, ['MESSAGE']],
    ['the referring caseworker (her own message is read)', caseworker1980, []],
    ['another municipality’s caseworker', caseworker1981, []],
    ['a probation officer', probation, []],
    ['clinic staff', clinic, []],
    ['a council member of the receiving region', councilMember, []],
  ];
  it.each(table)('%s', async (_, as, expected) => {
    const { referral } = await submit(caseworker1980, '2026-03-20T09:00:00+01:00');
    const id = referral.id as string;
    ok(await gql(SEND, { id, text: 'Ring mig om tid, tack.' }, { as: caseworker1980, clock: '2026-03-21T09:00:00+01:00' }));
    const items = await work(as, '2026-03-24T10:00:00+01:00', [id]);
    expect(items.map((i) => i.kind)).toEqual(expected);
  });
});

describe('messages on a referral', () => {
  it('sent by one party, read by the other, receipts per organisation; the MESSAGE item leaves when read; audited', async () => {
    const { referral } = await submit(caseworker1980, '2026-03-20T09:00:00+01:00');
    const id = referral.id as string;
    const sent = ok(
      await gql(SEND, { id, text: '  Socialtjänsten kontaktar samordnaren i morgon.  ' }, { as: caseworker1980, clock: '2026-03-21T09:00:00+01:00' }),
    ).sendReferralMessage;
    expect(sent).toMatchObject({
      text: 'Socialtjänsten kontaktar samordnaren i morgon.',
      senderUserId: 'anna.svensson',
      senderName: 'Anna Svensson',
      senderOrganisation: { id: 'municipality:1980' },
      readBy: [{ organisation: { id: 'municipality:1980' }, userId: 'anna.svensson' }],
    });
    const clock = '2026-03-21T10:00:00+01:00';
    const coordinatorItems = await work(coordinator19, clock, [id]);
    expect(coordinatorItems.map((i) => [i.id, i.kind, i.dueOn, i.informational])).toEqual([
      [`psychiatry:NEW_REQUEST:${id}:1`, 'NEW_REQUEST', '2026-04-03', false],
      [`psychiatry:MESSAGE:${id}`, 'MESSAGE', null, false],
    ]);
    const read = ok(await gql(MESSAGES, { id }, { as: coordinator19, clock })).withdrawalReferral.messages;
    expect(read).toEqual([
      {
        id: sent.id,
        text: 'Socialtjänsten kontaktar samordnaren i morgon.',
        senderName: 'Anna Svensson',
        senderOrganisation: { id: 'municipality:1980', name: expect.any(String) },
        readBy: [{ organisation: { id: 'municipality:1980' } }],
      },
    ]);
    expect(ok(await gql(MARK_MESSAGES, { id }, { as: coordinator19, clock })).markReferralMessagesRead.marked).toBe(1);
    expect(ok(await gql(MARK_MESSAGES, { id }, { as: nurse19, clock })).markReferralMessagesRead.marked).toBe(0);
    expect((await work(coordinator19, clock, [id])).map((i) => i.kind)).toEqual(['NEW_REQUEST']);
    expect((await work(nurse19, clock, [id])).map((i) => i.kind)).toEqual([]);
    const after = ok(await gql(MESSAGES, { id }, { as: caseworker1980, clock })).withdrawalReferral.messages;
    expect(after[0].readBy).toEqual([{ organisation: { id: 'municipality:1980' } }, { organisation: { id: 'psychiatry:19' } }]);

    // the coordinator was also notified (live and in the notifications list)
    const told = ok(await gql(LIST, { first: 50 }, { as: coordinator19 })).notifications.psychiatry.nodes as Array<{ kind: string; recordId: string }>;
    expect(told.filter((n) => n.recordId === id).map((n) => n.kind)).toEqual(['MESSAGE', 'SUBMITTED']);
    // the reply reaches the caseworker's worklist
    ok(await gql(SEND, { id, text: 'Tack, vi hörs.' }, { as: coordinator19, clock }));
    expect((await work(caseworker1980, clock, [id])).map((i) => i.kind)).toEqual(['MESSAGE']);

    const audit = await auditOf(id);
    expect(audit.filter((a) => a.action === 'MESSAGE_SENT').map((a) => [a.user_id, a.organisation_id, a.basis, a.fields])).toEqual([
      ['anna.svensson', 'municipality:1980', 'referring organisation', ['messages']],
      ['maria.berg', 'psychiatry:19', 'receiving psychiatry organisation', ['messages']],
    ]);
    expect(audit.some((a) => a.action === 'READ' && a.user_id === 'maria.berg' && a.fields?.includes('messages'))).toBe(true);
  });

  it('only the two parties: others get NOT_FOUND, and see no messages', async () => {
    const { referral } = await submit(caseworker1980, '2026-03-20T09:00:00+01:00');
    const id = referral.id as string;
    for (const as of [caseworker1981, coordinator01, probation, clinic, councilMember]) {
      refused(await gql(SEND, { id, text: 'Hej' }, { as }), 'NOT_FOUND');
      refused(await gql(MARK_MESSAGES, { id }, { as }), 'NOT_FOUND');
    }
    refused(await gql(SEND, { id: 'not-a-referral', text: 'Hej' }, { as: caseworker1980 }), 'NOT_FOUND');
    expect(ok(await gql(MESSAGES, { id }, { as: caseworker1981 })).withdrawalReferral).toBeNull();
    expect(ok(await gql(MESSAGES, { id }, { as: caseworker1980 })).withdrawalReferral.messages).toEqual([]);
  });

  it('bad text is refused on its field and nothing is stored', async () => {
    const { referral } = await submit(caseworker1980, '2026-03-20T09:00:00+01:00');
    const id = referral.id as string;
    const empty = refused(await gql(SEND, { id, text: '   ' }, { as: caseworker1980 }), 'BAD_USER_INPUT', 'text');
    expect(empty.message).toBe('A message needs some text.');
    const long = refused(await gql(SEND, { id, text: 'x'.repeat(2001) }, { as: caseworker1980 }), 'BAD_USER_INPUT', 'text');
    expect(long.message).toBe('The message is 2001 characters long; at most 2000 are allowed.');
    expect(ok(await gql(MESSAGES, { id }, { as: caseworker1980 })).withdrawalReferral.messages).toEqual([]);
  });
});

describe('one question for all of a caller’s work', () => {
  const ALL = `query { me { userId withdrawalWork { id referral { id status } } carePlanWork { id plan { id } } orderWork { id order { id } } } }`;
  const figures = (res: Awaited<ReturnType<typeof gql>>) => res.extensions!.hub.subgraphs as Record<string, { requests: number; sqlStatements: number }>;

  it('reaches each subgraph once, with statements independent of the list’s length', async () => {
    const clock = '2026-03-24T10:00:00+01:00';
    const before = await gql(ALL, {}, { as: coordinator19, clock });
    const first = ok(before).me;
    expect(first.userId).toBe('maria.berg');
    for (let i = 0; i < 4; i += 1) await submit(caseworker1980, '2026-03-20T09:00:00+01:00');
    const after = await gql(ALL, {}, { as: coordinator19, clock });
    expect(ok(after).me.withdrawalWork.length).toBe(first.withdrawalWork.length + 4);
    const [a, b] = [figures(before), figures(after)];
    for (const s of ['municipality', 'psychiatry', 'probation'] as const) {
      expect(b[s]!.requests).toBe(1);
      expect(b[s]!.sqlStatements).toBe(a[s]!.sqlStatements);
    }
  });
});
