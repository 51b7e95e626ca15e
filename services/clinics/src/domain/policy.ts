/**
 * Who may see and do what with a clinic enrolment, record by record, on top
 * of the role table in shared/access.ts. An enrolment (and its efforts) is
 * visible to the staff of that clinic only (clinic staff, physicians and
 * nurses whose organisation is the clinic); to nobody else, by any path. An
 * enrolment one may not see is absent (null, NOT_FOUND, left out of lists).
 * Every decision of the subgraph about who may do what is here; enrolments.ts
 * only asks.
 */
import { eq, type SQL } from 'drizzle-orm';
import { can, requirePermission, type Permission } from '../../../shared/src/access.ts';
import { recordAccess } from '../../../shared/src/record-access.ts';
import type { Caller } from '../../../shared/src/caller.ts';
import { forbidden, notFound } from '../../../shared/src/errors.ts';
import { clinicEnrolment, type ClinicRow, type EnrolmentRow } from '../db/schema.ts';
import { t } from '../../../shared/src/i18n.ts';

export const BASIS_OWN_CLINIC = 'own clinic';
export type Basis = typeof BASIS_OWN_CLINIC;

/** The basis on which the caller may read the enrolment, or null when they may not. */
export function readBasis(caller: Caller, e: Pick<EnrolmentRow, 'clinicId'>): Basis | null {
  return caller.organisation.agency === 'CLINIC' && caller.organisation.id === e.clinicId && can(caller, 'clinic.readEnrolments') ? BASIS_OWN_CLINIC : null;
}

/** The SQL condition for "enrolments the caller may see"; null when they may see none. */
export function visibleTo(caller: Caller): SQL | null {
  if (caller.organisation.agency !== 'CLINIC' || !can(caller, 'clinic.readEnrolments')) return null;
  return eq(clinicEnrolment.clinicId, caller.organisation.id);
}

/**
 * The condition of the enrolment list: the role must allow reading
 * enrolments (FORBIDDEN names the permission), and only a clinic has any,
 * so staff of other agencies are told so rather than given an empty list.
 */
export function listCondition(caller: Caller): SQL {
  requirePermission(caller, 'clinic.readEnrolments');
  const visible = visibleTo(caller);
  if (!visible) throw forbidden(t`Only the staff of a local integrated clinic read its enrolments.`);
  return visible;
}

/** Any staff member may list the clinics themselves (no personal data). */
export function requireListClinics(caller: Caller): void {
  requirePermission(caller, 'clinic.list');
}

/** The role must allow enrolling at all (FORBIDDEN), before the clinic is even looked up. */
export function requireEnrolRole(caller: Caller): void {
  requirePermission(caller, 'clinic.enrol');
}

/**
 * Enrolling at one clinic: only its own staff (FORBIDDEN otherwise; the
 * clinics are public, so naming one reveals nothing).
 */
export function requireEnrolAt(caller: Caller, target: Pick<ClinicRow, 'id' | 'name'>): Basis {
  requireEnrolRole(caller);
  if (caller.organisation.id !== target.id) throw forbidden(t`Only the staff of ${target.name} can enrol people there.`);
  return BASIS_OWN_CLINIC;
}

export const notVisible = (id: string) => notFound(t`There is no clinic enrolment ${id} that you can see.`);

/** Enrolments seen, audited and refused by the shared outline (services/shared/src/record-access.ts). */
export const enrolmentAccess = recordAccess<EnrolmentRow, Basis>({
  entity: 'ClinicEnrolment',
  basis: readBasis,
  subject: (e) => ({ entityId: e.id, personId: e.personId }),
  notVisible,
});

/** The role must allow the change at all (FORBIDDEN), before its input is looked at. */
export function requireChangeRole(caller: Caller, permission: Permission): void {
  requirePermission(caller, permission);
}

/** A change to one enrolment: the role must allow it (FORBIDDEN), the enrolment must be the caller's clinic's (else NOT_FOUND). */
export function requireChange(
  caller: Caller,
  e: EnrolmentRow | undefined | null,
  id: string,
  permission: Permission,
): { enrolment: EnrolmentRow; basis: Basis } {
  const basis = enrolmentAccess.change(caller, e, id, permission);
  if (!e) throw notVisible(id); // enrolmentAccess.change has refused a missing enrolment already; this narrows the type
  return { enrolment: e, basis };
}
