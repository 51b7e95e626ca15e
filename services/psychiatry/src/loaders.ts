/**
 * DataLoaders of the psychiatry subgraph, built fresh for every request (the
 * caller is fixed for the loaders' lifetime, so visibility filters may be
 * part of a batch). Each batch is one query and returns rows in key order.
 */
import DataLoader from 'dataloader';
import { and, asc, count, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../shared/src/db.ts';
import type { Caller } from '../../shared/src/caller.ts';
import { isUuid, tableGroupLoader, tableRowLoader } from '../../shared/src/loaders.ts';
import { documentsLoader, type DocumentMeta } from '../../shared/src/documents.ts';
import { messagesOf, type MessageView } from '../../shared/src/messages.ts';
import * as schema from './db/schema.ts';
import { visibleTo } from './domain/policy.ts';
import { holdRowsOnWards, type HoldRow } from './domain/wards.ts';

const { ward, withdrawalMeeting, withdrawalReferral, withdrawalReferralAmendment, withdrawalReferralEvent, withdrawalInternalNote } = schema;

export interface Loaders {
  ward: DataLoader<string, schema.WardRow | null>;
  /** places taken per ward: referrals admitted and not yet discharged */
  occupancy: DataLoader<string, number>;
  /** per ward, the referrals that may hold a bed on it (offered places, admitted individuals; domain/capacity.ts) */
  holds: DataLoader<string, HoldRow[]>;
  /** referrals by id, unfiltered: the domain layer applies the policy */
  referral: DataLoader<string, schema.ReferralRow | null>;
  /** the referrals of a person that the caller may see */
  referralsOfPerson: DataLoader<string, schema.ReferralRow[]>;
  events: DataLoader<string, schema.ReferralEventRow[]>;
  internalNotes: DataLoader<string, schema.InternalNoteRow[]>;
  amendments: DataLoader<string, schema.AmendmentRow[]>;
  /** the meetings of a referral, the first offered first (the domain layer decides what the caller sees) */
  meetings: DataLoader<string, schema.MeetingRow[]>;
  /** the uploaded documents of referrals (metadata only): the domain layer applies the policy */
  documents: DataLoader<string, DocumentMeta[]>;
  /** the removed documents of referrals (their tombstones) */
  removedDocuments: DataLoader<string, DocumentMeta[]>;
  /** the messages on referrals, oldest first (the domain layer applies the policy) */
  messages: DataLoader<string, MessageView[]>;
}

export function createLoaders(db: Db<typeof schema>, caller: Caller): Loaders {
  return {
    ward: tableRowLoader(db, ward, 'id'),
    occupancy: new DataLoader(async (ids) => {
      const rows = await db
        .select({ wardId: withdrawalReferral.placeWardId, n: count() })
        .from(withdrawalReferral)
        .where(and(inArray(withdrawalReferral.placeWardId, [...ids]), eq(withdrawalReferral.stage, 'ADMITTED')))
        .groupBy(withdrawalReferral.placeWardId);
      const byId = new Map(rows.map((r) => [r.wardId, Number(r.n)]));
      return ids.map((id) => byId.get(id) ?? 0);
    }),
    holds: new DataLoader(async (ids) => {
      const byWard = await holdRowsOnWards(db, ids);
      return ids.map((id) => byWard.get(id) ?? []);
    }),
    referral: tableRowLoader(db, withdrawalReferral, 'id', isUuid),
    referralsOfPerson: tableGroupLoader(db, withdrawalReferral, 'personId', [asc(withdrawalReferral.receivedAt), asc(withdrawalReferral.id)], {
      visible: visibleTo(caller),
    }),
    events: tableGroupLoader(db, withdrawalReferralEvent, 'referralId', [asc(withdrawalReferralEvent.seq)]),
    internalNotes: tableGroupLoader(db, withdrawalInternalNote, 'referralId', [asc(withdrawalInternalNote.seq)]),
    amendments: tableGroupLoader(db, withdrawalReferralAmendment, 'referralId', [asc(withdrawalReferralAmendment.seq)]),
    meetings: tableGroupLoader(db, withdrawalMeeting, 'referralId', [asc(withdrawalMeeting.firstOfferedAt), asc(withdrawalMeeting.id)]),
    documents: documentsLoader(db, 'WithdrawalReferral'),
    removedDocuments: documentsLoader(db, 'WithdrawalReferral', 'removed'),
    messages: new DataLoader(async (ids) => {
      const byRecord = await messagesOf(db, 'WithdrawalReferral', ids);
      return ids.map((id) => byRecord.get(id) ?? []);
    }),
  };
}
