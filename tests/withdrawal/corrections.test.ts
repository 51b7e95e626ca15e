/**
 * Corrections and duplicates (issue 14): every invalid field of a request in one response; a
 * request amended with its history (who, when, the values before and after); a second open
 * request for the same person from the same municipality refused with CONFLICT naming the
 * open one, unless it is knowingly sent as a new cycle.
 */
import { describe, expect, it } from 'vitest';
import { gql, subgraphRequest } from '../helpers/hub.ts';
import { personnummer } from '../helpers/people.ts';
import {
  auditOf,
  caseworker1980,
  caseworker1981,
  coordinator19,
  ok,
  referralInput,
  refused,
  storedReferralsFor,
  submit,
  SUBMIT,
  WITHDRAW,
} from '../helpers/withdrawal.ts';

const CLOCK = '2026-03-02T10:15:00+01:00';
const LATER = '2026-03-04T09:30:00+01:00';

export const AMEND = `mutation($id: ID!, $input: WithdrawalReferralAmendmentInput!) {
  amendWithdrawalReferral(referralId: $id, input: $input) {
    id status caseworker { name phone email } otherIllnesses medications substances
    assessments { instrument performedOn score summary }
    amendments { at by reason changes { field before after } }
    events { kind by note }
  } }`;
const READ = `query($id: ID!) { withdrawalReferral(id: $id) {
  caseworker { phone email } assessments { instrument score } amendments { at by reason changes { field before after } } } }`;

const codesAndFields = (res: { errors?: Array<{ extensions?: Record<string, unknown> }> }) => res.errors?.map((e) => [e.extensions?.code, e.extensions?.field]);

describe('every invalid field of an input in one response', () => {
  it('a request with a bad phone, a bad e-mail, an AUDIT score of 41 and no substance: four BAD_USER_INPUT errors, each naming its field; nothing stored', async () => {
    const input = referralInput({
      substances: [],
      assessments: [{ instrument: 'AUDIT', performedOn: '2026-03-01', score: 41 }],
      caseworker: { name: 'Anna Svensson', phone: '12', email: 'anna' },
    });
    const res = await gql(SUBMIT, { input }, { as: caseworker1980, clock: CLOCK });
    expect(res.data ?? null).toBeNull();
    expect(codesAndFields(res)).toEqual([
      ['BAD_USER_INPUT', 'input.substances'],
      ['BAD_USER_INPUT', 'input.assessments[0].score'],
      ['BAD_USER_INPUT', 'input.caseworker.phone'],
      ['BAD_USER_INPUT', 'input.caseworker.email'],
    ]);
    expect(res.errors!.map((e) => e.message)).toEqual([
      'Name at least one substance the individual uses.',
      'An AUDIT score must be between 0 and 40; 41 is outside that range.',
      "The caseworker's phone number must be 7 to 15 digits, e.g. 021-17 44 13 or +46 21 17 44 13.",
      "The caseworker's e-mail address is not valid, e.g. name@kommun.se.",
    ]);
    expect(res.errors!.every((e) => JSON.stringify(e.path) === '["submitWithdrawalReferral"]')).toBe(true);
    expect(await storedReferralsFor(input.personnummer)).toBe(0);
  });

  it('the text rules checked before anything runs (gateway and subgraph) report every broken field too', async () => {
    const input = referralInput({ name: 'x'.repeat(201), caseworker: { name: 'Anna Svensson', phone: '021-39 00 00', email: 'anna\u0000@vasteras.se' } });
    const res = await gql(SUBMIT, { input }, { as: caseworker1980, clock: CLOCK });
    expect(res.status).toBe(400);
    expect(res.errors?.map((e) => [e.extensions?.code, e.extensions?.field, e.message])).toEqual([
      ['BAD_USER_INPUT', 'input.name', 'input.name: is 201 characters long; at most 200 are allowed.'],
      ['BAD_USER_INPUT', 'input.caseworker.email', 'input.caseworker.email: contains a control character; remove it.'],
    ]);
    // the subgraph, reached directly, answers the same
    const direct = await subgraphRequest('psychiatry', SUBMIT, { as: caseworker1980, variables: { input } });
    expect(direct.status).toBe(400);
    expect(direct.body.errors.map((e: { extensions: Record<string, unknown> }) => [e.extensions.code, e.extensions.field])).toEqual([
      ['BAD_USER_INPUT', 'input.name'],
      ['BAD_USER_INPUT', 'input.caseworker.email'],
    ]);
    expect(await storedReferralsFor(input.personnummer)).toBe(0);
  });

  it('a single invalid field is still exactly one error', async () => {
    const input = referralInput({ caseworker: { name: 'Anna Svensson', phone: '021-39 00 00', email: 'anna' } });
    refused(await gql(SUBMIT, { input }, { as: caseworker1980, clock: CLOCK }), 'BAD_USER_INPUT', 'input.caseworker.email');
  });
});

describe('amendWithdrawalReferral', () => {
  it('a new phone number and a new AUDIT result: stored with who, when and the values before and after; both sides see the history; audited by column name', async () => {
    const { referral } = await submit(caseworker1980, CLOCK);
    const res = ok(
      await gql(
        AMEND,
        {
          id: referral.id,
          input: {
            caseworker: { phone: '021-39 11 11' },
            addAssessments: [{ instrument: 'AUDIT', performedOn: '2026-03-03', score: 27, summary: 'Ny screening' }],
            reason: 'Nytt telefonnummer och ny AUDIT.',
          },
        },
        { as: caseworker1980, clock: LATER },
      ),
    ).amendWithdrawalReferral;
    expect(res.caseworker).toEqual({ name: 'Anna Svensson', phone: '021-39 11 11', email: 'anna.svensson@vasteras.se' });
    expect(res.assessments).toEqual([
      { instrument: 'AUDIT', performedOn: '2026-01-10', score: 31, summary: 'Hög risk' },
      { instrument: 'AUDIT', performedOn: '2026-03-03', score: 27, summary: 'Ny screening' },
    ]);
    const history = [
      {
        at: '2026-03-04T09:30:00.000+01:00',
        by: 'Anna Svensson (Västerås stad, socialtjänsten)',
        reason: 'Nytt telefonnummer och ny AUDIT.',
        changes: [
          { field: 'caseworker.phone', before: '021-39 00 00', after: '021-39 11 11' },
          {
            field: 'assessments',
            before: '[{"instrument":"AUDIT","performedOn":"2026-01-10","score":31,"summary":"Hög risk"}]',
            after:
              '[{"instrument":"AUDIT","performedOn":"2026-01-10","score":31,"summary":"Hög risk"},{"instrument":"AUDIT","performedOn":"2026-03-03","score":27,"summary":"Ny screening"}]',
          },
        ],
      },
    ];
    expect(res.amendments).toEqual(history);
    expect(res.events.at(-1)).toEqual({
      kind: 'AMENDED',
      by: 'Anna Svensson (Västerås stad, socialtjänsten)',
      note: 'Corrected or added: caseworker.phone, assessments. Nytt telefonnummer och ny AUDIT.',
    });
    const seen = ok(await gql(READ, { id: referral.id }, { as: coordinator19, clock: LATER })).withdrawalReferral;
    expect(seen).toEqual({
      caseworker: { phone: '021-39 11 11', email: 'anna.svensson@vasteras.se' },
      assessments: [
        { instrument: 'AUDIT', score: 31 },
        { instrument: 'AUDIT', score: 27 },
      ],
      amendments: history,
    });
    const audit = await auditOf(referral.id);
    const update = audit.find((a) => a.action === 'UPDATE');
    expect(update).toEqual({
      action: 'UPDATE',
      entity: 'WithdrawalReferral',
      user_id: 'anna.svensson',
      organisation_id: 'municipality:1980',
      basis: 'referring organisation',
      fields: ['AMENDED', 'caseworkerPhone', 'assessments'],
    });
    // the audit names columns, never the values
    expect(JSON.stringify(audit)).not.toContain('021-39 11 11');
  });

  it('"not known" and "known to be none" are amended apart: null is not known, [] is none', async () => {
    const { referral } = await submit(caseworker1980, CLOCK);
    const res = ok(
      await gql(AMEND, { id: referral.id, input: { otherIllnesses: null, medications: ['Antabus'] } }, { as: caseworker1980, clock: LATER }),
    ).amendWithdrawalReferral;
    expect([res.otherIllnesses, res.medications]).toEqual([null, ['Antabus']]);
    expect(res.amendments[0].changes).toEqual([
      { field: 'otherIllnesses', before: '["Hypertoni"]', after: null },
      { field: 'medications', before: '[]', after: '["Antabus"]' },
    ]);
  });

  it('every invalid field of an amendment in one response, and nothing changed', async () => {
    const { referral } = await submit(caseworker1980, CLOCK);
    const res = await gql(
      AMEND,
      {
        id: referral.id,
        input: {
          name: ' ',
          caseworker: { phone: 'ring mig', email: 'anna@' },
          addAssessments: [{ instrument: 'DUDIT', performedOn: '2026-03-05', score: 45 }],
        },
      },
      { as: caseworker1980, clock: LATER },
    );
    expect(res.data ?? null).toBeNull();
    expect(codesAndFields(res)).toEqual([
      ['BAD_USER_INPUT', 'input.name'],
      ['BAD_USER_INPUT', 'input.addAssessments[0].performedOn'],
      ['BAD_USER_INPUT', 'input.addAssessments[0].score'],
      ['BAD_USER_INPUT', 'input.caseworker.phone'],
      ['BAD_USER_INPUT', 'input.caseworker.email'],
    ]);
    const seen = ok(await gql(READ, { id: referral.id }, { as: caseworker1980, clock: LATER })).withdrawalReferral;
    expect(seen).toEqual({
      caseworker: { phone: '021-39 00 00', email: 'anna.svensson@vasteras.se' },
      assessments: [{ instrument: 'AUDIT', score: 31 }],
      amendments: [],
    });
  });

  it('an amendment that changes nothing is refused naming the input; a closed request cannot be amended (CONFLICT naming its status)', async () => {
    const { referral } = await submit(caseworker1980, CLOCK);
    const same = await gql(AMEND, { id: referral.id, input: { caseworker: { phone: '021-39 00 00' } } }, { as: caseworker1980, clock: LATER });
    expect(refused(same, 'BAD_USER_INPUT', 'input').message).toBe('The amendment changes nothing: every field given already has that value.');
    ok(await gql(WITHDRAW, { id: referral.id, reason: 'Flyttat.' }, { as: caseworker1980, clock: LATER }));
    const closed = await gql(AMEND, { id: referral.id, input: { caseworker: { phone: '021-39 22 22' } } }, { as: caseworker1980, clock: LATER });
    const e = refused(closed, 'CONFLICT');
    expect([e.message, e.extensions?.status]).toEqual([
      'A request can be corrected only while it is still open; this referral is WITHDRAWN (withdrawn by social services).',
      'WITHDRAWN',
    ]);
  });
});

describe('a second open request for the same person', () => {
  it('from the same municipality: CONFLICT naming the open request (extensions.existingId); nothing stored', async () => {
    const { referral, input } = await submit(caseworker1980, CLOCK);
    const again = await gql(SUBMIT, { input: { ...input, currentProblems: 'Samma person igen.' } }, { as: caseworker1980, clock: LATER });
    const e = refused(again, 'CONFLICT');
    expect(e.extensions?.existingId).toBe(referral.id);
    expect(e.extensions?.existingStatus).toBe('RECEIVED');
    expect(e.message).toBe(
      `Your organisation already has an open request for this person (${referral.id}, RECEIVED, received 2026-03-02). ` +
        'Correct it with amendWithdrawalReferral, or send this one as a new cycle with newCycleOf set to that id.',
    );
    expect(await storedReferralsFor(input.personnummer)).toBe(1);
  });

  it('explicitly a new cycle (newCycleOf names the open request): accepted and linked; a newCycleOf that names no open request of the caller is refused', async () => {
    const { referral, input } = await submit(caseworker1980, CLOCK);
    const Q = `mutation($input: WithdrawalReferralInput!, $of: ID) { submitWithdrawalReferral(input: $input, newCycleOf: $of) { id newCycleOf { id } events { kind note } } }`;
    const second = ok(await gql(Q, { input, of: referral.id }, { as: caseworker1980, clock: LATER })).submitWithdrawalReferral;
    expect(second.newCycleOf).toEqual({ id: referral.id });
    expect(second.events).toEqual([{ kind: 'SUBMITTED', note: `Sent as a new cycle beside the open request ${referral.id}.` }]);
    const wrong = await gql(Q, { input, of: '00000000-0000-4000-8000-000000000000' }, { as: caseworker1980, clock: LATER });
    expect(refused(wrong, 'BAD_USER_INPUT', 'newCycleOf').message).toBe(
      'newCycleOf names no open request for this person that your organisation sent (00000000-0000-4000-8000-000000000000).',
    );
    refused(await gql(Q, { input, of: 'not-an-id' }, { as: caseworker1980, clock: LATER }), 'BAD_USER_INPUT', 'newCycleOf');
    // another municipality's open request cannot be named (it is not the caller's to see)
    const other = await submit(caseworker1981, CLOCK, { personnummer: personnummer() });
    refused(
      await gql(Q, { input: { ...input, personnummer: other.input.personnummer }, of: other.referral.id }, { as: caseworker1980 }),
      'BAD_USER_INPUT',
      'newCycleOf',
    );
    expect(await storedReferralsFor(input.personnummer)).toBe(2);
  });

  it('from another municipality: accepted (its requests are not looked at, and nothing of them is told); after a withdrawal: accepted', async () => {
    const { referral, input } = await submit(caseworker1980, CLOCK);
    const fromSala = ok(await gql(SUBMIT, { input }, { as: caseworker1981, clock: LATER })).submitWithdrawalReferral;
    expect(fromSala.id).not.toBe(referral.id);
    ok(await gql(WITHDRAW, { id: referral.id, reason: 'Fel uppgifter.' }, { as: caseworker1980, clock: LATER }));
    ok(await gql(SUBMIT, { input }, { as: caseworker1980, clock: LATER }));
    expect(await storedReferralsFor(input.personnummer)).toBe(3);
  });

  it('six concurrent requests for one person from one municipality: exactly one is stored, five are CONFLICT naming it', async () => {
    const input = referralInput();
    const results = await Promise.all(Array.from({ length: 6 }, () => gql(SUBMIT, { input }, { as: caseworker1980, clock: CLOCK })));
    const stored = results.filter((r) => !r.errors).map((r) => r.data!.submitWithdrawalReferral.id as string);
    expect(stored).toHaveLength(1);
    const conflicts = results.filter((r) => r.errors).map((r) => [r.errors![0]!.extensions?.code, r.errors![0]!.extensions?.existingId]);
    expect(conflicts).toEqual(Array.from({ length: 5 }, () => ['CONFLICT', stored[0]]));
    expect(await storedReferralsFor(input.personnummer)).toBe(1);
  });
});
