/**
 * Meetings of the withdrawal pathway through the gateway: the assessment meeting that
 * bookAssessmentMeeting writes (place or video link, duration, participants, the referring
 * municipality's invitation), the joint care-planning meeting, the unit's opening hours,
 * answers to invitations, moves that keep the first offered time (the 14-day rule is judged
 * by it), outcomes on the timeline, and who may see and do what, as a table.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { gql, subgraphRequest, type As, type GqlResult } from '../helpers/hub.ts';
import {
  auditOf,
  BOOK,
  caseworker0180,
  caseworker1980,
  caseworker1981,
  chiefPhysician19,
  coordinator01,
  coordinator19,
  nurse19,
  ok,
  physician19,
  psychiatrySql,
  refused,
  submit,
} from '../helpers/withdrawal.ts';

// Monday 1 June 2026: the assessment is due by Monday 15 June
const RECEIVED = '2026-06-01T09:00:00+02:00';
const BOOKING_CLOCK = '2026-06-02T10:00:00+02:00';
const DAY_10 = '2026-06-11T10:00:00.000+02:00'; // Thursday
const DAY_16 = '2026-06-17T13:00:00.000+02:00'; // Wednesday, after the due date

const MEETING_FIELDS = `id kind cycle status at firstOfferedAt durationMinutes place videoLink
  participants { role relation name organisation { id } }
  invitations { organisation { id } answer proposedAt comment answeredAt answeredBy }
  outcomeReason outcomeRecordedAt`;
const MEETINGS = `query($id: ID!) { withdrawalReferral(id: $id) { status assessmentMeetingAt assessmentDeadlineMissed meetings { ${MEETING_FIELDS} } events { kind note } } }`;
const BOOK_FULL = `mutation($id: ID!, $at: DateTime!, $place: String, $videoLink: String, $duration: Int, $participants: [MeetingParticipantInput!], $note: String) {
  bookAssessmentMeeting(referralId: $id, at: $at, place: $place, videoLink: $videoLink, durationMinutes: $duration, participants: $participants, internalNote: $note) { id status } }`;
const BOOK_CARE = `mutation($id: ID!, $at: DateTime!, $place: String, $videoLink: String, $duration: Int, $participants: [MeetingParticipantInput!]) {
  bookCarePlanningMeeting(referralId: $id, at: $at, place: $place, videoLink: $videoLink, durationMinutes: $duration, participants: $participants) { ${MEETING_FIELDS} } }`;
const RESCHEDULE = `mutation($id: ID!, $at: DateTime!, $reason: String) { rescheduleMeeting(meetingId: $id, at: $at, reason: $reason) { ${MEETING_FIELDS} } }`;
const ANSWER = `mutation($id: ID!, $answer: MeetingInvitationReply!, $proposedAt: DateTime, $comment: String) {
  answerMeetingInvitation(meetingId: $id, answer: $answer, proposedAt: $proposedAt, comment: $comment) { ${MEETING_FIELDS} } }`;
const OUTCOME = `mutation($id: ID!, $outcome: MeetingOutcome!, $reason: String) { recordMeetingOutcome(meetingId: $id, outcome: $outcome, reason: $reason) { ${MEETING_FIELDS} } }`;

const meetingsOf = async (id: string, as: As = coordinator19, clock = BOOKING_CLOCK) => ok(await gql(MEETINGS, { id }, { as, clock })).withdrawalReferral;

async function received() {
  const { referral } = await submit(caseworker1980, RECEIVED);
  return referral.id as string;
}

/** Each booked meeting in a room of its own: the tests of the file book the same times, and a room holds one meeting at a time. */
const room = () => `Mottagningen, Västerås sjukhus, rum ${randomUUID().slice(0, 8)}`;

async function booked(at = DAY_10, extra: Record<string, unknown> = {}) {
  const id = await received();
  ok(await gql(BOOK_FULL, { id, at, place: room(), ...extra }, { as: coordinator19, clock: BOOKING_CLOCK }));
  const meetingId = (await meetingsOf(id)).meetings[0].id as string;
  return { id, meetingId };
}

const pendingMunicipality = {
  organisation: { id: 'municipality:1980' },
  answer: 'PENDING',
  proposedAt: null,
  comment: null,
  answeredAt: null,
  answeredBy: null,
};

describe('the assessment meeting', () => {
  it('bookAssessmentMeeting stores time, place, duration, participants and the municipality invitation', async () => {
    const id = await received();
    ok(
      await gql(
        BOOK_FULL,
        {
          id,
          at: DAY_10,
          place: 'Mottagningen, ingång 21',
          duration: 90,
          participants: [{ role: 'INDIVIDUAL' }, { role: 'RELATIVE', relation: 'mor' }, { role: 'CASEWORKER' }, { role: 'COORDINATOR', name: 'Maria Berg' }],
        },
        { as: coordinator19, clock: BOOKING_CLOCK },
      ),
    );
    const r = await meetingsOf(id);
    expect(r.status).toBe('ASSESSMENT_BOOKED');
    expect(r.assessmentMeetingAt).toBe(DAY_10);
    expect(r.meetings).toEqual([
      {
        id: expect.any(String),
        kind: 'ASSESSMENT',
        cycle: 1,
        status: 'BOOKED',
        at: DAY_10,
        firstOfferedAt: DAY_10,
        durationMinutes: 90,
        place: 'Mottagningen, ingång 21',
        videoLink: null,
        participants: [
          { role: 'INDIVIDUAL', relation: null, name: null, organisation: null },
          { role: 'RELATIVE', relation: 'mor', name: null, organisation: null },
          { role: 'CASEWORKER', relation: null, name: null, organisation: { id: 'municipality:1980' } },
          { role: 'COORDINATOR', relation: null, name: 'Maria Berg', organisation: { id: 'psychiatry:19' } },
        ],
        invitations: [pendingMunicipality],
        outcomeReason: null,
        outcomeRecordedAt: null,
      },
    ]);
    expect(r.events.map((e: { kind: string }) => e.kind)).toEqual(['SUBMITTED', 'MEETING_BOOKED']);
  });

  it('the existing call (time only) still works: 60 minutes, the default participants, no place', async () => {
    const id = await received();
    ok(await gql(BOOK, { id, at: DAY_10 }, { as: coordinator19, clock: BOOKING_CLOCK }));
    const [m] = (await meetingsOf(id)).meetings;
    expect(m).toMatchObject({ durationMinutes: 60, place: null, videoLink: null, invitations: [pendingMunicipality] });
    expect(m.participants.map((p: { role: string }) => p.role)).toEqual(['INDIVIDUAL', 'CASEWORKER', 'COORDINATOR']);
  });

  it('a rebooking moves the booked meeting of the cycle: one meeting, the first offered time kept', async () => {
    const { id } = await booked(DAY_10);
    ok(await gql(BOOK, { id, at: DAY_16 }, { as: coordinator19, clock: BOOKING_CLOCK }));
    const r = await meetingsOf(id);
    expect(r.meetings).toHaveLength(1);
    expect(r.meetings[0]).toMatchObject({ at: DAY_16, firstOfferedAt: DAY_10, place: expect.stringMatching(/^Mottagningen, Västerås sjukhus, rum /) });
    expect(r.assessmentDeadlineMissed).toBe(false);
  });
});

describe('opening hours (weekdays 08:00–17:00 Stockholm by default)', () => {
  it.each([
    ['Saturday 03:00', '2026-06-06T03:00:00+02:00', 60],
    ['a weekday 07:30', '2026-06-04T07:30:00+02:00', 60],
    ['a weekday 16:30 for an hour (ends 17:30)', '2026-06-04T16:30:00+02:00', 60],
    ['Sunday 10:00', '2026-06-07T10:00:00+02:00', 30],
  ])('%s is refused with BAD_USER_INPUT on at, naming the hours; nothing written', async (_label, at, duration) => {
    const id = await received();
    const e = refused(await gql(BOOK_FULL, { id, at, duration }, { as: coordinator19, clock: BOOKING_CLOCK }), 'BAD_USER_INPUT', 'at');
    expect(e.message).toMatch(/outside the unit's opening hours: weekdays 08:00–17:00 \(Europe\/Stockholm\)\.$/);
    const r = await meetingsOf(id);
    expect(r).toMatchObject({ status: 'RECEIVED', assessmentMeetingAt: null, meetings: [] });
  });

  it.each([
    ['midsommarafton', '2026-06-19T10:00:00+02:00'],
    ['Kristi himmelsfärdsdag', '2027-05-06T10:00:00+02:00'],
    ['julafton', '2026-12-24T10:00:00+01:00'],
  ])('a weekday that is a public holiday (%s) is refused with BAD_USER_INPUT on at, naming the holiday; nothing written', async (holiday, at) => {
    const id = await received();
    const e = refused(await gql(BOOK_FULL, { id, at }, { as: coordinator19, clock: BOOKING_CLOCK }), 'BAD_USER_INPUT', 'at');
    expect(e.message).toBe(
      `The assessment meeting on ${at.slice(0, 10)} 10:00 falls on a public holiday (${holiday}); the unit holds no meetings on public holidays.`,
    );
    expect(await meetingsOf(id)).toMatchObject({ status: 'RECEIVED', assessmentMeetingAt: null, meetings: [] });
  });

  it('a proposed time on a public holiday is refused on proposedAt', async () => {
    const { id, meetingId } = await booked();
    const e = refused(
      await gql(ANSWER, { id: meetingId, answer: 'PROPOSE_TIME', proposedAt: '2026-06-19T09:00:00+02:00' }, { as: caseworker1980, clock: BOOKING_CLOCK }),
      'BAD_USER_INPUT',
      'proposedAt',
    );
    expect(e.message).toMatch(/\(midsommarafton\)/);
    expect((await meetingsOf(id)).meetings[0].invitations).toEqual([pendingMunicipality]);
  });

  it('16:00 for an hour ends at closing time and is accepted', async () => {
    const id = await received();
    ok(await gql(BOOK_FULL, { id, at: '2026-06-04T16:00:00+02:00', duration: 60 }, { as: coordinator19, clock: BOOKING_CLOCK }));
    expect((await meetingsOf(id)).meetings[0].at).toBe('2026-06-04T16:00:00.000+02:00');
  });

  it('every invalid field is answered at once, and nothing is written', async () => {
    const id = await received();
    const res = await gql(
      BOOK_FULL,
      { id, at: '2026-06-06T03:00:00+02:00', duration: 5, videoLink: 'http://video.example/abc', participants: [{ role: 'INDIVIDUAL' }, { role: 'RELATIVE' }] },
      { as: coordinator19, clock: BOOKING_CLOCK },
    );
    expect(res.errors?.map((e) => [e.extensions?.code, e.extensions?.field])).toEqual([
      ['BAD_USER_INPUT', 'durationMinutes'],
      ['BAD_USER_INPUT', 'at'],
      ['BAD_USER_INPUT', 'videoLink'],
      ['BAD_USER_INPUT', 'participants[1].relation'],
    ]);
    expect(await meetingsOf(id)).toMatchObject({ status: 'RECEIVED', meetings: [] });
  });
});

describe('invitations', () => {
  it('the municipality sees its invitation, proposes another time, the coordinator moves the meeting and the municipality accepts', async () => {
    const { id, meetingId } = await booked(DAY_10);
    const seen = await meetingsOf(id, caseworker1980);
    expect(seen.meetings[0].invitations).toEqual([pendingMunicipality]);

    const proposed = ok(
      await gql(
        ANSWER,
        { id: meetingId, answer: 'PROPOSE_TIME', proposedAt: '2026-06-12T09:00:00+02:00', comment: 'Klienten arbetar torsdagar.' },
        { as: caseworker1980, clock: BOOKING_CLOCK },
      ),
    ).answerMeetingInvitation;
    expect(proposed.invitations).toEqual([
      {
        organisation: { id: 'municipality:1980' },
        answer: 'PROPOSED_TIME',
        proposedAt: '2026-06-12T09:00:00.000+02:00',
        comment: 'Klienten arbetar torsdagar.',
        answeredAt: '2026-06-02T10:00:00.000+02:00',
        answeredBy: 'Anna Svensson (Västerås stad, socialtjänsten)',
      },
    ]);

    const moved = ok(
      await gql(
        RESCHEDULE,
        { id: meetingId, at: '2026-06-12T09:00:00+02:00', reason: 'Enligt socialtjänstens förslag.' },
        { as: coordinator19, clock: BOOKING_CLOCK },
      ),
    ).rescheduleMeeting;
    expect(moved).toMatchObject({ at: '2026-06-12T09:00:00.000+02:00', firstOfferedAt: DAY_10, invitations: [pendingMunicipality] });

    const accepted = ok(await gql(ANSWER, { id: meetingId, answer: 'ACCEPT' }, { as: caseworker1980, clock: BOOKING_CLOCK })).answerMeetingInvitation;
    expect(accepted.invitations[0]).toMatchObject({ answer: 'ACCEPTED', proposedAt: null });

    const r = await meetingsOf(id);
    expect(r.assessmentMeetingAt).toBe('2026-06-12T09:00:00.000+02:00');
    expect(r.events.slice(1)).toEqual([
      { kind: 'MEETING_BOOKED', note: 'Assessment and planning meeting on 2026-06-11 10:00.' },
      {
        kind: 'INVITATION_TIME_PROPOSED',
        note: 'Västerås stad, socialtjänsten proposed 2026-06-12 09:00 instead of 2026-06-11 10:00 for the assessment meeting.',
      },
      { kind: 'MEETING_MOVED', note: 'Assessment and planning meeting moved to 2026-06-12 09:00. Enligt socialtjänstens förslag.' },
      { kind: 'INVITATION_ACCEPTED', note: 'Västerås stad, socialtjänsten accepted the assessment meeting on 2026-06-12 09:00.' },
    ]);
  });

  it.each([
    ['ACCEPT with a proposed time', { answer: 'ACCEPT', proposedAt: '2026-06-12T09:00:00+02:00' }, 'proposedAt'],
    ['PROPOSE_TIME without one', { answer: 'PROPOSE_TIME' }, 'proposedAt'],
    ['a proposed Saturday', { answer: 'PROPOSE_TIME', proposedAt: '2026-06-13T09:00:00+02:00' }, 'proposedAt'],
  ])('%s: BAD_USER_INPUT naming the field, nothing changed', async (_label, args, field) => {
    const { id, meetingId } = await booked();
    refused(await gql(ANSWER, { id: meetingId, ...args }, { as: caseworker1980, clock: BOOKING_CLOCK }), 'BAD_USER_INPUT', field);
    expect((await meetingsOf(id)).meetings[0].invitations).toEqual([pendingMunicipality]);
  });

  it('an invitation to a meeting whose time has passed cannot be answered (CONFLICT)', async () => {
    const { meetingId } = await booked();
    refused(await gql(ANSWER, { id: meetingId, answer: 'ACCEPT' }, { as: caseworker1980, clock: '2026-06-11T12:00:00+02:00' }), 'CONFLICT');
  });

  it('the reads of meetings are audited with their basis', async () => {
    const { id } = await booked();
    await meetingsOf(id, caseworker1980);
    const reads = (await auditOf(id)).filter((e) => e.entity === 'WithdrawalMeeting');
    expect(reads).toEqual(
      expect.arrayContaining([
        {
          action: 'READ',
          entity: 'WithdrawalMeeting',
          user_id: 'anna.svensson',
          organisation_id: 'municipality:1980',
          basis: 'referring organisation',
          fields: ['meetings'],
        },
      ]),
    );
  });
});

describe('the 14-day rule is judged by the first offered time', () => {
  it('first offered on day 10, moved to day 16: the deadline is met', async () => {
    const { id, meetingId } = await booked(DAY_10);
    ok(await gql(RESCHEDULE, { id: meetingId, at: DAY_16, reason: 'Tolk saknades.' }, { as: coordinator19, clock: BOOKING_CLOCK }));
    const r = await meetingsOf(id);
    expect(r).toMatchObject({ status: 'ASSESSMENT_BOOKED', assessmentMeetingAt: DAY_16, assessmentDeadlineMissed: false });
    expect(r.meetings[0]).toMatchObject({ at: DAY_16, firstOfferedAt: DAY_10 });
  });

  it('first offered on day 16: the deadline is missed', async () => {
    const { id } = await booked(DAY_16);
    expect((await meetingsOf(id)).assessmentDeadlineMissed).toBe(true);
  });
});

describe('outcomes', () => {
  it('HELD before the meeting time is CONFLICT; after it HELD is recorded and on the timeline; a second outcome is CONFLICT', async () => {
    const { id, meetingId } = await booked(DAY_10);
    expect(refused(await gql(OUTCOME, { id: meetingId, outcome: 'HELD' }, { as: coordinator19, clock: BOOKING_CLOCK }), 'CONFLICT').message).toMatch(
      /record HELD or NO_SHOW once its time has come/,
    );
    const held = ok(await gql(OUTCOME, { id: meetingId, outcome: 'HELD' }, { as: coordinator19, clock: '2026-06-11T11:30:00+02:00' })).recordMeetingOutcome;
    expect(held).toMatchObject({ status: 'HELD', outcomeReason: null, outcomeRecordedAt: '2026-06-11T11:30:00.000+02:00' });
    refused(await gql(OUTCOME, { id: meetingId, outcome: 'NO_SHOW' }, { as: coordinator19, clock: '2026-06-11T11:40:00+02:00' }), 'CONFLICT');
    const r = await meetingsOf(id, caseworker1980, '2026-06-11T12:00:00+02:00');
    expect(r.events.at(-1)).toEqual({ kind: 'MEETING_HELD', note: 'Assessment and planning meeting on 2026-06-11 10:00 held.' });
  });

  it('NO_SHOW, and CANCELLED needs a reason', async () => {
    const a = await booked(DAY_10);
    ok(await gql(OUTCOME, { id: a.meetingId, outcome: 'NO_SHOW' }, { as: coordinator19, clock: '2026-06-11T10:30:00+02:00' }));
    const b = await booked(DAY_10);
    refused(await gql(OUTCOME, { id: b.meetingId, outcome: 'CANCELLED' }, { as: coordinator19, clock: BOOKING_CLOCK }), 'BAD_USER_INPUT', 'reason');
    expect((await meetingsOf(b.id)).meetings[0].status).toBe('BOOKED');
    const c = ok(
      await gql(OUTCOME, { id: b.meetingId, outcome: 'CANCELLED', reason: 'Klienten inlagd på annan enhet.' }, { as: coordinator19, clock: BOOKING_CLOCK }),
    );
    expect(c.recordMeetingOutcome).toMatchObject({ status: 'CANCELLED', outcomeReason: 'Klienten inlagd på annan enhet.' });
    expect((await meetingsOf(a.id, coordinator19, '2026-06-11T12:00:00+02:00')).events.at(-1).kind).toBe('MEETING_NO_SHOW');
    expect((await meetingsOf(b.id)).events.at(-1)).toEqual({
      kind: 'MEETING_CANCELLED',
      note: 'Assessment and planning meeting on 2026-06-11 10:00 cancelled. Klienten inlagd på annan enhet.',
    });
  });

  it('after a no-show, booking again makes a new meeting; its deadline mark stays that of the first offer', async () => {
    const { id, meetingId } = await booked(DAY_10);
    ok(await gql(OUTCOME, { id: meetingId, outcome: 'NO_SHOW' }, { as: coordinator19, clock: '2026-06-11T10:30:00+02:00' }));
    ok(await gql(BOOK, { id, at: DAY_16 }, { as: coordinator19, clock: '2026-06-11T11:00:00+02:00' }));
    const r = await meetingsOf(id, coordinator19, '2026-06-11T11:00:00+02:00');
    expect(r.meetings.map((m: { status: string; at: string }) => [m.status, m.at])).toEqual([
      ['NO_SHOW', DAY_10],
      ['BOOKED', DAY_16],
    ]);
    expect(r.assessmentDeadlineMissed).toBe(false);
  });
});

describe('the joint care-planning meeting', () => {
  async function decided() {
    const { id } = await booked(DAY_10);
    ok(
      await gql(
        'mutation($id: ID!) { recordTreatmentDecision(referralId: $id, needed: true, setting: INPATIENT) { id } }',
        { id },
        { as: chiefPhysician19, clock: '2026-06-11T14:00:00+02:00' },
      ),
    );
    return id;
  }
  const CARE_CLOCK = '2026-06-12T09:00:00+02:00';

  it('before the decision: CONFLICT', async () => {
    const { id } = await booked(DAY_10);
    const e = refused(await gql(BOOK_CARE, { id, at: DAY_16, place: 'Avdelning 91' }, { as: coordinator19, clock: BOOKING_CLOCK }), 'CONFLICT');
    expect(e.message).toBe('A care-planning meeting can be booked only after a decision that treatment is needed; this referral is ASSESSMENT_BOOKED.');
  });

  it('after the decision: booked with a video link and the routine participants, on the timeline, the invitation seen by the municipality', async () => {
    const id = await decided();
    const m = ok(
      await gql(
        BOOK_CARE,
        {
          id,
          at: '2026-06-16T14:00:00+02:00',
          videoLink: 'https://video.regionvastmanland.se/m/123',
          participants: [
            { role: 'INDIVIDUAL' },
            { role: 'RELATIVE', relation: 'sambo' },
            { role: 'CASEWORKER' },
            { role: 'PHYSICIAN' },
            { role: 'COORDINATOR' },
          ],
        },
        { as: coordinator19, clock: CARE_CLOCK },
      ),
    ).bookCarePlanningMeeting;
    expect(m).toMatchObject({
      kind: 'CARE_PLANNING',
      status: 'BOOKED',
      at: '2026-06-16T14:00:00.000+02:00',
      durationMinutes: 60,
      place: null,
      videoLink: 'https://video.regionvastmanland.se/m/123',
      invitations: [pendingMunicipality],
    });
    expect(m.participants.map((p: { role: string; organisation: { id: string } | null }) => [p.role, p.organisation?.id ?? null])).toEqual([
      ['INDIVIDUAL', null],
      ['RELATIVE', null],
      ['CASEWORKER', 'municipality:1980'],
      ['PHYSICIAN', 'psychiatry:19'],
      ['COORDINATOR', 'psychiatry:19'],
    ]);
    const r = await meetingsOf(id, caseworker1980, CARE_CLOCK);
    expect(r.meetings.map((x: { kind: string }) => x.kind)).toEqual(['ASSESSMENT', 'CARE_PLANNING']);
    expect(r.events.at(-1)).toEqual({ kind: 'CARE_PLANNING_MEETING_BOOKED', note: 'Joint care-planning meeting on 2026-06-16 14:00, 60 minutes by video.' });
  });

  it('without place or video link: BAD_USER_INPUT on place, nothing written', async () => {
    const id = await decided();
    refused(await gql(BOOK_CARE, { id, at: '2026-06-16T14:00:00+02:00' }, { as: coordinator19, clock: CARE_CLOCK }), 'BAD_USER_INPUT', 'place');
    expect((await meetingsOf(id, coordinator19, CARE_CLOCK)).meetings).toHaveLength(1);
  });
});

describe('who may see and do what with meetings, by role × organisation', () => {
  const as = (org: string, role: As['roles'][number]): As => ({ org, roles: [role], sub: `${org}-${role}`.toLowerCase(), name: `${role} ${org}` });
  type Outcome = 'ok' | 'hidden' | 'FORBIDDEN' | 'NOT_FOUND';
  //                                           see meetings  answer       reschedule   outcome      book care planning
  const TABLE: Array<[string, As, Outcome, Outcome, Outcome, Outcome, Outcome]> = [
    ['the referring caseworker', caseworker1980, 'ok', 'ok', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN'],
    ['another caseworker of the referring municipality', as('municipality:1980', 'CASEWORKER'), 'ok', 'ok', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN'],
    ['a caseworker of another municipality (1981)', caseworker1981, 'hidden', 'NOT_FOUND', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN'],
    ['a caseworker of another region (0180)', caseworker0180, 'hidden', 'NOT_FOUND', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN'],
    ['the receiving coordinator', coordinator19, 'ok', 'FORBIDDEN', 'ok', 'ok', 'ok'],
    ['a physician of the receiving organisation', physician19, 'ok', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN'],
    ['a nurse of the receiving organisation', nurse19, 'ok', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN'],
    // staff of organisations that may be invited, but are not invited to this meeting: it is absent for them
    ["the other region's coordinator", coordinator01, 'hidden', 'NOT_FOUND', 'NOT_FOUND', 'NOT_FOUND', 'NOT_FOUND'],
    ['a probation officer', as('probation:vasteras', 'PROBATION_OFFICER'), 'hidden', 'NOT_FOUND', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN'],
    ['a log reviewer of the receiving psychiatry', as('psychiatry:19', 'LOG_REVIEWER'), 'hidden', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN'],
  ];
  const AT = '2026-06-12T09:00:00+02:00';

  for (const [who, caller, see, answer, reschedule, outcome, book] of TABLE) {
    it(`${who}: see ${see}, answer ${answer}, reschedule ${reschedule}, outcome ${outcome}, book care planning ${book}`, async () => {
      const { id, meetingId } = await booked(DAY_10);
      const before = await meetingsOf(id);

      const seen = await gql(MEETINGS, { id }, { as: caller, clock: BOOKING_CLOCK });
      if (see === 'ok') expect(ok(seen).withdrawalReferral.meetings.map((m: { id: string }) => m.id)).toEqual([meetingId]);
      else {
        expect(ok(seen).withdrawalReferral).toBeNull();
        expect(JSON.stringify(seen)).not.toContain(meetingId);
      }

      // the same answer by `_entities`, as the gateway would send it
      const q = `{ _entities(representations: [{ __typename: "WithdrawalReferral", id: "${id}" }]) { ... on WithdrawalReferral { meetings { id invitations { organisation { id } } } } } }`;
      const { body } = await subgraphRequest('psychiatry', q, { as: caller });
      if (see === 'ok')
        expect(body.data?._entities?.[0]).toEqual({ meetings: [{ id: meetingId, invitations: [{ organisation: { id: 'municipality:1980' } }] }] });
      else {
        expect(body.data?._entities?.[0] ?? null).toBeNull();
        expect(JSON.stringify(body)).not.toContain(meetingId);
      }

      const calls: Array<[Outcome, () => Promise<GqlResult>]> = [
        [answer, () => gql(ANSWER, { id: meetingId, answer: 'ACCEPT' }, { as: caller, clock: BOOKING_CLOCK })],
        [reschedule, () => gql(RESCHEDULE, { id: meetingId, at: AT }, { as: caller, clock: BOOKING_CLOCK })],
        [outcome, () => gql(OUTCOME, { id: meetingId, outcome: 'CANCELLED', reason: 'Test.' }, { as: caller, clock: BOOKING_CLOCK })],
      ];
      for (const [expected, call] of calls) {
        const res = await call();
        if (expected === 'ok') ok(res);
        else {
          refused(res, expected);
          expect(JSON.stringify(res.errors)).not.toContain('Test Testsson');
        }
      }
      // booking a care-planning meeting: the referral is before the decision, so the coordinator gets CONFLICT (the state), everyone else is refused first
      const care = await gql(BOOK_CARE, { id, at: AT, place: 'Avdelning 91' }, { as: caller, clock: BOOKING_CLOCK });
      refused(care, book === 'ok' ? 'CONFLICT' : book);

      // a refused caller changed nothing
      if (answer !== 'ok' && reschedule !== 'ok' && outcome !== 'ok') expect(await meetingsOf(id)).toEqual(before);
    });
  }
});

describe('withdrawal', () => {
  it('withdrawing the request cancels its booked meetings with the reason; a withdrawn request takes no answer (CONFLICT)', async () => {
    const { id, meetingId } = await booked(DAY_10);
    ok(
      await gql(
        'mutation($id: ID!) { withdrawWithdrawalReferral(referralId: $id, reason: "Flyttat.") { id } }',
        { id },
        { as: caseworker1980, clock: BOOKING_CLOCK },
      ),
    );
    const [m] = (await meetingsOf(id)).meetings;
    expect(m).toMatchObject({ status: 'CANCELLED', outcomeReason: 'The request was withdrawn: Flyttat.', outcomeRecordedAt: '2026-06-02T10:00:00.000+02:00' });
    refused(await gql(ANSWER, { id: meetingId, answer: 'ACCEPT' }, { as: caseworker1980, clock: BOOKING_CLOCK }), 'CONFLICT');
  });
});

describe('nothing half written', () => {
  it('a meeting whose referral step fails (a decided referral) leaves the meeting as it was', async () => {
    const { id, meetingId } = await booked(DAY_10);
    ok(
      await gql(
        'mutation($id: ID!) { recordTreatmentDecision(referralId: $id, needed: true, setting: OUTPATIENT) { id } }',
        { id },
        { as: chiefPhysician19, clock: '2026-06-11T14:00:00+02:00' },
      ),
    );
    refused(await gql(RESCHEDULE, { id: meetingId, at: DAY_16 }, { as: coordinator19, clock: '2026-06-12T09:00:00+02:00' }), 'CONFLICT');
    const rows = await psychiatrySql((sql) => sql`select start_at from withdrawal_meeting where id = ${meetingId}`);
    expect((rows[0]!.start_at as Date).toISOString()).toBe('2026-06-11T08:00:00.000Z');
  });
});
