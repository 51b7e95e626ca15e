/**
 * The rules every text input obeys (services/shared/src/input-rules.ts): no control characters,
 * no lone surrogates, a length by kind, lists of at most 100 items; dates within 1900–2200; a
 * consent valid for at most HUB_CONSENT_MAX_YEARS. Each is BAD_USER_INPUT naming the field, and
 * nothing is written.
 */
import { describe, expect, it } from 'vitest';
import { gql, refused, subgraphRequest, withSql } from '../helpers/hub.ts';
import { caseworker1980, coordinator19, psychiatrySql, referralInput, SUBMIT, submit } from '../helpers/withdrawal.ts';
import { caseworkerSthlm, createPlan, recordConsent, sip } from '../helpers/plans.ts';
import { personnummer } from '../helpers/people.ts';
import { addDays, stockholmDate } from '../../services/shared/src/time.ts';
import { addYears } from '../../services/municipality/src/domain/validation.ts';
import { maxLength, textProblem } from '../../services/shared/src/input-rules.ts';

const referralsOf = (pnr: string) =>
  psychiatrySql(async (sql) => (await sql`select count(*)::int as n from withdrawal_referral where personnummer = ${pnr.replace('-', '')}`)[0]!.n as number);

describe('text rules', () => {
  it.each([
    ['NUL', 'Sover\u0000 inte', 'contains a control character; remove it.'],
    ['a C0 character (ESC)', 'Sover \u001b[31minte', 'contains a control character; remove it.'],
    ['a lone high surrogate', 'Sover \ud800inte', 'contains a broken character (half of a UTF-16 pair); remove it.'],
    ['a lone low surrogate', '\udc00Sover inte', 'contains a broken character (half of a UTF-16 pair); remove it.'],
  ])('free text with %s is refused, naming the field, and nothing is written', async (_what, currentProblems, rule) => {
    const input = referralInput({ currentProblems });
    const res = await gql(SUBMIT, { input }, { as: caseworker1980 });
    const e = refused(res, 'BAD_USER_INPUT', 'input.currentProblems');
    expect(e.message).toBe(`input.currentProblems: ${rule}`);
    expect(res.data ?? null).toBeNull();
    expect(await referralsOf(input.personnummer)).toBe(0);
  });

  it('tab, line feed, carriage return and a whole surrogate pair (an emoji) are text', async () => {
    const input = referralInput({ currentProblems: 'Sover inte.\tÄter dåligt.\r\nOrolig 😟' });
    ok200(await gql(SUBMIT, { input }, { as: caseworker1980 }));
    expect(await referralsOf(input.personnummer)).toBe(1);
  });

  it('an item of a nested list is named by its index: input.caseworker.name, input.otherIllnesses[1]', async () => {
    const a = referralInput({ caseworker: { name: 'Anna\u0007 Svensson', phone: '021', email: 'a@b.se' } });
    expect(refused(await gql(SUBMIT, { input: a }, { as: caseworker1980 }), 'BAD_USER_INPUT', 'input.caseworker.name').message).toBe(
      'input.caseworker.name: contains a control character; remove it.',
    );
    const b = referralInput({ otherIllnesses: ['Hypertoni', 'Diabetes\u0000'] });
    refused(await gql(SUBMIT, { input: b }, { as: caseworker1980 }), 'BAD_USER_INPUT', 'input.otherIllnesses[1]');
    expect(await referralsOf(a.personnummer)).toBe(0);
    expect(await referralsOf(b.personnummer)).toBe(0);
  });

  it('an inline literal is checked as a variable is', async () => {
    const { referral } = await submit();
    const res = await gql(
      `mutation { withdrawWithdrawalReferral(referralId: "${referral.id}", reason: "Flyttat\\u0000") { id status } }`,
      {},
      { as: caseworker1980 },
    );
    expect(refused(res, 'BAD_USER_INPUT', 'reason').message).toBe('reason: contains a control character; remove it.');
    const after = await gql('query($id: ID!) { withdrawalReferral(id: $id) { status } }', { id: referral.id }, { as: caseworker1980 });
    expect(after.data!.withdrawalReferral.status).toBe(referral.status);
  });

  it('free text up to 10,000 characters; names up to 200; ids up to 200; cursors up to 1,000', async () => {
    const long = referralInput({ currentProblems: 'x'.repeat(10_001) });
    expect(refused(await gql(SUBMIT, { input: long }, { as: caseworker1980 }), 'BAD_USER_INPUT', 'input.currentProblems').message).toBe(
      'input.currentProblems: is 10,001 characters long; at most 10,000 are allowed.',
    );
    const name = referralInput({ name: 'N'.repeat(201) });
    expect(refused(await gql(SUBMIT, { input: name }, { as: caseworker1980 }), 'BAD_USER_INPUT', 'input.name').message).toBe(
      'input.name: is 201 characters long; at most 200 are allowed.',
    );
    const id = await gql('query($id: ID!) { withdrawalReferral(id: $id) { id } }', { id: 'i'.repeat(201) }, { as: caseworker1980 });
    expect(refused(id, 'BAD_USER_INPUT', 'id').message).toBe('id: is 201 characters long; at most 200 are allowed.');
    const cursor = await gql('query($a: String) { withdrawalReferrals(after: $a) { totalCount } }', { a: 'c'.repeat(1001) }, { as: coordinator19 });
    expect(refused(cursor, 'BAD_USER_INPUT', 'after').message).toBe('after: is 1001 characters long; at most 1000 are allowed.');
    expect(await referralsOf(long.personnummer)).toBe(0);
    expect(await referralsOf(name.personnummer)).toBe(0);
  });

  it('a list of more than 100 items is refused', async () => {
    const input = referralInput({ medications: Array.from({ length: 101 }, (_, i) => `Läkemedel ${i}`) });
    expect(refused(await gql(SUBMIT, { input }, { as: caseworker1980 }), 'BAD_USER_INPUT', 'input.medications').message).toBe(
      'input.medications: has 101 items; at most 100 are allowed.',
    );
    expect(await referralsOf(input.personnummer)).toBe(0);
  });

  it('the gateway refuses before any subgraph is asked (no subgraph named, even in development), status 400', async () => {
    const res = await gql(SUBMIT, { input: referralInput({ currentProblems: 'a\u0000' }) }, { as: caseworker1980 });
    expect(res.status).toBe(400);
    expect(res.errors).toEqual([
      { message: 'input.currentProblems: contains a control character; remove it.', extensions: { code: 'BAD_USER_INPUT', field: 'input.currentProblems' } },
    ]);
    expect(res.data ?? null).toBeNull();
    expect(res.extensions?.hub).toBeUndefined();
  });

  it('the subgraph refuses on its own, whoever reached it (a signed request straight to it)', async () => {
    const res = await subgraphRequest('psychiatry', SUBMIT, { as: caseworker1980, variables: { input: referralInput({ medications: ['a\u0000'] }) } });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      { message: 'input.medications[0]: contains a control character; remove it.', extensions: { code: 'BAD_USER_INPUT', field: 'input.medications[0]' } },
    ]);
  });

  it('decides the kind of a text by its name and type', () => {
    expect([maxLength('after', 'String'), maxLength('id', 'ID'), maxLength('personnummer', 'String'), maxLength('wardId', 'String')]).toEqual([
      1000, 200, 200, 200,
    ]);
    expect([maxLength('currentProblems', 'String'), maxLength('summary', 'String'), maxLength('reason', 'String')]).toEqual([10_000, 10_000, 10_000]);
    expect(String(textProblem('\u007f', 10))).toBe('contains a control character; remove it.');
    expect(String(textProblem('a\u0085b', 10))).toBe('contains a control character; remove it.');
    expect(textProblem('😟'.repeat(10), 10)).toBeNull();
  });
});

describe('date rules', () => {
  it.each([
    ['0000-01-01', '"0000-01-01" is outside the years 1900–2200; check the date.'],
    ['9999-12-31', '"9999-12-31" is outside the years 1900–2200; check the date.'],
    ['1899-12-31', '"1899-12-31" is outside the years 1900–2200; check the date.'],
  ])('a Date of %s is BAD_USER_INPUT', async (performedOn, message) => {
    const input = referralInput({ assessments: [{ instrument: 'AUDIT', performedOn, score: 31, summary: 'Hög risk' }] });
    const e = refused(await gql(SUBMIT, { input }, { as: caseworker1980 }), 'BAD_USER_INPUT');
    expect(e.message).toContain(message);
    expect(await referralsOf(input.personnummer)).toBe(0);
  });

  it('a DateTime in year 9999 is BAD_USER_INPUT, named by the variable', async () => {
    const { referral } = await submit();
    const res = await gql(
      'mutation($id: ID!, $at: DateTime!) { bookAssessmentMeeting(referralId: $id, at: $at) { id } }',
      { id: referral.id, at: '9999-01-01T10:00:00+01:00' },
      { as: coordinator19 },
    );
    const e = refused(res, 'BAD_USER_INPUT', 'at');
    expect(e.message).toContain('"9999-01-01T10:00:00+01:00" is outside the years 1900–2200; check the date.');
  });

  it('a value with control characters is not echoed in the message', async () => {
    const input = referralInput({ assessments: [{ instrument: 'AUDIT', performedOn: '2026-01-10\u0000', score: 31, summary: 'Hög risk' }] });
    const e = refused(await gql(SUBMIT, { input }, { as: caseworker1980 }), 'BAD_USER_INPUT');
    expect(e.message).not.toContain('\u0000');
  });
});

describe('consent validity', () => {
  const CONSENT = 'mutation($i: ConsentInput!) { recordConsent(input: $i) { id validUntil } }';
  const consentsOf = () => withSql('municipality', async (sql) => (await sql`select count(*)::int as n from consent`)[0]!.n as number);

  it(`is at most HUB_CONSENT_MAX_YEARS (3) years from the day it is given`, async () => {
    const clock = '2026-03-02T10:00:00+01:00';
    const before = await consentsOf();
    const input = (validUntil: string) => ({ personnummer: personnummer(), purpose: 'SIP', organisationIds: ['municipality:0180'], validUntil });
    const over = await gql(CONSENT, { i: input('2029-03-03') }, { as: caseworkerSthlm, clock });
    expect(refused(over, 'BAD_USER_INPUT', 'input.validUntil').message).toBe(
      'A consent may be valid for at most 3 years from the day it is given: 2029-03-02 at the latest. Ask the individual again when it runs out.',
    );
    expect(await consentsOf()).toBe(before);
    const edge = await gql(CONSENT, { i: input('2029-03-02') }, { as: caseworkerSthlm, clock });
    expect(edge.errors).toBeUndefined();
    expect(edge.data!.recordConsent.validUntil).toBe('2029-03-02');
  });

  it('counts calendar years (29 February to 28 February)', () => {
    expect(addYears('2028-02-29', 3)).toBe('2031-02-28');
    expect(addYears('2026-12-03', 3)).toBe('2029-12-03');
    expect(addDays(stockholmDate(new Date('2026-03-02T10:00:00+01:00')), 1095) <= addYears('2026-03-02', 3)).toBe(true);
  });

  it('the plan helpers stay within it', async () => {
    const pnr = personnummer();
    const c = await recordConsent(caseworkerSthlm, pnr, ['municipality:0180', 'clinic:0180-sodermalm']);
    expect((await createPlan(caseworkerSthlm, sip(pnr, c.id))).errors).toBeUndefined();
  });
});

function ok200(res: { status: number; errors?: unknown }) {
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  expect(res.status).toBe(200);
}
