/**
 * Roles and lists (issue 14): the chief physician (CHIEF_PHYSICIAN) records the referral
 * group's decision and a physician prepares it (an existing PHYSICIAN call of
 * recordTreatmentDecision now prepares); a coordinator assigns requests and lists "mine", as a
 * caseworker lists their own; the inbox sorts by the next deadline by default; overdueOnly
 * includes deadlines already missed; organisations carry the directory's contact details.
 */
import { describe, expect, it } from 'vitest';
import { gql, tokenFor, type As } from '../helpers/hub.ts';
import { personnummer } from '../helpers/people.ts';
import { BOOK, caseworker1980, chiefPhysician19, coordinator19, DECIDE, nurse19, ok, physician19, refused, submit } from '../helpers/withdrawal.ts';

const RECEIVED = '2026-05-04T09:00:00+02:00';
const MEETING = '2026-05-11T13:00:00+02:00';
const AFTER_MEETING = '2026-05-11T15:00:00+02:00';

/** A referral whose assessment meeting has taken place (AWAITING_DECISION at AFTER_MEETING). */
async function awaitingDecision(overrides: Record<string, unknown> = {}) {
  const { referral } = await submit(caseworker1980, RECEIVED, overrides);
  ok(await gql(BOOK, { id: referral.id, at: MEETING }, { as: coordinator19, clock: '2026-05-05T10:00:00+02:00' }));
  return referral.id as string;
}

const DECISION_VIEW = `query($id: ID!) { withdrawalReferral(id: $id) {
  status decision { needed setting decidedBy preparedBy rationale } preparedDecision { needed setting rationale preparedAt preparedBy } events { kind } } }`;
const PREPARE = `mutation($id: ID!, $needed: Boolean!, $setting: TreatmentSetting, $rationale: String) {
  prepareTreatmentDecision(referralId: $id, needed: $needed, setting: $setting, rationale: $rationale) { id status decision { needed } } }`;

describe("the referral group's decision: the chief physician records it, a physician prepares it", () => {
  it("a physician's recordTreatmentDecision (as clients called it before) prepares the decision: still AWAITING_DECISION, not on the shared timeline; the chief physician decides", async () => {
    const id = await awaitingDecision();
    const prepared = ok(
      await gql(DECIDE, { id, needed: true, setting: 'INPATIENT', rationale: 'Svår abstinens tidigare.' }, { as: physician19, clock: AFTER_MEETING }),
    ).recordTreatmentDecision;
    expect([prepared.status, prepared.decision]).toEqual(['AWAITING_DECISION', null]);
    const seen = ok(await gql(DECISION_VIEW, { id }, { as: chiefPhysician19, clock: AFTER_MEETING })).withdrawalReferral;
    expect(seen).toEqual({
      status: 'AWAITING_DECISION',
      decision: null,
      preparedDecision: {
        needed: true,
        setting: 'INPATIENT',
        rationale: 'Svår abstinens tidigare.',
        preparedAt: '2026-05-11T15:00:00.000+02:00',
        preparedBy: 'Lina Falk',
      },
      events: [{ kind: 'SUBMITTED' }, { kind: 'MEETING_BOOKED' }],
    });
    const decided = ok(
      await gql(
        DECIDE,
        { id, needed: true, setting: 'INPATIENT', rationale: 'Svår abstinens tidigare.' },
        { as: chiefPhysician19, clock: '2026-05-12T09:00:00+02:00' },
      ),
    ).recordTreatmentDecision;
    expect([decided.status, decided.decision.decidedBy]).toEqual(['CARE_PLANNING', 'Erik Holm']);
    const after = ok(await gql(DECISION_VIEW, { id }, { as: nurse19, clock: '2026-05-12T09:00:00+02:00' })).withdrawalReferral;
    expect(after.decision).toEqual({
      needed: true,
      setting: 'INPATIENT',
      decidedBy: 'Erik Holm',
      preparedBy: 'Lina Falk',
      rationale: 'Svår abstinens tidigare.',
    });
    expect(after.events.map((e: { kind: string }) => e.kind)).toEqual(['SUBMITTED', 'MEETING_BOOKED', 'DECISION_RECORDED']);
  });

  it('prepareTreatmentDecision: the same rules as the decision (after the meeting; a rationale when not needed); the caseworker may not read a prepared decision', async () => {
    const early = await submit(caseworker1980, RECEIVED);
    const tooEarly = await gql(PREPARE, { id: early.referral.id, needed: true, setting: 'OUTPATIENT' }, { as: physician19, clock: RECEIVED });
    expect(refused(tooEarly, 'CONFLICT').message).toBe(
      'A treatment decision can be prepared only after the assessment meeting has taken place, before the decision; this referral is RECEIVED (received, with no assessment meeting booked yet).',
    );
    const id = await awaitingDecision();
    refused(await gql(PREPARE, { id, needed: false }, { as: physician19, clock: AFTER_MEETING }), 'BAD_USER_INPUT', 'rationale');
    ok(await gql(PREPARE, { id, needed: false, rationale: 'Öppenvård räcker.' }, { as: physician19, clock: AFTER_MEETING }));
    const caseworkerView = await gql(DECISION_VIEW, { id }, { as: caseworker1980, clock: AFTER_MEETING });
    const e = refused(caseworkerView, 'FORBIDDEN');
    expect([e.path, e.message]).toEqual([
      ['withdrawalReferral', 'preparedDecision'],
      'A prepared decision is for the staff of the psychiatry organisation that received the request; the decision shows once the chief physician records it.',
    ]);
    expect(caseworkerView.data?.withdrawalReferral).toMatchObject({ status: 'AWAITING_DECISION', decision: null, preparedDecision: null });
  });

  it('a coordinator or nurse can neither prepare nor decide; CHIEF_PHYSICIAN is a role only psychiatry can hold', async () => {
    const id = await awaitingDecision();
    for (const as of [coordinator19, nurse19]) {
      expect(refused(await gql(DECIDE, { id, needed: true, setting: 'INPATIENT' }, { as, clock: AFTER_MEETING }), 'FORBIDDEN').message).toBe(
        `Your role (${as.roles[0]}) does not allow you to record the referral group's treatment decision (the chief physician's).`,
      );
      refused(await gql(PREPARE, { id, needed: true, setting: 'INPATIENT' }, { as, clock: AFTER_MEETING }), 'FORBIDDEN');
    }
    for (const org of ['municipality:1980', 'probation:vasteras', 'clinic:0180-kista']) {
      const token = await tokenFor({ org, roles: ['CHIEF_PHYSICIAN'] });
      const res = await gql('{ organisations { id } }', {}, { as: token });
      expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect(res.errors?.[0]?.message).toMatch(/cannot hold the role CHIEF_PHYSICIAN/);
    }
  });
});

const ASSIGN = `mutation($id: ID!, $user: ID, $name: String) {
  assignWithdrawalReferral(referralId: $id, coordinatorUserId: $user, coordinatorName: $name) { id assignedCoordinator { userId name assignedAt assignedBy } events { kind by note } } }`;
const MINE = `query($p: ID, $mine: Boolean, $order: ReferralOrder, $overdue: Boolean, $first: Int, $after: String) {
  withdrawalReferrals(personId: $p, mine: $mine, orderBy: $order, overdueOnly: $overdue, first: $first, after: $after) {
    totalCount pageInfo { endCursor hasNextPage } nodes { id status nextDueBy } } }`;

const STATE_OF = 'query($id: ID!) { withdrawalReferral(id: $id) { assignedCoordinator { userId } } }';

describe('assignment and "mine"', () => {
  it("a coordinator assigns a request to themselves or to a named coordinator; each lists only their own; a caseworker's mine is what they sent", async () => {
    const pnr = personnummer();
    const a = await submit(caseworker1980, RECEIVED, { personnummer: pnr });
    const other: As = { org: 'municipality:1980', roles: ['CASEWORKER'], sub: 'olle.ny', name: 'Olle Ny' };
    // received five minutes after A: the same due date, so the list orders them by receipt
    const b = await submit(other, '2026-05-04T09:05:00+02:00', { personnummer: pnr }, a.referral.id);
    const me = ok(await gql(ASSIGN, { id: a.referral.id }, { as: coordinator19, clock: '2026-05-05T08:00:00+02:00' })).assignWithdrawalReferral;
    expect(me.assignedCoordinator).toEqual({ userId: 'maria.berg', name: 'Maria Berg', assignedAt: '2026-05-05T08:00:00.000+02:00', assignedBy: 'Maria Berg' });
    expect(me.events.at(-1)).toEqual({
      kind: 'ASSIGNED',
      by: 'Maria Berg (Vuxenpsykiatri Västmanland, beroendesektionen)',
      note: 'Assigned to the coordinator Maria Berg.',
    });
    const colleague: As = { org: 'psychiatry:19', roles: ['COORDINATOR'], sub: 'per.as', name: 'Per Ås' };
    const them = ok(await gql(ASSIGN, { id: b.referral.id, user: 'per.as', name: 'Per Ås' }, { as: coordinator19 })).assignWithdrawalReferral;
    expect(them.assignedCoordinator).toMatchObject({ userId: 'per.as', name: 'Per Ås', assignedBy: 'Maria Berg' });

    const p = a.referral.person.id;
    const ids = async (as: As, mine: boolean) => ok(await gql(MINE, { p, mine }, { as })).withdrawalReferrals.nodes.map((n: { id: string }) => n.id);
    expect(await ids(coordinator19, true)).toEqual([a.referral.id]);
    expect(await ids(colleague, true)).toEqual([b.referral.id]);
    expect(await ids(coordinator19, false)).toEqual([a.referral.id, b.referral.id]);
    expect(await ids(caseworker1980, true)).toEqual([a.referral.id]);
    expect(await ids(other, true)).toEqual([b.referral.id]);
    expect(await ids(nurse19, true)).toEqual([]);
  });

  it('a user id without a name, or a name without a user id, is refused naming the field; a closed request cannot be assigned', async () => {
    const { referral } = await submit(caseworker1980, RECEIVED);
    const res = await gql(ASSIGN, { id: referral.id, user: ' ' }, { as: coordinator19 });
    expect(res.errors?.map((e) => e.extensions?.field)).toEqual(['coordinatorUserId', 'coordinatorName']);
    refused(await gql(ASSIGN, { id: referral.id, name: 'Per Ås' }, { as: coordinator19 }), 'BAD_USER_INPUT', 'coordinatorName');
    const long = await gql(ASSIGN, { id: referral.id, user: 'per.as', name: 'P'.repeat(201) }, { as: coordinator19 });
    expect(refused(long, 'BAD_USER_INPUT', 'coordinatorName').message).toBe("The coordinator's name is too long (at most 200 characters).");
    expect(ok(await gql(STATE_OF, { id: referral.id }, { as: coordinator19 })).withdrawalReferral.assignedCoordinator).toBeNull();
    ok(
      await gql(
        'mutation($id: ID!) { withdrawWithdrawalReferral(referralId: $id, reason: "Fel person.") { id } }',
        { id: referral.id },
        { as: caseworker1980 },
      ),
    );
    expect(refused(await gql(ASSIGN, { id: referral.id }, { as: coordinator19 }), 'CONFLICT').extensions?.status).toBe('WITHDRAWN');
  });
});

describe('the inbox order and missed deadlines', () => {
  /**
   * One person's four requests from Västerås (each after the first a new cycle beside it),
   * received in this order: A (decided 5 May: place due 19 May), B (received 4 May: assessment
   * due 18 May, meeting booked for 20 May, after it), C (received 6 May: due 20 May), D (received
   * 7 May and withdrawn: no deadline).
   */
  async function four() {
    const pnr = personnummer();
    const a = await submit(caseworker1980, '2026-04-20T09:00:00+02:00', { personnummer: pnr });
    const of = a.referral.id as string;
    ok(await gql(BOOK, { id: of, at: '2026-04-28T10:00:00+02:00' }, { as: coordinator19, clock: '2026-04-21T09:00:00+02:00' }));
    ok(await gql(DECIDE, { id: of, needed: true, setting: 'INPATIENT' }, { as: chiefPhysician19, clock: '2026-05-05T09:00:00+02:00' }));
    const b = await submit(caseworker1980, '2026-05-04T09:00:00+02:00', { personnummer: pnr }, of);
    ok(await gql(BOOK, { id: b.referral.id, at: '2026-05-20T10:00:00+02:00' }, { as: coordinator19, clock: '2026-05-05T09:00:00+02:00' }));
    const c = await submit(caseworker1980, '2026-05-06T09:00:00+02:00', { personnummer: pnr }, of);
    const d = await submit(caseworker1980, '2026-05-07T09:00:00+02:00', { personnummer: pnr }, of);
    ok(
      await gql(
        'mutation($id: ID!) { withdrawWithdrawalReferral(referralId: $id, reason: "Dubblett.") { id } }',
        { id: d.referral.id },
        { as: caseworker1980 },
      ),
    );
    return { p: a.referral.person.id as string, a: of, b: b.referral.id as string, c: c.referral.id as string, d: d.referral.id as string };
  }

  it('by default the earliest next deadline first (none last), across pages; RECEIVED keeps the old order', async () => {
    const r = await four();
    const clock = '2026-05-08T09:00:00+02:00';
    const page1 = ok(await gql(MINE, { p: r.p, first: 2 }, { as: coordinator19, clock })).withdrawalReferrals;
    expect(page1.nodes).toEqual([
      { id: r.b, status: 'ASSESSMENT_BOOKED', nextDueBy: '2026-05-18' },
      { id: r.a, status: 'CARE_PLANNING', nextDueBy: '2026-05-19' },
    ]);
    const page2 = ok(await gql(MINE, { p: r.p, first: 2, after: page1.pageInfo.endCursor }, { as: coordinator19, clock })).withdrawalReferrals;
    expect(page2.nodes).toEqual([
      { id: r.c, status: 'RECEIVED', nextDueBy: '2026-05-20' },
      { id: r.d, status: 'WITHDRAWN', nextDueBy: null },
    ]);
    expect(page2.pageInfo.hasNextPage).toBe(false);
    const byReceipt = ok(await gql(MINE, { p: r.p, order: 'RECEIVED' }, { as: coordinator19, clock })).withdrawalReferrals;
    expect(byReceipt.nodes.map((n: { id: string }) => n.id)).toEqual([r.a, r.b, r.c, r.d]);
    // a cursor of one order is refused by the other
    refused(await gql(MINE, { p: r.p, order: 'RECEIVED', after: page1.pageInfo.endCursor }, { as: coordinator19, clock }), 'BAD_USER_INPUT', 'after');
  });

  it('overdueOnly: a meeting booked after its due date at once; an unbooked request from day 15; a place not offered by its due date from the day after', async () => {
    const r = await four();
    const overdue = async (clock: string) =>
      ok(await gql(MINE, { p: r.p, overdue: true }, { as: coordinator19, clock })).withdrawalReferrals.nodes.map((n: { id: string }) => n.id);
    expect(await overdue('2026-05-08T09:00:00+02:00')).toEqual([r.b]);
    expect(await overdue('2026-05-19T23:59:00+02:00')).toEqual([r.b]);
    expect(await overdue('2026-05-20T00:00:00+02:00')).toEqual([r.b, r.a]);
    // B's late meeting has taken place (AWAITING_DECISION): its missed deadline stays in the list until the decision
    expect(await overdue('2026-05-21T00:00:00+02:00')).toEqual([r.b, r.a, r.c]);
  });
});

describe('organisations carry the directory contact details', () => {
  const CONTACTS = [
    {
      function: 'Samordnare (coordinator), planned withdrawal treatment',
      phone: '021-17 44 13',
      email: 'avd91@regionvastmanland.se',
      hours: 'weekdays (vardagar)',
    },
    { function: 'Avdelning 91 (ward 91)', phone: '021-17 39 41', email: 'avd91@regionvastmanland.se', hours: 'weekdays (vardagar)' },
  ];

  it("Västmanland psychiatry gives the routine's coordinator and ward 91 numbers, by the directory and on a referral; no invented details for others", async () => {
    const dir = ok(await gql('{ organisations { id contacts { function phone email hours } } }', {}, { as: caseworker1980 })).organisations;
    const byId = Object.fromEntries(dir.map((o: { id: string; contacts: unknown }) => [o.id, o.contacts]));
    expect(byId['psychiatry:19']).toEqual(CONTACTS);
    expect(byId['psychiatry:01']).toEqual([]);
    expect(byId['municipality:1980']).toEqual([]);
    const { referral } = await submit(caseworker1980, RECEIVED);
    const seen = ok(
      await gql(
        'query($id: ID!) { withdrawalReferral(id: $id) { receivingOrganisation { id contacts { function phone email hours } } } }',
        { id: referral.id },
        { as: caseworker1980 },
      ),
    ).withdrawalReferral;
    expect(seen.receivingOrganisation).toEqual({ id: 'psychiatry:19', contacts: CONTACTS });
  });
});
