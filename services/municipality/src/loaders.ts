/** DataLoaders of the municipality subgraph, built fresh for every request. */
import { asc, desc, inArray } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { Db } from '../../shared/src/db.ts';
import { groupLoader, isUuid, rowLoader } from '../../shared/src/loaders.ts';
import * as schema from './db/schema.ts';

const { consent, jointCarePlan, jointCarePlanVersion, carePlanEffort, carePlanSignature, carePlanFollowUp, cooperationAgreement } = schema;

export function createLoaders(db: Db<typeof schema>) {
  /** The rows of each plan, as one query returns them in order. */
  const ofPlans = <R extends { planId: string }>(fetch: (planIds: string[]) => Promise<R[]>) => groupLoader(fetch, (r) => r.planId);
  /** The plans whose `column` is one of the keys, newest first. */
  const plansBy = (column: AnyPgColumn, keyOf: (r: schema.PlanRow) => string | null) =>
    groupLoader(
      (keys: string[]) => db.select().from(jointCarePlan).where(inArray(column, keys)).orderBy(desc(jointCarePlan.createdAt)),
      (r) => keyOf(r) ?? '',
    );
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
    efforts: ofPlans((ids) =>
      db.select().from(carePlanEffort).where(inArray(carePlanEffort.planId, ids)).orderBy(asc(carePlanEffort.addedInVersion), asc(carePlanEffort.id)),
    ),
    signatures: ofPlans((ids) => db.select().from(carePlanSignature).where(inArray(carePlanSignature.planId, ids)).orderBy(asc(carePlanSignature.signedAt))),
    followUps: ofPlans((ids) => db.select().from(carePlanFollowUp).where(inArray(carePlanFollowUp.planId, ids)).orderBy(asc(carePlanFollowUp.heldOn))),
    versions: ofPlans((ids) =>
      db.select().from(jointCarePlanVersion).where(inArray(jointCarePlanVersion.planId, ids)).orderBy(asc(jointCarePlanVersion.version)),
    ),
    plansByPerson: plansBy(jointCarePlan.personId, (r) => r.personId),
    plansByReferral: plansBy(jointCarePlan.withdrawalReferralId, (r) => r.withdrawalReferralId),
    plansByOrder: plansBy(jointCarePlan.contractCareOrderId, (r) => r.contractCareOrderId),
    consentsByPerson: groupLoader(
      (ids) => db.select().from(consent).where(inArray(consent.personId, ids)).orderBy(desc(consent.givenAt)),
      (r) => r.personId,
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
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
