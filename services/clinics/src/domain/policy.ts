/**
 * Who may see and do what with a clinic enrolment, record by record, on top
 * of the role table in shared/access.ts. An enrolment (and its efforts) is
 * visible to the staff of that clinic only (clinic staff, physicians and
 * nurses whose organisation is the clinic); to nobody else, by any path. An
 * enrolment one may not see is absent (null, NOT_FOUND, left out of lists).
 */
import { eq, type SQL } from 'drizzle-orm';
import { can, type Permission } from '../../../shared/src/access.ts';
import { recordAccess } from '../../../shared/src/record-access.ts';
import type { Caller } from '../../../shared/src/caller.ts';
import { notFound } from '../../../shared/src/errors.ts';
import { clinicEnrolment, type EnrolmentRow } from '../db/schema.ts';

export const BASIS_OWN_CLINIC = 'own clinic';

/** The basis on which the caller may read the enrolment, or null when they may not. */
export function readBasis(caller: Caller, e: Pick<EnrolmentRow, 'clinicId'>): typeof BASIS_OWN_CLINIC | null {
  return caller.organisation.agency === 'CLINIC' && caller.organisation.id === e.clinicId && can(caller, 'clinic.readEnrolments') ? BASIS_OWN_CLINIC : null;
}

/** The SQL condition for "enrolments the caller may see"; null when they may see none. */
export function visibleTo(caller: Caller): SQL | null {
  if (caller.organisation.agency !== 'CLINIC' || !can(caller, 'clinic.readEnrolments')) return null;
  return eq(clinicEnrolment.clinicId, caller.organisation.id);
}

export const notVisible = (id: string) => notFound(`There is no clinic enrolment ${id} that you can see.`);

/** Enrolments seen, audited and refused by the shared outline (services/shared/src/record-access.ts). */
export const enrolmentAccess = recordAccess<EnrolmentRow, typeof BASIS_OWN_CLINIC>({
  entity: 'ClinicEnrolment',
  basis: readBasis,
  subject: (e) => ({ entityId: e.id, personId: e.personId }),
  notVisible,
});

/** A change to one enrolment: the role must allow it (FORBIDDEN), the enrolment must be the caller's clinic's (else NOT_FOUND). */
export const requireChange = (caller: Caller, e: EnrolmentRow | undefined | null, id: string, permission: Permission) =>
  enrolmentAccess.change(caller, e, id, permission);
