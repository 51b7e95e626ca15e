/** Query fields of the clinics subgraph: thin calls into the domain layer. */
import type { QueryResolvers } from '../generated/resolvers.ts';
import { enrolmentById, listClinics, listEnrolments } from '../domain/enrolments.ts';
import { selectedFields } from '../../../shared/src/selection.ts';

export const Query: QueryResolvers = {
  clinics: (_, __, ctx) => listClinics(ctx),
  clinicEnrolment: (_, args, ctx, info) => enrolmentById(ctx, args.id, selectedFields(info)),
  clinicEnrolments: (_, args, ctx, info) => listEnrolments(ctx, args, selectedFields(info, ['nodes'])),
};
