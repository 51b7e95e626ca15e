/** Clinic, ClinicEnrolment and ClinicEffort: fields from the stored rows, related rows through loaders. */
import type { GraphQLResolveInfo } from 'graphql';
import { formatIdentityNumber } from '../../../shared/src/personnummer.ts';
import type { ClinicRow, EffortRow, EnrolmentRow } from '../db/schema.ts';
import type { ClinicsContext } from '../context.ts';
import * as enrolments from '../domain/enrolments.ts';
import { selectedFields } from '../../../shared/src/selection.ts';

export const Clinic = {
  __resolveReference: (ref: { id: string }, ctx: ClinicsContext): Promise<ClinicRow | null> => enrolments.clinicById(ctx, ref.id),
};

export const ClinicEnrolment = {
  __resolveReference: (ref: { id: string }, ctx: ClinicsContext) => enrolments.enrolmentByReference(ctx, ref.id),
  clinic: (e: EnrolmentRow, _: unknown, ctx: ClinicsContext) => enrolments.clinicById(ctx, e.clinicId),
  person: (e: EnrolmentRow) => ({ id: e.personId }),
  personnummer: (e: EnrolmentRow) => formatIdentityNumber(e.personnummer),
  efforts: (e: EnrolmentRow, _: unknown, ctx: ClinicsContext) => enrolments.effortsOf(ctx, e),
};

export const ClinicEffort = {
  on: (e: EffortRow) => e.performedOn,
  recordedBy: (e: EffortRow) => e.recordedByName,
};

export const Person = {
  clinicEnrolments: (p: { id: string }, _: unknown, ctx: ClinicsContext, info: GraphQLResolveInfo) =>
    enrolments.enrolmentsOfPerson(ctx, p.id, selectedFields(info)),
};
