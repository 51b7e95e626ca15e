/**
 * The pure builders of the withdrawal pathway (domain/transitions.ts) that the
 * mutations apply in their transactions and the demo and large seeds replay:
 * the row a submission creates, and for each step the next row, the changed
 * columns and the timeline entry, at exact times on the Stockholm calendar.
 */
import { describe, expect, it } from 'vitest';
import { HubError } from '../../services/shared/src/errors.ts';
import { CASEWORKER, REFERRAL_FIELDS, REFERRAL_IDS, thrown } from './fixtures.ts';
import type { ReferralRow } from '../../services/psychiatry/src/db/schema.ts';
import { applyTransition, replay, submittedReferral, type Actor, type StepInput } from '../../services/psychiatry/src/domain/transitions.ts';
import type { ValidReferral } from '../../services/psychiatry/src/domain/validation.ts';
import { noteText } from '../../services/shared/src/i18n.ts';

/** A timeline entry with its note (stored as a message) in English. */
const inEnglish = <E extends { note: string | null }>(e: E) => ({ ...e, note: noteText(e.note, 'en') });

const at = (iso: string) => new Date(iso);
const COORDINATOR: Actor = { userId: 'u-co', name: 'Maria Berg', organisationId: 'psychiatry:19' };
const PHYSICIAN: Actor = { userId: 'u-ph', name: 'Erik Holm', organisationId: 'psychiatry:19' };
const WARD = { id: '91', name: 'Avdelning 91, Västerås' };

const VALID: ValidReferral = {
  ...REFERRAL_FIELDS,
  personnummer: '198507091234',
  medications: [],
  assessments: [{ instrument: 'AUDIT', performedOn: '2026-03-01', score: 20, summary: null }],
  idempotencyKey: 'k1',
};
const IDS = REFERRAL_IDS;
// Monday 2 March 2026, 23:30 in Stockholm
const RECEIVED = at('2026-03-02T22:30:00Z');

const submitted = () => submittedReferral(VALID, CASEWORKER, IDS, RECEIVED).row;
const step = (r: ReferralRow, input: StepInput, by: Actor, now: string) => applyTransition(r, input, by, at(now));

describe('a submission', () => {
  it('creates the referral RECEIVED in cycle 1, the assessment due 14 Stockholm days after receipt, and the SUBMITTED entry', () => {
    const { row, event } = submittedReferral(VALID, CASEWORKER, IDS, RECEIVED);
    expect(row).toMatchObject({
      id: IDS.id,
      personId: 'p_test',
      receivingOrganisationId: 'psychiatry:19',
      referringOrganisationId: 'municipality:1980',
      idempotencyKey: 'k1',
      personnummer: '198507091234',
      caseworkerPhone: '021-17 44 13',
      submittedBy: 'u-cw',
      submittedByName: 'Anna Svensson',
      stage: 'RECEIVED',
      cycle: 1,
      receivedAt: RECEIVED,
      cycleStartedAt: RECEIVED,
      assessmentDueBy: '2026-03-16',
      assessmentMeetingAt: null,
      assessmentDeadlineMissed: false,
      decidedAt: null,
      placeOfferedAt: null,
      earlierCycles: [],
      updatedAt: RECEIVED,
    });
    expect(event).toEqual({ referralId: IDS.id, at: RECEIVED, kind: 'SUBMITTED', byName: 'Anna Svensson', byOrganisationId: 'municipality:1980', note: null });
  });
});

describe('booking the assessment meeting', () => {
  it('in time: ASSESSMENT_BOOKED, not missed, the meeting named in Stockholm time', () => {
    const next = step(submitted(), { step: 'bookMeeting', at: at('2026-03-16T12:00:00Z') }, COORDINATOR, '2026-03-04T09:00:00Z');
    expect(next.set).toEqual({ stage: 'ASSESSMENT_BOOKED', assessmentMeetingAt: at('2026-03-16T12:00:00Z'), assessmentDeadlineMissed: false });
    expect(inEnglish(next.event)).toMatchObject({
      kind: 'MEETING_BOOKED',
      byName: 'Maria Berg',
      byOrganisationId: 'psychiatry:19',
      note: 'Assessment and planning meeting on 2026-03-16 13:00.',
    });
    expect(next.row.updatedAt).toEqual(at('2026-03-04T09:00:00Z'));
  });

  it('for a date after the due date: missed, and the note says so', () => {
    const next = step(submitted(), { step: 'bookMeeting', at: at('2026-03-17T08:00:00Z') }, COORDINATOR, '2026-03-04T09:00:00Z');
    expect(next.set.assessmentDeadlineMissed).toBe(true);
    expect(noteText(next.event.note, 'en')).toBe('Assessment and planning meeting on 2026-03-17 09:00 (after the due date 2026-03-16).');
  });

  it("a rebooking keeps the cycle's first mark, late or not", () => {
    const first = step(submitted(), { step: 'bookMeeting', at: at('2026-03-10T09:00:00Z') }, COORDINATOR, '2026-03-04T09:00:00Z').row;
    const rebooked = step(first, { step: 'bookMeeting', at: at('2026-03-20T09:00:00Z') }, COORDINATOR, '2026-03-05T09:00:00Z');
    expect(rebooked.set.assessmentDeadlineMissed).toBe(false);
  });
});

describe('the decision, the offer and what follows', () => {
  const booked = () => step(submitted(), { step: 'bookMeeting', at: at('2026-03-10T09:00:00Z') }, COORDINATOR, '2026-03-04T09:00:00Z').row;
  const decided = () => step(booked(), { step: 'decide', needed: true, setting: 'INPATIENT', rationale: null }, PHYSICIAN, '2026-03-10T14:00:00Z').row;

  it('is refused before the meeting time has come, with CONFLICT naming the status', () => {
    const e = thrown(() => step(booked(), { step: 'decide', needed: true, setting: 'INPATIENT', rationale: null }, PHYSICIAN, '2026-03-10T08:59:59Z'));
    expect([e.extensions.code, e.extensions.status]).toEqual(['CONFLICT', 'ASSESSMENT_BOOKED']);
  });

  it('needed: CARE_PLANNING, decided by the physician, a place due 14 days after the decision', () => {
    const next = step(booked(), { step: 'decide', needed: true, setting: 'INPATIENT', rationale: null }, PHYSICIAN, '2026-03-10T14:00:00Z');
    expect(next.set).toEqual({
      stage: 'CARE_PLANNING',
      decisionNeeded: true,
      decisionSetting: 'INPATIENT',
      decisionRationale: null,
      decidedAt: at('2026-03-10T14:00:00Z'),
      decidedBy: 'Erik Holm',
      // no physician prepared it
      decisionPreparedBy: null,
    });
    expect(noteText(next.event.note, 'en')).toBe('Withdrawal treatment is needed (inpatient); a place is to be offered by 2026-03-24.');
  });

  it('not needed: NOT_NEEDED, the rationale in the entry both sides read', () => {
    const next = step(booked(), { step: 'decide', needed: false, setting: null, rationale: 'Öppenvård räcker.' }, PHYSICIAN, '2026-03-10T14:00:00Z');
    expect(next.row.stage).toBe('NOT_NEEDED');
    expect(noteText(next.event.note, 'en')).toBe('Withdrawal treatment is not needed: Öppenvård räcker.');
  });

  it('an offer: due 14 days after the decision, lapsing 28 days after the start, the reason in the entry', () => {
    const next = step(decided(), { step: 'offerPlace', ward: WARD, startDate: '2026-03-30', reason: 'Önskemål.' }, COORDINATOR, '2026-03-12T09:00:00Z');
    expect(next.set).toEqual({
      stage: 'PLACE_OFFERED',
      placeWardId: '91',
      placeOfferedAt: at('2026-03-12T09:00:00Z'),
      placeDueBy: '2026-03-24',
      placeStartDate: '2026-03-30',
      placeLapsesOn: '2026-04-27',
      placeReason: 'Önskemål.',
    });
    expect(noteText(next.event.note, 'en')).toBe(
      'Place on Avdelning 91, Västerås from 2026-03-30; it lapses if not used by 2026-04-27. Start after the due date 2026-03-24: Önskemål.',
    );
  });

  it('a lapsed place: no admission (CONFLICT LAPSED); a new assessment keeps the closed cycle and starts cycle 2 due in 14 days', () => {
    const offered = step(decided(), { step: 'offerPlace', ward: WARD, startDate: '2026-03-20', reason: null }, COORDINATOR, '2026-03-12T09:00:00Z').row;
    // lapsesOn 2026-04-17 is the last day; the 18th in Stockholm starts at 22:00 UTC on the 17th
    expect(step(offered, { step: 'admit', ward: WARD }, COORDINATOR, '2026-04-17T21:59:00Z').row.stage).toBe('ADMITTED');
    const e = thrown(() => step(offered, { step: 'admit', ward: WARD }, COORDINATOR, '2026-04-17T22:00:00Z'));
    expect([e.extensions.code, e.extensions.status]).toEqual(['CONFLICT', 'LAPSED']);

    const renewed = step(offered, { step: 'requestNewAssessment' }, CASEWORKER, '2026-04-20T08:00:00Z');
    expect(renewed.row).toMatchObject({
      stage: 'RECEIVED',
      cycle: 2,
      cycleStartedAt: at('2026-04-20T08:00:00Z'),
      assessmentDueBy: '2026-05-04',
      assessmentMeetingAt: null,
      assessmentDeadlineMissed: false,
      decisionNeeded: null,
      decidedAt: null,
      decidedBy: null,
      placeWardId: null,
      placeOfferedAt: null,
      placeStartDate: null,
      placeLapsesOn: null,
      placeReason: null,
    });
    expect(renewed.row.earlierCycles).toEqual([
      {
        cycle: 1,
        startedAt: RECEIVED.toISOString(),
        assessmentDueBy: '2026-03-16',
        assessmentMeetingAt: '2026-03-10T09:00:00.000Z',
        assessmentDeadlineMissed: false,
        decision: { needed: true, setting: 'INPATIENT', decidedAt: '2026-03-10T14:00:00.000Z', decidedBy: 'Erik Holm', rationale: null, preparedBy: null },
        placeOffer: { wardId: '91', offeredAt: '2026-03-12T09:00:00.000Z', dueBy: '2026-03-24', startDate: '2026-03-20', lapsesOn: '2026-04-17', reason: null },
        outcome: 'LAPSED',
        closedAt: '2026-04-20T08:00:00.000Z',
      },
    ]);
    expect(inEnglish(renewed.event)).toMatchObject({
      kind: 'NEW_ASSESSMENT_REQUESTED',
      byOrganisationId: 'municipality:1980',
      note: 'The place offered from 2026-03-20 lapsed after 2026-04-17; the need remains. New assessment meeting due by 2026-05-04.',
    });
  });

  it('admission, discharge and withdrawal: their stage, time and entry', () => {
    const offered = step(decided(), { step: 'offerPlace', ward: WARD, startDate: '2026-03-20', reason: null }, COORDINATOR, '2026-03-12T09:00:00Z').row;
    const admitted = step(offered, { step: 'admit', ward: WARD }, COORDINATOR, '2026-03-20T08:00:00Z');
    expect([admitted.set, noteText(admitted.event.note, 'en')]).toEqual([
      { stage: 'ADMITTED', admittedAt: at('2026-03-20T08:00:00Z'), expectedDischargeOn: '2026-03-27' },
      'Admitted to Avdelning 91, Västerås; expected discharge 2026-03-27.',
    ]);
    const done = step(admitted.row, { step: 'discharge' }, COORDINATOR, '2026-03-28T08:00:00Z');
    expect([done.set, done.event.kind]).toEqual([{ stage: 'COMPLETED', completedAt: at('2026-03-28T08:00:00Z') }, 'DISCHARGED']);
    expect(thrown(() => step(done.row, { step: 'withdraw', reason: 'Flyttat.' }, CASEWORKER, '2026-03-29T08:00:00Z')).extensions.status).toBe('COMPLETED');
    const withdrawn = step(offered, { step: 'withdraw', reason: 'Flyttat.' }, CASEWORKER, '2026-03-14T08:00:00Z');
    expect([withdrawn.set, noteText(withdrawn.event.note, 'en')]).toEqual([
      { stage: 'WITHDRAWN', withdrawnAt: at('2026-03-14T08:00:00Z'), withdrawalReason: 'Flyttat.' },
      'Flyttat.',
    ]);
  });
});

describe('a replay (how the seeds build a referral)', () => {
  it('takes the steps in order, each entry with the id given when it is written, and ends with the row the steps made', () => {
    let n = 0;
    const r = replay(submittedReferral(VALID, CASEWORKER, IDS, RECEIVED), (e) => `${++n}:${e.kind}`);
    r.take({ step: 'bookMeeting', at: at('2026-03-10T09:00:00Z') }, COORDINATOR, at('2026-03-04T09:00:00Z'));
    r.take({ step: 'withdraw', reason: 'Flyttat.' }, CASEWORKER, at('2026-03-05T09:00:00Z'));
    expect(r.events.map((e) => [e.id, e.byName])).toEqual([
      ['1:SUBMITTED', 'Anna Svensson'],
      ['2:MEETING_BOOKED', 'Maria Berg'],
      ['3:WITHDRAWN', 'Anna Svensson'],
    ]);
    expect(r.row).toMatchObject({ stage: 'WITHDRAWN', assessmentMeetingAt: at('2026-03-10T09:00:00Z'), updatedAt: at('2026-03-05T09:00:00Z') });
    expect(() => r.take({ step: 'discharge' }, COORDINATOR, at('2026-03-06T09:00:00Z'))).toThrow(HubError);
    expect(r.events).toHaveLength(3);
  });
});
