/** All resolvers of the probation subgraph. */
import { organisationResolvers, personReference } from '../../../shared/src/federation.ts';
import { auditLogResolvers } from '../../../shared/src/audit-log.ts';
import { Query } from './query.ts';
import { Mutation } from './mutation.ts';
import { ContractCareDeviation, ContractCareOrder, JointCarePlan, Person } from './contract-care-order.ts';
import { probationSection } from '../domain/indicators.ts';
import { reportKey, type ReportReference } from '../../../shared/src/councils.ts';
import type { ProbationContext } from '../context.ts';

export const resolvers = {
  ...organisationResolvers,
  ...auditLogResolvers('probation'),
  Person: { ...personReference, ...Person },
  Query,
  Mutation,
  ContractCareOrder,
  ContractCareDeviation,
  JointCarePlan,
  IndicatorReport: {
    probation: (r: ReportReference, _: unknown, ctx: ProbationContext) => probationSection(ctx, reportKey(r)),
  },
};
