/** All resolvers of the probation subgraph. */
import { organisationResolvers, personReference } from '../../../shared/src/federation.ts';
import { auditLogResolvers } from '../../../shared/src/audit-log.ts';
import { reportKey } from '../../../shared/src/councils.ts';
import type { Resolvers } from '../generated/resolvers.ts';
import { Query } from './query.ts';
import { Mutation } from './mutation.ts';
import { ContractCareDeviation, ContractCareOrder, JointCarePlan, Person } from './contract-care-order.ts';
import { probationSection } from '../domain/indicators.ts';

export const resolvers: Resolvers = {
  ...organisationResolvers,
  ...auditLogResolvers('probation'),
  Person: { ...personReference, ...Person },
  Query,
  Mutation,
  ContractCareOrder,
  ContractCareDeviation,
  JointCarePlan,
  IndicatorReport: {
    probation: (r, _, ctx) => probationSection(ctx, reportKey(r)),
  },
};
