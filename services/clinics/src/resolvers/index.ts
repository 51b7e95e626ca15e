/** All resolvers of the clinics subgraph. */
import { commonResolvers } from '../../../shared/src/resolvers.ts';
import type { Resolvers } from '../generated/resolvers.ts';
import { Query } from './query.ts';
import { Mutation } from './mutation.ts';
import { Clinic, ClinicEffort, ClinicEnrolment, Person } from './enrolment.ts';
import { clinicsSection } from '../domain/indicators.ts';

export const resolvers: Resolvers = {
  ...commonResolvers('clinics', { indicators: clinicsSection, Person }),
  Query,
  Mutation,
  Clinic,
  ClinicEnrolment,
  ClinicEffort,
};
