/**
 * The plan of a withdrawal referral (psychiatry's) and of a contract-care
 * order (probation's). The other subgraph supplies the record's person
 * (@requires, trustworthy because the gateway signs); the plan must name
 * the same record and the same person, and the caller must have a basis to
 * see it here, whatever they may see there.
 */
import type { MunicipalityContext } from '../context.ts';
import { planForOrder, planForReferral } from '../domain/plans.ts';

type Linked = { id: string; person?: { id: string } };

export const WithdrawalReferral = {
  jointCarePlan: (r: Linked, _: unknown, ctx: MunicipalityContext) => planForReferral(ctx, r.id, r.person?.id),
};

export const ContractCareOrder = {
  carePlan: (o: Linked, _: unknown, ctx: MunicipalityContext) => planForOrder(ctx, o.id, o.person?.id),
};
