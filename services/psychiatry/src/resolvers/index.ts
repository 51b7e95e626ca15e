/** All resolvers of the psychiatry subgraph. */
import { organisationResolvers, personReference } from '../../../shared/src/federation.ts';
import { auditLogResolvers } from '../../../shared/src/audit-log.ts';
import { Query } from './query.ts';
import { Mutation } from './mutation.ts';
import { InternalNote, JointCarePlan, Person, PlaceOffer, ReferralEvent, WithdrawalReferral } from './withdrawal-referral.ts';
import { Ward } from './ward.ts';
import { psychiatrySection } from '../domain/indicators.ts';
import { reportKey, type ReportReference } from '../../../shared/src/councils.ts';
import type { PsychiatryContext } from '../context.ts';

export const resolvers = {
  ...organisationResolvers,
  ...auditLogResolvers('psychiatry'),
  Person: { ...personReference, ...Person },
  Query,
  Mutation,
  WithdrawalReferral,
  PlaceOffer,
  ReferralEvent,
  InternalNote,
  Ward,
  JointCarePlan,
  IndicatorReport: {
    psychiatry: (r: ReportReference, _: unknown, ctx: PsychiatryContext) => psychiatrySection(ctx, reportKey(r)),
  },
};
