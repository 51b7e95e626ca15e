/** Query fields of the municipality subgraph: thin calls into the domain layer. */
import type { Agency } from '../../../shared/src/directory.ts';
import type { MunicipalityContext } from '../context.ts';
import { viewerOf } from '../domain/viewer.ts';
import { listOrganisations } from '../domain/directory.ts';
import { findPerson, personById } from '../domain/person.ts';
import { listPlans, planById, type ListArgs } from '../domain/plans.ts';
import { councilById, listCouncils } from '../domain/councils.ts';
import { openAuditLog } from '../../../shared/src/audit-log.ts';

export const Query = {
  me: (_: unknown, __: unknown, ctx: MunicipalityContext) => viewerOf(ctx.caller),
  organisations: (_: unknown, args: { agency?: Agency | null }, ctx: MunicipalityContext) => listOrganisations(ctx.caller, args.agency),
  person: (_: unknown, args: { id: string }, ctx: MunicipalityContext) => personById(ctx, args.id),
  findPerson: (_: unknown, args: { personnummer: string }, ctx: MunicipalityContext) => findPerson(ctx, args.personnummer),
  jointCarePlan: (_: unknown, args: { id: string; version?: number | null }, ctx: MunicipalityContext) => planById(ctx, args.id, args.version),
  jointCarePlans: (_: unknown, args: ListArgs, ctx: MunicipalityContext) => listPlans(ctx, args),
  councils: (_: unknown, __: unknown, ctx: MunicipalityContext) => listCouncils(ctx),
  auditLog: (_: unknown, args: { from: Date; to: Date; personId?: string | null; userId?: string | null }, ctx: MunicipalityContext) =>
    openAuditLog(ctx.caller, args),
  council: (_: unknown, args: { id: string }, ctx: MunicipalityContext) => councilById(ctx, args.id),
};
