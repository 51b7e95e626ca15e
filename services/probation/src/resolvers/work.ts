/** The caller's work on contract-care orders and the messages on an order: thin calls into domain/work.ts. */
import { messageResolvers } from '../../../shared/src/messages.ts';
import type { Resolvers } from '../generated/resolvers.ts';
import { orderOfItem, orderWork } from '../domain/work.ts';

export const workResolvers: Pick<Resolvers, 'Viewer' | 'OrderWorkItem' | 'Message' | 'MessageReceipt'> = {
  Viewer: {
    __resolveReference: (ref) => ({ userId: ref.userId }),
    orderWork: (viewer, args, ctx) => orderWork(ctx, viewer.userId, args.kinds),
  },
  OrderWorkItem: {
    order: (item, _, ctx) => orderOfItem(ctx, item),
  },
  ...messageResolvers,
};
