/**
 * The caller's work on contract-care orders through the gateway (me { orderWork }): the probation
 * office's evaluation coming due (with its due date at the clock header) and the deviations its
 * partners report; unread messages for every party; who sees which item; messages on an order.
 */
import { describe, expect, it } from 'vitest';
import { gql, type As } from '../helpers/hub.ts';
import { DEVIATION, EVALUATION, ok, refused, register, staff } from '../helpers/probation.ts';

const WORK = `query { me { orderWork { id kind recordKind recordId dueOn overdue informational order { id status } } } }`;
const MARK = `mutation($ids: [ID!]!) { markOrderWorkRead(ids: $ids) { marked } }`;
const SEND = `mutation($id: ID!, $text: String!) { sendOrderMessage(orderId: $id, text: $text) { id text senderOrganisation { id } } }`;
const MESSAGES = `query($id: ID!) { contractCareOrder(id: $id) { messages { text senderName senderOrganisation { id } readBy { organisation { id } } } } }`;
const MARK_MESSAGES = `mutation($id: ID!) { markOrderMessagesRead(orderId: $id) { marked } }`;

interface Item {
  id: string;
  kind: string;
  recordId: string;
  dueOn: string | null;
  overdue: boolean;
  informational: boolean;
  order: { id: string; status: string } | null;
}

async function work(as: As, clock: string, id: string): Promise<Item[]> {
  return (ok(await gql(WORK, {}, { as, clock })).me.orderWork as Item[]).filter((i) => i.recordId === id);
}

const REGISTERED = '2026-03-01T10:00:00+01:00';
const dates = { courtDecisionOn: '2026-01-10', endsOn: '2026-12-31' };

describe('the probation office’s worklist', () => {
  it('an evaluation enters 14 days before it is due, is overdue after, and leaves when held; the next one follows', async () => {
    const officer = staff('probation:vasteras', 'PROBATION_OFFICER');
    const { order } = await register(officer, dates, REGISTERED);
    const id = order.id as string;
    expect(await work(officer, '2026-03-26T10:00:00+01:00', id)).toEqual([]);
    expect(await work(officer, '2026-03-27T10:00:00+01:00', id)).toEqual([
      {
        id: `probation:EVALUATION_DUE:${id}:2026-04-10`,
        kind: 'EVALUATION_DUE',
        recordKind: 'ContractCareOrder',
        recordId: id,
        dueOn: '2026-04-10',
        overdue: false,
        informational: false,
        order: { id, status: 'ACTIVE' },
      },
    ] as unknown as Item[]);
    expect((await work(officer, '2026-04-11T10:00:00+02:00', id)).map((i) => [i.kind, i.dueOn, i.overdue])).toEqual([['EVALUATION_DUE', '2026-04-10', true]]);
    ok(await gql(EVALUATION, { id, on: '2026-04-11', s: 'Följer planen.' }, { as: officer, clock: '2026-04-11T11:00:00+02:00' }));
    expect(await work(officer, '2026-04-12T10:00:00+02:00', id)).toEqual([]);
    expect((await work(officer, '2026-06-26T10:00:00+02:00', id)).map((i) => [i.kind, i.dueOn])).toEqual([['EVALUATION_DUE', '2026-07-10']]);
  });

  it('a partner’s deviation is news for the office until marked read; the office’s own is not', async () => {
    const officer = staff('probation:vasteras', 'PROBATION_OFFICER');
    const partner = staff('municipality:1980', 'CASEWORKER');
    const { order } = await register(officer, dates, REGISTERED);
    const id = order.id as string;
    const clock = '2026-03-10T10:00:00+01:00';
    const reported = ok(await gql(DEVIATION, { id, on: '2026-03-09', d: 'Uteblev från behandling.' }, { as: partner, clock })).reportContractCareDeviation;
    ok(await gql(DEVIATION, { id, on: '2026-03-09', d: 'Sen till möte.' }, { as: officer, clock }));
    const items = await work(officer, clock, id);
    expect(items.map((i) => [i.id, i.kind, i.dueOn, i.overdue, i.informational])).toEqual([
      [`probation:DEVIATION_REPORTED:${reported.id}`, 'DEVIATION_REPORTED', null, false, true],
    ]);
    expect(await work(partner, clock, id)).toEqual([]);
    expect(ok(await gql(MARK, { ids: [items[0]!.id] }, { as: officer, clock })).markOrderWorkRead.marked).toBe(1);
    expect(await work(officer, clock, id)).toEqual([]);
    refused(await gql(MARK, { ids: ['psychiatry:NEW_REQUEST:x:1'] }, { as: officer, clock }), 'BAD_USER_INPUT', 'ids[0]');
  });
});

describe('who sees which item on an order', () => {
  const table: Array<[string, As, string[]]> = [
    ['the registering office', staff('probation:vasteras', 'PROBATION_OFFICER'), ['EVALUATION_DUE', 'DEVIATION_REPORTED']],
    ['the social-services partner', staff('municipality:1980', 'CASEWORKER'), ['MESSAGE']],
    ['the care-provider partner', staff('psychiatry:19', 'COORDINATOR'), ['MESSAGE']],
    ['another probation office', staff('probation:stockholm', 'PROBATION_OFFICER'), []],
    ['another municipality', staff('municipality:1981', 'CASEWORKER'), []],
    ['a clinic that does not take part', staff('clinic:0180-sodermalm', 'CLINIC_STAFF'), []],
    ['a log reviewer of the office', staff('probation:vasteras', 'LOG_REVIEWER'), []],
  ];
  it.each(table)('%s', async (_, as, expected) => {
    const officer: As = { org: 'probation:vasteras', roles: ['PROBATION_OFFICER'], sub: 'office-a' };
    const { order } = await register(officer, dates, REGISTERED);
    const id = order.id as string;
    const clock = '2026-03-30T10:00:00+02:00';
    ok(await gql(DEVIATION, { id, on: '2026-03-29', d: 'Uteblev.' }, { as: staff('municipality:1980', 'CASEWORKER'), clock }));
    ok(await gql(SEND, { id, text: 'Utvärdering 10 april kl 10.' }, { as: officer, clock }));
    const seen = await work(as, clock, id);
    expect(seen.map((i) => i.kind)).toEqual(expected);
  });
});

describe('messages on an order', () => {
  it('between the office and its partners; others NOT_FOUND; receipts per organisation; bad text on its field', async () => {
    const officer = staff('probation:vasteras', 'PROBATION_OFFICER');
    const partner = staff('municipality:1980', 'CASEWORKER', 'Anna Svensson');
    const { order } = await register(officer, dates, REGISTERED);
    const id = order.id as string;
    const clock = '2026-03-10T10:00:00+01:00';
    const sent = ok(await gql(SEND, { id, text: 'Klienten har flyttat.' }, { as: partner, clock })).sendOrderMessage;
    expect(sent).toMatchObject({ text: 'Klienten har flyttat.', senderOrganisation: { id: 'municipality:1980' } });
    expect((await work(officer, clock, id)).map((i) => i.kind)).toEqual(['MESSAGE']);
    expect(ok(await gql(MARK_MESSAGES, { id }, { as: officer, clock })).markOrderMessagesRead.marked).toBe(1);
    expect(await work(officer, clock, id)).toEqual([]);
    expect(ok(await gql(MESSAGES, { id }, { as: partner, clock })).contractCareOrder.messages).toEqual([
      {
        text: 'Klienten har flyttat.',
        senderName: 'Anna Svensson',
        senderOrganisation: { id: 'municipality:1980' },
        readBy: [{ organisation: { id: 'municipality:1980' } }, { organisation: { id: 'probation:vasteras' } }],
      },
    ]);
    for (const other of [
      staff('probation:stockholm', 'PROBATION_OFFICER'),
      staff('municipality:1981', 'CASEWORKER'),
      staff('clinic:0180-sodermalm', 'CLINIC_STAFF'),
    ]) {
      refused(await gql(SEND, { id, text: 'Hej' }, { as: other, clock }), 'NOT_FOUND');
      refused(await gql(MARK_MESSAGES, { id }, { as: other, clock }), 'NOT_FOUND');
    }
    refused(await gql(SEND, { id, text: '' }, { as: partner, clock }), 'BAD_USER_INPUT', 'text');
    expect(ok(await gql(MESSAGES, { id }, { as: officer, clock })).contractCareOrder.messages).toHaveLength(1);
  });
});
