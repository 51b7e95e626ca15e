/**
 * The withdrawal pathway's pure rules: every validation rule of a request and
 * of the coordinator's and physician's inputs, the deadline arithmetic at its
 * boundaries (including daylight-saving changes in Europe/Stockholm), and
 * every refused transition of the state machine.
 */
import { describe, expect, it } from 'vitest';
import { REFERRAL_FIELDS, thrown } from './fixtures.ts';
import { checkDigit } from '../../services/shared/src/personnummer.ts';
import {
  validateDecision,
  validateMeetingTime,
  validatePlaceOffer,
  validateReferral,
  validateWithdrawalReason,
  isEmail,
  isPhoneNumber,
  type ReferralInput,
} from '../../services/psychiatry/src/domain/validation.ts';
import * as d from '../../services/psychiatry/src/domain/deadlines.ts';
import { ALL_STATUSES, ALLOWED_FROM, assertTransition, type Step } from '../../services/psychiatry/src/domain/transitions.ts';

const NOW = new Date('2026-03-02T10:00:00+01:00');
const PNR_NINE = '850709123';
const PNR = `19${PNR_NINE.slice(0, 6)}-${PNR_NINE.slice(6)}${checkDigit(PNR_NINE)}`; // 19850709-123C

function input(overrides: Partial<ReferralInput> = {}): ReferralInput {
  return {
    personnummer: PNR,
    ...REFERRAL_FIELDS,
    medications: [],
    assessments: [{ instrument: 'AUDIT', performedOn: '2026-03-01', score: 20 }],
    individualConsents: true,
    ...overrides,
  };
}

function expectRefused(fn: () => unknown, field: string, message: RegExp) {
  const e = thrown(fn);
  expect(e.extensions.code).toBe('BAD_USER_INPUT');
  expect(e.extensions.field).toBe(field);
  expect(e.message).toMatch(message);
}

describe('a request for withdrawal treatment: validation', () => {
  it('accepts a complete request and normalises the personnummer', () => {
    const v = validateReferral(input({ personnummer: PNR.replace('-', '').slice(2) }), NOW);
    expect(v.personnummer).toBe(PNR.replace('-', ''));
    expect(v.otherIllnesses).toBeNull();
    expect(v.medications).toEqual([]);
    expect(v.assessments).toEqual([{ instrument: 'AUDIT', performedOn: '2026-03-01', score: 20, summary: null }]);
    expect(v.idempotencyKey).toBeNull();
  });

  it.each([
    ['12 digits with separator', PNR],
    ['12 digits without separator', PNR.replace('-', '')],
    ['10 digits with separator', PNR.slice(2)],
    ['10 digits without separator', PNR.slice(2).replace('-', '')],
  ])('accepts the personnummer written with %s', (_w, pnr) => {
    expect(validateReferral(input({ personnummer: pnr }), NOW).personnummer).toBe(PNR.replace('-', ''));
  });

  it('accepts a samordningsnummer (day + 60) and keeps the day as written', () => {
    const nine = '850769123';
    const pnr = `19${nine}${checkDigit(nine)}`;
    expect(validateReferral(input({ personnummer: pnr }), NOW).personnummer).toBe(pnr);
  });

  const wrongCheck = `${PNR.slice(0, -1)}${(Number(PNR.slice(-1)) + 1) % 10}`;
  it.each([
    ['a wrong check digit', wrongCheck, /wrong check digit/],
    ['an impossible date', '19850230-1234', /no valid date of birth/],
    ['a date in the future', '20990101-1234', /future/],
    ['letters', '1985O709-1234', /10 or 12 digits/],
    ['too few digits', '850709-123', /10 or 12 digits/],
  ])('refuses a personnummer with %s', (_w, pnr, message) => {
    expectRefused(() => validateReferral(input({ personnummer: pnr }), NOW), 'input.personnummer', message);
  });

  it.each<[string, Partial<ReferralInput>, string, RegExp]>([
    ['an empty name', { name: '  ' }, 'input.name', /name must be filled in/],
    ['no substance', { substances: [] }, 'input.substances', /at least one substance/],
    ['an empty problem description', { currentProblems: ' ' }, 'input.currentProblems', /current problems.*must be filled in/],
    ['an empty post-treatment plan', { postTreatmentPlan: '' }, 'input.postTreatmentPlan', /plan for after.*must be filled in/],
    ['an empty illness entry', { otherIllnesses: ['Diabetes', ' '] }, 'input.otherIllnesses[1]', /Each entry of other illnesses must be filled in/],
    ['an empty medication entry', { medications: [''] }, 'input.medications[0]', /Each entry of medications must be filled in/],
    [
      'an assessment in the future',
      { assessments: [{ instrument: 'DUDIT', performedOn: '2026-03-03', score: 3 }] },
      'input.assessments[0].performedOn',
      /future/,
    ],
    [
      'an AUDIT score above 40',
      { assessments: [{ instrument: 'AUDIT', performedOn: '2026-03-01', score: 41 }] },
      'input.assessments[0].score',
      /AUDIT score must be between 0 and 40/,
    ],
    [
      'an AUDIT score below 0',
      { assessments: [{ instrument: 'AUDIT', performedOn: '2026-03-01', score: -1 }] },
      'input.assessments[0].score',
      /between 0 and 40/,
    ],
    [
      'a DUDIT score above 44 (second document)',
      {
        assessments: [
          { instrument: 'AUDIT', performedOn: '2026-03-01', score: 40 },
          { instrument: 'DUDIT', performedOn: '2026-03-01', score: 45 },
        ],
      },
      'input.assessments[1].score',
      /DUDIT score must be between 0 and 44/,
    ],
    [
      'a negative ASI score',
      { assessments: [{ instrument: 'ASI', performedOn: '2026-02-01', score: -2 }] },
      'input.assessments[0].score',
      /cannot be negative/,
    ],
    ['an empty caseworker name', { caseworker: { name: '', phone: '021-17 44 13', email: 'a@b.se' } }, 'input.caseworker.name', /caseworker's name/],
    ['a phone number with letters', { caseworker: { name: 'A', phone: '021-ABC', email: 'a@b.se' } }, 'input.caseworker.phone', /7 to 15 digits/],
    ['a phone number too short', { caseworker: { name: 'A', phone: '12 34', email: 'a@b.se' } }, 'input.caseworker.phone', /7 to 15 digits/],
    [
      'an e-mail without @',
      { caseworker: { name: 'A', phone: '021-17 44 13', email: 'anna.vasteras.se' } },
      'input.caseworker.email',
      /e-mail address is not valid/,
    ],
    ['an e-mail without domain dot', { caseworker: { name: 'A', phone: '021-17 44 13', email: 'anna@vasteras' } }, 'input.caseworker.email', /not valid/],
    ['an individual who is not positive', { individualConsents: false }, 'input.individualConsents', /must be positive to planned withdrawal treatment/],
    ['an empty idempotency key', { idempotencyKey: ' ' }, 'input.idempotencyKey', /1 to 200 characters/],
  ])('refuses %s', (_what, overrides, field, message) => {
    expectRefused(() => validateReferral(input(overrides), NOW), field, message);
  });

  it('accepts the score limits themselves (AUDIT 0 and 40, DUDIT 0 and 44) and an assessment dated today', () => {
    const v = validateReferral(
      input({
        assessments: [
          { instrument: 'AUDIT', performedOn: '2026-03-02', score: 0 },
          { instrument: 'AUDIT', performedOn: '2026-03-02', score: 40 },
          { instrument: 'DUDIT', performedOn: '2026-03-02', score: 0 },
          { instrument: 'DUDIT', performedOn: '2026-03-02', score: 44 },
          { instrument: 'ASI', performedOn: '2026-02-01', score: null, summary: 'Intervju' },
        ],
      }),
      NOW,
    );
    expect(v.assessments.map((a) => a.score)).toEqual([0, 40, 0, 44, null]);
  });

  it('"today" for assessment dates is the Stockholm date: 23:30 UTC on 1 March is already 2 March in Stockholm', () => {
    const lateEvening = new Date('2026-03-01T23:30:00Z');
    expect(validateReferral(input({ assessments: [{ instrument: 'AUDIT', performedOn: '2026-03-02', score: 1 }] }), lateEvening).assessments).toHaveLength(1);
  });

  it('keeps null (not known) and [] (known to be none) apart, and removes repeated substances', () => {
    const v = validateReferral(input({ otherIllnesses: [], medications: null, substances: ['GHB', 'GHB', 'OPIOIDS'] }), NOW);
    expect(v.otherIllnesses).toEqual([]);
    expect(v.medications).toBeNull();
    expect(v.substances).toEqual(['GHB', 'OPIOIDS']);
  });

  it.each(['021-17 44 13', '+46 21 17 44 13', '(021) 174413', '0701234567'])('accepts the phone number %s', (p) => expect(isPhoneNumber(p)).toBe(true));
  it.each(['anna@vasteras.se', 'a.b+c@region.vastmanland.se'])('accepts the e-mail %s', (e) => expect(isEmail(e)).toBe(true));
  it.each(['anna@', '@vasteras.se', 'anna @vasteras.se', 'anna@vasteras..se'])('refuses the e-mail %s', (e) => expect(isEmail(e)).toBe(false));
});

describe("the coordinator's and physician's inputs", () => {
  it('refuses a meeting in the past and accepts one now', () => {
    expectRefused(() => validateMeetingTime(new Date(NOW.getTime() - 60_000), NOW), 'at', /time that has passed/);
    expect(() => validateMeetingTime(NOW, NOW)).not.toThrow();
  });

  it('a positive decision needs a setting; a negative one needs a rationale and no setting', () => {
    expect(validateDecision({ needed: true, setting: 'INPATIENT' })).toEqual({ needed: true, setting: 'INPATIENT', rationale: null });
    expectRefused(() => validateDecision({ needed: true }), 'setting', /INPATIENT or OUTPATIENT/);
    expectRefused(() => validateDecision({ needed: false, rationale: '  ' }), 'rationale', /so that social services sees why/);
    expectRefused(() => validateDecision({ needed: false, setting: 'OUTPATIENT', rationale: 'x' }), 'setting', /only when treatment is needed/);
    expect(validateDecision({ needed: false, rationale: ' Klarar abstinens i öppenvård. ' })).toEqual({
      needed: false,
      setting: null,
      rationale: 'Klarar abstinens i öppenvård.',
    });
  });

  it('a start date on the due date needs no reason; the day after needs one; a past start date is refused', () => {
    expect(validatePlaceOffer({ startDate: '2026-03-16' }, '2026-03-16', NOW)).toEqual({ reason: null });
    expectRefused(() => validatePlaceOffer({ startDate: '2026-03-17' }, '2026-03-16', NOW), 'reason', /after the due date 2026-03-16/);
    expect(validatePlaceOffer({ startDate: '2026-03-17', reason: 'Önskemål' }, '2026-03-16', NOW)).toEqual({ reason: 'Önskemål' });
    expectRefused(() => validatePlaceOffer({ startDate: '2026-03-01' }, '2026-03-16', NOW), 'startDate', /cannot be in the past/);
  });

  it('a withdrawal needs a reason', () => {
    expectRefused(() => validateWithdrawalReason(''), 'reason', /reason for withdrawing/);
  });
});

describe('deadlines on the Stockholm calendar', () => {
  const at = (iso: string) => new Date(iso);

  it('assessment: received + 14 days; day 14 is in time, day 15 overdue', () => {
    const due = d.assessmentDueBy(at('2026-03-02T10:00:00+01:00'));
    expect(due).toBe('2026-03-16');
    const r = { stage: 'RECEIVED' as const, assessmentDueBy: due, assessmentDeadlineMissed: false };
    expect(d.isOverdue(r, at('2026-03-16T23:59:59+01:00'))).toBe(false);
    expect(d.isOverdue(r, at('2026-03-17T00:00:00+01:00'))).toBe(true);
    expect(d.assessmentDeadlineMissed(r, at('2026-03-17T00:00:00+01:00'))).toBe(true);
    expect(d.isOverdue({ ...r, stage: 'ASSESSMENT_BOOKED' }, at('2026-03-20T00:00:00+01:00'))).toBe(false);
  });

  it('assessment across the spring change (29 March 2026): the due date is a calendar date, not 14 × 24 hours', () => {
    // received 00:30 Stockholm time on 29 March (23:30 UTC on 28 March): the Stockholm date counts
    const due = d.assessmentDueBy(at('2026-03-28T23:30:00Z'));
    expect(due).toBe('2026-04-12');
    const r = { stage: 'RECEIVED' as const, assessmentDueBy: due };
    // 23:30 on 12 April in Stockholm (summer time, UTC+2) is 21:30 UTC: still day 14
    expect(d.isOverdue(r, at('2026-04-12T21:59:59Z'))).toBe(false);
    // 00:00 on 13 April in Stockholm is 22:00 UTC on 12 April: day 15
    expect(d.isOverdue(r, at('2026-04-12T22:00:00Z'))).toBe(true);
  });

  it('assessment across the autumn change (25 October 2026)', () => {
    const due = d.assessmentDueBy(at('2026-10-20T23:30:00+02:00'));
    expect(due).toBe('2026-11-03');
    const r = { stage: 'RECEIVED' as const, assessmentDueBy: due };
    expect(d.isOverdue(r, at('2026-11-03T22:59:59Z'))).toBe(false); // 23:59:59 winter time
    expect(d.isOverdue(r, at('2026-11-03T23:00:00Z'))).toBe(true); // 00:00 on 4 November
  });

  it('a meeting after the due date misses it, judged by its Stockholm date', () => {
    expect(d.meetingMissesDeadline(at('2026-03-16T23:30:00+01:00'), '2026-03-16')).toBe(false);
    expect(d.meetingMissesDeadline(at('2026-03-16T23:30:00Z'), '2026-03-16')).toBe(true); // 00:30 on 17 March in Stockholm
    const r = { stage: 'ASSESSMENT_BOOKED' as const, assessmentDueBy: '2026-03-16', assessmentDeadlineMissed: true };
    expect(d.assessmentDeadlineMissed(r, at('2026-03-01T00:00:00Z'))).toBe(true);
  });

  it('place: decision + 14 days; a start date after it misses the deadline', () => {
    expect(d.placeDueBy(at('2026-10-20T23:30:00+02:00'))).toBe('2026-11-03');
    expect(d.placeDueBy(at('2026-03-22T23:30:00Z'))).toBe('2026-04-06'); // 00:30 on 23 March in Stockholm
    expect(d.placeStartMissesDeadline('2026-11-03', '2026-11-03')).toBe(false);
    expect(d.placeStartMissesDeadline('2026-11-04', '2026-11-03')).toBe(true);
  });

  it.each([
    ['the autumn change', '2026-10-10', '2026-11-07', '2026-11-07T23:59:59+01:00', '2026-11-08T00:00:00+01:00'],
    ['the spring change', '2026-03-20', '2026-04-17', '2026-04-17T21:59:59Z', '2026-04-17T22:00:00Z'],
  ])('lapse: start + 28 days; day 28 still valid, day 29 lapsed, across %s', (_label, start, lapsesOn, lastValid, firstLapsed) => {
    const lapses = d.lapsesOn(start);
    expect(lapses).toBe(lapsesOn);
    const r = { stage: 'PLACE_OFFERED' as const, assessmentMeetingAt: null, placeLapsesOn: lapses };
    expect(d.deriveStatus(r, at(lastValid))).toBe('PLACE_OFFERED');
    expect(d.deriveStatus(r, at(firstLapsed))).toBe('LAPSED');
  });

  it('a booked meeting whose time has come is AWAITING_DECISION; admitted places never lapse', () => {
    const meeting = at('2026-03-10T09:00:00+01:00');
    const r = { stage: 'ASSESSMENT_BOOKED' as const, assessmentMeetingAt: meeting, placeLapsesOn: null };
    expect(d.deriveStatus(r, at('2026-03-10T08:59:59+01:00'))).toBe('ASSESSMENT_BOOKED');
    expect(d.deriveStatus(r, meeting)).toBe('AWAITING_DECISION');
    expect(d.deriveStatus({ stage: 'ADMITTED', assessmentMeetingAt: meeting, placeLapsesOn: '2026-01-01' }, at('2026-06-01T00:00:00Z'))).toBe('ADMITTED');
  });
});

describe('the state machine', () => {
  const refusals: Array<[Step, string]> = [];
  for (const step of Object.keys(ALLOWED_FROM) as Step[]) {
    for (const status of ALL_STATUSES) if (!ALLOWED_FROM[step].includes(status)) refusals.push([step, status]);
  }

  /** Which step may start from which status: a row a step, a column a status, `x` where it may. */
  const MATRIX = `
                         RECEIVED ASSESSMENT_BOOKED AWAITING_DECISION NOT_NEEDED CARE_PLANNING PLACE_OFFERED ADMISSION_REFUSED ADMITTED COMPLETED LAPSED WITHDRAWN
    bookMeeting          x        x                 x                 .          .             .             .                 .        .         .      .
    prepareDecision      .        .                 x                 .          .             .             .                 .        .         .      .
    decide               .        .                 x                 .          .             .             .                 .        .         .      .
    offerPlace           .        .                 .                 .          x             .             .                 .        .         .      .
    movePlace            .        .                 .                 .          .             x             x                 .        .         .      .
    admit                .        .                 .                 .          .             x             .                 .        .         .      .
    refuseAdmission      .        .                 .                 .          .             x             .                 .        .         .      .
    discharge            .        .                 .                 .          .             .             .                 x        .         .      .
    requestNewAssessment .        .                 .                 .          .             .             x                 .        .         x      .
    reassessAfterRefusal .        .                 .                 .          .             .             x                 .        .         .      .
    changeDischarge      .        .                 .                 .          .             .             .                 x        .         .      .
    withdraw             x        x                 x                 .          x             x             x                 .        .         x      .
    amend                x        x                 x                 .          x             x             x                 x        .         x      .
    assign               x        x                 x                 .          x             x             x                 x        .         x      .`;

  it("allows exactly the pathway's steps, over every status", () => {
    const [header = [], ...rows] = MATRIX.trim()
      .split('\n')
      .map((line) => line.trim().split(/\s+/));
    expect(ALL_STATUSES).toEqual(header);
    const expected = Object.fromEntries(rows.map(([step, ...marks]) => [step, header.filter((_, i) => marks[i] === 'x')]));
    expect(ALLOWED_FROM).toEqual(expected);
    expect(refusals).toHaveLength(14 * 11 - 38);
  });

  it.each(refusals)('refuses %s from %s with CONFLICT naming the status', (step, status) => {
    const e = thrown(() => assertTransition(step, status as never));
    expect(e.extensions.code).toBe('CONFLICT');
    expect(e.extensions.status).toBe(status);
    expect(e.message).toContain(`this referral is ${status}`);
  });
});
