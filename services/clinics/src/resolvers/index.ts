/** All resolvers of the clinics subgraph. */
import { organisationResolvers, personReference } from '../../../shared/src/federation.ts';
import { auditLogResolvers } from '../../../shared/src/audit-log.ts';
import { Query } from './query.ts';
import { Mutation } from './mutation.ts';
import { Clinic, ClinicEffort, ClinicEnrolment, Person } from './enrolment.ts';
import { clinicsSection } from '../domain/indicators.ts';
import { reportKey } from '../../../shared/src/councils.ts';
import type { Resolvers } from '../generated/resolvers.ts';

export const resolvers: Resolvers = {
  ...organisationResolvers,
  ...auditLogResolvers('clinics'),
  Person: { ...personReference, ...Person },
  Query,
  Mutation,
  Clinic,
  ClinicEnrolment,
  ClinicEffort,
  IndicatorReport: {
    clinics: (r, _, ctx) => clinicsSection(ctx, reportKey(r)),
  },
};
