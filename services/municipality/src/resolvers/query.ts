/** Query fields of the municipality subgraph: thin calls into the domain layer. */
import { openAuditLog } from '../../../shared/src/audit-log.ts';
import type { QueryResolvers } from '../generated/resolvers.ts';
import { listOrganisations } from '../domain/directory.ts';
import { findPerson, personById } from '../domain/person.ts';
import { listPlans, planById } from '../domain/plans.ts';
import { councilById, listCouncils } from '../domain/councils.ts';

export const Query: QueryResolvers = {
  // the Viewer is the verified caller itself (its fields are the Caller's)
  me: (_, __, ctx) => ctx.caller,
  organisations: (_, args, ctx) => listOrganisations(ctx.caller, args.agency),
  person: (_, args, ctx) => personById(ctx, args.id),
  findPerson: (_, args, ctx) => findPerson(ctx, args.personnummer),
  jointCarePlan: (_, args, ctx) => planById(ctx, args.id, args.version),
  jointCarePlans: (_, args, ctx) => listPlans(ctx, args),
  councils: (_, __, ctx) => listCouncils(ctx),
  council: (_, args, ctx) => councilById(ctx, args.id),
  auditLog: (_, args, ctx) => openAuditLog(ctx.caller, args),
  // each subgraph's section answers for its own verified caller: the key grants nothing
  notifications: () => ({ key: 'mine' }),
};
