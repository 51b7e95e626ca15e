/**
 * The caller's work on joint care plans (Viewer.carePlanWork) and the messages on a plan between the
 * organisations taking part in it. Work is derived from the plans the caller may see
 * (policy.visiblePlansSql: the owner always, a participant while the consent is active and names
 * it), so an item is visible exactly when its plan is and is gone with the consent:
 *
 * - the owner: the individual's signature missing on the current version (INDIVIDUAL_SIGNATURE),
 *   sharing stopped (SHARING_STOPPED, informational; only the owner still sees the plan);
 * - a participant: added to a plan (ADDED_TO_PLAN), a new version another organisation made
 *   (PLAN_CHANGED), both informational;
 * - every party of a contract-care plan whose signature is missing: SIGN_PLAN (version 1) or
 *   NEW_VERSION_TO_SIGN;
 * - every party: the follow-up from 14 days before followUpOn until one is held (FOLLOW_UP_DUE);
 *   unread messages (MESSAGE).
 *
 * Statements independent of the list's length: the plans, their consents, signatures and
 * follow-ups (batched), unread messages, read marks.
 */
import { and, isNull, or, sql } from 'drizzle-orm';
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
import type { MunicipalityContext } from '../context.ts';
import { jointCarePlan, type ConsentRow, type FollowUpRow, type PlanRow, type SignatureRow, type VersionRow } from '../db/schema.ts';
import { missingSignatures, signaturesOf } from './plan-rules.ts';
import { planById, type PlanView } from './plans.ts';
import { consentActive, planBasis, planNotVisible, visiblePlansSql } from './policy.ts';
import { t } from '../../../shared/src/i18n.ts';
import { notifyPlanMessage } from './notifications.ts';

export const RECORD_KIND = 'JointCarePlan';
const PREFIX = 'municipality';
/** A follow-up enters the worklist this many days before its date. */
export const FOLLOW_UP_NOTICE_DAYS = 14;

export type CarePlanWorkItemView = ListedWorkItem;

/** Which missing signature is the caller's organisation's to give, in missingSignatures' words. */
const SIGNS_AS: Record<string, string> = {
  MUNICIPALITY: 'social services',
  PSYCHIATRY: 'the care provider',
  CLINIC: 'the care provider',
  PROBATION: 'the probation service',
};

interface Facts {
  plan: PlanRow;
  consent: ConsentRow;
  signatures: SignatureRow[];
  followUps: FollowUpRow[];
  versions: VersionRow[];
}

/** The work one plan holds for the caller, before read marks and messages. */
export function workOf(caller: Caller, f: Facts, now: Date): WorkItemView[] {
  const { plan } = f;
  const out: WorkItemView[] = [];
  if (plan.endedAt) return out;
  const org = caller.organisation.id;
  const owner = plan.ownerOrganisationId === org;
  const item = (kind: string, discriminator: string, dueOn: string | null, since: Date | null, informational: boolean) =>
    out.push({ id: `${PREFIX}:${kind}:${plan.id}${discriminator}`, kind, recordKind: RECORD_KIND, recordId: plan.id, dueOn, since, informational });
  const missing = missingSignatures(plan.kind, signaturesOf(f.signatures, plan.version));
  const current = f.versions.find((v) => v.version === plan.version) ?? null;
  const versionAt = current?.changedAt ?? null;

  if (owner) {
    if (missing.includes('the individual')) item('INDIVIDUAL_SIGNATURE', `:${plan.version}`, null, versionAt, false);
    if (!consentActive(f.consent, now)) item('SHARING_STOPPED', '', null, f.consent.revokedAt, true);
  } else {
    item('ADDED_TO_PLAN', '', null, plan.createdAt, true);
    // a version the caller's own organisation made is no news to it
    if (plan.version > 1 && current?.changedByOrganisationId !== org) item('PLAN_CHANGED', `:${plan.version}`, null, versionAt, true);
  }
  const signsAs = SIGNS_AS[caller.organisation.agency];
  if (plan.kind === 'CONTRACT_CARE' && signsAs && missing.includes(signsAs) && (owner || plan.participantOrganisationIds.includes(org))) {
    item(plan.version > 1 ? 'NEW_VERSION_TO_SIGN' : 'SIGN_PLAN', `:${plan.version}`, null, versionAt, false);
  }
  const today = stockholmDate(now);
  if (addDays(plan.followUpOn, -FOLLOW_UP_NOTICE_DAYS) <= today && !f.followUps.some((x) => x.heldOn >= plan.followUpSetOn)) {
    item('FOLLOW_UP_DUE', `:${plan.followUpOn}`, plan.followUpOn, null, false);
  }
  return out;
}

const listOf = <T>(v: T[] | Error | undefined): T[] => (Array.isArray(v) ? v : []);

/** The caller's work on joint care plans, earliest due date first. */
export async function carePlanWork(
  ctx: MunicipalityContext,
  viewerUserId: string,
  kinds: readonly string[] | null | undefined,
): Promise<CarePlanWorkItemView[]> {
  if (viewerUserId !== ctx.caller.userId) return [];
  const visible = visiblePlansSql(ctx.caller, ctx.now);
  if (!visible) return [];
  const org = ctx.caller.organisation.id;
  const unreadOnRecord = sql`exists (select 1 from record_message m where m.record_kind = ${RECORD_KIND} and m.record_id = ${jointCarePlan.id}::text
    and not exists (select 1 from record_message_read x where x.message_id = m.id and x.organisation_id = ${org}))`;
  const rows = await ctx.db
    .select()
    .from(jointCarePlan)
    .where(and(visible, or(isNull(jointCarePlan.endedAt), unreadOnRecord)));
  // the items' links read the same rows: no second statement
  for (const p of rows) ctx.loaders.plan.prime(p.id, p);
  const ids = rows.map((p) => p.id);
  const [consents, signatures, followUps, versions] = await Promise.all([
    ctx.loaders.consent.loadMany(rows.map((p) => p.consentId)),
    ctx.loaders.signatures.loadMany(ids),
    ctx.loaders.followUps.loadMany(ids),
    ctx.loaders.versions.loadMany(ids),
  ]);
  const derived: WorkItemView[] = [];
  rows.forEach((plan, i) => {
    const c = consents[i];
    if (!c || c instanceof Error || !planBasis(ctx.caller, plan, c, ctx.now)) return;
    derived.push(
      ...workOf(ctx.caller, { plan, consent: c, signatures: listOf(signatures[i]), followUps: listOf(followUps[i]), versions: listOf(versions[i]) }, ctx.now),
    );
  });
  return finishWork(ctx.db, ctx.caller, ctx.now, PREFIX, RECORD_KIND, ids, derived, kinds);
}

/** A work item's plan, read with the plan's own authorization (and audited as its read). */
export function planOfItem(ctx: MunicipalityContext, item: WorkItemView): Promise<PlanView | null> {
  return planById(ctx, item.recordId);
}

export function markCarePlanWorkRead(ctx: MunicipalityContext, ids: readonly string[]): Promise<{ marked: number }> {
  return markWorkRead(ctx.db, ctx.caller, ctx.now, PREFIX, t`social services`, ids, () => carePlanWork(ctx, ctx.caller.userId, null));
}

async function visiblePlan(ctx: MunicipalityContext, planId: string): Promise<{ row: PlanRow; basis: string; consent: ConsentRow }> {
  const row = isUuid(planId) ? await ctx.loaders.plan.load(planId) : null;
  const c = row ? await ctx.loaders.consent.load(row.consentId) : null;
  const basis = row && c ? planBasis(ctx.caller, row, c, ctx.now) : null;
  if (!row || !c || !basis) throw planNotVisible(planId);
  return { row, basis, consent: c };
}

/** Sends a message on a plan to the other organisations that see it; they are told (a PLAN_MESSAGE notification). */
export async function sendPlanMessage(ctx: MunicipalityContext, planId: string, text: string): Promise<MessageView> {
  const { row, basis, consent } = await visiblePlan(ctx, planId);
  const body = messageText(text);
  const message = await ctx.db.transaction(async (tx) => {
    const stored = await storeMessage(tx, RECORD_KIND, row.id, ctx.caller, body, ctx.now);
    await notifyPlanMessage(tx, row, consent, ctx.caller.organisation.id, ctx.now);
    return stored;
  });
  ctx.audit.read({
    action: 'MESSAGE_SENT',
    entity: RECORD_KIND,
    entityId: row.id,
    personId: row.personId,
    fields: ['messages'],
    basis,
    owner: row.ownerOrganisationId,
  });
  return message;
}

export async function markPlanMessagesRead(ctx: MunicipalityContext, planId: string): Promise<{ marked: number }> {
  const { row } = await visiblePlan(ctx, planId);
  return { marked: await markMessagesRead(ctx.db, RECORD_KIND, row.id, ctx.caller, ctx.now) };
}

/** The messages of a plan the caller sees (reached only through a visible plan, whose read is audited). */
export function messagesOfPlan(ctx: MunicipalityContext, v: PlanView): Promise<MessageView[]> {
  return ctx.loaders.messages.load(v.row.id);
}
