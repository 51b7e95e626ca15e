/** Query fields of the psychiatry subgraph: thin calls into the domain layer. */
import type { GraphQLResolveInfo } from 'graphql';
import type { PsychiatryContext } from '../context.ts';
import { listReferrals, referralById, type ListArgs } from '../domain/referrals.ts';
import { listWards } from '../domain/wards.ts';
import { selectedFields } from '../../../shared/src/selection.ts';

export const Query = {
  withdrawalReferral: (_: unknown, args: { id: string }, ctx: PsychiatryContext, info: GraphQLResolveInfo) => referralById(ctx, args.id, selectedFields(info)),
  withdrawalReferrals: (_: unknown, args: ListArgs, ctx: PsychiatryContext, info: GraphQLResolveInfo) =>
    listReferrals(ctx, args, selectedFields(info, ['nodes'])),
  wards: (_: unknown, args: { organisationId?: string | null }, ctx: PsychiatryContext) => listWards(ctx, args.organisationId),
};
