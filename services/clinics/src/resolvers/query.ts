/** Query fields of the clinics subgraph: thin calls into the domain layer. */
import type { GraphQLResolveInfo } from 'graphql';
import type { ClinicsContext } from '../context.ts';
import { enrolmentById, listClinics, listEnrolments, type ListArgs } from '../domain/enrolments.ts';
import { selectedFields } from '../../../shared/src/selection.ts';

export const Query = {
  clinics: (_: unknown, __: unknown, ctx: ClinicsContext) => listClinics(ctx),
  clinicEnrolment: (_: unknown, args: { id: string }, ctx: ClinicsContext, info: GraphQLResolveInfo) => enrolmentById(ctx, args.id, selectedFields(info)),
  clinicEnrolments: (_: unknown, args: ListArgs, ctx: ClinicsContext, info: GraphQLResolveInfo) => listEnrolments(ctx, args, selectedFields(info, ['nodes'])),
};
