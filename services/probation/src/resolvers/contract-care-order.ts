/** ContractCareOrder and its parts: fields derived from the stored rows and the request's clock. */
import type { GraphQLResolveInfo } from 'graphql';
import { organisation } from '../../../shared/src/directory.ts';
import { formatIdentityNumber } from '../../../shared/src/personnummer.ts';
import type { DeviationRow, OrderRow } from '../db/schema.ts';
import type { ProbationContext } from '../context.ts';
import * as orders from '../domain/orders.ts';
import { maySeeIdentity } from '../domain/policy.ts';
import { daysToReport, deriveStatus } from '../domain/rules.ts';
import { selectedFields } from '../../../shared/src/selection.ts';

export const ContractCareOrder = {
  __resolveReference: (ref: { id: string }, ctx: ProbationContext) => orders.orderByReference(ctx, ref.id),
  person: (o: OrderRow) => ({ id: o.personId }),
  status: (o: OrderRow, _: unknown, ctx: ProbationContext) => deriveStatus(o, ctx.now),
  deviations: (o: OrderRow, _: unknown, ctx: ProbationContext) => orders.deviationsOf(ctx, o),
  evaluations: (o: OrderRow, _: unknown, ctx: ProbationContext) => orders.evaluationsWithDueDates(ctx, o),
  nextEvaluationDueBy: (o: OrderRow, _: unknown, ctx: ProbationContext) => orders.nextEvaluationDueBy(ctx, o),
  evaluationOverdue: (o: OrderRow, _: unknown, ctx: ProbationContext) => orders.evaluationOverdue(ctx, o),
  probationOffice: (o: OrderRow) => organisation(o.probationOfficeId),
  partnerOrganisations: (o: OrderRow) => o.partnerOrganisationIds.map((id) => organisation(id)).filter((x) => x !== undefined),
  clientName: (o: OrderRow, _: unknown, ctx: ProbationContext) => (maySeeIdentity(ctx.caller, o) ? o.name : null),
  personnummer: (o: OrderRow, _: unknown, ctx: ProbationContext) => (maySeeIdentity(ctx.caller, o) ? formatIdentityNumber(o.personnummer) : null),
  breach: (o: OrderRow) => (o.breachedAt ? { recordedAt: o.breachedAt, reason: o.breachReason, recordedBy: o.breachRecordedByName } : null),
};

export const ContractCareDeviation = {
  reportedBy: (d: DeviationRow) => organisation(d.reportedByOrganisationId),
  daysToReport: (d: DeviationRow) => daysToReport(d.occurredOn, d.reportedAt),
};

export const JointCarePlan = {
  contractCareOrder: (
    plan: { contractCareOrderId?: string | null; person?: { id?: string | null } | null },
    _: unknown,
    ctx: ProbationContext,
    info: GraphQLResolveInfo,
  ) => orders.orderOfPlan(ctx, plan, selectedFields(info)),
};

export const Person = {
  contractCareOrders: (p: { id: string }, _: unknown, ctx: ProbationContext, info: GraphQLResolveInfo) =>
    orders.ordersOfPerson(ctx, p.id, selectedFields(info)),
};
