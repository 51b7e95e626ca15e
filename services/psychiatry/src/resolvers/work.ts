/** The caller's work on withdrawal referrals and the messages on a referral: thin calls into domain/work.ts. */
import { messageResolvers } from '../../../shared/src/messages.ts';
import type { Resolvers } from '../generated/resolvers.ts';
import { referralOfItem, withdrawalWork } from '../domain/work.ts';

export const workResolvers: Pick<Resolvers, 'Viewer' | 'WithdrawalWorkItem' | 'Message' | 'MessageReceipt'> = {
  Viewer: {
    __resolveReference: (ref) => ({ userId: ref.userId }),
    withdrawalWork: (viewer, args, ctx) => withdrawalWork(ctx, viewer.userId, args.kinds),
  },
  WithdrawalWorkItem: {
    referral: (item, _, ctx) => referralOfItem(ctx, item),
  },
  ...messageResolvers,
};
