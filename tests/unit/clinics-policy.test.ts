/**
 * The clinics' record-level policy (services/clinics/src/domain/policy.ts),
 * called directly, without a stack: an enrolment is its clinic's staff's
 * only; the list is FORBIDDEN to roles and agencies that never have one;
 * enrolling is at one's own clinic only; a change to an enrolment is
 * FORBIDDEN for the role, NOT_FOUND for an enrolment one may not see.
 */
import { describe, expect, it } from 'vitest';
import { caller, codeAndMessage, render } from './fixtures.ts';
import { AuditBuffer } from '../../services/shared/src/audit.ts';
import type { Caller } from '../../services/shared/src/caller.ts';
import type { EnrolmentRow } from '../../services/clinics/src/db/schema.ts';
import {
  BASIS_OWN_CLINIC,
  enrolmentAccess,
  listCondition,
  readBasis,
  requireChange,
  requireEnrolAt,
  requireListClinics,
  visibleTo,
} from '../../services/clinics/src/domain/policy.ts';

const SODERMALM = { id: 'clinic:0180-sodermalm', name: 'Lokal integrerad mottagning Södermalm' };
const ENROLMENT_ID = '00000000-0000-4000-8000-000000000001';
const ENROLMENT: EnrolmentRow = {
  id: ENROLMENT_ID,
  clinicId: SODERMALM.id,
  personId: 'p_client',
  personnummer: '198805233171',
  enrolledOn: '2026-01-15',
  targetGroups: ['HOMELESS'],
  enrolledAt: new Date('2026-01-15T10:00:00+01:00'),
  enrolledBy: 'clinic:0180-sodermalm:CLINIC_STAFF',
  enrolledByName: 'Klara Mottagning',
};

const OWN_CLINIC_SQL = (clinicId: string) => ({ sql: '"clinic_enrolment"."clinic_id" = $1', params: [clinicId] });

describe('who reads an enrolment', () => {
  it.each<[string, Caller, string | null]>([
    ['clinic staff of the clinic', caller(SODERMALM.id, 'CLINIC_STAFF'), BASIS_OWN_CLINIC],
    ["the clinic's physician", caller(SODERMALM.id, 'PHYSICIAN'), BASIS_OWN_CLINIC],
    ["the clinic's nurse", caller(SODERMALM.id, 'NURSE'), BASIS_OWN_CLINIC],
    ["the clinic's log reviewer", caller(SODERMALM.id, 'LOG_REVIEWER'), null],
    ['staff of another clinic', caller('clinic:0180-kista', 'CLINIC_STAFF'), null],
    ['a psychiatry physician', caller('psychiatry:01', 'PHYSICIAN'), null],
    ['a caseworker of the municipality', caller('municipality:0180', 'CASEWORKER'), null],
    ['a probation officer', caller('probation:stockholm', 'PROBATION_OFFICER'), null],
  ])('%s → %s', (_label, who, basis) => {
    expect(readBasis(who, ENROLMENT)).toBe(basis);
  });

  it('is a clinic’s only: a psychiatry physician is refused even on a record naming their organisation', () => {
    expect(readBasis(caller('psychiatry:01', 'PHYSICIAN'), { clinicId: 'psychiatry:01' })).toBeNull();
    expect(visibleTo(caller('psychiatry:01', 'PHYSICIAN'))).toBeNull();
  });

  it('reads are audited with the basis (the owner is the caller’s own clinic); others’ enrolments are left out', () => {
    const nurse = caller(SODERMALM.id, 'NURSE');
    const audit = new AuditBuffer();
    const elsewhere = { ...ENROLMENT, id: '00000000-0000-4000-8000-000000000002', clinicId: 'clinic:0180-kista' };
    expect(enrolmentAccess.see({ caller: nurse, audit }, [ENROLMENT, elsewhere], ['personnummer'])).toEqual([ENROLMENT]);
    expect(enrolmentAccess.one({ caller: nurse, audit }, elsewhere, null)).toBeNull();
    expect(audit.entries).toEqual([
      { action: 'READ', entity: 'ClinicEnrolment', entityId: ENROLMENT_ID, personId: 'p_client', fields: ['personnummer'], basis: BASIS_OWN_CLINIC },
    ]);
  });
});

describe('the enrolment list', () => {
  it.each<[string, Caller]>([
    ['clinic staff', caller('clinic:0180-kista', 'CLINIC_STAFF')],
    ['a clinic physician', caller(SODERMALM.id, 'PHYSICIAN')],
  ])('%s: their own clinic', (_label, who) => {
    expect(render(listCondition(who))).toEqual(OWN_CLINIC_SQL(who.organisation.id));
  });

  it.each<[string, Caller, string]>([
    ['a caseworker (the role)', caller('municipality:0180', 'CASEWORKER'), "Your role (CASEWORKER) does not allow you to read your clinic's enrolments."],
    [
      "the clinic's log reviewer (the role)",
      caller(SODERMALM.id, 'LOG_REVIEWER'),
      "Your role (LOG_REVIEWER) does not allow you to read your clinic's enrolments.",
    ],
    ['a psychiatry nurse (not a clinic)', caller('psychiatry:01', 'NURSE'), 'Only the staff of a local integrated clinic read its enrolments.'],
  ])('is FORBIDDEN to %s', (_label, who, message) => {
    expect(codeAndMessage(() => listCondition(who))).toEqual({ code: 'FORBIDDEN', message });
  });

  it('the clinics themselves are for any staff, not for a caller without roles', () => {
    expect(() => requireListClinics(caller('municipality:0180', 'COUNCIL_MEMBER'))).not.toThrow();
    expect(codeAndMessage(() => requireListClinics(caller('municipality:0180')))).toEqual({
      code: 'FORBIDDEN',
      message: 'Your role () does not allow you to list the local integrated clinics.',
    });
  });
});

describe('enrolling', () => {
  it.each<[string, Caller]>([
    ['clinic staff', caller(SODERMALM.id, 'CLINIC_STAFF')],
    ['a physician', caller(SODERMALM.id, 'PHYSICIAN')],
    ['a nurse', caller(SODERMALM.id, 'NURSE')],
  ])('%s of the clinic enrol there', (_label, who) => {
    expect(requireEnrolAt(who, SODERMALM)).toBe(BASIS_OWN_CLINIC);
  });

  it.each<[string, Caller, string]>([
    ['a nurse of another clinic', caller('clinic:0180-kista', 'NURSE'), 'Only the staff of Lokal integrerad mottagning Södermalm can enrol people there.'],
    ['a psychiatry physician', caller('psychiatry:01', 'PHYSICIAN'), 'Only the staff of Lokal integrerad mottagning Södermalm can enrol people there.'],
    [
      "the clinic's log reviewer",
      caller(SODERMALM.id, 'LOG_REVIEWER'),
      'Your role (LOG_REVIEWER) does not allow you to enrol a person at a local integrated clinic.',
    ],
    ['a caseworker', caller('municipality:0180', 'CASEWORKER'), 'Your role (CASEWORKER) does not allow you to enrol a person at a local integrated clinic.'],
  ])('is FORBIDDEN to %s', (_label, who, message) => {
    expect(codeAndMessage(() => requireEnrolAt(who, SODERMALM))).toEqual({ code: 'FORBIDDEN', message });
  });
});

describe('a change to an enrolment (recording an effort)', () => {
  const NOT_VISIBLE = { code: 'NOT_FOUND', message: `There is no clinic enrolment ${ENROLMENT_ID} that you can see.` };
  const ROLE = (roles: string) => ({ code: 'FORBIDDEN', message: `Your role (${roles}) does not allow you to record an effort for a clinic enrolment.` });

  it("the clinic's staff change their own clinic's enrolment", () => {
    expect(requireChange(caller(SODERMALM.id, 'NURSE'), ENROLMENT, ENROLMENT_ID, 'clinic.recordEffort')).toEqual({
      enrolment: ENROLMENT,
      basis: BASIS_OWN_CLINIC,
    });
  });

  it.each<[string, Caller, EnrolmentRow | null, { code: string; message: string }]>([
    ['staff of another clinic', caller('clinic:0180-kista', 'CLINIC_STAFF'), ENROLMENT, NOT_VISIBLE],
    ['the clinic staff, on no enrolment', caller(SODERMALM.id, 'CLINIC_STAFF'), null, NOT_VISIBLE],
    ["the clinic's log reviewer (the role first)", caller(SODERMALM.id, 'LOG_REVIEWER'), ENROLMENT, ROLE('LOG_REVIEWER')],
    ['a caseworker, on no enrolment (the role first)', caller('municipality:0180', 'CASEWORKER'), null, ROLE('CASEWORKER')],
    ['a psychiatry physician (allowed the role, not the record)', caller('psychiatry:01', 'PHYSICIAN'), ENROLMENT, NOT_VISIBLE],
  ])('%s is refused', (_label, who, row, refusal) => {
    expect(codeAndMessage(() => requireChange(who, row, ENROLMENT_ID, 'clinic.recordEffort'))).toEqual(refusal);
  });
});
