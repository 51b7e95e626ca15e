/** Clinic, ClinicEnrolment and ClinicEffort: fields from the stored rows, related rows through loaders. */
import { formatIdentityNumber } from '../../../shared/src/personnummer.ts';
import { selectedFields } from '../../../shared/src/selection.ts';
import type { ClinicEffortResolvers, ClinicEnrolmentResolvers, ClinicResolvers, PersonResolvers } from '../generated/resolvers.ts';
import * as enrolments from '../domain/enrolments.ts';

export const Clinic: ClinicResolvers = {
  __resolveReference: (ref, ctx) => enrolments.clinicById(ctx, ref.id),
};

export const ClinicEnrolment: ClinicEnrolmentResolvers = {
  __resolveReference: (ref, ctx) => enrolments.enrolmentByReference(ctx, ref.id),
  clinic: (e, _, ctx) => enrolments.clinicOf(ctx, e),
  person: (e) => ({ id: e.personId }),
  personnummer: (e) => formatIdentityNumber(e.personnummer),
  efforts: (e, _, ctx) => enrolments.effortsOf(ctx, e),
};

export const ClinicEffort: ClinicEffortResolvers = {
  on: (e) => e.performedOn,
  recordedBy: (e) => e.recordedByName,
};

export const Person: PersonResolvers = {
  clinicEnrolments: (p, _, ctx, info) => enrolments.enrolmentsOfPerson(ctx, p.id, selectedFields(info)),
};
