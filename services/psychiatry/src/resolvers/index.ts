/** All resolvers of the psychiatry subgraph. */
import { commonResolvers } from '../../../shared/src/resolvers.ts';
import type { Resolvers } from '../generated/resolvers.ts';
import { Query } from './query.ts';
import { Mutation } from './mutation.ts';
import {
  ExpectedDischargeChange,
  InvitedMeeting,
  InternalNote,
  JointCarePlan,
  MeetingInvitation,
  MeetingParticipant,
  Person,
  PlaceOffer,
  ReferralDocument,
  RemovedReferralDocument,
  ReferralEvent,
  WithdrawalMeeting,
  WithdrawalReferral,
} from './withdrawal-referral.ts';
import { Ward } from './ward.ts';
import { OrderedPlace, TreatmentOffer } from './ordered-place.ts';
import { psychiatrySection } from '../domain/indicators.ts';
import { workResolvers } from './work.ts';

export const resolvers: Resolvers = {
  ...commonResolvers('psychiatry', { indicators: psychiatrySection, Person }),
  Query,
  Mutation,
  WithdrawalReferral,
  ReferralDocument,
  RemovedReferralDocument,
  PlaceOffer,
  ReferralEvent,
  InternalNote,
  Ward,
  OrderedPlace,
  TreatmentOffer,
  JointCarePlan,
  WithdrawalMeeting,
  MeetingParticipant,
  MeetingInvitation,
  InvitedMeeting,
  ExpectedDischargeChange,
  ...workResolvers,
};
