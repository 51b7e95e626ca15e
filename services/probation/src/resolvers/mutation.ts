/** Mutations of the probation subgraph: thin calls into the domain layer. */
import type { MutationResolvers } from '../generated/resolvers.ts';
import * as orders from '../domain/orders.ts';
import * as work from '../domain/work.ts';

export const Mutation: MutationResolvers = {
  registerContractCareOrder: (_, args, ctx) => orders.registerOrder(ctx, args.input),
  reportContractCareDeviation: (_, args, ctx) => orders.reportDeviation(ctx, args.orderId, args.occurredOn, args.description),
  recordContractCareEvaluation: (_, args, ctx) => orders.recordEvaluation(ctx, args.orderId, args.heldOn, args.summary),
  recordContractCareBreach: (_, args, ctx) => orders.recordBreach(ctx, args.orderId, args.reason),
  markOrderWorkRead: (_, args, ctx) => work.markOrderWorkRead(ctx, args.ids),
  sendOrderMessage: (_, args, ctx) => work.sendOrderMessage(ctx, args.orderId, args.text),
  markOrderMessagesRead: (_, args, ctx) => work.markOrderMessagesRead(ctx, args.orderId),
};
