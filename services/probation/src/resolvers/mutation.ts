/** Mutations of the probation subgraph: thin calls into the domain layer. */
import type { ProbationContext } from '../context.ts';
import * as orders from '../domain/orders.ts';
import type { OrderInput } from '../domain/rules.ts';

type OrderId = { orderId: string };

export const Mutation = {
  registerContractCareOrder: (_: unknown, args: { input: OrderInput }, ctx: ProbationContext) => orders.registerOrder(ctx, args.input),
  reportContractCareDeviation: (_: unknown, args: OrderId & { occurredOn: string; description: string }, ctx: ProbationContext) =>
    orders.reportDeviation(ctx, args.orderId, args.occurredOn, args.description),
  recordContractCareEvaluation: (_: unknown, args: OrderId & { heldOn: string; summary: string }, ctx: ProbationContext) =>
    orders.recordEvaluation(ctx, args.orderId, args.heldOn, args.summary),
  recordContractCareBreach: (_: unknown, args: OrderId & { reason: string }, ctx: ProbationContext) => orders.recordBreach(ctx, args.orderId, args.reason),
};
