/**
 * DataLoaders of the psychiatry subgraph, built fresh for every request (the
 * caller is fixed for the loaders' lifetime, so visibility filters may be
 * part of a batch). Each batch is one query and returns rows in key order.
 */
import DataLoader from 'dataloader';
import { and, asc, count, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../shared/src/db.ts';
import type { Caller } from '../../shared/src/caller.ts';
import { groupLoader, isUuid, rowLoader } from '../../shared/src/loaders.ts';
import * as schema from './db/schema.ts';
import { visibleTo } from './domain/policy.ts';

const { ward, withdrawalReferral, withdrawalReferralEvent, withdrawalInternalNote } = schema;

export interface Loaders {
  ward: DataLoader<string, schema.WardRow | null>;
  /** places taken per ward: referrals admitted and not yet discharged */
  occupancy: DataLoader<string, number>;
  /** referrals by id, unfiltered: the domain layer applies the policy */
  referral: DataLoader<string, schema.ReferralRow | null>;
  /** the referrals of a person that the caller may see */
  referralsOfPerson: DataLoader<string, schema.ReferralRow[]>;
  events: DataLoader<string, schema.ReferralEventRow[]>;
  internalNotes: DataLoader<string, schema.InternalNoteRow[]>;
}

export function createLoaders(db: Db<typeof schema>, caller: Caller): Loaders {
  const visible = visibleTo(caller);
  return {
    ward: rowLoader(
      (ids) => db.select().from(ward).where(inArray(ward.id, ids)),
      (r) => r.id,
    ),
    occupancy: new DataLoader(async (ids) => {
      const rows = await db
        .select({ wardId: withdrawalReferral.placeWardId, n: count() })
        .from(withdrawalReferral)
        .where(and(inArray(withdrawalReferral.placeWardId, [...ids]), eq(withdrawalReferral.stage, 'ADMITTED')))
        .groupBy(withdrawalReferral.placeWardId);
      const byId = new Map(rows.map((r) => [r.wardId, Number(r.n)]));
      return ids.map((id) => byId.get(id) ?? 0);
    }),
    referral: rowLoader(
      (ids) => db.select().from(withdrawalReferral).where(inArray(withdrawalReferral.id, ids)),
      (r) => r.id,
      isUuid,
    ),
    referralsOfPerson: groupLoader(
      (personIds) =>
        visible
          ? db
              .select()
              .from(withdrawalReferral)
              .where(and(inArray(withdrawalReferral.personId, personIds), visible))
              .orderBy(asc(withdrawalReferral.receivedAt), asc(withdrawalReferral.id))
          : Promise.resolve([]),
      (r) => r.personId,
    ),
    events: groupLoader(
      (ids) => db.select().from(withdrawalReferralEvent).where(inArray(withdrawalReferralEvent.referralId, ids)).orderBy(asc(withdrawalReferralEvent.seq)),
      (r) => r.referralId,
    ),
    internalNotes: groupLoader(
      (ids) => db.select().from(withdrawalInternalNote).where(inArray(withdrawalInternalNote.referralId, ids)).orderBy(asc(withdrawalInternalNote.seq)),
      (r) => r.referralId,
    ),
  };
}
