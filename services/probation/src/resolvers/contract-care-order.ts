/** ContractCareOrder and its parts: fields derived from the stored rows and the request's clock. */
import { organisation } from '../../../shared/src/directory.ts';
import { formatIdentityNumber } from '../../../shared/src/personnummer.ts';
import { selectedFields } from '../../../shared/src/selection.ts';
import type { ContractCareDeviationResolvers, ContractCareOrderResolvers, JointCarePlanResolvers, PersonResolvers } from '../generated/resolvers.ts';
import * as orders from '../domain/orders.ts';
import { identityFor } from '../domain/policy.ts';
import { breachOf, daysToReport, deriveStatus } from '../domain/rules.ts';
import { messagesOfOrder } from '../domain/work.ts';

export const ContractCareOrder: ContractCareOrderResolvers = {
  __resolveReference: (ref, ctx) => orders.orderByReference(ctx, ref.id),
  person: (o) => ({ id: o.personId }),
  status: (o, _, ctx) => deriveStatus(o, ctx.now),
  messages: (o, _, ctx) => messagesOfOrder(ctx, o),
  deviations: (o, _, ctx) => orders.deviationsOf(ctx, o),
  evaluations: (o, _, ctx) => orders.evaluationsWithDueDates(ctx, o),
  nextEvaluationDueBy: (o, _, ctx) => orders.nextEvaluationDueBy(ctx, o),
  evaluationOverdue: (o, _, ctx) => orders.evaluationOverdue(ctx, o),
  probationOffice: (o) => orders.probationOffice(o),
  partnerOrganisations: (o) => o.partnerOrganisationIds.map((id) => organisation(id)).filter((x) => x !== undefined),
  clientName: (o, _, ctx) => identityFor(ctx.caller, o)?.name ?? null,
  personnummer: (o, _, ctx) => {
    const identity = identityFor(ctx.caller, o);
    return identity ? formatIdentityNumber(identity.personnummer) : null;
  },
  breach: (o) => breachOf(o),
};

export const ContractCareDeviation: ContractCareDeviationResolvers = {
  reportedBy: (d) => orders.reportingOrganisation(d),
  daysToReport: (d) => daysToReport(d.occurredOn, d.reportedAt),
};

export const JointCarePlan: JointCarePlanResolvers = {
  contractCareOrder: (plan, _, ctx, info) => orders.orderOfPlan(ctx, plan, selectedFields(info)),
};

export const Person: PersonResolvers = {
  contractCareOrders: (p, _, ctx, info) => orders.ordersOfPerson(ctx, p.id, selectedFields(info)),
};
