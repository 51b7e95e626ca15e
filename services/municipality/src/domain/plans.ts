/**
 * Joint care plans (SIP, withdrawal plans, contract-care plans). Every path
 * to a plan goes through `readPlan`, which asks policy.ts for the basis, logs
 * the read, and hides the plan when there is none. Every change is one
 * transaction that makes a new version (optimistic: `expectedVersion` must be
 * the current one), writes the rows its step builds (plan-rules.ts) and its
 * audit event.
 */
import { planBundle } from './fhir.ts';
import { and, eq, isNull, or, sql, type SQL } from 'drizzle-orm';
import { requirePermission } from '../../../shared/src/access.ts';
import { appendAudit, type AuditEntry } from '../../../shared/src/audit.ts';
import { badInput, conflict, isUniqueViolation } from '../../../shared/src/errors.ts';
import { paginateTable, personListFilters, thenById, type PersonListArgs } from '../../../shared/src/pagination.ts';
import { stockholmDate } from '../../../shared/src/time.ts';
import {
  carePlanEffort,
  carePlanFollowUp,
  carePlanIndividualVoice,
  carePlanSignature,
  jointCarePlan,
  jointCarePlanVersion,
  type ConsentRow,
  type EffortRow,
  type FollowUpRow,
  type PlanRow,
  type SignatureRow,
  type VersionRow,
  type VoiceRow,
} from '../db/schema.ts';
import type { MunicipalityContext } from '../context.ts';
import { readConsent } from './consent.ts';
import { requireLinkedRecord } from './linked.ts';
import { notifyNewVersion, notifyPlanCreated } from './notifications.ts';
import {
  BASIS_PLAN_OWNER,
  planAccess,
  planNotVisible,
  requireEffortAuthor,
  requirePlanConsent,
  requireOwner,
  requireSigner,
  visiblePlansSql,
  type PlanRecord,
} from './policy.ts';
import {
  ending,
  followUpOverdue,
  missingSignatures,
  newEffort,
  newFollowUp,
  newPlan,
  newPlanVersion,
  newSignature,
  newVoice,
  planChange,
  signaturesOf,
  statusOf,
  effortChange,
  type CarePlanStatus,
  type CreateInput,
  type IndividualSignatureInput,
  type PlanChange,
} from './plan-rules.ts';
import { t } from '../../../shared/src/i18n.ts';

type Ctx = MunicipalityContext;

/** A plan as one caller sees it: the current version, or an earlier one asked for. */
export interface PlanView {
  row: PlanRow;
  consent: ConsentRow;
  basis: string;
  /** the version shown */
  version: number;
  /** what the version shown says */
  shown: Pick<VersionRow, 'goals' | 'followUpOn' | 'participants'>;
}

/** A record of another subgraph that a plan belongs to; its person arrives through @requires. */
export interface LinkedRecord {
  id: string;
  person?: { id: string } | null;
}

type Tx = Parameters<Parameters<Ctx['db']['transaction']>[0]>[0];

async function recordOf(ctx: Ctx, row: PlanRow | null): Promise<PlanRecord | null> {
  if (!row) return null;
  const planConsent = await ctx.loaders.consent.load(row.consentId);
  return planConsent ? { plan: row, consent: planConsent } : null;
}

function viewOf(record: PlanRecord, basis: string, earlier: VersionRow | null = null): PlanView {
  const { plan } = record;
  return { row: plan, consent: record.consent, basis, version: earlier?.version ?? plan.version, shown: earlier ?? plan };
}

/** The one gate for reading a plan: null when the caller has no basis. */
export async function readPlan(ctx: Ctx, row: PlanRow | null, version?: number | null): Promise<PlanView | null> {
  const access = planAccess(ctx.now);
  const record = await recordOf(ctx, row);
  const basis = record && access.basis(ctx.caller, record);
  if (!record || !basis) return null;
  let earlier: VersionRow | null = null;
  if (version !== undefined && version !== null && version !== record.plan.version) {
    earlier = (await ctx.loaders.versions.load(record.plan.id)).find((v) => v.version === version) ?? null;
    if (!earlier) throw badInput('version', t`The plan has versions 1 to ${record.plan.version}.`);
  }
  access.see(ctx, [record], null);
  return viewOf(record, basis, earlier);
}

async function readAll(ctx: Ctx, rows: PlanRow[]): Promise<PlanView[]> {
  const views = await Promise.all(rows.map((r) => readPlan(ctx, r)));
  return views.filter((v): v is PlanView => v !== null);
}

/** A plan and its consent, unchecked (the policy decides): the record its documents belong to. */
export async function planRecordById(ctx: Ctx, id: string): Promise<PlanRecord | null> {
  return recordOf(ctx, await ctx.loaders.plan.load(id));
}

export async function planById(ctx: Ctx, id: string, version?: number | null) {
  return readPlan(ctx, await ctx.loaders.plan.load(id), version);
}

export async function plansOfPerson(ctx: Ctx, personId: string) {
  return readAll(ctx, await ctx.loaders.plansByPerson.load(personId));
}

/**
 * The plan of a referral or an order, as the other subgraph's record names it: same id and
 * same person. A representation without the person (@requires not met) finds no plan.
 */
async function planOfLinked(ctx: Ctx, rows: PlanRow[], record: LinkedRecord) {
  const personId = record.person?.id;
  if (typeof personId !== 'string') return null;
  return (
    (
      await readAll(
        ctx,
        rows.filter((r) => r.personId === personId),
      )
    )[0] ?? null
  );
}

export async function planForReferral(ctx: Ctx, referral: LinkedRecord) {
  return planOfLinked(ctx, await ctx.loaders.plansByReferral.load(referral.id), referral);
}

export async function planForOrder(ctx: Ctx, order: LinkedRecord) {
  return planOfLinked(ctx, await ctx.loaders.plansByOrder.load(order.id), order);
}

// ---------------------------------------------------------------- what a view shows

/** Signatures on one version of a plan. */
export async function signaturesOn(ctx: Ctx, planId: string, version: number): Promise<SignatureRow[]> {
  return signaturesOf(await ctx.loaders.signatures.load(planId), version);
}

/** The efforts a version of a plan holds: those added in it or before. */
export async function effortsUpTo(ctx: Ctx, planId: string, version: number): Promise<EffortRow[]> {
  return (await ctx.loaders.efforts.load(planId)).filter((e) => e.addedInVersion <= version);
}

/** The status follows the current version's signatures, whichever version is shown. */
export async function planStatus(ctx: Ctx, v: PlanView): Promise<CarePlanStatus> {
  return statusOf(v.row, await signaturesOn(ctx, v.row.id, v.row.version));
}

export async function signedByIndividual(ctx: Ctx, v: PlanView): Promise<boolean> {
  return (await signaturesOn(ctx, v.row.id, v.version)).some((s) => s.asIndividual);
}

export async function planMissingSignatures(ctx: Ctx, v: PlanView): Promise<string[]> {
  return v.row.endedAt ? [] : missingSignatures(v.row.kind, await signaturesOn(ctx, v.row.id, v.version));
}

export function planVersions(ctx: Ctx, v: PlanView): Promise<VersionRow[]> {
  return ctx.loaders.versions.load(v.row.id);
}

export function planFollowUps(ctx: Ctx, v: PlanView): Promise<FollowUpRow[]> {
  return ctx.loaders.followUps.load(v.row.id);
}

/** The individual's views (VIEW) or end requests (END_REQUEST) on the plan, oldest first. */
export async function planVoices(ctx: Ctx, v: PlanView, kind: VoiceRow['kind']): Promise<VoiceRow[]> {
  return (await ctx.loaders.voices.load(v.row.id)).filter((r) => r.kind === kind);
}

export async function planFollowUpOverdue(ctx: Ctx, v: PlanView): Promise<boolean> {
  return followUpOverdue(v.row, await ctx.loaders.followUps.load(v.row.id), ctx.now);
}

/** The plan as a FHIR R4 bundle, from the view readPlan authorized: the parts the same fields show. */
export async function planFhirBundle(ctx: Ctx, v: PlanView): Promise<string> {
  const [status, efforts, signatures] = await Promise.all([planStatus(ctx, v), effortsUpTo(ctx, v.row.id, v.version), signaturesOn(ctx, v.row.id, v.version)]);
  return JSON.stringify(planBundle(v, { status, efforts, signatures, consent: planConsent(ctx, v) }, ctx.now));
}

/** The plan's consent, if the caller may see it too. */
export function planConsent(ctx: Ctx, v: PlanView): ConsentRow | null {
  return readConsent(ctx, v.consent);
}

// ---------------------------------------------------------------- lists

/** The status rules of plan-rules.ts as SQL, for list filters. */
function individualSigned(): SQL {
  return sql`exists (select 1 from ${carePlanSignature} s where s.plan_id = ${jointCarePlan.id} and s.version = ${jointCarePlan.version} and s.as_individual)`;
}
function agencySigned(agencies: string[]): SQL {
  return sql`exists (select 1 from ${carePlanSignature} s where s.plan_id = ${jointCarePlan.id} and s.version = ${jointCarePlan.version} and s.organisation_agency in (${sql.join(
    agencies.map((a) => sql`${a}`),
    sql`, `,
  )}))`;
}
function activeSql(): SQL {
  return and(
    isNull(jointCarePlan.endedAt),
    individualSigned(),
    or(sql`${jointCarePlan.kind} <> 'CONTRACT_CARE'`, and(agencySigned(['MUNICIPALITY']), agencySigned(['PSYCHIATRY', 'CLINIC']), agencySigned(['PROBATION']))),
  )!;
}
function statusSql(status: CarePlanStatus): SQL {
  switch (status) {
    case 'ENDED':
      return sql`(${jointCarePlan.endedAt} is not null and not ${jointCarePlan.completed})`;
    case 'COMPLETED':
      return sql`(${jointCarePlan.endedAt} is not null and ${jointCarePlan.completed})`;
    case 'ACTIVE':
      return activeSql();
    case 'DRAFT':
      return and(isNull(jointCarePlan.endedAt), sql`not ${activeSql()}`)!;
  }
}
function followUpOverdueSql(now: Date): SQL {
  return sql`(${jointCarePlan.endedAt} is null and ${jointCarePlan.followUpOn} < ${stockholmDate(now)}::date
    and not exists (select 1 from ${carePlanFollowUp} f where f.plan_id = ${jointCarePlan.id} and f.held_on >= ${jointCarePlan.followUpSetOn}))`;
}

export interface ListArgs extends PersonListArgs {
  status?: CarePlanStatus[] | null;
  followUpOverdueOnly?: boolean | null;
}

/** Plans the caller may see, newest first. */
export async function listPlans(ctx: Ctx, args: ListArgs) {
  requirePermission(ctx.caller, 'plan.read');
  const filters = personListFilters(visiblePlansSql(ctx.caller, ctx.now)!, jointCarePlan.personId, args);
  if (args.status?.length) filters.push(or(...args.status.map(statusSql))!);
  if (args.followUpOverdueOnly) filters.push(followUpOverdueSql(ctx.now));
  const page = await paginateTable(args, ctx.db, jointCarePlan, {
    what: t`plans`,
    direction: 'desc',
    keys: thenById(jointCarePlan, 'createdAt', 'instant'),
    where: filters,
  });
  for (const r of page.nodes) ctx.loaders.plan.prime(r.id, r);
  return { ...page, nodes: await readAll(ctx, page.nodes) };
}

// ---------------------------------------------------------------- changes

/** A plan the caller may change: the role must allow it (FORBIDDEN), the plan must be visible (else NOT_FOUND) and open. */
async function writable(ctx: Ctx, id: string): Promise<PlanView> {
  const access = planAccess(ctx.now);
  const record = await recordOf(ctx, await ctx.loaders.plan.load(id));
  const basis = access.change(ctx.caller, record, id, 'plan.write');
  if (!record) throw planNotVisible(id);
  access.see(ctx, [record], null);
  const view = viewOf(record, basis);
  if (view.row.endedAt) throw conflict(t`The plan is ${view.row.completed ? 'COMPLETED' : 'ENDED'}; it can no longer be changed.`);
  return view;
}

function versionConflict(expected: number, current: number) {
  return conflict(
    t`The plan has changed since version ${expected}: it is now version ${current}. Read it again and make your change on version ${current}; nothing was saved.`,
    { currentVersion: current },
  );
}

/** Moves the plan from `expected` to the next version, atomically; exactly one of two concurrent edits wins. */
async function bumpVersion(tx: Tx, view: PlanView, expected: number, set: PlanChange): Promise<PlanRow> {
  const [row] = await tx
    .update(jointCarePlan)
    .set({ ...set, version: sql`${jointCarePlan.version} + 1` })
    .where(and(eq(jointCarePlan.id, view.row.id), eq(jointCarePlan.version, expected), isNull(jointCarePlan.endedAt)))
    .returning();
  if (!row) {
    const [now] = await tx.select({ version: jointCarePlan.version }).from(jointCarePlan).where(eq(jointCarePlan.id, view.row.id));
    throw versionConflict(expected, now?.version ?? view.row.version);
  }
  return row;
}

/** The audit event of a change to a plan the caller may change, on the basis they change it. */
function changed(view: PlanView, action: string, fields?: string[]): AuditEntry {
  return {
    action,
    entity: 'JointCarePlan',
    entityId: view.row.id,
    personId: view.row.personId,
    fields,
    basis: view.basis,
    owner: view.row.ownerOrganisationId,
  };
}

function fresh(ctx: Ctx, row: PlanRow, view: Pick<PlanView, 'basis' | 'consent'>): PlanView {
  ctx.loaders.plan.clear(row.id).prime(row.id, row);
  for (const l of [ctx.loaders.efforts, ctx.loaders.signatures, ctx.loaders.versions, ctx.loaders.followUps, ctx.loaders.voices]) l.clear(row.id);
  return viewOf({ plan: row, consent: view.consent }, view.basis);
}

export async function createPlan(ctx: Ctx, input: CreateInput): Promise<PlanView> {
  requirePermission(ctx.caller, 'plan.write');
  const row = newPlan(input, ctx.caller, ctx.now, ctx.pseudonym);
  // The linked record first, in the subgraph that owns it: one the caller may not see is not found,
  // before any conflict with a plan already on it could tell that it exists.
  if (row.withdrawalReferralId) await requireLinkedRecord(ctx, 'WITHDRAWAL_REFERRAL', row.withdrawalReferralId, row.personId);
  if (row.contractCareOrderId) await requireLinkedRecord(ctx, 'CONTRACT_CARE_ORDER', row.contractCareOrderId, row.personId);
  const planConsent = requirePlanConsent(ctx.caller, await ctx.loaders.consent.load(input.consentId), input.consentId, row, ctx.now);
  try {
    await ctx.db.transaction(async (tx) => {
      await tx.insert(jointCarePlan).values(row);
      await tx.insert(jointCarePlanVersion).values(newPlanVersion(row, 'drawn up', ctx.caller, ctx.now));
      await notifyPlanCreated(tx, row, ctx.now);
      await appendAudit(tx, ctx.caller, [
        {
          action: 'CREATE',
          entity: 'JointCarePlan',
          entityId: row.id,
          personId: row.personId,
          basis: `drawn up by own organisation under consent ${planConsent.id}`,
        },
      ]);
    });
  } catch (err) {
    if (isUniqueViolation(err)) {
      throw conflict(
        input.kind === 'WITHDRAWAL'
          ? t`This referral already has an open withdrawal plan; change that plan instead.`
          : t`This contract-care order already has an open plan; change that plan instead.`,
      );
    }
    throw err;
  }
  return fresh(ctx, row, { basis: BASIS_PLAN_OWNER, consent: planConsent });
}

export async function updatePlan(ctx: Ctx, id: string, expectedVersion: number, goals?: string[] | null, followUpOn?: string | null): Promise<PlanView> {
  const view = await writable(ctx, id);
  const { set, fields, change } = planChange(goals, followUpOn, ctx.now);
  const row = await ctx.db.transaction(async (tx) => {
    const next = await bumpVersion(tx, view, expectedVersion, set);
    await tx.insert(jointCarePlanVersion).values(newPlanVersion(next, change, ctx.caller, ctx.now));
    await notifyNewVersion(tx, next, ctx.caller.organisation.id, ctx.now);
    await appendAudit(tx, ctx.caller, [changed(view, 'UPDATE', fields)]);
    return next;
  });
  return fresh(ctx, row, view);
}

export async function addEffort(ctx: Ctx, planId: string, expectedVersion: number, input: Parameters<typeof newEffort>[2]): Promise<PlanView> {
  const view = await writable(ctx, planId);
  requireEffortAuthor(ctx.caller, view.row);
  // checked before the transaction; written with the version the transaction makes
  const draft = newEffort(planId, view.row.version + 1, input, ctx.caller);
  const row = await ctx.db.transaction(async (tx) => {
    const next = await bumpVersion(tx, view, expectedVersion, {});
    const effort = { ...draft, addedInVersion: next.version };
    await tx.insert(carePlanEffort).values(effort);
    await tx.insert(jointCarePlanVersion).values(newPlanVersion(next, effortChange(effort), ctx.caller, ctx.now));
    await notifyNewVersion(tx, next, ctx.caller.organisation.id, ctx.now);
    await appendAudit(tx, ctx.caller, [changed(view, 'UPDATE', ['efforts'])]);
    return next;
  });
  return fresh(ctx, row, view);
}

export async function signPlan(
  ctx: Ctx,
  id: string,
  version: number,
  signedBy: string,
  asIndividual: boolean,
  individualSignature?: IndividualSignatureInput | null,
): Promise<PlanView> {
  const view = await writable(ctx, id);
  requireSigner(ctx.caller, view.row, asIndividual);
  const signature = newSignature(id, version, signedBy, asIndividual, ctx.caller, ctx.now, individualSignature);
  if (signature.documentId && !(await ctx.loaders.documents.load(id)).some((d) => d.id === signature.documentId)) {
    throw badInput('individualSignature.documentId', t`${signature.documentId} is not a document of this plan; upload the signed paper to the plan first.`);
  }
  if (version !== view.row.version) throw versionConflict(version, view.row.version);
  try {
    await ctx.db.transaction(async (tx) => {
      // Lock the plan row so a change and a signature cannot cross.
      const [locked] = await tx.select({ version: jointCarePlan.version }).from(jointCarePlan).where(eq(jointCarePlan.id, id)).for('update');
      if (locked?.version !== version) throw versionConflict(version, locked?.version ?? view.row.version);
      await tx.insert(carePlanSignature).values(signature);
      const fields = asIndividual ? ['individual', ...(signature.how ? [`how:${signature.how}`] : [])] : [ctx.caller.organisation.id];
      await appendAudit(tx, ctx.caller, [changed(view, 'SIGN', fields)]);
    });
  } catch (err) {
    if (isUniqueViolation(err))
      throw conflict(
        asIndividual ? t`The individual has already signed version ${version}.` : t`${ctx.caller.organisation.name} has already signed version ${version}.`,
      );
    throw err;
  }
  return fresh(ctx, view.row, view);
}

export async function endPlan(ctx: Ctx, id: string, reason: string, completed: boolean): Promise<PlanView> {
  const view = await writable(ctx, id);
  const end = ending(reason, completed, ctx.caller, ctx.now);
  const row = await ctx.db.transaction(async (tx) => {
    const [ended] = await tx
      .update(jointCarePlan)
      .set(end)
      .where(and(eq(jointCarePlan.id, id), isNull(jointCarePlan.endedAt)))
      .returning();
    if (!ended) throw conflict(t`The plan has already ended.`);
    await appendAudit(tx, ctx.caller, [changed(view, completed ? 'COMPLETE' : 'END')]);
    return ended;
  });
  return fresh(ctx, row, view);
}

export async function recordFollowUp(ctx: Ctx, planId: string, heldOn: string, summary: string): Promise<PlanView> {
  const view = await writable(ctx, planId);
  const followUp = newFollowUp(view.row, heldOn, summary, ctx.caller, ctx.now);
  await ctx.db.transaction(async (tx) => {
    await tx.insert(carePlanFollowUp).values(followUp);
    await appendAudit(tx, ctx.caller, [changed(view, 'FOLLOW_UP')]);
  });
  return fresh(ctx, view.row, view);
}

/**
 * The individual's own voice on an open plan, recorded on their behalf: their view on a decision,
 * by an organisation that may change the plan; their request that it end, by the owner only (who
 * then decides and ends it with endJointCarePlan). Audited; the plan's version is unchanged.
 */
export async function recordVoice(ctx: Ctx, planId: string, kind: VoiceRow['kind'], text: string): Promise<PlanView> {
  const view = await writable(ctx, planId);
  if (kind === 'END_REQUEST') requireOwner(ctx.caller, view.row, t`Only the organisation that owns the plan records the individual's request to end it.`);
  const voice = newVoice(planId, kind, text, ctx.caller, ctx.now);
  await ctx.db.transaction(async (tx) => {
    await tx.insert(carePlanIndividualVoice).values(voice);
    await appendAudit(tx, ctx.caller, [changed(view, kind === 'VIEW' ? 'INDIVIDUAL_VIEW' : 'END_REQUEST')]);
  });
  return fresh(ctx, view.row, view);
}
