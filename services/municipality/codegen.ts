/**
 * graphql-codegen settings of the municipality subgraph (read by the root codegen.ts):
 * which TypeScript type a resolver receives as parent for each GraphQL type
 * (the drizzle row, the view a read decided on, or the key a reference carries).
 * Paths are relative to src/generated/resolvers.ts.
 */
import { commonMappers } from '../shared/codegen.ts';

export const mappers: Record<string, string> = {
  ...commonMappers,
  Viewer: '../../../shared/src/caller.ts#Caller',
  CarePlanWorkItem: '../domain/work.ts#CarePlanWorkItemView',
  Message: '../../../shared/src/messages.ts#MessageView',
  MessageReceipt: '../../../shared/src/messages.ts#MessageReceiptView',
  Consent: '../db/schema.ts#ConsentRow',
  Participant: '../db/schema.ts#ParticipantRecord',
  Signature: '../db/schema.ts#SignatureRow',
  CarePlanEffort: '../db/schema.ts#EffortRow',
  CarePlanFollowUp: '../db/schema.ts#FollowUpRow',
  IndividualStatement: '../db/schema.ts#VoiceRow',
  JointCarePlanVersion: '../db/schema.ts#VersionRow',
  JointCarePlan: '../domain/plans.ts#PlanView',
  CarePlanDocument: '../../../shared/src/documents.ts#ListedDocument',
  RemovedCarePlanDocument: '../../../shared/src/documents.ts#DocumentMeta',
  WithdrawalReferral: '../domain/plans.ts#LinkedRecord',
  ContractCareOrder: '../domain/plans.ts#LinkedRecord',
  Council: '../db/schema.ts#CouncilRow',
  CooperationAgreement: '../db/schema.ts#AgreementRow',
  AuditLog: '../domain/audit-log.ts#AuditLogRef',
  Notifications: '../../../shared/src/notify.ts#NotificationsKey',
  // Social services owns IndicatorReport: its resolvers receive the whole report, not the reference.
  IndicatorReport: '../../../shared/src/councils.ts#ReportKey',
};
export const contextType = '../context.ts#MunicipalityContext';
