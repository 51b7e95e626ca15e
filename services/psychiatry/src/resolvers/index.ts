/** All resolvers of the psychiatry subgraph. */
import { organisationResolvers, personReference } from '../../../shared/src/federation.ts';
import { Query } from './query.ts';
import { Mutation } from './mutation.ts';
import { InternalNote, JointCarePlan, Person, PlaceOffer, ReferralEvent, WithdrawalReferral } from './withdrawal-referral.ts';
import { Ward } from './ward.ts';

export const resolvers = {
  ...organisationResolvers,
  Person: { ...personReference, ...Person },
  Query,
  Mutation,
  WithdrawalReferral,
  PlaceOffer,
  ReferralEvent,
  InternalNote,
  Ward,
  JointCarePlan,
};
