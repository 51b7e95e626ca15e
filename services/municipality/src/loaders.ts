/** DataLoaders of the municipality subgraph, built fresh for every request. */
import { asc, desc, inArray } from 'drizzle-orm';
import type { Db } from '../../shared/src/db.ts';
import { groupLoader, isUuid, rowLoader } from '../../shared/src/loaders.ts';
import * as schema from './db/schema.ts';

const { consent, jointCarePlan, jointCarePlanVersion, carePlanEffort, carePlanSignature, carePlanFollowUp, cooperationAgreement } = schema;
export type EffortRow = typeof carePlanEffort.$inferSelect;
export type SignatureRow = typeof carePlanSignature.$inferSelect;
export type FollowUpRow = typeof carePlanFollowUp.$inferSelect;
export type VersionRow = typeof jointCarePlanVersion.$inferSelect;

export function createLoaders(db: Db<typeof schema>) {
  return {
    consent: rowLoader(
      (ids) => db.select().from(consent).where(inArray(consent.id, ids)),
      (r) => r.id,
      isUuid,
    ),
    plan: rowLoader(
      (ids) => db.select().from(jointCarePlan).where(inArray(jointCarePlan.id, ids)),
      (r) => r.id,
      isUuid,
    ),
    efforts: groupLoader(
      (ids) => db.select().from(carePlanEffort).where(inArray(carePlanEffort.planId, ids)).orderBy(asc(carePlanEffort.addedInVersion), asc(carePlanEffort.id)),
      (r) => r.planId,
    ),
    signatures: groupLoader(
      (ids) => db.select().from(carePlanSignature).where(inArray(carePlanSignature.planId, ids)).orderBy(asc(carePlanSignature.signedAt)),
      (r) => r.planId,
    ),
    followUps: groupLoader(
      (ids) => db.select().from(carePlanFollowUp).where(inArray(carePlanFollowUp.planId, ids)).orderBy(asc(carePlanFollowUp.heldOn)),
      (r) => r.planId,
    ),
    versions: groupLoader(
      (ids) => db.select().from(jointCarePlanVersion).where(inArray(jointCarePlanVersion.planId, ids)).orderBy(asc(jointCarePlanVersion.version)),
      (r) => r.planId,
    ),
    plansByPerson: groupLoader(
      (ids) => db.select().from(jointCarePlan).where(inArray(jointCarePlan.personId, ids)).orderBy(desc(jointCarePlan.createdAt)),
      (r) => r.personId,
    ),
    consentsByPerson: groupLoader(
      (ids) => db.select().from(consent).where(inArray(consent.personId, ids)).orderBy(desc(consent.givenAt)),
      (r) => r.personId,
    ),
    plansByReferral: groupLoader(
      (ids) => db.select().from(jointCarePlan).where(inArray(jointCarePlan.withdrawalReferralId, ids)).orderBy(desc(jointCarePlan.createdAt)),
      (r) => r.withdrawalReferralId!,
    ),
    agreementsByCouncil: groupLoader(
      (ids) =>
        db
          .select()
          .from(cooperationAgreement)
          .where(inArray(cooperationAgreement.councilId, ids))
          .orderBy(desc(cooperationAgreement.validFrom), desc(cooperationAgreement.addedAt)),
      (r) => r.councilId,
    ),
    plansByOrder: groupLoader(
      (ids) => db.select().from(jointCarePlan).where(inArray(jointCarePlan.contractCareOrderId, ids)).orderBy(desc(jointCarePlan.createdAt)),
      (r) => r.contractCareOrderId!,
    ),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
