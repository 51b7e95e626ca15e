/** DataLoaders of the municipality subgraph, built fresh for every request. */
import { asc, desc } from 'drizzle-orm';
import type { Db } from '../../shared/src/db.ts';
import { isUuid, tableGroupLoader, tableRowLoader } from '../../shared/src/loaders.ts';
import * as schema from './db/schema.ts';
import { documentsLoader } from '../../shared/src/documents.ts';
import { messagesOf, type MessageView } from '../../shared/src/messages.ts';
import DataLoader from 'dataloader';

const { consent, jointCarePlan, jointCarePlanVersion, carePlanEffort, carePlanSignature, carePlanFollowUp, carePlanIndividualVoice, cooperationAgreement } =
  schema;

export function createLoaders(db: Db<typeof schema>) {
  /** The plans whose `key` column is one of the keys, newest first. */
  const plansBy = (key: 'personId' | 'withdrawalReferralId' | 'contractCareOrderId') =>
    tableGroupLoader(db, jointCarePlan, key, [desc(jointCarePlan.createdAt)]);
  return {
    consent: tableRowLoader(db, consent, 'id', isUuid),
    plan: tableRowLoader(db, jointCarePlan, 'id', isUuid),
    efforts: tableGroupLoader(db, carePlanEffort, 'planId', [asc(carePlanEffort.addedInVersion), asc(carePlanEffort.id)]),
    signatures: tableGroupLoader(db, carePlanSignature, 'planId', [asc(carePlanSignature.signedAt)]),
    followUps: tableGroupLoader(db, carePlanFollowUp, 'planId', [asc(carePlanFollowUp.heldOn)]),
    /** the individual's views and end requests on plans, oldest first */
    voices: tableGroupLoader(db, carePlanIndividualVoice, 'planId', [asc(carePlanIndividualVoice.recordedAt), asc(carePlanIndividualVoice.id)]),
    versions: tableGroupLoader(db, jointCarePlanVersion, 'planId', [asc(jointCarePlanVersion.version)]),
    plansByPerson: plansBy('personId'),
    plansByReferral: plansBy('withdrawalReferralId'),
    plansByOrder: plansBy('contractCareOrderId'),
    consentsByPerson: tableGroupLoader(db, consent, 'personId', [desc(consent.givenAt)]),
    /** the uploaded documents of plans (metadata only): the domain layer applies the policy */
    documents: documentsLoader(db, 'JointCarePlan'),
    /** the removed documents of plans (their tombstones) */
    removedDocuments: documentsLoader(db, 'JointCarePlan', 'removed'),
    /** the messages on plans, oldest first (the domain layer applies the policy) */
    messages: new DataLoader<string, MessageView[]>(async (ids) => {
      const byRecord = await messagesOf(db, 'JointCarePlan', ids);
      return ids.map((id) => byRecord.get(id) ?? []);
    }),
    agreementsByCouncil: tableGroupLoader(db, cooperationAgreement, 'councilId', [desc(cooperationAgreement.validFrom), desc(cooperationAgreement.addedAt)]),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
