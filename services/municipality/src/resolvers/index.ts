/** All resolvers of the municipality subgraph. */
import { organisationResolvers } from '../../../shared/src/federation.ts';
import { auditLogFilter, auditLogResolvers } from '../../../shared/src/audit-log.ts';
import { Query } from './query.ts';
import { Mutation } from './mutation.ts';
import { Person } from './person.ts';
import { JointCarePlan } from './plan.ts';
import { Consent } from './consent.ts';
import { ContractCareOrder, WithdrawalReferral } from './links.ts';
import { CooperationAgreement, Council, IndicatorReport } from './council.ts';

export const resolvers = {
  ...organisationResolvers,
  Person,
  Query,
  Mutation,
  JointCarePlan,
  Consent,
  WithdrawalReferral,
  ContractCareOrder,
  Council,
  CooperationAgreement,
  IndicatorReport,
  AuditLog: {
    from: (log: { key: string }) => new Date(auditLogFilter(log.key).from),
    to: (log: { key: string }) => new Date(auditLogFilter(log.key).to),
    ...auditLogResolvers('municipality').AuditLog,
  },
};
