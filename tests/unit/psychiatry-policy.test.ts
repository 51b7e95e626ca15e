/**
 * Psychiatry's access policy, called directly (no stack): who may read a
 * withdrawal referral and on which basis, who may take each step (FORBIDDEN
 * for the role or the side, NOT_FOUND for a referral one may not see), who
 * reads internal notes, where requests go, and which wards a place may be on.
 */
import { PgDialect } from 'drizzle-orm/pg-core';
import { describe, expect, it } from 'vitest';
import { CASEWORKER, caller, REFERRAL_FIELDS, REFERRAL_IDS, thrown } from './fixtures.ts';
import { AuditBuffer } from '../../services/shared/src/audit.ts';
import type { Caller } from '../../services/shared/src/caller.ts';
import { organisation, type Organisation } from '../../services/shared/src/directory.ts';
import type { Role } from '../../services/shared/src/generated/enums.ts';
import type { ReferralRow, WardRow } from '../../services/psychiatry/src/db/schema.ts';
import {
  BASIS_RECEIVER,
  BASIS_SENDER,
  listScope,
  mayReadInternalNotes,
  readBasis,
  receiverFor,
  referralAccess,
  requireInternalNotes,
  requireOwnWard,
  requireReceiver,
  requireStep,
  requireSubmit,
  requireWards,
  STEP_ACTION,
  visibleTo,
} from '../../services/psychiatry/src/domain/policy.ts';
import { submittedReferral, type Step } from '../../services/psychiatry/src/domain/transitions.ts';

/** A referral sent by Västerås to Västmanland's psychiatry, as a submission creates it. */
const REFERRAL: ReferralRow = submittedReferral(
  { ...REFERRAL_FIELDS, personnummer: '198507091234', medications: null, assessments: [], idempotencyKey: null },
  CASEWORKER,
  REFERRAL_IDS,
  new Date('2026-03-02T09:00:00Z'),
).row;

describe('reading a referral: role × organisation → basis', () => {
  const table: Array<[string, Role, string | null]> = [
    ['psychiatry:19', 'COORDINATOR', BASIS_RECEIVER],
    ['psychiatry:19', 'PHYSICIAN', BASIS_RECEIVER],
    ['psychiatry:19', 'NURSE', BASIS_RECEIVER],
    ['psychiatry:19', 'LOG_REVIEWER', null],
    ['psychiatry:19', 'COUNCIL_MEMBER', null],
    ['psychiatry:01', 'COORDINATOR', null],
    ['psychiatry:01', 'PHYSICIAN', null],
    ['municipality:1980', 'CASEWORKER', BASIS_SENDER],
    ['municipality:1980', 'COUNCIL_MEMBER', null],
    ['municipality:1980', 'LOG_REVIEWER', null],
    ['municipality:1981', 'CASEWORKER', null],
    ['municipality:0180', 'CASEWORKER', null],
    ['probation:vasteras', 'PROBATION_OFFICER', null],
    ['clinic:0180-sodermalm', 'PHYSICIAN', null],
    ['clinic:0180-sodermalm', 'CLINIC_STAFF', null],
  ];
  it.each(table)('%s %s → %s', (organisationId, role, basis) => {
    expect(readBasis(caller(organisationId, role), REFERRAL)).toBe(basis);
  });

  it('a role that reads on one side gives nothing on the other: a caseworker role at the receiver, a coordinator role at the sender', () => {
    expect(readBasis(caller('psychiatry:19', 'CASEWORKER'), REFERRAL)).toBeNull();
    expect(readBasis(caller('municipality:1980', 'COORDINATOR'), REFERRAL)).toBeNull();
  });

  it('the shared outline shows visible referrals, audits each read with its basis and the receiver as owner, and leaves the rest out', () => {
    const other = { ...REFERRAL, id: '00000000-0000-4000-8000-000000000002', referringOrganisationId: 'municipality:1981' };
    const audit = new AuditBuffer();
    const seen = referralAccess.see({ caller: caller('municipality:1980', 'CASEWORKER'), audit }, [REFERRAL, other], ['status']);
    expect(seen).toEqual([REFERRAL]);
    expect(audit.entries).toEqual([
      {
        action: 'READ',
        entity: 'WithdrawalReferral',
        entityId: REFERRAL.id,
        personId: 'p_test',
        owner: 'psychiatry:19',
        fields: ['status'],
        basis: BASIS_SENDER,
      },
    ]);
    const none = new AuditBuffer();
    expect(referralAccess.one({ caller: caller('psychiatry:01', 'COORDINATOR'), audit: none }, REFERRAL, null)).toBeNull();
    expect(referralAccess.one({ caller: caller('psychiatry:01', 'COORDINATOR'), audit: none }, undefined, null)).toBeNull();
    expect(none.entries).toEqual([]);
  });
});

describe('lists: the SQL condition of what the caller may see', () => {
  const render = (c: Caller) => {
    const condition = visibleTo(c);
    if (!condition) return null;
    const { sql, params } = new PgDialect().sqlToQuery(condition);
    return { sql, params };
  };

  it('the receiver sees what its organisation received; the sender what it sent', () => {
    expect(render(caller('psychiatry:19', 'NURSE'))).toEqual({ sql: '"withdrawal_referral"."receiving_organisation_id" = $1', params: ['psychiatry:19'] });
    expect(render(caller('municipality:0180', 'CASEWORKER'))).toEqual({
      sql: '"withdrawal_referral"."referring_organisation_id" = $1',
      params: ['municipality:0180'],
    });
  });

  it('a role that reads neither side sees none, and a list is FORBIDDEN naming the permission', () => {
    expect(render(caller('psychiatry:19', 'LOG_REVIEWER'))).toBeNull();
    const e = thrown(() => listScope(caller('psychiatry:19', 'LOG_REVIEWER')));
    expect(e.extensions.code).toBe('FORBIDDEN');
    expect(e.message).toBe('Your role (LOG_REVIEWER) does not allow you to read the requests for withdrawal treatment your organisation received.');
  });
});

describe('steps: the role (FORBIDDEN), then visibility (NOT_FOUND), then the side (FORBIDDEN)', () => {
  const RECEIVER_STEPS: Step[] = [
    'bookMeeting',
    'prepareDecision',
    'decide',
    'offerPlace',
    'movePlace',
    'admit',
    'refuseAdmission',
    'discharge',
    'assign',
    'reassessAfterRefusal',
    'changeDischarge',
  ];
  const SENDER_STEPS: Step[] = ['requestNewAssessment', 'withdraw', 'amend'];
  // the routine gives the decision to the chief physician; a physician prepares it
  const actorFor: Record<Step, Role> = {
    bookMeeting: 'COORDINATOR',
    prepareDecision: 'PHYSICIAN',
    decide: 'CHIEF_PHYSICIAN',
    assign: 'COORDINATOR',
    amend: 'CASEWORKER',
    offerPlace: 'COORDINATOR',
    movePlace: 'COORDINATOR',
    admit: 'COORDINATOR',
    refuseAdmission: 'COORDINATOR',
    discharge: 'COORDINATOR',
    requestNewAssessment: 'CASEWORKER',
    reassessAfterRefusal: 'COORDINATOR',
    changeDischarge: 'COORDINATOR',
    withdraw: 'CASEWORKER',
  };

  it('names the side and permission of every step', () => {
    expect(Object.fromEntries(Object.entries(STEP_ACTION).map(([s, a]) => [s, `${a.side} ${a.permission}`]))).toEqual({
      bookMeeting: 'receiver withdrawal.bookMeeting',
      prepareDecision: 'receiver withdrawal.prepareDecision',
      decide: 'receiver withdrawal.decide',
      offerPlace: 'receiver withdrawal.offerPlace',
      movePlace: 'receiver withdrawal.offerPlace',
      admit: 'receiver withdrawal.admit',
      refuseAdmission: 'receiver withdrawal.admit',
      discharge: 'receiver withdrawal.admit',
      requestNewAssessment: 'sender withdrawal.followUp',
      reassessAfterRefusal: 'receiver withdrawal.bookMeeting',
      changeDischarge: 'receiver withdrawal.admit',
      withdraw: 'sender withdrawal.followUp',
      amend: 'sender withdrawal.amend',
      assign: 'receiver withdrawal.assign',
    });
  });

  it.each(RECEIVER_STEPS)('%s: allowed to the receiver on its basis; NOT_FOUND for another region; FORBIDDEN for the sender and a nurse', (step) => {
    const role = actorFor[step];
    expect(requireStep(caller('psychiatry:19', role), REFERRAL, REFERRAL.id, step)).toBe(BASIS_RECEIVER);
    const hidden = thrown(() => requireStep(caller('psychiatry:01', role), REFERRAL, REFERRAL.id, step));
    expect([hidden.extensions.code, hidden.message]).toEqual(['NOT_FOUND', `There is no withdrawal referral ${REFERRAL.id} that you can see.`]);
    expect(thrown(() => requireStep(caller('municipality:1980', 'CASEWORKER'), REFERRAL, REFERRAL.id, step)).extensions.code).toBe('FORBIDDEN');
    expect(thrown(() => requireStep(caller('psychiatry:19', 'NURSE'), REFERRAL, REFERRAL.id, step)).extensions.code).toBe('FORBIDDEN');
  });

  it.each(SENDER_STEPS)('%s: allowed to the sender on its basis; NOT_FOUND for another municipality; FORBIDDEN for the receiver', (step) => {
    expect(requireStep(caller('municipality:1980', 'CASEWORKER'), REFERRAL, REFERRAL.id, step)).toBe(BASIS_SENDER);
    expect(thrown(() => requireStep(caller('municipality:1981', 'CASEWORKER'), REFERRAL, REFERRAL.id, step)).extensions.code).toBe('NOT_FOUND');
    const e = thrown(() => requireStep(caller('psychiatry:19', 'COORDINATOR'), REFERRAL, REFERRAL.id, step));
    expect([e.extensions.code, e.message]).toEqual([
      'FORBIDDEN',
      step === 'amend'
        ? 'Your role (COORDINATOR) does not allow you to correct or add to a request for withdrawal treatment.'
        : 'Your role (COORDINATOR) does not allow you to ask for a new assessment or withdraw a request.',
    ]);
  });

  it('a role check comes first: FORBIDDEN even for a referral that does not exist', () => {
    expect(thrown(() => requireStep(caller('psychiatry:19', 'NURSE'), undefined, 'x', 'bookMeeting')).extensions.code).toBe('FORBIDDEN');
    const e = thrown(() => requireStep(caller('psychiatry:19', 'COORDINATOR'), undefined, 'x', 'bookMeeting'));
    expect([e.extensions.code, e.message]).toEqual(['NOT_FOUND', 'There is no withdrawal referral x that you can see.']);
  });

  it("a caller who may read the referral and holds the step's role still takes only their own side's steps", () => {
    const both = caller('psychiatry:19', 'COORDINATOR', 'CASEWORKER');
    const e = thrown(() => requireStep(both, REFERRAL, REFERRAL.id, 'withdraw'));
    expect([e.extensions.code, e.message]).toEqual(['FORBIDDEN', 'Only the organisation that sent the request can do this.']);
    const sender = caller('municipality:1980', 'CASEWORKER', 'COORDINATOR');
    const f = thrown(() => requireStep(sender, REFERRAL, REFERRAL.id, 'bookMeeting'));
    expect([f.extensions.code, f.message]).toEqual(['FORBIDDEN', 'Only the psychiatry organisation that received the request can do this.']);
  });
});

describe('internal notes', () => {
  it.each([
    ['psychiatry:19', 'COORDINATOR', true],
    ['psychiatry:19', 'PHYSICIAN', true],
    ['psychiatry:19', 'NURSE', true],
    ['psychiatry:19', 'LOG_REVIEWER', false],
    ['psychiatry:01', 'COORDINATOR', false],
    ['municipality:1980', 'CASEWORKER', false],
  ] as Array<[string, Role, boolean]>)('%s %s → %s', (organisationId, role, may) => {
    expect(mayReadInternalNotes(caller(organisationId, role), REFERRAL)).toBe(may);
  });

  it('the referring caseworker, who may read the referral, is FORBIDDEN its notes; the receiver reads them on its basis', () => {
    const e = thrown(() => requireInternalNotes(caller('municipality:1980', 'CASEWORKER'), REFERRAL));
    expect([e.extensions.code, e.message]).toEqual([
      'FORBIDDEN',
      "Psychiatry's internal notes are for the staff of the psychiatry organisation that received the request.",
    ]);
    expect(requireInternalNotes(caller('psychiatry:19', 'NURSE'), REFERRAL)).toBe(BASIS_RECEIVER);
  });
});

describe('submitting: who may, and where the request goes', () => {
  it("only a caseworker submits; the request goes to the psychiatry organisation of the sender's region", () => {
    expect(() => requireSubmit(caller('municipality:1980', 'CASEWORKER'))).not.toThrow();
    expect(thrown(() => requireSubmit(caller('psychiatry:19', 'COORDINATOR'))).extensions.code).toBe('FORBIDDEN');
    expect(requireReceiver(caller('municipality:1980', 'CASEWORKER')).id).toBe('psychiatry:19');
    expect(requireReceiver(caller('municipality:1981', 'CASEWORKER')).id).toBe('psychiatry:19');
    expect(requireReceiver(caller('municipality:0180', 'CASEWORKER')).id).toBe('psychiatry:01');
  });

  it('a region without a psychiatry organisation in the hub: CONFLICT', () => {
    const elsewhere: Organisation = { ...organisation('municipality:1980')!, id: 'municipality:2480', regionCode: '24', municipalityCode: '2480' };
    expect(receiverFor(elsewhere)).toBeUndefined();
    const e = thrown(() => requireReceiver({ ...caller('municipality:1980', 'CASEWORKER'), organisation: elsewhere }));
    expect([e.extensions.code, e.message]).toEqual([
      'CONFLICT',
      'No psychiatry organisation of your region takes requests for withdrawal treatment through the hub.',
    ]);
  });
});

describe('wards', () => {
  const WARD: WardRow = { id: '91', organisationId: 'psychiatry:19', name: 'Avdelning 91, Västerås', places: 4 };

  it("a place is on the receiver's own ward only: another organisation's or a missing ward is BAD_USER_INPUT on wardId", () => {
    expect(requireOwnWard(WARD, '91', 'psychiatry:19')).toBe(WARD);
    for (const [w, id] of [
      [WARD, '91'],
      [undefined, 'nope'],
    ] as const) {
      const e = thrown(() => requireOwnWard(w, id, 'psychiatry:01'));
      expect([e.extensions.code, e.extensions.field, e.message]).toEqual(['BAD_USER_INPUT', 'wardId', `Ward ${id} is not a ward of your organisation.`]);
    }
  });

  it('the wards are for caseworkers and psychiatry staff, not for log reviewers or council members', () => {
    for (const role of ['CASEWORKER', 'COORDINATOR', 'PHYSICIAN', 'NURSE'] as const) expect(() => requireWards(caller('psychiatry:19', role))).not.toThrow();
    for (const role of ['LOG_REVIEWER', 'COUNCIL_MEMBER'] as const)
      expect(thrown(() => requireWards(caller('psychiatry:19', role))).extensions.code).toBe('FORBIDDEN');
  });
});
