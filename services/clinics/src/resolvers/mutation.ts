/** Mutations of the clinics subgraph: thin calls into the domain layer. */
import type { ClinicsContext } from '../context.ts';
import type { EffortKind, TargetGroup } from '../db/schema.ts';
import { enrol, recordEffort } from '../domain/enrolments.ts';

export const Mutation = {
  enrolInClinic: (_: unknown, args: { clinicId: string; personnummer: string; targetGroups: TargetGroup[] }, ctx: ClinicsContext) =>
    enrol(ctx, args.clinicId, args.personnummer, args.targetGroups),
  recordClinicEffort: (_: unknown, args: { enrolmentId: string; kind: EffortKind; on: string }, ctx: ClinicsContext) =>
    recordEffort(ctx, args.enrolmentId, args.kind, args.on),
};
