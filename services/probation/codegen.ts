/**
 * graphql-codegen settings of the probation subgraph (read by the root codegen.ts):
 * which TypeScript type a resolver receives as parent for each GraphQL type
 * (the drizzle row, or the key a reference carries). Paths are relative to
 * src/generated/resolvers.ts.
 */
import { commonMappers } from '../shared/codegen.ts';

export const mappers: Record<string, string> = {
  ...commonMappers,
  ContractCareOrder: '../db/schema.ts#OrderRow',
  ContractCareDeviation: '../db/schema.ts#DeviationRow',
  // an evaluation row together with the due date that applied when it was held
  ContractCareEvaluation: '../domain/rules.ts#HeldEvaluation',
  ContractCareBreach: '../domain/rules.ts#Breach',
  // a plan arrives from social services as its key and, when the gateway sends them, its @requires fields
  JointCarePlan: '../domain/policy.ts#PlanReference',
  OrderWorkItem: '../domain/work.ts#OrderWorkItemView',
  Message: '../../../shared/src/messages.ts#MessageView',
  MessageReceipt: '../../../shared/src/messages.ts#MessageReceiptView',
  Viewer: '../../../shared/src/messages.ts#ViewerKey',
  Notifications: '../../../shared/src/notify.ts#NotificationsKey',
};
export const contextType = '../context.ts#ProbationContext';
