/**
 * Notifications and live updates through the gateway: the seed's pathway (submit → coordinator;
 * decision and place → caseworker; the place lapses by the clock → caseworker, and the lapse is
 * on the referral's timeline once), received over SSE and over WebSocket in order, resumed
 * after a reconnect with the last event id, the notifications query and marking read, and who
 * sees which notification (role × organisation × kind).
 */
import { describe, expect, it } from 'vitest';
import { gql, tokenFor, type As } from '../helpers/hub.ts';
import { LIST, MARK, newestId, SWEEP, subscribe, type Delivered, type Transport } from '../helpers/live.ts';
import {
  BOOK,
  caseworker1980,
  caseworker1981,
  chiefPhysician19,
  coordinator01,
  coordinator19,
  createWard,
  DECIDE,
  OFFER,
  ok,
  physician19,
  refused,
  submit,
} from '../helpers/withdrawal.ts';

const ofRecord = (id: string) => (values: Delivered[]) => values.filter((v) => v.recordId === id).map((v) => v.kind);

const REFERRAL_EVENTS = `query($id: ID!) { withdrawalReferral(id: $id) { status events { at kind by note } } }`;

describe.each<Transport>(['SSE', 'WebSocket'])('live notifications over %s', (transport) => {
  it('the pathway reaches each party in order: submitted → coordinator; decision, place, lapse → caseworker, once, and on the timeline', async () => {
    const ward = await createWard(2);
    const [coordinatorToken, caseworkerToken] = await Promise.all([tokenFor(coordinator19), tokenFor(caseworker1980)]);
    const coordinatorLive = subscribe(transport, coordinatorToken, await newestId(coordinator19));
    const caseworkerLive = subscribe(transport, caseworkerToken, await newestId(caseworker1980));

    const { referral } = await submit(caseworker1980, '2026-03-20T09:00:00+01:00');
    const id = referral.id as string;
    ok(await gql(BOOK, { id, at: '2026-03-31T13:00:00+02:00' }, { as: coordinator19, clock: '2026-03-24T10:00:00+01:00' }));
    ok(await gql(DECIDE, { id, needed: true, setting: 'INPATIENT' }, { as: chiefPhysician19, clock: '2026-03-31T15:00:00+02:00' }));
    ok(await gql(OFFER, { id, ward, start: '2026-04-14' }, { as: coordinator19, clock: '2026-04-02T09:00:00+02:00' }));
    // the place lapses on 13 May (not used by 12 May): the sweep as at that morning tells it, once
    const sweepClock = '2026-05-13T07:00:00+02:00';
    expect(ok(await gql(SWEEP, { p: referral.person.id }, { as: caseworker1980, clock: sweepClock })).runPsychiatryDeadlineSweep.told).toBe(1);
    expect(ok(await gql(SWEEP, { p: referral.person.id }, { as: caseworker1980, clock: '2026-05-20T07:00:00+02:00' })).runPsychiatryDeadlineSweep.told).toBe(0);

    const coordinatorSaw = await coordinatorLive.until((v) => ofRecord(id)(v).includes('SUBMITTED'));
    const caseworkerSaw = await caseworkerLive.until((v) => ofRecord(id)(v).includes('PLACE_LAPSED'));
    expect(ofRecord(id)(coordinatorSaw)).toEqual(['SUBMITTED']);
    expect(ofRecord(id)(caseworkerSaw)).toEqual(['DECISION_RECORDED', 'PLACE_OFFERED', 'PLACE_LAPSED']);
    expect(caseworkerSaw.find((v) => v.recordId === id)).toMatchObject({
      recordKind: 'WithdrawalReferral',
      read: false,
      id: expect.stringMatching(/^psychiatry:\d+$/),
    });

    // the lapse is on the timeline, once, dated the day after lapsesOn
    const seen = ok(await gql(REFERRAL_EVENTS, { id }, { as: caseworker1980, clock: '2026-05-13T08:00:00+02:00' })).withdrawalReferral;
    expect(seen.status).toBe('LAPSED');
    expect(seen.events.filter((e: { kind: string }) => e.kind === 'PLACE_LAPSED')).toEqual([
      {
        at: '2026-05-13T00:00:00.000+02:00',
        kind: 'PLACE_LAPSED',
        by: 'the hub (Vuxenpsykiatri Västmanland, beroendesektionen)',
        note: 'The offered place was not used by 2026-05-12 and has lapsed; social services may ask for a new assessment.',
      },
    ]);
    expect(seen.events.map((e: { kind: string }) => e.kind)).toEqual(['SUBMITTED', 'MEETING_BOOKED', 'DECISION_RECORDED', 'PLACE_OFFERED', 'PLACE_LAPSED']);
  });
});

describe('resuming, the list and marking read', () => {
  it('a subscription resumed with the last event id replays what it missed, in order, then goes on live', async () => {
    const token = await tokenFor(caseworker1980);
    const first = subscribe('SSE', token, await newestId(caseworker1980));
    const { referral } = await submit(caseworker1980, '2026-03-20T09:00:00+01:00');
    const id = referral.id as string;
    ok(await gql(BOOK, { id, at: '2026-03-31T13:00:00+02:00' }, { as: coordinator19, clock: '2026-03-24T10:00:00+01:00' }));
    ok(await gql(DECIDE, { id, needed: true, setting: 'INPATIENT' }, { as: chiefPhysician19, clock: '2026-03-31T15:00:00+02:00' }));
    const before = await first.until((v) => ofRecord(id)(v).includes('DECISION_RECORDED'));
    const last = before.filter((v) => v.recordId === id).at(-1)!;
    expect(last.kind).toBe('DECISION_RECORDED');

    // disconnected: the place is offered meanwhile, and the referral withdrawn
    const ward = await createWard(1);
    ok(await gql(OFFER, { id, ward, start: '2026-04-14' }, { as: coordinator19, clock: '2026-04-02T09:00:00+02:00' }));
    const resumed = subscribe('SSE', token, last.id);
    const again = await resumed.until((v) => ofRecord(id)(v).includes('PLACE_OFFERED'));
    expect(ofRecord(id)(again)).toEqual(['PLACE_OFFERED']);
    const ids = again.map((v) => Number(v.id.split(':')[1]));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(ids.every((n) => n > Number(last.id.split(':')[1]))).toBe(true);
  });

  it('the list is the caller’s, newest first; marking read removes it from unreadOnly; a bad cursor names its field', async () => {
    const { referral } = await submit(caseworker1980, '2026-03-20T09:00:00+01:00');
    const id = referral.id as string;
    ok(await gql(BOOK, { id, at: '2026-03-31T13:00:00+02:00' }, { as: coordinator19, clock: '2026-03-24T10:00:00+01:00' }));
    ok(await gql(DECIDE, { id, needed: true, setting: 'INPATIENT' }, { as: chiefPhysician19, clock: '2026-03-31T15:00:00+02:00' }));
    const reader: As = { ...caseworker1980, sub: `reader-${id.slice(0, 8)}` };
    const page = ok(await gql(LIST, { first: 50 }, { as: reader })).notifications.psychiatry as { nodes: Delivered[] };
    const mine = page.nodes.filter((n) => n.recordId === id);
    expect(mine).toEqual([
      { id: expect.stringMatching(/^psychiatry:\d+$/), kind: 'DECISION_RECORDED', recordKind: 'WithdrawalReferral', recordId: id, read: false },
    ]);
    expect(ok(await gql(MARK, { ids: [mine[0]!.id] }, { as: reader })).markPsychiatryNotificationsRead.marked).toBe(1);
    expect(ok(await gql(MARK, { ids: [mine[0]!.id] }, { as: reader })).markPsychiatryNotificationsRead.marked).toBe(0);
    const unread = ok(await gql(LIST, { unread: true, first: 50 }, { as: reader })).notifications.psychiatry as { nodes: Delivered[] };
    expect(unread.nodes.filter((n) => n.recordId === id)).toEqual([]);
    // read state is per user: another caseworker of the organisation still has it unread
    const other = ok(await gql(LIST, { unread: true, first: 50 }, { as: { ...caseworker1980, sub: `other-${id.slice(0, 8)}` } })).notifications.psychiatry as {
      nodes: Delivered[];
    };
    expect(other.nodes.filter((n) => n.recordId === id).map((n) => n.kind)).toEqual(['DECISION_RECORDED']);
    // another organisation cannot mark it
    expect(ok(await gql(MARK, { ids: [mine[0]!.id] }, { as: caseworker1981 })).markPsychiatryNotificationsRead.marked).toBe(0);
    refused(await gql(LIST, { after: 'municipality:3' }, { as: reader }), 'BAD_USER_INPUT', 'after');
    refused(await gql(MARK, { ids: ['42'] }, { as: reader }), 'BAD_USER_INPUT', 'ids[0]');
  });
});

describe('who sees which notification (role × organisation × kind)', () => {
  it('each kind reaches its recipients only, by the query and by the same rule live', async () => {
    const { referral } = await submit(caseworker1980, '2026-03-20T09:00:00+01:00');
    const id = referral.id as string;
    ok(await gql(BOOK, { id, at: '2026-03-31T13:00:00+02:00' }, { as: coordinator19, clock: '2026-03-24T10:00:00+01:00' }));
    ok(await gql(DECIDE, { id, needed: true, setting: 'INPATIENT' }, { as: chiefPhysician19, clock: '2026-03-31T15:00:00+02:00' }));
    const kindsFor = async (as: As) => {
      const page = ok(await gql(LIST, { first: 200 }, { as })).notifications.psychiatry as { nodes: Delivered[] };
      return page.nodes.filter((n) => n.recordId === id).map((n) => n.kind);
    };
    const table: Array<[string, As, string[]]> = [
      ['caseworker of the referring municipality', caseworker1980, ['DECISION_RECORDED']],
      ['caseworker of another municipality', caseworker1981, []],
      ['coordinator of the receiving psychiatry', coordinator19, ['SUBMITTED']],
      ['physician of the receiving psychiatry (not a coordinator)', physician19, []],
      ['coordinator of another psychiatry organisation', coordinator01, []],
      ['probation officer', { org: 'probation:vasteras', roles: ['PROBATION_OFFICER'], sub: 'p.o' }, []],
    ];
    const seen = await Promise.all(table.map(async ([who, as]) => [who, await kindsFor(as)] as const));
    expect(seen).toEqual(table.map(([who, , kinds]) => [who, kinds]));
  });
});
