/** Query fields of the probation subgraph: thin calls into the domain layer. */
import type { GraphQLResolveInfo } from 'graphql';
import type { ProbationContext } from '../context.ts';
import { listOrders, orderById, type ListArgs } from '../domain/orders.ts';
import { selectedFields } from '../../../shared/src/selection.ts';

export const Query = {
  contractCareOrder: (_: unknown, args: { id: string }, ctx: ProbationContext, info: GraphQLResolveInfo) => orderById(ctx, args.id, selectedFields(info)),
  contractCareOrders: (_: unknown, args: ListArgs, ctx: ProbationContext, info: GraphQLResolveInfo) => listOrders(ctx, args, selectedFields(info, ['nodes'])),
};
