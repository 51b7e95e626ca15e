/** Query fields of the psychiatry subgraph: thin calls into the domain layer. */
import type { QueryResolvers } from '../generated/resolvers.ts';
import { listReferrals, referralById } from '../domain/referrals.ts';
import { listWards } from '../domain/wards.ts';
import { orderedPlaces } from '../domain/ordered-places.ts';
import { invitationsOfCaller } from '../domain/meetings.ts';
import { selectedFields } from '../../../shared/src/selection.ts';

export const Query: QueryResolvers = {
  withdrawalReferral: (_, args, ctx, info) => referralById(ctx, args.id, selectedFields(info)),
  withdrawalReferrals: (_, args, ctx, info) => listReferrals(ctx, args, selectedFields(info, ['nodes'])),
  wards: (_, args, ctx) => listWards(ctx, args.organisationId),
  orderedPlaces: (_, __, ctx) => orderedPlaces(ctx),
  meetingInvitations: (_, args, ctx) => invitationsOfCaller(ctx, args),
};
