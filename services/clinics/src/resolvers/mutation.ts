/** Mutations of the clinics subgraph: thin calls into the domain layer. */
import type { MutationResolvers } from '../generated/resolvers.ts';
import { enrol, recordEffort } from '../domain/enrolments.ts';

export const Mutation: MutationResolvers = {
  enrolInClinic: (_, args, ctx) => enrol(ctx, args.clinicId, args.personnummer, args.targetGroups),
  recordClinicEffort: (_, args, ctx) => recordEffort(ctx, args.enrolmentId, args.kind, args.on),
};
