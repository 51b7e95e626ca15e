/** All resolvers of the municipality subgraph. */
import { organisationResolvers } from '../../../shared/src/federation.ts';
import { auditLogResolvers } from '../../../shared/src/audit-log.ts';
import { auditEventFhirResolvers } from '../../../shared/src/fhir.ts';
import type { Resolvers } from '../generated/resolvers.ts';
import { auditLogPeriod } from '../domain/audit-log.ts';
import { Query } from './query.ts';
import { Mutation } from './mutation.ts';
import { Consent, Person } from './consent.ts';
import {
  CarePlanDocument,
  RemovedCarePlanDocument,
  CarePlanEffort,
  CarePlanFollowUp,
  IndividualStatement,
  ContractCareOrder,
  JointCarePlan,
  JointCarePlanVersion,
  Participant,
  Signature,
  WithdrawalReferral,
} from './plan.ts';
import { CooperationAgreement, Council, IndicatorReport } from './council.ts';
import { messageResolvers } from '../../../shared/src/messages.ts';
import { carePlanWork, planOfItem } from '../domain/work.ts';
import type { MunicipalityContext } from '../context.ts';

export const resolvers: Resolvers = {
  ...organisationResolvers,
  ...auditEventFhirResolvers,
  Person,
  Query,
  Mutation,
  JointCarePlan,
  CarePlanDocument,
  RemovedCarePlanDocument,
  JointCarePlanVersion,
  Participant,
  Signature,
  CarePlanEffort,
  CarePlanFollowUp,
  IndividualStatement,
  Consent,
  WithdrawalReferral,
  ContractCareOrder,
  Council,
  CooperationAgreement,
  IndicatorReport,
  Notifications: { __resolveReference: (ref: { key: string }) => ref },
  // the caller by key: only the caller themself (another user's key answers nothing)
  Viewer: {
    __resolveReference: (ref: { userId: string }, ctx: MunicipalityContext) => (ref.userId === ctx.caller.userId ? ctx.caller : null),
    carePlanWork: (viewer, args, ctx) => carePlanWork(ctx, viewer.userId, args.kinds),
  },
  CarePlanWorkItem: { plan: (item, _, ctx) => planOfItem(ctx, item) },
  ...messageResolvers,
  AuditLog: {
    from: (log) => auditLogPeriod(log).from,
    to: (log) => auditLogPeriod(log).to,
    ...auditLogResolvers('municipality').AuditLog,
  },
};
