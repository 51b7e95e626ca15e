/**
 * The caller's work on contract-care orders (Viewer.orderWork) and the messages on an order between
 * the probation office and its partners. Work is derived from the orders the caller may see
 * (policy.visibleTo): for the office an evaluation coming due (from 14 days before its due date)
 * and each deviation a partner reported; for every party unread messages. Statements independent
 * of the list's length: the orders, their evaluations and deviations (batched), unread messages,
 * read marks.
 */
import { and, isNull, or, sql } from 'drizzle-orm';
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
import { addDays, stockholmDate } from '../../../shared/src/time.ts';
import type { ProbationContext } from '../context.ts';
import { contractCareOrder, type DeviationRow, type EvaluationRow, type OrderRow } from '../db/schema.ts';
import { notVisible, orderAccess, readBasis, visibleTo } from './policy.ts';
import * as rules from './rules.ts';
import { t } from '../../../shared/src/i18n.ts';
import { notifyOrderMessage } from './notifications.ts';

export const RECORD_KIND = 'ContractCareOrder';
const PREFIX = 'probation';
/** An evaluation enters the office's worklist this many days before it is due. */
export const EVALUATION_NOTICE_DAYS = 14;

export type OrderWorkItemView = ListedWorkItem;

/** The work one order holds for the caller, before read marks and messages. */
export function workOf(caller: Caller, o: OrderRow, evaluations: readonly EvaluationRow[], deviations: readonly DeviationRow[], now: Date): WorkItemView[] {
  const out: WorkItemView[] = [];
  if (caller.organisation.id !== o.probationOfficeId || !can(caller, 'contractCare.follow')) return out;
  const due = rules.nextEvaluationDueBy(o, evaluations, now);
  if (due !== null && addDays(due, -EVALUATION_NOTICE_DAYS) <= stockholmDate(now)) {
    out.push({
      id: `${PREFIX}:EVALUATION_DUE:${o.id}:${due}`,
      kind: 'EVALUATION_DUE',
      recordKind: RECORD_KIND,
      recordId: o.id,
      dueOn: due,
      since: null,
      informational: false,
    });
  }
  for (const d of deviations) {
    if (d.reportedByOrganisationId === o.probationOfficeId) continue;
    out.push({
      id: `${PREFIX}:DEVIATION_REPORTED:${d.id}`,
      kind: 'DEVIATION_REPORTED',
      recordKind: RECORD_KIND,
      recordId: o.id,
      dueOn: null,
      since: d.reportedAt,
      informational: true,
    });
  }
  return out;
}

/** The caller's work on contract-care orders, earliest due date first. */
export async function orderWork(ctx: ProbationContext, viewerUserId: string, kinds: readonly string[] | null | undefined): Promise<OrderWorkItemView[]> {
  if (viewerUserId !== ctx.caller.userId) return [];
  const visible = visibleTo(ctx.caller);
  if (!visible) return [];
  const org = ctx.caller.organisation.id;
  const today = stockholmDate(ctx.now);
  const unreadOnRecord = sql`exists (select 1 from record_message m where m.record_kind = ${RECORD_KIND} and m.record_id = ${contractCareOrder.id}::text
    and not exists (select 1 from record_message_read x where x.message_id = m.id and x.organisation_id = ${org}))`;
  const reportedByPartner = sql`(${contractCareOrder.probationOfficeId} = ${org} and exists (select 1 from contract_care_deviation d
    where d.order_id = ${contractCareOrder.id} and d.reported_by_organisation_id <> ${contractCareOrder.probationOfficeId}))`;
  const active = and(isNull(contractCareOrder.breachedAt), sql`${contractCareOrder.endsOn} >= ${today}::date`);
  const rows = await ctx.db
    .select()
    .from(contractCareOrder)
    .where(and(visible, or(active, reportedByPartner, unreadOnRecord)));
  // the items' links read the same rows: no second statement
  for (const o of rows) ctx.loaders.order.prime(o.id, o);
  const ids = rows.map((o) => o.id);
  const [evaluations, deviations] = await Promise.all([ctx.loaders.evaluations.loadMany(ids), ctx.loaders.deviations.loadMany(ids)]);
  const listOf = <T>(v: T[] | Error | undefined): T[] => (Array.isArray(v) ? v : []);
  const derived = rows.flatMap((o, i) => workOf(ctx.caller, o, listOf(evaluations[i]), listOf(deviations[i]), ctx.now));
  return finishWork(ctx.db, ctx.caller, ctx.now, PREFIX, RECORD_KIND, ids, derived, kinds);
}

/** A work item's order, read with the order's own authorization (and audited as its read). */
export async function orderOfItem(ctx: ProbationContext, item: WorkItemView): Promise<OrderRow | null> {
  return orderAccess.one(ctx, await ctx.loaders.order.load(item.recordId), null);
}

export function markOrderWorkRead(ctx: ProbationContext, ids: readonly string[]): Promise<{ marked: number }> {
  return markWorkRead(ctx.db, ctx.caller, ctx.now, PREFIX, t`the probation service`, ids, () => orderWork(ctx, ctx.caller.userId, null));
}

async function visibleOrder(ctx: ProbationContext, orderId: string): Promise<{ row: OrderRow; basis: string }> {
  const row = isUuid(orderId) ? await ctx.loaders.order.load(orderId) : null;
  const basis = row ? readBasis(ctx.caller, row) : null;
  if (!row || !basis) throw notVisible(orderId);
  return { row, basis };
}

/** Sends a message on an order to the other organisations taking part in it; they are told (an ORDER_MESSAGE notification). */
export async function sendOrderMessage(ctx: ProbationContext, orderId: string, text: string): Promise<MessageView> {
  const { row, basis } = await visibleOrder(ctx, orderId);
  const body = messageText(text);
  const message = await ctx.db.transaction(async (tx) => {
    const stored = await storeMessage(tx, RECORD_KIND, row.id, ctx.caller, body, ctx.now);
    await notifyOrderMessage(tx, row, ctx.caller.organisation.id, ctx.now);
    return stored;
  });
  ctx.audit.read({
    action: 'MESSAGE_SENT',
    entity: RECORD_KIND,
    entityId: row.id,
    personId: row.personId,
    fields: ['messages'],
    basis,
    owner: row.probationOfficeId,
  });
  return message;
}

export async function markOrderMessagesRead(ctx: ProbationContext, orderId: string): Promise<{ marked: number }> {
  const { row } = await visibleOrder(ctx, orderId);
  return { marked: await markMessagesRead(ctx.db, RECORD_KIND, row.id, ctx.caller, ctx.now) };
}

/** The messages of an order the caller sees (reached only through a visible order, whose read is audited). */
export function messagesOfOrder(ctx: ProbationContext, o: OrderRow): Promise<MessageView[]> {
  return ctx.loaders.messages.load(o.id);
}
