/**
 * The caller's work on withdrawal referrals (Viewer.withdrawalWork) and the messages on a referral
 * between the referring and the receiving organisation. Work is derived from the referrals the
 * caller may see (policy.visibleTo), so an item is visible exactly when its referral is, and it
 * leaves when the referral moves on; informational items also leave when the caller marks them
 * read. Three statements whatever the number of referrals: the referrals, their unread messages,
 * the caller's read marks.
 */
import { and, notInArray, or, sql } from 'drizzle-orm';
import { can } from '../../../shared/src/access.ts';
import type { Caller } from '../../../shared/src/caller.ts';
import { isUuid } from '../../../shared/src/ids.ts';
import {
  finishWork,
  markMessagesRead,
  markWorkRead,
  messageText,
  storeMessage,
  type ListedWorkItem,
  type MessageView,
  type WorkItemView,
} from '../../../shared/src/messages.ts';
import { notify } from '../../../shared/src/notify.ts';
import { addDays, stockholmDate } from '../../../shared/src/time.ts';
import type { PsychiatryContext } from '../context.ts';
import { withdrawalReferral, type ReferralRow } from '../db/schema.ts';
import { deriveStatus, placeDueBy } from './deadlines.ts';
import { notVisible, readBasis, referralAccess, visibleTo } from './policy.ts';
import { t } from '../../../shared/src/i18n.ts';

export const RECORD_KIND = 'WithdrawalReferral';
const PREFIX = 'psychiatry';

export type WithdrawalWorkItemView = ListedWorkItem;

const itemId = (kind: string, r: ReferralRow, discriminator: string | number) => `${PREFIX}:${kind}:${r.id}:${discriminator}`;

/** The work one referral holds for the caller, before read marks and messages. */
export function workOf(caller: Caller, r: ReferralRow, now: Date): WorkItemView[] {
  const status = deriveStatus(r, now);
  const out: WorkItemView[] = [];
  const item = (kind: string, discriminator: string | number, dueOn: string | null, since: Date | null, informational: boolean) =>
    out.push({ id: itemId(kind, r, discriminator), kind, recordKind: RECORD_KIND, recordId: r.id, dueOn, since, informational });

  if (caller.organisation.id === r.receivingOrganisationId && readBasis(caller, r)) {
    if (status === 'RECEIVED' && can(caller, 'withdrawal.bookMeeting')) {
      item(r.cycle > 1 ? 'NEW_ASSESSMENT_REQUESTED' : 'NEW_REQUEST', r.cycle, r.assessmentDueBy, r.cycleStartedAt, false);
    }
    if (status === 'AWAITING_DECISION' && r.assessmentMeetingAt) {
      const meetingDay = stockholmDate(r.assessmentMeetingAt);
      if (can(caller, 'withdrawal.decide')) item('DECISION_WAITING', r.cycle, meetingDay, r.assessmentMeetingAt, false);
      else if (can(caller, 'withdrawal.prepareDecision') && !r.preparedAt) item('DECISION_TO_PREPARE', r.cycle, meetingDay, r.assessmentMeetingAt, false);
    }
    if (status === 'CARE_PLANNING' && r.decidedAt && !r.placeOfferedAt && can(caller, 'withdrawal.offerPlace')) {
      item('OFFER_PLACE', r.cycle, placeDueBy(r.decidedAt), r.decidedAt, false);
    }
  }
  if (caller.organisation.id === r.referringOrganisationId && readBasis(caller, r) && can(caller, 'withdrawal.followUp')) {
    if (status === 'LAPSED' && r.placeLapsesOn) {
      const lapsedOn = addDays(r.placeLapsesOn, 1);
      item('PLACE_LAPSED', r.cycle, lapsedOn, null, false);
    }
    if ((status === 'CARE_PLANNING' || status === 'NOT_NEEDED') && r.decidedAt) item('DECISION_MADE', r.cycle, null, r.decidedAt, true);
    if (status === 'PLACE_OFFERED' && r.placeStartDate) item('PLACE_OFFERED', `${r.cycle}:${r.placeStartDate}`, r.placeStartDate, r.placeOfferedAt, true);
    if (status === 'ADMITTED' && r.admittedAt) item('ADMITTED', r.cycle, r.expectedDischargeOn, r.admittedAt, true);
  }
  return out;
}

/** Closed referrals hold work only as unread messages or a decision not to treat (for the sender). */
const CLOSED = ['COMPLETED', 'WITHDRAWN', 'NOT_NEEDED'] as const;

/** The caller's work on withdrawal referrals, earliest due date first. */
export async function withdrawalWork(
  ctx: PsychiatryContext,
  viewerUserId: string,
  kinds: readonly string[] | null | undefined,
): Promise<WithdrawalWorkItemView[]> {
  if (viewerUserId !== ctx.caller.userId) return [];
  const visible = visibleTo(ctx.caller);
  if (!visible) return [];
  const org = ctx.caller.organisation.id;
  const unreadOnRecord = sql`exists (select 1 from record_message m where m.record_kind = ${RECORD_KIND} and m.record_id = ${withdrawalReferral.id}::text
    and not exists (select 1 from record_message_read x where x.message_id = m.id and x.organisation_id = ${org}))`;
  const notToTreat = sql`(${withdrawalReferral.stage} = 'NOT_NEEDED' and ${withdrawalReferral.referringOrganisationId} = ${org})`;
  const rows = await ctx.db
    .select()
    .from(withdrawalReferral)
    .where(and(visible, or(notInArray(withdrawalReferral.stage, [...CLOSED]), notToTreat, unreadOnRecord)));
  // the items' links read the same rows: no second statement
  for (const r of rows) ctx.loaders.referral.prime(r.id, r);
  const derived = rows.flatMap((r) => workOf(ctx.caller, r, ctx.now));
  return finishWork(
    ctx.db,
    ctx.caller,
    ctx.now,
    PREFIX,
    RECORD_KIND,
    rows.map((r) => r.id),
    derived,
    kinds,
  );
}

/** A work item's referral, read with the referral's own authorization (and audited as its read). */
export async function referralOfItem(ctx: PsychiatryContext, item: WorkItemView): Promise<ReferralRow | null> {
  return referralAccess.one(ctx, await ctx.loaders.referral.load(item.recordId), null);
}

/** Marks informational items read: only ids of the caller's current informational items count. */
export function markWithdrawalWorkRead(ctx: PsychiatryContext, ids: readonly string[]): Promise<{ marked: number }> {
  return markWorkRead(ctx.db, ctx.caller, ctx.now, PREFIX, t`adult psychiatry`, ids, () => withdrawalWork(ctx, ctx.caller.userId, null));
}

/** The other party of a referral, the one a message from the caller's organisation is for. */
const otherParty = (caller: Caller, r: ReferralRow) =>
  caller.organisation.id === r.receivingOrganisationId ? r.referringOrganisationId : r.receivingOrganisationId;

async function visibleReferral(ctx: PsychiatryContext, referralId: string): Promise<{ row: ReferralRow; basis: string }> {
  const row = isUuid(referralId) ? await ctx.loaders.referral.load(referralId) : null;
  const basis = row ? readBasis(ctx.caller, row) : null;
  if (!row || !basis) throw notVisible(referralId);
  return { row, basis };
}

/** Sends a message on a referral to its other party; the other party is told (a MESSAGE notification). */
export async function sendReferralMessage(ctx: PsychiatryContext, referralId: string, text: string): Promise<MessageView> {
  const { row, basis } = await visibleReferral(ctx, referralId);
  const body = messageText(text);
  const message = await ctx.db.transaction(async (tx) => {
    const stored = await storeMessage(tx, RECORD_KIND, row.id, ctx.caller, body, ctx.now);
    await notify(tx, { recipientOrganisationId: otherParty(ctx.caller, row), kind: 'MESSAGE', recordKind: RECORD_KIND, recordId: row.id }, ctx.now);
    return stored;
  });
  ctx.audit.read({
    action: 'MESSAGE_SENT',
    entity: RECORD_KIND,
    entityId: row.id,
    personId: row.personId,
    fields: ['messages'],
    basis,
    owner: row.receivingOrganisationId,
  });
  return message;
}

/** Marks the referral's messages read for the caller's organisation. */
export async function markReferralMessagesRead(ctx: PsychiatryContext, referralId: string): Promise<{ marked: number }> {
  const { row } = await visibleReferral(ctx, referralId);
  return { marked: await markMessagesRead(ctx.db, RECORD_KIND, row.id, ctx.caller, ctx.now) };
}

/** The messages of a referral the caller sees (reached only through a visible referral, whose read is audited). */
export async function messagesOfReferral(ctx: PsychiatryContext, r: ReferralRow): Promise<MessageView[]> {
  return ctx.loaders.messages.load(r.id);
}
