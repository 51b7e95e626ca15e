/**
 * DataLoaders of the psychiatry subgraph, built fresh for every request (the
 * caller is fixed for the loaders' lifetime, so visibility filters may be
 * part of a batch). Each batch is one query and returns rows in key order.
 */
import DataLoader from 'dataloader';
import { and, asc, count, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../shared/src/db.ts';
import type { Caller } from '../../shared/src/caller.ts';
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

function group<T, K>(rows: T[], keyOf: (row: T) => K): Map<K, T[]> {
  const map = new Map<K, T[]>();
  for (const row of rows) {
    const k = keyOf(row);
    const list = map.get(k);
    if (list) list.push(row);
    else map.set(k, [row]);
  }
  return map;
}

export function createLoaders(db: Db<typeof schema>, caller: Caller): Loaders {
  return {
    ward: new DataLoader(async (ids) => {
      const rows = await db.select().from(ward).where(inArray(ward.id, [...ids]));
      const byId = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
    occupancy: new DataLoader(async (ids) => {
      const rows = await db
        .select({ wardId: withdrawalReferral.placeWardId, n: count() })
        .from(withdrawalReferral)
        .where(and(inArray(withdrawalReferral.placeWardId, [...ids]), eq(withdrawalReferral.stage, 'ADMITTED')))
        .groupBy(withdrawalReferral.placeWardId);
      const byId = new Map(rows.map((r) => [r.wardId, Number(r.n)]));
      return ids.map((id) => byId.get(id) ?? 0);
    }),
    referral: new DataLoader(async (ids) => {
      const rows = await db.select().from(withdrawalReferral).where(inArray(withdrawalReferral.id, [...ids]));
      const byId = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
    referralsOfPerson: new DataLoader(async (personIds) => {
      const visible = visibleTo(caller);
      if (!visible) return personIds.map(() => []);
      const rows = await db
        .select()
        .from(withdrawalReferral)
        .where(and(inArray(withdrawalReferral.personId, [...personIds]), visible))
        .orderBy(asc(withdrawalReferral.receivedAt), asc(withdrawalReferral.id));
      const byPerson = group(rows, (r) => r.personId);
      return personIds.map((id) => byPerson.get(id) ?? []);
    }),
    events: new DataLoader(async (ids) => {
      const rows = await db
        .select()
        .from(withdrawalReferralEvent)
        .where(inArray(withdrawalReferralEvent.referralId, [...ids]))
        .orderBy(asc(withdrawalReferralEvent.seq));
      const byReferral = group(rows, (r) => r.referralId);
      return ids.map((id) => byReferral.get(id) ?? []);
    }),
    internalNotes: new DataLoader(async (ids) => {
      const rows = await db
        .select()
        .from(withdrawalInternalNote)
        .where(inArray(withdrawalInternalNote.referralId, [...ids]))
        .orderBy(asc(withdrawalInternalNote.seq));
      const byReferral = group(rows, (r) => r.referralId);
      return ids.map((id) => byReferral.get(id) ?? []);
    }),
  };
}
