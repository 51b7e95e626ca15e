/** All resolvers of the clinics subgraph. */
import { organisationResolvers, personReference } from '../../../shared/src/federation.ts';
import { auditLogResolvers } from '../../../shared/src/audit-log.ts';
import { Query } from './query.ts';
import { Mutation } from './mutation.ts';
import { Clinic, ClinicEffort, ClinicEnrolment, Person } from './enrolment.ts';
import { clinicsSection, type ReportKey } from '../domain/indicators.ts';
import type { ClinicsContext } from '../context.ts';

export const resolvers = {
  ...organisationResolvers,
  ...auditLogResolvers('clinics'),
  Person: { ...personReference, ...Person },
  Query,
  Mutation,
  Clinic,
  ClinicEnrolment,
  ClinicEffort,
  IndicatorReport: {
    clinics: (r: ReportKey, _: unknown, ctx: ClinicsContext) => clinicsSection(ctx, r),
  },
};
