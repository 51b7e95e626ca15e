/**
 * Meetings through the gateway, beyond the two parties of a request: invitations to other
 * organisations of the directory (a probation office, a clinic, another municipality), which
 * see exactly their invitation and the meeting's non-personal details (meetingInvitations) and
 * answer it (accept, propose another time, decline with a reason), while an organisation not
 * invited sees nothing (a table: role × organisation × invited or not); and clashes: a meeting
 * that overlaps another of the same room or the same named physician or coordinator is refused
 * with CONFLICT naming the clashing meeting, also when two bookings of one slot race.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { gql, type As, type GqlResult } from '../helpers/hub.ts';
import { caseworker0180, caseworker1980, caseworker1981, coordinator01, coordinator19, nurse19, ok, refused, submit } from '../helpers/withdrawal.ts';

const person = (org: string, role: As['roles'][number]): As => ({
  org,
  roles: [role],
  sub: `${org}-${role}-${randomUUID().slice(0, 6)}`.toLowerCase(),
  name: `${role} ${org}`,
});
const probationVasteras = person('probation:vasteras', 'PROBATION_OFFICER');
const probationStockholm = person('probation:stockholm', 'PROBATION_OFFICER');
const clinicSodermalm = person('clinic:0180-sodermalm', 'CLINIC_STAFF');
const clinicKista = person('clinic:0180-kista', 'CLINIC_STAFF');

// Thursday 15 October 2026, far from the other files' meetings; the lists are read the day before
const RECEIVED = '2026-10-01T09:00:00+02:00';
const BOOKING = '2026-10-02T10:00:00+02:00';
const AT = '2026-10-15T10:00:00.000+02:00';
const DAY_BEFORE = '2026-10-14T12:00:00+02:00';

const MEETING_FIELDS = `id at place participants { role relation name userId organisation { id } }
  invitations { organisation { id } answer proposedAt comment reason answeredBy } outcomeReason`;
const BOOK = `mutation($id: ID!, $at: DateTime!, $place: String, $duration: Int, $participants: [MeetingParticipantInput!], $invite: [ID!]) {
  bookAssessmentMeeting(referralId: $id, at: $at, place: $place, durationMinutes: $duration, participants: $participants, inviteOrganisations: $invite) {
    id meetings { ${MEETING_FIELDS} } } }`;
const RESCHEDULE = `mutation($id: ID!, $at: DateTime!) { rescheduleMeeting(meetingId: $id, at: $at) { ${MEETING_FIELDS} } }`;
const ANSWER = `mutation($id: ID!, $answer: MeetingInvitationReply!, $proposedAt: DateTime, $comment: String, $reason: String) {
  answerMeetingInvitation(meetingId: $id, answer: $answer, proposedAt: $proposedAt, comment: $comment, reason: $reason) { ${MEETING_FIELDS} } }`;
const OUTCOME = `mutation($id: ID!, $reason: String) { recordMeetingOutcome(meetingId: $id, outcome: CANCELLED, reason: $reason) { id status } }`;
const INVITATIONS = `query($answer: [InvitationAnswer!], $past: Boolean) { meetingInvitations(answer: $answer, includePast: $past) {
  id kind status at durationMinutes place videoLink host { id name } participants { role name userId organisation { id } }
  invitation { organisation { id } answer proposedAt comment reason answeredAt answeredBy } } }`;
const REFERRAL = `query($id: ID!) { withdrawalReferral(id: $id) { id meetings { ${MEETING_FIELDS} } events { kind note } } }`;

const room = () => `Mottagningen, rum ${randomUUID().slice(0, 8)}`;

/** A request from Västerås with its assessment meeting booked, inviting the Västerås probation office, the Södermalm clinic and Sala's social services. */
async function invitedMeeting(extra: Record<string, unknown> = {}) {
  const { referral } = await submit(caseworker1980, RECEIVED);
  const place = room();
  const res = ok(
    await gql(
      BOOK,
      {
        id: referral.id,
        at: AT,
        place,
        duration: 90,
        participants: [
          { role: 'INDIVIDUAL' },
          { role: 'RELATIVE', relation: 'mor', name: 'Eva Testsson' },
          { role: 'CASEWORKER' },
          { role: 'COORDINATOR', name: 'Maria Berg', userId: `maria-${randomUUID()}` },
          { role: 'PARTNER_STAFF', organisationId: 'probation:vasteras', name: 'Frivårdsinspektör Olle Ek' },
        ],
        invite: ['clinic:0180-sodermalm', 'municipality:1981'],
        ...extra,
      },
      { as: coordinator19, clock: BOOKING },
    ),
  ).bookAssessmentMeeting;
  return { referralId: referral.id as string, meetingId: res.meetings[0].id as string, place, personnummer: referral.personnummer as string };
}

const invitationsOf = async (as: As, clock = DAY_BEFORE, vars: Record<string, unknown> = {}) =>
  ok(await gql(INVITATIONS, vars, { as, clock })).meetingInvitations as Array<Record<string, any>>;

const pending = (id: string) => ({ organisation: { id }, answer: 'PENDING', proposedAt: null, comment: null, reason: null, answeredBy: null });

describe('invitations to other organisations', () => {
  it('the host sees every invitation; each invited organisation sees exactly its own, with its own participants and no personal data', async () => {
    const { referralId, meetingId, place, personnummer } = await invitedMeeting();
    const host = ok(await gql(REFERRAL, { id: referralId }, { as: coordinator19, clock: BOOKING })).withdrawalReferral.meetings[0];
    expect(host.invitations).toEqual([
      pending('municipality:1980'),
      pending('probation:vasteras'),
      pending('clinic:0180-sodermalm'),
      pending('municipality:1981'),
    ]);
    expect(host.participants.find((p: { role: string }) => p.role === 'COORDINATOR').userId).toMatch(/^maria-/);

    // the referring municipality: its own invitation, the participants without user ids
    const sender = ok(await gql(REFERRAL, { id: referralId }, { as: caseworker1980, clock: BOOKING })).withdrawalReferral.meetings[0];
    expect(sender.invitations).toEqual([pending('municipality:1980')]);
    expect(sender.participants.map((p: { userId: string | null }) => p.userId)).toEqual([null, null, null, null, null]);

    const seen = (await invitationsOf(probationVasteras)).filter((m) => m.id === meetingId);
    expect(seen).toEqual([
      {
        id: meetingId,
        kind: 'ASSESSMENT',
        status: 'BOOKED',
        at: AT,
        durationMinutes: 90,
        place,
        videoLink: null,
        host: { id: 'psychiatry:19', name: 'Vuxenpsykiatri Västmanland, beroendesektionen' },
        participants: [{ role: 'PARTNER_STAFF', name: 'Frivårdsinspektör Olle Ek', userId: null, organisation: { id: 'probation:vasteras' } }],
        invitation: { ...pending('probation:vasteras'), answeredAt: null },
      },
    ]);
    const all = JSON.stringify(await invitationsOf(probationVasteras));
    for (const personal of ['Test Testsson', personnummer, 'Eva Testsson', 'mor', referralId]) expect(all).not.toContain(personal);
    // the referral itself stays absent for the invited organisations
    expect(ok(await gql(REFERRAL, { id: referralId }, { as: caseworker1981, clock: BOOKING })).withdrawalReferral).toBeNull();
    const sala = (await invitationsOf(caseworker1981)).filter((m) => m.id === meetingId);
    expect(sala.map((m) => [m.invitation.organisation.id, m.participants])).toEqual([['municipality:1981', []]]);
  });

  // role × organisation × invited or not: what meetingInvitations lists and what answering does
  type Outcome = 'ok' | 'FORBIDDEN' | 'NOT_FOUND';
  const TABLE: Array<[string, As, boolean, Outcome, Outcome]> = [
    //                                                          invited  list        answer
    ['the referring caseworker (Västerås)', caseworker1980, true, 'ok', 'ok'],
    ['a probation officer of the invited office (Västerås)', probationVasteras, true, 'ok', 'ok'],
    ['a probation officer of another office (Stockholm)', probationStockholm, false, 'ok', 'NOT_FOUND'],
    ['clinic staff of the invited clinic (Södermalm)', clinicSodermalm, true, 'ok', 'ok'],
    ['clinic staff of another clinic (Kista)', clinicKista, false, 'ok', 'NOT_FOUND'],
    ['a caseworker of the invited municipality (Sala)', caseworker1981, true, 'ok', 'ok'],
    ['a caseworker of a municipality not invited (Stockholm)', caseworker0180, false, 'ok', 'NOT_FOUND'],
    ["another region's coordinator (not invited)", coordinator01, false, 'ok', 'NOT_FOUND'],
    ['the host coordinator', coordinator19, false, 'ok', 'FORBIDDEN'],
    ['a nurse of the host', nurse19, false, 'FORBIDDEN', 'FORBIDDEN'],
    ['a log reviewer of the invited office', person('probation:vasteras', 'LOG_REVIEWER'), false, 'FORBIDDEN', 'FORBIDDEN'],
    ['a council member of the invited municipality', person('municipality:1981', 'COUNCIL_MEMBER'), false, 'FORBIDDEN', 'FORBIDDEN'],
  ];

  for (const [who, as, invited, list, answer] of TABLE) {
    it(`${who}: ${invited ? 'invited' : 'not invited'}, list ${list}, answer ${answer}`, async () => {
      const { referralId, meetingId } = await invitedMeeting();
      const res = await gql(INVITATIONS, {}, { as, clock: DAY_BEFORE });
      if (list === 'ok') {
        const mine = (ok(res).meetingInvitations as Array<{ id: string; invitation: { organisation: { id: string } } }>).filter((m) => m.id === meetingId);
        expect(mine.map((m) => m.invitation.organisation.id)).toEqual(invited ? [as.org] : []);
      } else refused(res, list);

      const before = ok(await gql(REFERRAL, { id: referralId }, { as: coordinator19, clock: BOOKING })).withdrawalReferral.meetings[0].invitations;
      const answered = await gql(ANSWER, { id: meetingId, answer: 'ACCEPT' }, { as, clock: DAY_BEFORE });
      const after = ok(await gql(REFERRAL, { id: referralId }, { as: coordinator19, clock: BOOKING })).withdrawalReferral.meetings[0].invitations;
      if (answer === 'ok') {
        const m = ok(answered).answerMeetingInvitation;
        expect(m.invitations).toEqual([{ ...pending(as.org), answer: 'ACCEPTED', answeredBy: expect.stringContaining(as.name ?? '') }]);
        expect(after.filter((i: { answer: string }) => i.answer === 'ACCEPTED').map((i: { organisation: { id: string } }) => i.organisation.id)).toEqual([
          as.org,
        ]);
      } else {
        refused(answered, answer);
        expect(JSON.stringify(answered.errors)).not.toContain('Test Testsson');
        expect(after).toEqual(before);
      }
    });
  }

  it('an invited organisation proposes a time or declines with a reason; the host sees the answers and the timeline; a move asks every organisation again', async () => {
    const { referralId, meetingId } = await invitedMeeting();
    refused(await gql(ANSWER, { id: meetingId, answer: 'DECLINE' }, { as: clinicSodermalm, clock: DAY_BEFORE }), 'BAD_USER_INPUT', 'reason');
    refused(await gql(ANSWER, { id: meetingId, answer: 'ACCEPT', reason: 'x' }, { as: clinicSodermalm, clock: DAY_BEFORE }), 'BAD_USER_INPUT', 'reason');
    const declined = ok(
      await gql(ANSWER, { id: meetingId, answer: 'DECLINE', reason: 'Ingen behandlare ledig den dagen.' }, { as: clinicSodermalm, clock: DAY_BEFORE }),
    ).answerMeetingInvitation;
    expect(declined).toMatchObject({
      invitations: [{ organisation: { id: 'clinic:0180-sodermalm' }, answer: 'DECLINED', reason: 'Ingen behandlare ledig den dagen.' }],
      participants: [],
      outcomeReason: null,
    });
    ok(await gql(ANSWER, { id: meetingId, answer: 'PROPOSE_TIME', proposedAt: '2026-10-16T13:00:00+02:00' }, { as: probationVasteras, clock: DAY_BEFORE }));
    const declinedList = await invitationsOf(clinicSodermalm, DAY_BEFORE, { answer: ['DECLINED'] });
    expect(declinedList.filter((m) => m.id === meetingId).map((m) => m.invitation.answer)).toEqual(['DECLINED']);
    expect((await invitationsOf(clinicSodermalm, DAY_BEFORE, { answer: ['PENDING'] })).filter((m) => m.id === meetingId)).toEqual([]);

    const r = ok(await gql(REFERRAL, { id: referralId }, { as: coordinator19, clock: DAY_BEFORE })).withdrawalReferral;
    expect(r.meetings[0].invitations.map((i: { answer: string }) => i.answer)).toEqual(['PENDING', 'PROPOSED_TIME', 'DECLINED', 'PENDING']);
    expect(r.events.slice(-2)).toEqual([
      {
        kind: 'INVITATION_DECLINED',
        note: 'Lokal integrerad mottagning Södermalm declined the assessment meeting on 2026-10-15 10:00: Ingen behandlare ledig den dagen.',
      },
      { kind: 'INVITATION_TIME_PROPOSED', note: 'Frivården Västerås proposed 2026-10-16 13:00 instead of 2026-10-15 10:00 for the assessment meeting.' },
    ]);

    const moved = ok(await gql(RESCHEDULE, { id: meetingId, at: '2026-10-16T13:00:00+02:00' }, { as: coordinator19, clock: DAY_BEFORE })).rescheduleMeeting;
    expect(moved.invitations).toEqual([
      pending('municipality:1980'),
      pending('probation:vasteras'),
      pending('clinic:0180-sodermalm'),
      pending('municipality:1981'),
    ]);
    // once the time has passed the list leaves it out unless asked for the past
    expect((await invitationsOf(probationVasteras, '2026-10-16T15:00:00+02:00')).filter((m) => m.id === meetingId)).toEqual([]);
    expect((await invitationsOf(probationVasteras, '2026-10-16T15:00:00+02:00', { past: true })).filter((m) => m.id === meetingId)).toHaveLength(1);
  });

  it('each invalid organisation is named, all at once, and nothing is written', async () => {
    const { referral } = await submit(caseworker1980, RECEIVED);
    const res = await gql(
      BOOK,
      {
        id: referral.id,
        at: AT,
        invite: ['probation:nowhere', 'psychiatry:19', 'municipality:1980', 'clinic:0180-kista', 'clinic:0180-kista'],
        participants: [{ role: 'PARTNER_STAFF' }, { role: 'CASEWORKER', organisationId: 'probation:vasteras' }, { role: 'INDIVIDUAL', userId: 'x' }],
      },
      { as: coordinator19, clock: BOOKING },
    );
    expect(res.errors?.map((e) => [e.extensions?.field, e.message])).toEqual([
      ['participants[0].organisationId', 'Name the organisation a partner acts for.'],
      ['participants[1].organisationId', 'An organisation is given only for a partner (PARTNER_STAFF).'],
      ['participants[2].userId', 'A user id is given only for a physician or coordinator of the unit.'],
      ['inviteOrganisations[0]', 'probation:nowhere is not an organisation of the directory.'],
      ['inviteOrganisations[1]', 'The receiving organisation hosts the meeting; it is not invited to it.'],
      ['inviteOrganisations[2]', 'The organisation that sent the request is always invited; leave it out.'],
      ['inviteOrganisations[4]', 'clinic:0180-kista is named twice.'],
    ]);
    expect(ok(await gql(REFERRAL, { id: referral.id }, { as: coordinator19, clock: BOOKING })).withdrawalReferral.meetings).toEqual([]);
  });
});

describe('clashes between meetings', () => {
  // Tuesday 10 November 2026
  const T10 = '2026-11-10T10:00:00+01:00';
  const CLOCK = '2026-11-02T10:00:00+01:00';
  const book = async (vars: Record<string, unknown>) => {
    const { referral } = await submit(caseworker1980, '2026-11-02T09:00:00+01:00');
    return { id: referral.id as string, res: await gql(BOOK, { id: referral.id, ...vars }, { as: coordinator19, clock: CLOCK }) };
  };
  const clashOf = (res: GqlResult) => {
    const e = refused(res, 'CONFLICT');
    return { message: e.message, id: e.extensions?.clashingMeetingId, on: e.extensions?.clashOn };
  };

  it('the same room (case and spaces aside) at an overlapping time is CONFLICT naming the meeting; back to back and other rooms are fine', async () => {
    const place = room();
    const first = ok((await book({ at: T10, place, duration: 60 })).res).bookAssessmentMeeting.meetings[0].id;
    const { id, res } = await book({ at: '2026-11-10T10:30:00+01:00', place: `  ${place.toUpperCase().replace(' ', '   ')} ` });
    expect(clashOf(res)).toEqual({
      message: `The meeting overlaps the booked meeting ${first} in the same room (2026-11-10 10:00, 60 minutes); choose another time or place.`,
      id: first,
      on: 'PLACE',
    });
    expect(JSON.stringify(res.errors)).not.toContain('Test Testsson');
    expect(ok(await gql(REFERRAL, { id }, { as: coordinator19, clock: CLOCK })).withdrawalReferral.meetings).toEqual([]);
    ok((await book({ at: '2026-11-10T11:00:00+01:00', place })).res);
    ok((await book({ at: '2026-11-10T09:00:00+01:00', place })).res);
    ok((await book({ at: T10, place: room() })).res);
  });

  it('the same named physician or coordinator in two meetings at once is CONFLICT; a cancelled meeting clashes with nothing', async () => {
    const physician = `lina-${randomUUID()}`;
    const participants = [{ role: 'INDIVIDUAL' }, { role: 'PHYSICIAN', userId: physician }];
    const first = ok((await book({ at: T10, participants })).res).bookAssessmentMeeting.meetings[0].id;
    const { res } = await book({ at: '2026-11-10T10:45:00+01:00', participants: [{ role: 'COORDINATOR', userId: physician }] });
    expect(clashOf(res)).toEqual({
      message: `The meeting overlaps the booked meeting ${first} with the same physician or coordinator (2026-11-10 10:00, 60 minutes); choose another time.`,
      id: first,
      on: 'PARTICIPANT',
    });
    // rescheduling another meeting into the slot is refused the same way
    const other = ok((await book({ at: '2026-11-11T10:00:00+01:00', participants })).res).bookAssessmentMeeting.meetings[0].id;
    expect(clashOf(await gql(RESCHEDULE, { id: other, at: '2026-11-10T10:30:00+01:00' }, { as: coordinator19, clock: CLOCK })).id).toBe(first);
    ok(await gql(OUTCOME, { id: first, reason: 'Läkaren sjuk.' }, { as: coordinator19, clock: CLOCK }));
    ok(await gql(RESCHEDULE, { id: other, at: '2026-11-10T10:30:00+01:00' }, { as: coordinator19, clock: CLOCK }));
  });

  it('ten concurrent bookings of one room and slot: exactly one wins, the others are CONFLICT naming it', async () => {
    const place = room();
    const referrals = await Promise.all(Array.from({ length: 10 }, () => submit(caseworker1980, '2026-11-02T09:00:00+01:00')));
    const results = await Promise.all(
      referrals.map(({ referral }) => gql(BOOK, { id: referral.id, at: '2026-11-12T13:00:00+01:00', place }, { as: coordinator19, clock: CLOCK })),
    );
    const won = results.filter((r) => !r.errors);
    expect(won).toHaveLength(1);
    const winner = (won[0]!.data as any).bookAssessmentMeeting.meetings[0].id;
    const lost = results.filter((r) => r.errors).map((r) => clashOf(r).id);
    expect(lost).toEqual(Array.from({ length: 9 }, () => winner));
  });
});
