/**
 * The pathway end to end through the gateway, with the clock header standing
 * in for the days that pass: request → meeting → decision → plan link → offer →
 * admission → discharge; request → offer → lapse → new assessment; the
 * deadlines as the coordinator and the caseworker see them; refused
 * transitions; a full ward (places as a calendar: tests/withdrawal/places.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { gql } from '../helpers/hub.ts';
import { createPlan, participants, recordConsent } from '../helpers/plans.ts';
import {
  ADMIT,
  auditOf,
  BOOK,
  caseworker1980,
  caseworker1981,
  coordinator19,
  createWard,
  DECIDE,
  DISCHARGE,
  GET,
  NEW_ASSESSMENT,
  OFFER,
  ok,
  chiefPhysician19,
  refused,
  submit,
  WITHDRAW,
} from '../helpers/withdrawal.ts';

const INBOX = `query($p: ID!, $status: [ReferralStatus!], $overdue: Boolean) {
  withdrawalReferrals(personId: $p, status: $status, overdueOnly: $overdue) { totalCount nodes { id status assessmentDueBy overdue assessmentDeadlineMissed } } }`;
const WARD = 'query($org: ID) { wards(organisationId: $org) { id name places occupied free organisation { id } } }';

async function wardOf(id: string) {
  const wards = ok(await gql(WARD, { org: 'psychiatry:19' }, { as: coordinator19 })).wards as Array<{ id: string }>;
  return wards.find((w) => w.id === id);
}

describe('the whole pathway: request, meeting, decision, plan link, offer, admission, discharge', () => {
  it('walks it with the clock, both sides seeing what they should', async () => {
    const ward = await createWard(2);
    // Friday 20 March 2026, winter time: the caseworker sends the request
    const { referral, input } = await submit(caseworker1980, '2026-03-20T09:00:00+01:00');
    const id = referral.id;
    expect(referral).toMatchObject({ status: 'RECEIVED', assessmentDueBy: '2026-04-03', overdue: false });

    // the coordinator's inbox
    const inbox = ok(await gql(INBOX, { p: referral.person.id, status: ['RECEIVED'] }, { as: coordinator19, clock: '2026-03-23T08:00:00+01:00' }));
    expect(inbox.withdrawalReferrals).toEqual({
      totalCount: 1,
      nodes: [{ id, status: 'RECEIVED', assessmentDueBy: '2026-04-03', overdue: false, assessmentDeadlineMissed: false }],
    });

    // the physician cannot decide before a meeting
    const early = await gql(DECIDE, { id, needed: true, setting: 'INPATIENT' }, { as: chiefPhysician19, clock: '2026-03-23T08:00:00+01:00' });
    expect(refused(early, 'CONFLICT').message).toMatch(/only after the assessment meeting has taken place; this referral is RECEIVED/);

    // the coordinator books the meeting for 31 March (summer time from 29 March), within the 14 days
    const booked = ok(
      await gql(BOOK, { id, at: '2026-03-31T13:00:00+02:00', note: 'Tolk behövs (finska).' }, { as: coordinator19, clock: '2026-03-24T10:00:00+01:00' }),
    );
    expect(booked.bookAssessmentMeeting).toMatchObject({
      status: 'ASSESSMENT_BOOKED',
      assessmentMeetingAt: '2026-03-31T13:00:00.000+02:00',
      assessmentDeadlineMissed: false,
      overdue: false,
    });
    const notYet = await gql(DECIDE, { id, needed: true, setting: 'INPATIENT' }, { as: chiefPhysician19, clock: '2026-03-31T12:59:00+02:00' });
    expect(refused(notYet, 'CONFLICT').message).toMatch(/this referral is ASSESSMENT_BOOKED/);

    // after the meeting the referral awaits the referral group's decision
    const waiting = ok(await gql(GET, { id }, { as: caseworker1980, clock: '2026-03-31T14:30:00+02:00' })).withdrawalReferral;
    expect(waiting.status).toBe('AWAITING_DECISION');

    const decided = ok(
      await gql(
        DECIDE,
        { id, needed: true, setting: 'INPATIENT', rationale: 'Tidigare komplicerad abstinens.', note: 'Remissgruppen 31/3.' },
        { as: chiefPhysician19, clock: '2026-03-31T15:00:00+02:00' },
      ),
    ).recordTreatmentDecision;
    expect(decided.status).toBe('CARE_PLANNING');
    expect(decided.decision).toEqual({
      needed: true,
      setting: 'INPATIENT',
      decidedAt: '2026-03-31T15:00:00.000+02:00',
      decidedBy: 'Erik Holm',
      rationale: 'Tidigare komplicerad abstinens.',
    });

    // the joint care planning: social services draws up the written withdrawal plan, on the individual's consent, linked to the referral
    const consent = await recordConsent(caseworker1980, input.personnummer, ['municipality:1980', 'psychiatry:19'], '2026-12-31', '2026-04-01T10:00:00+02:00');
    const planRes = await createPlan(
      caseworker1980,
      {
        kind: 'WITHDRAWAL',
        personnummer: input.personnummer,
        consentId: consent.id,
        withdrawalReferralId: id,
        goals: ['Genomförd abstinensbehandling', 'Fortsatt öppenvård efter utskrivning'],
        participants: participants(
          'Test Testsson',
          ['municipality:1980', 'caseworker', 'Anna Svensson'],
          ['psychiatry:19', 'physician', 'Erik Holm'],
          ['psychiatry:19', 'coordinator', 'Maria Berg'],
        ),
        followUpOn: '2026-05-15',
      },
      '2026-04-01T10:00:00+02:00',
    );
    const plan = ok(planRes).createJointCarePlan;
    for (const caller of [caseworker1980, coordinator19]) {
      const linked = ok(
        await gql('query($id: ID!) { withdrawalReferral(id: $id) { jointCarePlan { id kind } } }', { id }, { as: caller, clock: '2026-04-01T11:00:00+02:00' }),
      );
      expect(linked.withdrawalReferral.jointCarePlan).toEqual({ id: plan.id, kind: 'WITHDRAWAL' });
    }

    // the place: due 14 days after the decision (14 April); a start on the due date needs no reason
    const offered = ok(await gql(OFFER, { id, ward, start: '2026-04-14' }, { as: coordinator19, clock: '2026-04-02T09:00:00+02:00' })).offerPlace;
    expect(offered.status).toBe('PLACE_OFFERED');
    expect(offered.placeOffer).toEqual({
      offeredAt: '2026-04-02T09:00:00.000+02:00',
      dueBy: '2026-04-14',
      startDate: '2026-04-14',
      lapsesOn: '2026-05-12',
      reason: null,
      deadlineMissed: false,
      ward: { id: ward, occupied: 0, places: 2 },
    });

    const admitted = ok(await gql(ADMIT, { id }, { as: coordinator19, clock: '2026-04-14T08:00:00+02:00' })).recordAdmission;
    expect(admitted).toMatchObject({
      status: 'ADMITTED',
      admittedAt: '2026-04-14T08:00:00.000+02:00',
      placeOffer: { ward: { id: ward, occupied: 1, places: 2 } },
    });
    expect(await wardOf(ward)).toEqual({ id: ward, name: `Testavdelning ${ward}`, places: 2, occupied: 1, free: 1, organisation: { id: 'psychiatry:19' } });

    // the caseworker follows it: status, meeting, decision with rationale, place, the timeline; never the internal notes
    const seen = await gql(
      `query($id: ID!) { withdrawalReferral(id: $id) { status assessmentMeetingAt decision { needed rationale } placeOffer { startDate ward { id } } events { kind by note } } }`,
      { id },
      { as: caseworker1980, clock: '2026-04-15T09:00:00+02:00' },
    );
    expect(ok(seen).withdrawalReferral).toEqual({
      status: 'ADMITTED',
      assessmentMeetingAt: '2026-03-31T13:00:00.000+02:00',
      decision: { needed: true, rationale: 'Tidigare komplicerad abstinens.' },
      placeOffer: { startDate: '2026-04-14', ward: { id: ward } },
      events: [
        { kind: 'SUBMITTED', by: 'Anna Svensson (Västerås stad, socialtjänsten)', note: null },
        {
          kind: 'MEETING_BOOKED',
          by: 'Maria Berg (Vuxenpsykiatri Västmanland, beroendesektionen)',
          note: 'Assessment and planning meeting on 2026-03-31 13:00.',
        },
        {
          kind: 'DECISION_RECORDED',
          by: 'Erik Holm (Vuxenpsykiatri Västmanland, beroendesektionen)',
          note: 'Withdrawal treatment is needed (inpatient); a place is to be offered by 2026-04-14.',
        },
        {
          kind: 'PLACE_OFFERED',
          by: 'Maria Berg (Vuxenpsykiatri Västmanland, beroendesektionen)',
          note: `Place on Testavdelning ${ward} from 2026-04-14; it lapses if not used by 2026-05-12.`,
        },
        {
          kind: 'ADMITTED',
          by: 'Maria Berg (Vuxenpsykiatri Västmanland, beroendesektionen)',
          note: `Admitted to Testavdelning ${ward}; expected discharge 2026-04-21.`,
        },
      ],
    });
    expect(JSON.stringify(seen)).not.toMatch(/Tolk behövs|Remissgruppen/);

    // discharge frees the place
    const done = ok(await gql(DISCHARGE, { id }, { as: coordinator19, clock: '2026-04-20T11:00:00+02:00' })).recordDischarge;
    expect(done).toMatchObject({ status: 'COMPLETED', completedAt: '2026-04-20T11:00:00.000+02:00' });
    expect(await wardOf(ward)).toMatchObject({ occupied: 0, free: 2 });

    // every change is audited with its basis, and so is every read
    const audit = await auditOf(id);
    const changes = audit.filter((a) => a.action !== 'READ').map((a) => [a.action, a.organisation_id, a.fields?.[0] ?? null]);
    expect(changes).toEqual([
      ['CREATE', 'municipality:1980', null],
      ['UPDATE', 'psychiatry:19', 'MEETING_BOOKED'],
      ['UPDATE', 'psychiatry:19', 'DECISION_RECORDED'],
      ['UPDATE', 'psychiatry:19', 'PLACE_OFFERED'],
      ['UPDATE', 'psychiatry:19', 'ADMITTED'],
      ['UPDATE', 'psychiatry:19', 'DISCHARGED'],
    ]);
    const reads = audit.filter((a) => a.action === 'READ').map((a) => [a.organisation_id, a.basis]);
    expect(reads).toEqual([
      ['psychiatry:19', 'receiving psychiatry organisation'], // the inbox
      ['municipality:1980', 'referring organisation'], // AWAITING_DECISION
      ['municipality:1980', 'referring organisation'], // drawing up the plan: social services asks psychiatry whether the caseworker may see the referral
      ['municipality:1980', 'referring organisation'], // the plan link, as the caseworker
      ['psychiatry:19', 'receiving psychiatry organisation'], // the plan link, as the coordinator
      ['municipality:1980', 'referring organisation'], // the caseworker's follow-up
    ]);
  });
});

describe('request, offer, lapse, new assessment', () => {
  it('lapses from the clock after day 28 and opens a new cycle on the same referral, keeping its history', async () => {
    const ward = await createWard(3);
    const { referral } = await submit(caseworker1981, '2026-10-01T10:00:00+02:00');
    const id = referral.id;
    ok(await gql(BOOK, { id, at: '2026-10-05T09:00:00+02:00' }, { as: coordinator19, clock: '2026-10-02T10:00:00+02:00' }));
    ok(await gql(DECIDE, { id, needed: true, setting: 'INPATIENT' }, { as: chiefPhysician19, clock: '2026-10-05T10:00:00+02:00' }));

    // a start after the due date (19 October) needs a reason and counts as a missed deadline
    const noReason = await gql(OFFER, { id, ward, start: '2026-10-22' }, { as: coordinator19, clock: '2026-10-06T10:00:00+02:00' });
    expect(refused(noReason, 'BAD_USER_INPUT', 'reason').message).toMatch(/after the due date 2026-10-19/);
    const offered = ok(
      await gql(
        OFFER,
        { id, ward, start: '2026-10-22', reason: 'Den enskilde önskar börja efter höstlovet.' },
        { as: coordinator19, clock: '2026-10-06T10:00:00+02:00' },
      ),
    ).offerPlace;
    expect(offered.placeOffer).toMatchObject({
      dueBy: '2026-10-19',
      startDate: '2026-10-22',
      lapsesOn: '2026-11-19',
      reason: 'Den enskilde önskar börja efter höstlovet.',
      deadlineMissed: true,
    });

    // day 28 after the start (across the change to winter time on 25 October) it still stands; day 29 it has lapsed
    expect(ok(await gql(GET, { id }, { as: caseworker1981, clock: '2026-11-19T23:59:00+01:00' })).withdrawalReferral.status).toBe('PLACE_OFFERED');
    expect(ok(await gql(GET, { id }, { as: caseworker1981, clock: '2026-11-20T00:00:00+01:00' })).withdrawalReferral.status).toBe('LAPSED');
    const lapsedInbox = ok(await gql(INBOX, { p: referral.person.id, status: ['LAPSED'] }, { as: coordinator19, clock: '2026-11-20T00:00:00+01:00' }));
    expect(lapsedInbox.withdrawalReferrals.totalCount).toBe(1);

    const late = await gql(ADMIT, { id }, { as: coordinator19, clock: '2026-11-21T09:00:00+01:00' });
    expect(refused(late, 'CONFLICT').message).toMatch(/this referral is LAPSED/);
    const byCoordinator = await gql(NEW_ASSESSMENT, { id }, { as: coordinator19, clock: '2026-11-23T10:00:00+01:00' });
    // psychiatry asks for a new assessment only after the ward refused the admission; after a lapse it is the municipality's
    expect(refused(byCoordinator, 'CONFLICT').message).toMatch(
      /^Psychiatry can ask for a new assessment only after the ward refused the admission; this referral is LAPSED/,
    );

    const renewed = ok(await gql(NEW_ASSESSMENT, { id }, { as: caseworker1981, clock: '2026-11-23T10:00:00+01:00' })).requestNewAssessment;
    expect(renewed).toMatchObject({
      id,
      status: 'RECEIVED',
      assessmentCycle: 2,
      assessmentDueBy: '2026-12-07',
      assessmentMeetingAt: null,
      assessmentDeadlineMissed: false,
      decision: null,
      placeOffer: null,
      receivedAt: '2026-10-01T10:00:00.000+02:00',
    });
    expect(renewed.earlierCycles).toEqual([
      {
        cycle: 1,
        assessmentDueBy: '2026-10-15',
        assessmentMeetingAt: '2026-10-05T09:00:00.000+02:00',
        decision: { needed: true },
        placeOffer: { startDate: '2026-10-22', lapsesOn: '2026-11-19', ward: { id: ward } },
        outcome: 'LAPSED',
      },
    ]);
    expect(renewed.events.map((e: { kind: string }) => e.kind)).toEqual([
      'SUBMITTED',
      'MEETING_BOOKED',
      'DECISION_RECORDED',
      'PLACE_OFFERED',
      'NEW_ASSESSMENT_REQUESTED',
    ]);
    expect(renewed.events[4].note).toBe(
      'The place offered from 2026-10-22 lapsed after 2026-11-19; the need remains. New assessment meeting due by 2026-12-07.',
    );

    // the new cycle has its own deadline: day 14 in time, day 15 overdue
    const day14 = ok(await gql(INBOX, { p: referral.person.id, overdue: true }, { as: coordinator19, clock: '2026-12-07T23:59:00+01:00' }));
    expect(day14.withdrawalReferrals.totalCount).toBe(0);
    const day15 = ok(await gql(INBOX, { p: referral.person.id, overdue: true }, { as: coordinator19, clock: '2026-12-08T00:00:00+01:00' }));
    expect(day15.withdrawalReferrals.nodes).toEqual([{ id, status: 'RECEIVED', assessmentDueBy: '2026-12-07', overdue: true, assessmentDeadlineMissed: true }]);
  });
});

describe('deadlines and transitions as the coordinator meets them', () => {
  it('a meeting booked after the due date is allowed, and the referral stays marked as having missed it', async () => {
    const { referral } = await submit(caseworker1980, '2026-03-02T10:00:00+01:00');
    const id = referral.id;
    const at14 = ok(await gql(GET, { id }, { as: coordinator19, clock: '2026-03-16T23:59:00+01:00' })).withdrawalReferral;
    expect([at14.overdue, at14.assessmentDeadlineMissed]).toEqual([false, false]);
    const at15 = ok(await gql(GET, { id }, { as: coordinator19, clock: '2026-03-17T00:00:00+01:00' })).withdrawalReferral;
    expect([at15.overdue, at15.assessmentDeadlineMissed]).toEqual([true, true]);

    const booked = ok(
      await gql(BOOK, { id, at: '2026-03-18T10:00:00+01:00' }, { as: coordinator19, clock: '2026-03-17T09:00:00+01:00' }),
    ).bookAssessmentMeeting;
    expect(booked).toMatchObject({ status: 'ASSESSMENT_BOOKED', overdue: false, assessmentDeadlineMissed: true });
    expect(booked.events[1].note).toBe('Assessment and planning meeting on 2026-03-18 10:00 (after the due date 2026-03-16).');
    const later = ok(await gql(GET, { id }, { as: caseworker1980, clock: '2026-03-19T09:00:00+01:00' })).withdrawalReferral;
    expect([later.status, later.overdue, later.assessmentDeadlineMissed]).toEqual(['AWAITING_DECISION', false, true]);
  });

  it('a meeting booked in time for a date after the due date also misses it; rebooking keeps the first mark', async () => {
    const { referral } = await submit(caseworker1980, '2026-03-02T10:00:00+01:00');
    const late = ok(
      await gql(BOOK, { id: referral.id, at: '2026-03-20T10:00:00+01:00' }, { as: coordinator19, clock: '2026-03-03T09:00:00+01:00' }),
    ).bookAssessmentMeeting;
    expect(late.assessmentDeadlineMissed).toBe(true);
    const { referral: r2 } = await submit(caseworker1980, '2026-03-02T10:00:00+01:00');
    ok(await gql(BOOK, { id: r2.id, at: '2026-03-16T10:00:00+01:00' }, { as: coordinator19, clock: '2026-03-03T09:00:00+01:00' }));
    const rebooked = ok(
      await gql(BOOK, { id: r2.id, at: '2026-03-19T10:00:00+01:00' }, { as: coordinator19, clock: '2026-03-16T11:00:00+01:00' }),
    ).bookAssessmentMeeting;
    expect([rebooked.status, rebooked.assessmentDeadlineMissed, rebooked.assessmentMeetingAt]).toEqual([
      'ASSESSMENT_BOOKED',
      false,
      '2026-03-19T10:00:00.000+01:00',
    ]);
  });

  it('not needed: the pathway ends, the caseworker sees why, and an offer is refused', async () => {
    const ward = await createWard(1);
    const { referral } = await submit(caseworker1980, '2026-05-04T10:00:00+02:00');
    const id = referral.id;
    ok(await gql(BOOK, { id, at: '2026-05-06T09:00:00+02:00' }, { as: coordinator19, clock: '2026-05-04T11:00:00+02:00' }));
    const noRationale = await gql(DECIDE, { id, needed: false }, { as: chiefPhysician19, clock: '2026-05-06T10:00:00+02:00' });
    expect(refused(noRationale, 'BAD_USER_INPUT', 'rationale').message).toMatch(/so that social services sees why/);
    ok(
      await gql(
        DECIDE,
        { id, needed: false, rationale: 'Abstinensen kan hanteras i öppenvård via vårdcentralen.' },
        { as: chiefPhysician19, clock: '2026-05-06T10:00:00+02:00' },
      ),
    );
    const seen = ok(await gql(GET, { id }, { as: caseworker1980, clock: '2026-05-07T10:00:00+02:00' })).withdrawalReferral;
    expect(seen.status).toBe('NOT_NEEDED');
    expect(seen.decision).toEqual({
      needed: false,
      setting: null,
      decidedAt: '2026-05-06T10:00:00.000+02:00',
      decidedBy: 'Erik Holm',
      rationale: 'Abstinensen kan hanteras i öppenvård via vårdcentralen.',
    });
    const offer = await gql(OFFER, { id, ward, start: '2026-05-10' }, { as: coordinator19, clock: '2026-05-07T10:00:00+02:00' });
    expect(refused(offer, 'CONFLICT').message).toMatch(/only after a decision that treatment is needed; this referral is NOT_NEEDED/);
    const withdraw = await gql(WITHDRAW, { id, reason: 'x' }, { as: caseworker1980, clock: '2026-05-07T10:00:00+02:00' });
    expect(refused(withdraw, 'CONFLICT').message).toMatch(/this referral is NOT_NEEDED/);
  });

  it('an offer before a positive decision and an admission before an offer are refused; the caseworker may withdraw', async () => {
    const ward = await createWard(1);
    const { referral } = await submit(caseworker1980, '2026-05-04T10:00:00+02:00');
    const id = referral.id;
    expect(refused(await gql(OFFER, { id, ward, start: '2026-05-10' }, { as: coordinator19 }), 'CONFLICT').message).toMatch(/this referral is RECEIVED/);
    expect(refused(await gql(ADMIT, { id }, { as: coordinator19 }), 'CONFLICT').message).toMatch(/this referral is RECEIVED/);
    expect(refused(await gql(DISCHARGE, { id }, { as: coordinator19 }), 'CONFLICT').message).toMatch(/this referral is RECEIVED/);
    expect(refused(await gql(NEW_ASSESSMENT, { id }, { as: caseworker1980 }), 'CONFLICT').message).toMatch(
      /only after an offered place has lapsed or the ward refused the admission; this referral is RECEIVED/,
    );
    const withdrawn = ok(await gql(WITHDRAW, { id, reason: 'Den enskilde har flyttat.' }, { as: caseworker1980 })).withdrawWithdrawalReferral;
    expect(withdrawn).toEqual({ id, status: 'WITHDRAWN' });
    expect(refused(await gql(BOOK, { id, at: '2099-01-01T10:00:00+01:00' }, { as: coordinator19 }), 'CONFLICT').message).toMatch(/this referral is WITHDRAWN/);
  });
});

/** Brings a fresh referral to PLACE_OFFERED on `ward` (the decision on 5 May 2026). */
async function offeredOn(ward: string, as = caseworker1980) {
  const { referral } = await submit(as, '2026-05-04T10:00:00+02:00');
  const id = referral.id;
  ok(await gql(BOOK, { id, at: '2026-05-05T09:00:00+02:00' }, { as: coordinator19, clock: '2026-05-04T11:00:00+02:00' }));
  ok(await gql(DECIDE, { id, needed: true, setting: 'INPATIENT' }, { as: chiefPhysician19, clock: '2026-05-05T10:00:00+02:00' }));
  ok(await gql(OFFER, { id, ward, start: '2026-05-11' }, { as: coordinator19, clock: '2026-05-05T11:00:00+02:00' }));
  return id;
}

describe('ward places', () => {
  it('ward 91 of Västmanland is seeded with the 4 places the routine adds', async () => {
    expect(await wardOf('91')).toMatchObject({ id: '91', name: 'Avdelning 91, Västerås', places: 4, organisation: { id: 'psychiatry:19' } });
  });

  it('a full ward refuses offers with CONFLICT (offers reserve their place); a discharge frees the place', async () => {
    const ward = await createWard(1);
    const a = await offeredOn(ward);
    const c = await submit(caseworker1980, '2026-05-04T10:00:00+02:00');
    ok(await gql(BOOK, { id: c.referral.id, at: '2026-05-05T09:00:00+02:00' }, { as: coordinator19, clock: '2026-05-04T11:00:00+02:00' }));
    ok(await gql(DECIDE, { id: c.referral.id, needed: true, setting: 'INPATIENT' }, { as: chiefPhysician19, clock: '2026-05-05T10:00:00+02:00' }));

    const clock = '2026-05-11T09:00:00+02:00';
    ok(await gql(ADMIT, { id: a }, { as: coordinator19, clock }));
    const fullOffer = await gql(OFFER, { id: c.referral.id, ward, start: '2026-05-12' }, { as: coordinator19, clock });
    expect(refused(fullOffer, 'CONFLICT').message).toBe(
      `Testavdelning ${ward} has no free place on 2026-05-12 (1 of 1 places taken or offered); the first date from which a place is free for the whole offer (start date to lapse date) is 2026-05-18.`,
    );
    expect(ok(await gql(GET, { id: c.referral.id }, { as: coordinator19, clock })).withdrawalReferral.status).toBe('CARE_PLANNING');

    ok(await gql(DISCHARGE, { id: a }, { as: coordinator19, clock: '2026-05-15T09:00:00+02:00' }));
    expect(await wardOf(ward)).toMatchObject({ occupied: 0, free: 1 });
    const offered = await gql(OFFER, { id: c.referral.id, ward, start: '2026-05-15' }, { as: coordinator19, clock: '2026-05-15T10:00:00+02:00' });
    expect(ok(offered).offerPlace.status).toBe('PLACE_OFFERED');
  });

  it("an offer on another region's ward is refused", async () => {
    const { referral } = await submit(caseworker1980, '2026-05-04T10:00:00+02:00');
    const id = referral.id;
    ok(await gql(BOOK, { id, at: '2026-05-05T09:00:00+02:00' }, { as: coordinator19, clock: '2026-05-04T11:00:00+02:00' }));
    ok(await gql(DECIDE, { id, needed: true, setting: 'INPATIENT' }, { as: chiefPhysician19, clock: '2026-05-05T10:00:00+02:00' }));
    const res = await gql(OFFER, { id, ward: 'sthlm-beroende-1', start: '2026-05-11' }, { as: coordinator19, clock: '2026-05-05T11:00:00+02:00' });
    expect(refused(res, 'BAD_USER_INPUT', 'wardId').message).toBe('Ward sthlm-beroende-1 is not a ward of your organisation.');
  });
});
