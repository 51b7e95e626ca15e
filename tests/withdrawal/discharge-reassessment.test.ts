/**
 * Changing an admitted individual's expected discharge (the capacity calendar follows: an earlier
 * discharge frees the bed for an offer, a later one that would overbook a day already offered is
 * refused with CONFLICT naming the day), and a new assessment after a refused admission (asked by
 * the municipality or the coordinator; the refused cycle stays in history and is never a lapse).
 * Through the gateway.
 */
import { describe, expect, it } from 'vitest';
import { gql } from '../helpers/hub.ts';
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
  nurse19,
  ok,
  refused,
  submit,
} from '../helpers/withdrawal.ts';

const DECIDED = '2026-05-05T10:00:00+02:00';
const TODAY = '2026-05-05T11:00:00+02:00';
const ADMISSION = '2026-05-11T08:00:00+02:00';
const LATER = '2026-05-11T10:00:00+02:00';

const FIELDS = `id status assessmentCycle assessmentDueBy overdue expectedDischargeOn
  expectedDischargeChanges { at by before after reason }
  admissionRefusal { reason }
  earlierCycles { cycle outcome admissionRefusalReason placeOffer { startDate lapsesOn } }
  events { kind note }`;
const OFFER = `mutation($id: ID!, $ward: ID, $start: Date!) { offerPlace(referralId: $id, wardId: $ward, startDate: $start) { id status } }`;
const ADMIT = `mutation($id: ID!, $expected: Date) { recordAdmission(referralId: $id, expectedDischargeOn: $expected) { id status } }`;
const CHANGE = `mutation($id: ID!, $on: Date!, $reason: String!) { changeExpectedDischarge(referralId: $id, expectedDischargeOn: $on, reason: $reason) { ${FIELDS} } }`;
const REFUSE = `mutation($id: ID!, $reason: String!) { recordRefusedAdmission(referralId: $id, reason: $reason) { id status } }`;
const NEW_ASSESSMENT = `mutation($id: ID!) { requestNewAssessment(referralId: $id) { ${FIELDS} } }`;
const GET = `query($id: ID!) { withdrawalReferral(id: $id) { ${FIELDS} } }`;
const FREE_ON = `query($date: Date!) { wards(organisationId: "psychiatry:19") { id freeOn(date: $date) } }`;

async function decided() {
  const { referral } = await submit(caseworker1980, '2026-05-04T10:00:00+02:00');
  const id = referral.id as string;
  ok(await gql(BOOK, { id, at: '2026-05-05T09:00:00+02:00' }, { as: coordinator19, clock: '2026-05-04T11:00:00+02:00' }));
  ok(await gql(DECIDE, { id, needed: true, setting: 'INPATIENT' }, { as: chiefPhysician19, clock: DECIDED }));
  return id;
}

async function offered(ward: string, start: string) {
  const id = await decided();
  ok(await gql(OFFER, { id, ward, start }, { as: coordinator19, clock: TODAY }));
  return id;
}

const get = async (id: string, clock = LATER, as = coordinator19) => ok(await gql(GET, { id }, { as, clock })).withdrawalReferral;
const freeOn = async (ward: string, date: string, clock = LATER) =>
  (ok(await gql(FREE_ON, { date }, { as: coordinator19, clock })).wards as Array<{ id: string; freeOn: number }>).find((w) => w.id === ward)?.freeOn;

describe('changing an expected discharge', () => {
  it('an earlier discharge frees the bed for an offer; a later one that would overbook an offered day is CONFLICT naming it; history, timeline and audit', async () => {
    const ward = await createWard(2);
    const a = await offered(ward, '2026-05-11');
    await offered(ward, '2026-05-12');
    ok(await gql(ADMIT, { id: a, expected: '2026-05-20' }, { as: coordinator19, clock: ADMISSION }));
    const c = await decided();

    // both beds are taken 12–19 May: an offer from the 14th does not fit
    expect(refused(await gql(OFFER, { id: c, ward, start: '2026-05-14' }, { as: coordinator19, clock: LATER }), 'CONFLICT').extensions?.firstFullDay).toBe(
      '2026-05-14',
    );
    expect(await freeOn(ward, '2026-05-14')).toBe(0);

    const earlier = ok(
      await gql(CHANGE, { id: a, on: '2026-05-14', reason: 'Snabbare förlopp än väntat.' }, { as: coordinator19, clock: LATER }),
    ).changeExpectedDischarge;
    expect(earlier).toMatchObject({
      status: 'ADMITTED',
      expectedDischargeOn: '2026-05-14',
      expectedDischargeChanges: [
        {
          at: '2026-05-11T10:00:00.000+02:00',
          by: 'Maria Berg (Vuxenpsykiatri Västmanland, beroendesektionen)',
          before: '2026-05-20',
          after: '2026-05-14',
          reason: 'Snabbare förlopp än väntat.',
        },
      ],
    });
    expect(earlier.events.at(-1)).toEqual({
      kind: 'EXPECTED_DISCHARGE_CHANGED',
      note: 'Expected discharge changed from 2026-05-20 to 2026-05-14. Reason: Snabbare förlopp än väntat.',
    });
    expect([await freeOn(ward, '2026-05-13'), await freeOn(ward, '2026-05-14')]).toEqual([0, 1]);
    // the place freed can be offered
    expect(ok(await gql(OFFER, { id: c, ward, start: '2026-05-14' }, { as: coordinator19, clock: LATER })).offerPlace.status).toBe('PLACE_OFFERED');

    // now the 14th is offered: a later discharge would overbook it
    const later = refused(await gql(CHANGE, { id: a, on: '2026-05-16', reason: 'Fortsatt abstinens.' }, { as: coordinator19, clock: LATER }), 'CONFLICT');
    expect(later.message).toBe(
      `Testavdelning ${ward} has no free place on 2026-05-14 (2 of 2 places taken or offered); the latest expected discharge the ward can take is 2026-05-14.`,
    );
    expect(later.extensions).toMatchObject({ firstFullDay: '2026-05-14', wardId: ward });
    const after = await get(a);
    expect([after.expectedDischargeOn, after.expectedDischargeChanges.length]).toEqual(['2026-05-14', 1]);

    // the municipality sees the change too
    expect((await get(a, LATER, caseworker1980)).expectedDischargeChanges).toHaveLength(1);
    const audit = (await auditOf(a)).filter((e) => e.fields?.includes('EXPECTED_DISCHARGE_CHANGED'));
    expect(audit).toEqual([
      {
        action: 'UPDATE',
        entity: 'WithdrawalReferral',
        user_id: 'maria.berg',
        organisation_id: 'psychiatry:19',
        basis: 'receiving psychiatry organisation',
        fields: ['EXPECTED_DISCHARGE_CHANGED', 'expectedDischargeOn', 'expectedDischargeChanges'],
      },
    ]);
  });

  it('checks its input (each field named) and who may change it; only while admitted', async () => {
    const ward = await createWard(1);
    const a = await offered(ward, '2026-05-11');
    const vars = { id: a, on: '2026-05-15', reason: 'Skäl.' };
    // before the admission
    expect(refused(await gql(CHANGE, vars, { as: coordinator19, clock: LATER }), 'CONFLICT').message).toMatch(
      /^An expected discharge can be changed only while the individual is admitted; this referral is PLACE_OFFERED/,
    );
    ok(await gql(ADMIT, { id: a, expected: '2026-05-15' }, { as: coordinator19, clock: ADMISSION }));
    expect(refused(await gql(CHANGE, { ...vars, reason: ' ' }, { as: coordinator19, clock: LATER }), 'BAD_USER_INPUT', 'reason').message).toBe(
      'Give the reason the expected discharge changes.',
    );
    expect(
      refused(await gql(CHANGE, { ...vars, on: '2026-05-11' }, { as: coordinator19, clock: LATER }), 'BAD_USER_INPUT', 'expectedDischargeOn').message,
    ).toBe('The expected discharge must be after today (2026-05-11).');
    expect(refused(await gql(CHANGE, vars, { as: coordinator19, clock: LATER }), 'BAD_USER_INPUT', 'expectedDischargeOn').message).toBe(
      'The expected discharge is already 2026-05-15; give a new day.',
    );
    expect(
      refused(await gql(CHANGE, { ...vars, on: '2026-08-10' }, { as: coordinator19, clock: LATER }), 'BAD_USER_INPUT', 'expectedDischargeOn').message,
    ).toBe('The expected discharge can be at most 90 days after the admission date 2026-05-11.');
    refused(await gql(CHANGE, { ...vars, on: '2026-05-13' }, { as: nurse19, clock: LATER }), 'FORBIDDEN');
    refused(await gql(CHANGE, { ...vars, on: '2026-05-13' }, { as: caseworker1980, clock: LATER }), 'FORBIDDEN');
    refused(await gql(CHANGE, { ...vars, on: '2026-05-13' }, { as: coordinator01, clock: LATER }), 'NOT_FOUND');
    expect((await get(a)).expectedDischargeChanges).toEqual([]);
  });
});

describe('a new assessment after a refused admission', () => {
  const REFUSED_AT = '2026-05-11T09:00:00+02:00';
  const ASKED = '2026-05-12T10:00:00+02:00';

  async function refusedPlace(ward: string) {
    const id = await offered(ward, '2026-05-11');
    ok(await gql(REFUSE, { id, reason: 'Påverkad vid ankomst.' }, { as: coordinator19, clock: REFUSED_AT }));
    return id;
  }

  it('the municipality asks for it: a new cycle due in 14 days, the refused cycle kept in history and never a lapse', async () => {
    const ward = await createWard(1);
    const id = await refusedPlace(ward);
    const r = ok(await gql(NEW_ASSESSMENT, { id }, { as: caseworker1980, clock: ASKED })).requestNewAssessment;
    expect(r).toMatchObject({
      status: 'RECEIVED',
      assessmentCycle: 2,
      assessmentDueBy: '2026-05-26',
      overdue: false,
      admissionRefusal: null,
      earlierCycles: [
        {
          cycle: 1,
          outcome: 'ADMISSION_REFUSED',
          admissionRefusalReason: 'Påverkad vid ankomst.',
          placeOffer: { startDate: '2026-05-11', lapsesOn: '2026-06-08' },
        },
      ],
    });
    expect(r.events.at(-1)).toEqual({
      kind: 'NEW_ASSESSMENT_REQUESTED',
      note: 'The ward refused the admission to the place offered from 2026-05-11; the need remains. New assessment meeting due by 2026-05-26.',
    });
    // the new cycle runs as the first did
    ok(await gql(BOOK, { id, at: '2026-05-13T10:00:00+02:00' }, { as: coordinator19, clock: ASKED }));
    expect(await get(id, ASKED)).toMatchObject({ status: 'ASSESSMENT_BOOKED', assessmentCycle: 2 });
    // long after the refused place's lapse date it is in no list of lapsed referrals
    const lapsed = ok(
      await gql(`{ withdrawalReferrals(status: [LAPSED], first: 200) { nodes { id } } }`, {}, { as: coordinator19, clock: '2026-07-01T10:00:00+02:00' }),
    ).withdrawalReferrals.nodes.map((n: { id: string }) => n.id);
    expect(lapsed).not.toContain(id);
  });

  it('the receiving coordinator may ask for it after a refusal (not after a lapse); others are refused', async () => {
    const ward = await createWard(1);
    const id = await refusedPlace(ward);
    refused(await gql(NEW_ASSESSMENT, { id }, { as: nurse19, clock: ASKED }), 'FORBIDDEN');
    refused(await gql(NEW_ASSESSMENT, { id }, { as: caseworker1981, clock: ASKED }), 'NOT_FOUND');
    refused(await gql(NEW_ASSESSMENT, { id }, { as: coordinator01, clock: ASKED }), 'NOT_FOUND');
    expect((await get(id, ASKED)).status).toBe('ADMISSION_REFUSED');
    const r = ok(await gql(NEW_ASSESSMENT, { id }, { as: coordinator19, clock: ASKED })).requestNewAssessment;
    expect(r).toMatchObject({ status: 'RECEIVED', assessmentCycle: 2, earlierCycles: [{ cycle: 1, outcome: 'ADMISSION_REFUSED' }] });
    expect(r.events.at(-1).kind).toBe('NEW_ASSESSMENT_REQUESTED');

    // after a lapse the coordinator may not (it is social services' call); the caseworker may, and the cycle is LAPSED
    const lapsedPlace = await offered(await createWard(1), '2026-05-11');
    const june = '2026-06-10T10:00:00+02:00';
    expect(refused(await gql(NEW_ASSESSMENT, { id: lapsedPlace }, { as: coordinator19, clock: june }), 'CONFLICT').message).toBe(
      'Psychiatry can ask for a new assessment only after the ward refused the admission; this referral is LAPSED (lapsed: the offered place was not used in time).',
    );
    const again = ok(await gql(NEW_ASSESSMENT, { id: lapsedPlace }, { as: caseworker1980, clock: june })).requestNewAssessment;
    expect(again.earlierCycles).toEqual([
      { cycle: 1, outcome: 'LAPSED', admissionRefusalReason: null, placeOffer: { startDate: '2026-05-11', lapsesOn: '2026-06-08' } },
    ]);
  });
});
