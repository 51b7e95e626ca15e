/** All resolvers of the probation subgraph. */
import { commonResolvers } from '../../../shared/src/resolvers.ts';
import type { Resolvers } from '../generated/resolvers.ts';
import { Query } from './query.ts';
import { Mutation } from './mutation.ts';
import { ContractCareDeviation, ContractCareOrder, JointCarePlan, Person } from './contract-care-order.ts';
import { probationSection } from '../domain/indicators.ts';
import { workResolvers } from './work.ts';

export const resolvers: Resolvers = {
  ...commonResolvers('probation', { indicators: probationSection, Person }),
  Query,
  Mutation,
  ContractCareOrder,
  ContractCareDeviation,
  JointCarePlan,
  ...workResolvers,
};
