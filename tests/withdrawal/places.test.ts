/**
 * Places as a calendar (issue 14), through the gateway: a ward's capacity per
 * day counts admitted individuals until their expected discharge and offered
 * places from their start date until they lapse; an offer, a move or an
 * admission that does not fit is refused with CONFLICT naming the first full
 * day and the next free date, writing nothing; outpatient offers take no bed;
 * an offered place can be moved (the 14-day rule again); a refused admission
 * is recorded and never lapses; care can be ordered from another region's
 * ward, whose staff see only what they need; 20 concurrent offers for one free
 * place: exactly one is accepted.
 */
import { describe, expect, it } from 'vitest';
import { gql, type GqlResult } from '../helpers/hub.ts';
import {
  auditOf,
  BOOK,
  caseworker1980,
  coordinator01,
  coordinator19,
  createWard,
  DECIDE,
  nurse19,
  ok,
  chiefPhysician19,
  psychiatrySql,
  refused,
  submit,
} from '../helpers/withdrawal.ts';

/** The decision is recorded on 5 May 2026: the place is due by 19 May. */
const DECIDED = '2026-05-05T10:00:00+02:00';
const TODAY = '2026-05-05T11:00:00+02:00';

const FIELDS = `id status
  placeOffer { startDate lapsesOn ward { id } }
  treatmentOffer { setting ward { id } provider { id } orderedFromOtherProvider dueBy startDate lapsesOn reason deadlineMissed }
  admittedAt expectedDischargeOn admissionRefusal { at reason }
  events { kind note }`;
const OFFER = `mutation($id: ID!, $ward: ID, $start: Date!, $reason: String, $other: Boolean) {
  offerPlace(referralId: $id, wardId: $ward, startDate: $start, reason: $reason, fromOtherProvider: $other) { ${FIELDS} } }`;
const MOVE = `mutation($id: ID!, $start: Date!, $reason: String!) { moveOfferedPlace(referralId: $id, startDate: $start, reason: $reason) { ${FIELDS} } }`;
const ADMIT = `mutation($id: ID!, $expected: Date) { recordAdmission(referralId: $id, expectedDischargeOn: $expected) { ${FIELDS} } }`;
const REFUSE = `mutation($id: ID!, $reason: String!) { recordRefusedAdmission(referralId: $id, reason: $reason) { ${FIELDS} } }`;
const DISCHARGE = `mutation($id: ID!) { recordDischarge(referralId: $id) { id status } }`;
const GET = `query($id: ID!) { withdrawalReferral(id: $id) { ${FIELDS} } }`;
const FREE_ON = `query($org: ID, $date: Date!) { wards(organisationId: $org) { id freeOn(date: $date) } }`;
const CALENDAR = `query($org: ID, $from: Date, $days: Int) { wards(organisationId: $org) { id calendar(from: $from, days: $days) { date places taken free } } }`;
const ORDERED = `{ orderedPlaces { referralId ward { id } orderedBy { id } status personnummer name substances currentProblems otherIllnesses medications
  startDate lapsesOn admittedAt expectedDischargeOn } }`;

/** A fresh referral decided on 5 May 2026 (inpatient unless said otherwise). */
async function decided(setting: 'INPATIENT' | 'OUTPATIENT' = 'INPATIENT') {
  const { referral, input } = await submit(caseworker1980, '2026-05-04T10:00:00+02:00');
  const id = referral.id as string;
  ok(await gql(BOOK, { id, at: '2026-05-05T09:00:00+02:00' }, { as: coordinator19, clock: '2026-05-04T11:00:00+02:00' }));
  ok(await gql(DECIDE, { id, needed: true, setting }, { as: chiefPhysician19, clock: DECIDED }));
  return { id, input, person: referral.person.id as string };
}

async function offered(ward: string, start: string, reason?: string) {
  const r = await decided();
  ok(await gql(OFFER, { id: r.id, ward, start, reason }, { as: coordinator19, clock: TODAY }));
  return r.id;
}

async function freeOn(ward: string, date: string, clock = TODAY, org = 'psychiatry:19') {
  const wards = ok(await gql(FREE_ON, { org, date }, { as: coordinator19, clock })).wards as Array<{ id: string; freeOn: number }>;
  return wards.find((w) => w.id === ward)?.freeOn;
}

async function status(id: string, clock = TODAY) {
  return ok(await gql(GET, { id }, { as: coordinator19, clock })).withdrawalReferral as Record<string, any>;
}

/** The one error's code, message and extensions besides the code. */
function conflictOf(res: GqlResult) {
  const e = refused(res, 'CONFLICT');
  return { message: e.message, firstFullDay: e.extensions?.firstFullDay, nextFreeDate: e.extensions?.nextFreeDate, wardId: e.extensions?.wardId };
}

const fullMessage = (ward: string, day: string, taken: number, places: number, next: string, what = 'offer (start date to lapse date)') =>
  `Testavdelning ${ward} has no free place on ${day} (${taken} of ${places} places taken or offered); the first date from which a place is free for the whole ${what} is ${next}.`;

describe('capacity per ward and day', () => {
  it('an offered place holds its bed from the start date to lapsesOn; an offer that would overbook names the first full day and the next free date', async () => {
    const ward = await createWard(1);
    const a = await offered(ward, '2026-05-11');
    expect((await status(a)).treatmentOffer).toMatchObject({ startDate: '2026-05-11', lapsesOn: '2026-06-08' });
    expect([await freeOn(ward, '2026-05-10'), await freeOn(ward, '2026-05-11'), await freeOn(ward, '2026-06-08'), await freeOn(ward, '2026-06-09')]).toEqual([
      1, 0, 0, 1,
    ]);
    const cal = ok(await gql(CALENDAR, { org: 'psychiatry:19', from: '2026-05-09', days: 3 }, { as: coordinator19, clock: TODAY })).wards.find(
      (w: { id: string }) => w.id === ward,
    );
    expect(cal.calendar).toEqual([
      { date: '2026-05-09', places: 1, taken: 0, free: 1 },
      { date: '2026-05-10', places: 1, taken: 0, free: 1 },
      { date: '2026-05-11', places: 1, taken: 1, free: 0 },
    ]);

    const b = await decided();
    const before = await status(b.id);
    const full = await gql(OFFER, { id: b.id, ward, start: '2026-05-20', reason: 'Önskar senare start.' }, { as: coordinator19, clock: TODAY });
    expect(conflictOf(full)).toEqual({
      message: fullMessage(ward, '2026-05-20', 1, 1, '2026-06-09'),
      firstFullDay: '2026-05-20',
      nextFreeDate: '2026-06-09',
      wardId: ward,
    });
    // nothing written
    expect(await status(b.id)).toEqual(before);
    expect(before.status).toBe('CARE_PLANNING');

    // the next free date is accepted (after the due date, so with a reason)
    const later = ok(await gql(OFFER, { id: b.id, ward, start: '2026-06-09', reason: 'Första lediga plats.' }, { as: coordinator19, clock: TODAY }));
    expect(later.offerPlace.treatmentOffer).toMatchObject({ startDate: '2026-06-09', lapsesOn: '2026-07-07', deadlineMissed: true, dueBy: '2026-05-19' });
  });

  it('admitted individuals count until their expected discharge: a ward full today takes a place that starts after it', async () => {
    const ward = await createWard(1);
    const a = await offered(ward, '2026-05-11');
    const admitClock = '2026-05-11T08:00:00+02:00';
    const bad = await gql(ADMIT, { id: a, expected: '2026-05-11' }, { as: coordinator19, clock: admitClock });
    expect(refused(bad, 'BAD_USER_INPUT', 'expectedDischargeOn').message).toBe('The expected discharge must be after the admission date 2026-05-11.');
    const tooLong = await gql(ADMIT, { id: a, expected: '2026-08-10' }, { as: coordinator19, clock: admitClock });
    expect(refused(tooLong, 'BAD_USER_INPUT', 'expectedDischargeOn').message).toBe(
      'The expected discharge can be at most 90 days after the admission date 2026-05-11.',
    );
    expect((await status(a, admitClock)).status).toBe('PLACE_OFFERED');

    const admitted = ok(await gql(ADMIT, { id: a, expected: '2026-05-15' }, { as: coordinator19, clock: admitClock })).recordAdmission;
    expect(admitted).toMatchObject({ status: 'ADMITTED', expectedDischargeOn: '2026-05-15', admittedAt: '2026-05-11T08:00:00.000+02:00' });
    expect(admitted.events.at(-1)).toEqual({ kind: 'ADMITTED', note: `Admitted to Testavdelning ${ward}; expected discharge 2026-05-15.` });
    expect([await freeOn(ward, '2026-05-14', admitClock), await freeOn(ward, '2026-05-15', admitClock)]).toEqual([0, 1]);

    const b = await decided();
    const tooEarly = await gql(OFFER, { id: b.id, ward, start: '2026-05-13' }, { as: coordinator19, clock: admitClock });
    expect(conflictOf(tooEarly)).toMatchObject({ firstFullDay: '2026-05-13', nextFreeDate: '2026-05-15' });
    const next = ok(await gql(OFFER, { id: b.id, ward, start: '2026-05-15' }, { as: coordinator19, clock: admitClock })).offerPlace;
    expect(next.status).toBe('PLACE_OFFERED');

    // still admitted after the expected discharge: the bed stays taken through today
    expect(await freeOn(ward, '2026-05-16', '2026-05-16T09:00:00+02:00')).toBe(0);
  });

  it('an admission is refused when the stay would overlap a later offer; without a date the expected discharge is the admission date + 7 days', async () => {
    const ward = await createWard(1);
    const a = await offered(ward, '2026-05-11');
    await offered(ward, '2026-06-09', 'Första lediga plats.');
    const clock = '2026-05-11T08:00:00+02:00';
    const long = await gql(ADMIT, { id: a, expected: '2026-06-20' }, { as: coordinator19, clock });
    expect(conflictOf(long)).toEqual({
      message: fullMessage(ward, '2026-06-09', 1, 1, '2026-07-08', 'stay (admission to expected discharge)'),
      firstFullDay: '2026-06-09',
      nextFreeDate: '2026-07-08',
      wardId: ward,
    });
    expect((await status(a, clock)).status).toBe('PLACE_OFFERED');
    const admitted = ok(await gql(ADMIT, { id: a }, { as: coordinator19, clock })).recordAdmission;
    expect([admitted.status, admitted.expectedDischargeOn]).toEqual(['ADMITTED', '2026-05-18']);
  });

  it('the calendar and freeOn check their arguments', async () => {
    const ward = await createWard(2);
    const past = await gql(FREE_ON, { org: 'psychiatry:19', date: '2026-05-04' }, { as: coordinator19, clock: TODAY });
    expect(past.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'date' });
    expect(past.errors?.[0]?.message).toBe('The date cannot be in the past (today is 2026-05-05).');
    for (const days of [0, 93]) {
      const res = await gql(CALENDAR, { org: 'psychiatry:19', days }, { as: coordinator19, clock: TODAY });
      expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'days' });
      expect(res.errors?.[0]?.message).toBe('The number of days must be between 1 and 92.');
    }
    const cal = ok(await gql(CALENDAR, { org: 'psychiatry:19' }, { as: caseworker1980, clock: TODAY })).wards.find((w: { id: string }) => w.id === ward);
    expect(cal.calendar).toHaveLength(28);
    expect(cal.calendar[0]).toEqual({ date: '2026-05-05', places: 2, taken: 0, free: 2 });
    expect(cal.calendar[27].date).toBe('2026-06-01');
    const reviewer = await gql(FREE_ON, { org: 'psychiatry:19', date: '2026-05-05' }, { as: { org: 'psychiatry:19', roles: ['LOG_REVIEWER'] }, clock: TODAY });
    expect(reviewer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('outpatient offers', () => {
  it('need no ward and take no bed; an inpatient offer must name one', async () => {
    const ward = await createWard(1);
    const out = await decided('OUTPATIENT');
    const withWard = await gql(OFFER, { id: out.id, ward, start: '2026-05-11' }, { as: coordinator19, clock: TODAY });
    expect(refused(withWard, 'BAD_USER_INPUT', 'wardId').message).toBe('The decision is outpatient treatment, which takes no ward place; leave wardId out.');
    const offer = ok(await gql(OFFER, { id: out.id, start: '2026-05-11' }, { as: coordinator19, clock: TODAY })).offerPlace;
    expect(offer).toMatchObject({
      status: 'PLACE_OFFERED',
      placeOffer: null,
      treatmentOffer: {
        setting: 'OUTPATIENT',
        ward: null,
        provider: { id: 'psychiatry:19' },
        orderedFromOtherProvider: false,
        dueBy: '2026-05-19',
        startDate: '2026-05-11',
        lapsesOn: '2026-06-08',
        reason: null,
        deadlineMissed: false,
      },
    });
    expect(offer.events.at(-1)).toEqual({
      kind: 'PLACE_OFFERED',
      note: 'Outpatient withdrawal treatment from 2026-05-11; it lapses if not used by 2026-06-08.',
    });
    expect(await freeOn(ward, '2026-05-11')).toBe(1);
    const started = ok(await gql(ADMIT, { id: out.id }, { as: coordinator19, clock: '2026-05-11T09:00:00+02:00' })).recordAdmission;
    expect([started.status, started.expectedDischargeOn, started.events.at(-1).note]).toEqual([
      'ADMITTED',
      '2026-05-18',
      'Outpatient withdrawal treatment started; expected discharge 2026-05-18.',
    ]);

    const inpatient = await decided('INPATIENT');
    const noWard = await gql(OFFER, { id: inpatient.id, start: '2026-05-11' }, { as: coordinator19, clock: TODAY });
    expect(refused(noWard, 'BAD_USER_INPUT', 'wardId').message).toBe('The decision is inpatient treatment: name the ward of the place.');
  });
});

describe('moving an offered place', () => {
  it('takes a new start date and a reason, applies the 14-day rule again and checks the beds, its own left out', async () => {
    const ward = await createWard(1);
    const a = await offered(ward, '2026-05-11');
    const again = await gql(OFFER, { id: a, ward, start: '2026-05-13' }, { as: coordinator19, clock: TODAY });
    expect(refused(again, 'CONFLICT').message).toBe(
      'A place is already offered; to change its start date, move it (moveOfferedPlace); this referral is PLACE_OFFERED (place offered, not yet admitted).',
    );
    const moved = ok(await gql(MOVE, { id: a, start: '2026-05-13', reason: 'Den enskilde är sjuk.' }, { as: coordinator19, clock: TODAY })).moveOfferedPlace;
    expect(moved).toMatchObject({
      status: 'PLACE_OFFERED',
      treatmentOffer: { startDate: '2026-05-13', lapsesOn: '2026-06-10', reason: 'Den enskilde är sjuk.', deadlineMissed: false, dueBy: '2026-05-19' },
      placeOffer: { startDate: '2026-05-13', lapsesOn: '2026-06-10', ward: { id: ward } },
    });
    expect(moved.events.at(-1)).toEqual({
      kind: 'PLACE_MOVED',
      note: `Place on Testavdelning ${ward} moved from 2026-05-11 to 2026-05-13; it lapses if not used by 2026-06-10. Reason: Den enskilde är sjuk.`,
    });
    expect([await freeOn(ward, '2026-05-11'), await freeOn(ward, '2026-05-13'), await freeOn(ward, '2026-06-11')]).toEqual([1, 0, 1]);

    const late = ok(
      await gql(MOVE, { id: a, start: '2026-05-25', reason: 'Önskar börja efter helgen.' }, { as: coordinator19, clock: TODAY }),
    ).moveOfferedPlace;
    expect(late.treatmentOffer).toMatchObject({ startDate: '2026-05-25', lapsesOn: '2026-06-22', deadlineMissed: true });
    expect(late.events.at(-1).note).toBe(
      `Place on Testavdelning ${ward} moved from 2026-05-13 to 2026-05-25 (after the due date 2026-05-19); it lapses if not used by 2026-06-22. Reason: Önskar börja efter helgen.`,
    );

    const before = await status(a);
    for (const [vars, field, message] of [
      [{ start: '2026-05-26', reason: '  ' }, 'reason', 'The reason for moving the place must be filled in.'],
      [{ start: '2026-05-25', reason: 'Samma dag.' }, 'startDate', 'The place already starts on 2026-05-25; give a new start date.'],
      [{ start: '2026-05-04', reason: 'Igår.' }, 'startDate', 'The start date cannot be in the past (today is 2026-05-05).'],
    ] as const) {
      expect(refused(await gql(MOVE, { id: a, ...vars }, { as: coordinator19, clock: TODAY }), 'BAD_USER_INPUT', field).message).toBe(message);
    }
    await offered(ward, '2026-06-23', 'Första lediga plats.');
    const overlapping = await gql(MOVE, { id: a, start: '2026-06-01', reason: 'Senare.' }, { as: coordinator19, clock: TODAY });
    expect(conflictOf(overlapping)).toEqual({
      message: fullMessage(ward, '2026-06-23', 1, 1, '2026-07-22'),
      firstFullDay: '2026-06-23',
      nextFreeDate: '2026-07-22',
      wardId: ward,
    });
    expect(await status(a)).toEqual(before);
    // its own old days do not block it
    expect(
      ok(await gql(MOVE, { id: a, start: '2026-05-24', reason: 'En dag tidigare.' }, { as: coordinator19, clock: TODAY })).moveOfferedPlace.treatmentOffer,
    ).toMatchObject({ startDate: '2026-05-24', lapsesOn: '2026-06-21' });
  });

  it('is refused before an offer and after the admission, and for anyone but the coordinator', async () => {
    const ward = await createWard(1);
    const r = await decided();
    const early = await gql(MOVE, { id: r.id, start: '2026-05-12', reason: 'x' }, { as: coordinator19, clock: TODAY });
    expect(refused(early, 'CONFLICT').message).toBe(
      'An offered place can be moved only while it is still valid, or after the ward refused the admission; this referral is CARE_PLANNING (care planning, with no place offered yet).',
    );
    ok(await gql(OFFER, { id: r.id, ward, start: '2026-05-11' }, { as: coordinator19, clock: TODAY }));
    refused(await gql(MOVE, { id: r.id, start: '2026-05-12', reason: 'x' }, { as: nurse19, clock: TODAY }), 'FORBIDDEN');
    refused(await gql(MOVE, { id: r.id, start: '2026-05-12', reason: 'x' }, { as: caseworker1980, clock: TODAY }), 'FORBIDDEN');
    refused(await gql(MOVE, { id: r.id, start: '2026-05-12', reason: 'x' }, { as: coordinator01, clock: TODAY }), 'NOT_FOUND');
    ok(await gql(ADMIT, { id: r.id }, { as: coordinator19, clock: '2026-05-11T08:00:00+02:00' }));
    const after = await gql(MOVE, { id: r.id, start: '2026-05-20', reason: 'x' }, { as: coordinator19, clock: '2026-05-11T09:00:00+02:00' });
    expect(refused(after, 'CONFLICT').message).toMatch(/; this referral is ADMITTED \(admitted\)\.$/);
  });
});

describe('a refused admission', () => {
  it('is recorded with its reason, frees the bed, never lapses, and the place can be offered again from a new date', async () => {
    const ward = await createWard(1);
    const a = await offered(ward, '2026-05-11');
    const clock = '2026-05-11T09:00:00+02:00';
    expect(refused(await gql(REFUSE, { id: a, reason: ' ' }, { as: coordinator19, clock }), 'BAD_USER_INPUT', 'reason').message).toBe(
      'The reason the admission was refused must be filled in.',
    );
    refused(await gql(REFUSE, { id: a, reason: 'x' }, { as: nurse19, clock }), 'FORBIDDEN');
    const r = ok(await gql(REFUSE, { id: a, reason: 'Påverkad vid ankomst; ny tid planeras.' }, { as: coordinator19, clock })).recordRefusedAdmission;
    expect(r).toMatchObject({
      status: 'ADMISSION_REFUSED',
      admissionRefusal: { at: '2026-05-11T09:00:00.000+02:00', reason: 'Påverkad vid ankomst; ny tid planeras.' },
      admittedAt: null,
    });
    expect(r.events.at(-1)).toEqual({ kind: 'ADMISSION_REFUSED', note: 'The ward refused the admission: Påverkad vid ankomst; ny tid planeras.' });
    expect(await freeOn(ward, '2026-05-12', clock)).toBe(1);

    // long after lapsesOn (8 June) it is still a refusal, not a lapse, for both sides and in the inbox filter
    const july = '2026-07-01T10:00:00+02:00';
    expect((await status(a, july)).status).toBe('ADMISSION_REFUSED');
    const seen = ok(
      await gql(`query($id: ID!) { withdrawalReferral(id: $id) { status admissionRefusal { reason } } }`, { id: a }, { as: caseworker1980, clock: july }),
    );
    expect(seen.withdrawalReferral).toEqual({ status: 'ADMISSION_REFUSED', admissionRefusal: { reason: 'Påverkad vid ankomst; ny tid planeras.' } });
    const person = ok(await gql(GET, { id: a }, { as: coordinator19, clock: july })).withdrawalReferral;
    const lapsed = ok(
      await gql(
        `query($ids: [ReferralStatus!]) { withdrawalReferrals(status: $ids, first: 200) { nodes { id } } }`,
        { ids: ['LAPSED'] },
        { as: coordinator19, clock: july },
      ),
    ).withdrawalReferrals.nodes.map((n: { id: string }) => n.id);
    expect(lapsed).not.toContain(person.id);
    const again = await gql(REFUSE, { id: a, reason: 'x' }, { as: coordinator19, clock: july });
    expect(refused(again, 'CONFLICT').message).toMatch(/only while an offered place is still valid; this referral is ADMISSION_REFUSED/);
    // (a new assessment may be asked for instead: tests/withdrawal/discharge-reassessment.test.ts)

    const reoffered = ok(
      await gql(MOVE, { id: a, start: '2026-07-06', reason: 'Ny tid efter nekad inskrivning.' }, { as: coordinator19, clock: july }),
    ).moveOfferedPlace;
    expect(reoffered).toMatchObject({
      status: 'PLACE_OFFERED',
      admissionRefusal: null,
      treatmentOffer: { startDate: '2026-07-06', lapsesOn: '2026-08-03', deadlineMissed: true, reason: 'Ny tid efter nekad inskrivning.' },
    });
    expect(await freeOn(ward, '2026-07-06', july)).toBe(0);
  });
});

describe('care ordered from another care provider', () => {
  it("offers a bed on another region's ward, counted on its calendar; the provider sees only what it needs", async () => {
    const ward = await createWard(1, 'psychiatry:01');
    const r = await decided();
    const notOwn = await gql(OFFER, { id: r.id, ward, start: '2026-05-11' }, { as: coordinator19, clock: TODAY });
    expect(refused(notOwn, 'BAD_USER_INPUT', 'wardId').message).toBe(`Ward ${ward} is not a ward of your organisation.`);
    const own = await createWard(1);
    const ownOrdered = await gql(OFFER, { id: r.id, ward: own, start: '2026-05-11', other: true }, { as: coordinator19, clock: TODAY });
    expect(refused(ownOrdered, 'BAD_USER_INPUT', 'fromOtherProvider').message).toBe(
      `Ward ${own} is your own organisation's ward; leave fromOtherProvider out to offer a place on it.`,
    );
    const missing = await gql(OFFER, { id: r.id, ward: 'no-such-ward', start: '2026-05-11', other: true }, { as: coordinator19, clock: TODAY });
    expect(refused(missing, 'BAD_USER_INPUT', 'wardId').message).toBe('Ward no-such-ward is not a ward of another care provider in the directory.');

    const ordered = ok(await gql(OFFER, { id: r.id, ward, start: '2026-05-11', other: true }, { as: coordinator19, clock: TODAY })).offerPlace;
    expect(ordered).toMatchObject({
      status: 'PLACE_OFFERED',
      placeOffer: { ward: { id: ward } },
      treatmentOffer: { setting: 'INPATIENT', ward: { id: ward }, provider: { id: 'psychiatry:01' }, orderedFromOtherProvider: true },
    });
    expect(ordered.events.at(-1).note).toBe(
      `Place ordered from another care provider, on Testavdelning ${ward}, from 2026-05-11; it lapses if not used by 2026-06-08.`,
    );
    expect(await freeOn(ward, '2026-05-11', TODAY, 'psychiatry:01')).toBe(0);
    const second = await decided();
    const full = await gql(OFFER, { id: second.id, ward, start: '2026-05-12', other: true }, { as: coordinator19, clock: TODAY });
    expect(conflictOf(full)).toMatchObject({ firstFullDay: '2026-05-12', nextFreeDate: '2026-06-09' });

    // the provider: what it needs, nothing more, and never the referral itself
    const mine = (res: GqlResult) => (ok(res).orderedPlaces as Array<{ ward: { id: string } }>).filter((p) => p.ward.id === ward);
    const pnr = r.input.personnummer;
    const expected = {
      referralId: r.id,
      ward: { id: ward },
      orderedBy: { id: 'psychiatry:19' },
      status: 'PLACE_OFFERED',
      personnummer: pnr,
      name: 'Test Testsson',
      substances: ['ALCOHOL', 'BENZODIAZEPINES'],
      currentProblems: 'Daglig alkoholkonsumtion, abstinenssymtom på morgonen.',
      otherIllnesses: ['Hypertoni'],
      medications: [],
      startDate: '2026-05-11',
      lapsesOn: '2026-06-08',
      admittedAt: null,
      expectedDischargeOn: null,
    };
    const seen = mine(await gql(ORDERED, {}, { as: coordinator01, clock: TODAY }));
    expect(seen).toEqual([expected]);
    expect(ok(await gql(GET, { id: r.id }, { as: coordinator01, clock: TODAY })).withdrawalReferral).toBeNull();
    expect(mine(await gql(ORDERED, {}, { as: coordinator19, clock: TODAY }))).toEqual([]);
    refused(await gql(ORDERED, {}, { as: caseworker1980, clock: TODAY }), 'FORBIDDEN');
    const reads = (await auditOf(r.id)).filter((e) => e.organisation_id === 'psychiatry:01');
    expect(reads).toEqual([
      {
        action: 'READ',
        entity: 'WithdrawalReferral',
        user_id: 'jonas.ny',
        organisation_id: 'psychiatry:01',
        basis: 'care provider of an ordered place',
        fields: [
          'personnummer',
          'name',
          'substances',
          'currentProblems',
          'otherIllnesses',
          'medications',
          'placeStartDate',
          'placeLapsesOn',
          'admittedAt',
          'expectedDischargeOn',
        ],
      },
    ]);

    // admitted: the provider sees the expected discharge; discharged: it sees nothing more
    ok(await gql(ADMIT, { id: r.id, expected: '2026-05-16' }, { as: coordinator19, clock: '2026-05-11T08:00:00+02:00' }));
    expect(mine(await gql(ORDERED, {}, { as: coordinator01, clock: '2026-05-11T09:00:00+02:00' }))).toMatchObject([
      { status: 'ADMITTED', admittedAt: '2026-05-11T08:00:00.000+02:00', expectedDischargeOn: '2026-05-16' },
    ]);
    ok(await gql(DISCHARGE, { id: r.id }, { as: coordinator19, clock: '2026-05-16T10:00:00+02:00' }));
    expect(mine(await gql(ORDERED, {}, { as: coordinator01, clock: '2026-05-16T11:00:00+02:00' }))).toEqual([]);
  });
});

describe('concurrent offers', () => {
  it('20 offers at once for one free place: exactly 1 accepted, 19 CONFLICT naming the full day and the next free date', async () => {
    const ward = await createWard(1);
    const ids: string[] = [];
    for (let i = 0; i < 20; i += 5) ids.push(...(await Promise.all(Array.from({ length: 5 }, () => decided()))).map((r) => r.id));
    const results = await Promise.all(ids.map((id) => gql(OFFER, { id, ward, start: '2026-05-11' }, { as: coordinator19, clock: TODAY })));
    const accepted = results.filter((r) => !r.errors);
    const conflicts = results.filter((r) => r.errors?.[0]?.extensions?.code === 'CONFLICT');
    expect([accepted.length, conflicts.length]).toEqual([1, 19]);
    for (const c of conflicts) expect(conflictOf(c)).toMatchObject({ firstFullDay: '2026-05-11', nextFreeDate: '2026-06-09', wardId: ward });
    const stored = await psychiatrySql(
      (sql) =>
        sql`select r.stage, count(*)::int as n, count(e.id)::int as events from withdrawal_referral r left join withdrawal_referral_event e on e.referral_id = r.id and e.kind = 'PLACE_OFFERED' where r.id in ${sql(ids)} group by r.stage order by r.stage`,
    );
    expect(stored.map((s) => [s.stage, s.n, s.events])).toEqual([
      ['CARE_PLANNING', 19, 0],
      ['PLACE_OFFERED', 1, 1],
    ]);
    expect(await freeOn(ward, '2026-05-11')).toBe(0);
  });
});
