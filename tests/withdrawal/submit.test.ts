/** Submitting a request for withdrawal treatment through the gateway: round trip, validation, idempotency. */
import { describe, expect, it } from 'vitest';
import { gql } from '../helpers/hub.ts';
import { personnummer } from '../helpers/people.ts';
import {
  auditOf,
  caseworker0180,
  caseworker1980,
  caseworker1981,
  coordinator19,
  GET,
  ok,
  referralInput,
  refused,
  storedReferralsFor,
  submit,
  SUBMIT,
  uniqueKey,
} from '../helpers/withdrawal.ts';

const CLOCK = '2026-03-02T10:15:00+01:00';

describe('submitWithdrawalReferral', () => {
  it("stores every field of the routine's appendix and gives them back to the coordinator", async () => {
    const pnr = personnummer('WOMEN');
    const input = referralInput({
      personnummer: pnr.slice(2).replace('-', ''), // 10 digits, no separator
      name: 'Eva Exempel',
      substances: ['OPIOIDS', 'GHB'],
      otherIllnesses: ['Hepatit C', 'Astma'],
      medications: ['Metadon 60 mg'],
      assessments: [
        { instrument: 'DUDIT', performedOn: '2026-02-20', score: 44, summary: 'Beroende' },
        { instrument: 'ASI', performedOn: '2026-02-15', score: null, summary: null },
      ],
      caseworker: { name: 'Anna Svensson', phone: '+46 21 39 00 00', email: 'anna.svensson@vasteras.se' },
    });
    const created = ok(await gql(SUBMIT, { input }, { as: caseworker1980, clock: CLOCK })).submitWithdrawalReferral;
    const read = ok(await gql(GET, { id: created.id }, { as: coordinator19, clock: CLOCK })).withdrawalReferral;
    const person = ok(await gql('query($p: String!) { findPerson(personnummer: $p) { id } }', { p: pnr }, { as: coordinator19 })).findPerson;
    expect(read).toEqual({
      ...created,
      id: created.id,
      status: 'RECEIVED',
      personnummer: pnr,
      name: 'Eva Exempel',
      person: { id: person.id },
      referringOrganisation: { id: 'municipality:1980' },
      receivingOrganisation: { id: 'psychiatry:19' },
      caseworker: { name: 'Anna Svensson', phone: '+46 21 39 00 00', email: 'anna.svensson@vasteras.se' },
      substances: ['OPIOIDS', 'GHB'],
      currentProblems: input.currentProblems,
      postTreatmentPlan: input.postTreatmentPlan,
      otherIllnesses: ['Hepatit C', 'Astma'],
      medications: ['Metadon 60 mg'],
      assessments: [
        { instrument: 'DUDIT', performedOn: '2026-02-20', score: 44, summary: 'Beroende' },
        { instrument: 'ASI', performedOn: '2026-02-15', score: null, summary: null },
      ],
      receivedAt: '2026-03-02T10:15:00.000+01:00',
      assessmentCycle: 1,
      assessmentDueBy: '2026-03-16',
      assessmentMeetingAt: null,
      assessmentDeadlineMissed: false,
      overdue: false,
      decision: null,
      placeOffer: null,
      admittedAt: null,
      completedAt: null,
      events: [{ at: '2026-03-02T10:15:00.000+01:00', kind: 'SUBMITTED', by: 'Anna Svensson (Västerås stad, socialtjänsten)', note: null }],
    });
    const audit = await auditOf(created.id);
    expect(audit.map((a) => [a.action, a.organisation_id, a.basis])).toEqual([
      ['CREATE', 'municipality:1980', 'referring organisation'],
      ['READ', 'psychiatry:19', 'receiving psychiatry organisation'],
    ]);
    expect(audit[1]!.fields).toContain('personnummer');
  });

  it.each([
    ['null and [] ', null, []],
    ['[] and null', [], null],
  ])('keeps "not known" and "known to be none" apart (%s) through a round trip', async (_w, otherIllnesses, medications) => {
    const { referral } = await submit(caseworker1981, CLOCK, { otherIllnesses, medications });
    expect([referral.otherIllnesses, referral.medications]).toEqual([otherIllnesses, medications]);
    const read = ok(await gql(GET, { id: referral.id }, { as: coordinator19 })).withdrawalReferral;
    expect([read.otherIllnesses, read.medications]).toEqual([otherIllnesses, medications]);
  });

  it("sends a Stockholm municipality's request to Stockholm's psychiatry", async () => {
    const { referral } = await submit(caseworker0180, CLOCK);
    expect(referral.receivingOrganisation).toEqual({ id: 'psychiatry:01' });
  });

  it.each([
    ['a wrong check digit', (pnr: string) => ({ personnummer: `${pnr.slice(0, -1)}${(Number(pnr.slice(-1)) + 1) % 10}` }), 'input.personnummer', /check digit/],
    [
      'an AUDIT score of 41',
      () => ({ assessments: [{ instrument: 'AUDIT', performedOn: '2026-03-01', score: 41 }] }),
      'input.assessments[0].score',
      /between 0 and 40/,
    ],
    [
      'an assessment dated tomorrow',
      () => ({ assessments: [{ instrument: 'DUDIT', performedOn: '2026-03-03', score: 3 }] }),
      'input.assessments[0].performedOn',
      /future/,
    ],
    ['no substance', () => ({ substances: [] }), 'input.substances', /at least one substance/],
    ['an invalid e-mail', () => ({ caseworker: { name: 'A', phone: '021-39 00 00', email: 'anna' } }), 'input.caseworker.email', /e-mail/],
    ['an individual who is not positive', () => ({ individualConsents: false }), 'input.individualConsents', /positive/],
  ])('refuses %s with BAD_USER_INPUT naming the field, and stores nothing', async (_w, make, field, message) => {
    const pnr = personnummer();
    const input = referralInput({ personnummer: pnr, ...make(pnr) });
    const res = await gql(SUBMIT, { input }, { as: caseworker1980, clock: CLOCK });
    expect(res.data ?? null).toBeNull();
    expect(refused(res, 'BAD_USER_INPUT', field).message).toMatch(message);
    expect(await storedReferralsFor(pnr)).toBe(0);
  });

  it('refuses anyone but a caseworker, and stores nothing', async () => {
    const input = referralInput();
    const res = await gql(SUBMIT, { input }, { as: coordinator19 });
    expect(refused(res, 'FORBIDDEN').message).toMatch(/does not allow you to send a request for withdrawal treatment/);
    expect(await storedReferralsFor(input.personnummer)).toBe(0);
  });

  it('a retry with the same idempotency key returns the first referral and creates nothing', async () => {
    const input = referralInput({ idempotencyKey: uniqueKey() });
    const first = ok(await gql(SUBMIT, { input }, { as: caseworker1980, clock: CLOCK })).submitWithdrawalReferral;
    const retry = ok(await gql(SUBMIT, { input }, { as: caseworker1980, clock: '2026-03-02T10:20:00+01:00' })).submitWithdrawalReferral;
    expect(retry).toEqual(first);
    expect(retry.receivedAt).toBe('2026-03-02T10:15:00.000+01:00');
    expect(retry.events).toHaveLength(1);
    expect(await storedReferralsFor(input.personnummer)).toBe(1);
  });

  it('eight concurrent submissions with the same key create one referral (the unique constraint decides)', async () => {
    const input = referralInput({ idempotencyKey: uniqueKey() });
    const results = await Promise.all(Array.from({ length: 8 }, () => gql(SUBMIT, { input }, { as: caseworker1980 })));
    const ids = new Set(results.map((r) => ok(r).submitWithdrawalReferral.id));
    expect(ids.size).toBe(1);
    expect(await storedReferralsFor(input.personnummer)).toBe(1);
  });

  it("the key belongs to the referring organisation: another municipality's same key is a new referral", async () => {
    const key = uniqueKey();
    const a = await submit(caseworker1980, CLOCK, { idempotencyKey: key });
    const b = await submit(caseworker1981, CLOCK, { idempotencyKey: key, personnummer: a.input.personnummer });
    expect(b.referral.id).not.toBe(a.referral.id);
    expect(await storedReferralsFor(a.input.personnummer)).toBe(2);
  });

  it('a key reused for another person is refused, and stores nothing', async () => {
    const key = uniqueKey();
    await submit(caseworker1980, CLOCK, { idempotencyKey: key });
    const other = referralInput({ idempotencyKey: key });
    const res = await gql(SUBMIT, { input: other }, { as: caseworker1980 });
    expect(refused(res, 'BAD_USER_INPUT', 'input.idempotencyKey').message).toMatch(/already used for a request about another person/);
    expect(await storedReferralsFor(other.personnummer)).toBe(0);
  });
});
