/** Query fields of the probation subgraph: thin calls into the domain layer. */
import type { QueryResolvers } from '../generated/resolvers.ts';
import { listOrders, orderById } from '../domain/orders.ts';
import { selectedFields } from '../../../shared/src/selection.ts';

export const Query: QueryResolvers = {
  contractCareOrder: (_, args, ctx, info) => orderById(ctx, args.id, selectedFields(info)),
  contractCareOrders: (_, args, ctx, info) => listOrders(ctx, args, selectedFields(info, ['nodes'])),
};
