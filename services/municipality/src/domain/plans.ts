/**
 * Joint care plans (SIP, withdrawal plans, contract-care plans). Every path
 * to a plan goes through `readPlan`, which decides the basis (policy.ts),
 * logs the read, and hides the plan when there is none. Every change is one
 * transaction that makes a new version (optimistic: `expectedVersion` must
 * be the current one) and writes its audit event.
 */
import { randomUUID } from 'node:crypto';
import { and, count, desc, eq, isNull, lt, or, sql, type SQL } from 'drizzle-orm';
import { requirePermission } from '../../../shared/src/access.ts';
import { appendAudit } from '../../../shared/src/audit.ts';
import { organisation } from '../../../shared/src/directory.ts';
import { badInput, conflict, forbidden, isUniqueViolation, notFound } from '../../../shared/src/errors.ts';
import { requirePersonId } from '../../../shared/src/federation.ts';
import { paginate } from '../../../shared/src/pagination.ts';
import { stockholmDate } from '../../../shared/src/time.ts';
import { carePlanEffort, carePlanFollowUp, carePlanSignature, jointCarePlan, jointCarePlanVersion } from '../db/schema.ts';
import type { MunicipalityContext } from '../context.ts';
import type { SignatureRow, VersionRow } from '../loaders.ts';
import { consentActive, consentInactiveReason, planBasis, visiblePlansSql, type ConsentRow, type PlanRow } from './policy.ts';
import * as valid from './validation.ts';

export type CarePlanStatus = 'DRAFT' | 'ACTIVE' | 'COMPLETED' | 'ENDED';

/** A plan as one caller sees it: the current version, or an earlier one asked for. */
export interface PlanView {
  row: PlanRow;
  consent: ConsentRow;
  basis: string;
  /** the version shown */
  version: number;
  /** set when an earlier version is shown */
  earlier: VersionRow | null;
}

type Tx = Parameters<Parameters<MunicipalityContext['db']['transaction']>[0]>[0];

/** The one gate for reading a plan: null when the caller has no basis. */
export async function readPlan(ctx: MunicipalityContext, row: PlanRow | null, version?: number | null): Promise<PlanView | null> {
  if (!row) return null;
  const planConsent = await ctx.loaders.consent.load(row.consentId);
  const basis = planBasis(ctx.caller, row, planConsent ?? undefined, ctx.now);
  if (!basis || !planConsent) return null;
  let earlier: VersionRow | null = null;
  if (version !== undefined && version !== null && version !== row.version) {
    earlier = (await ctx.loaders.versions.load(row.id)).find((v) => v.version === version) ?? null;
    if (!earlier) throw badInput('version', `The plan has versions 1 to ${row.version}.`);
  }
  ctx.audit.read({ entity: 'JointCarePlan', entityId: row.id, personId: row.personId, basis, owner: row.ownerOrganisationId });
  return { row, consent: planConsent, basis, version: earlier?.version ?? row.version, earlier };
}

async function readAll(ctx: MunicipalityContext, rows: PlanRow[]): Promise<PlanView[]> {
  const views = await Promise.all(rows.map((r) => readPlan(ctx, r)));
  return views.filter((v): v is PlanView => v !== null);
}

export async function planById(ctx: MunicipalityContext, id: string, version?: number | null) {
  return readPlan(ctx, await ctx.loaders.plan.load(id), version);
}

export async function plansOfPerson(ctx: MunicipalityContext, personId: string) {
  return readAll(ctx, await ctx.loaders.plansByPerson.load(personId));
}

/** The plan of a referral or an order, as the other subgraph's record names it: same id and same person. */
export async function planForReferral(ctx: MunicipalityContext, referralId: string, personId: string | undefined) {
  const rows = (await ctx.loaders.plansByReferral.load(referralId)).filter((r) => r.personId === personId);
  return (await readAll(ctx, rows))[0] ?? null;
}

export async function planForOrder(ctx: MunicipalityContext, orderId: string, personId: string | undefined) {
  const rows = (await ctx.loaders.plansByOrder.load(orderId)).filter((r) => r.personId === personId);
  return (await readAll(ctx, rows))[0] ?? null;
}

// ---------------------------------------------------------------- derived state

export function signaturesOf(all: SignatureRow[], version: number): SignatureRow[] {
  return all.filter((s) => s.version === version);
}

/** Who still has to sign `version` before the plan is active (rules: the individual always; contract care also all three organisations). */
export function missingSignatures(kind: PlanRow['kind'], signatures: SignatureRow[]): string[] {
  const missing: string[] = [];
  if (!signatures.some((s) => s.asIndividual)) missing.push('the individual');
  if (kind === 'CONTRACT_CARE') {
    const agencies = new Set(signatures.filter((s) => !s.asIndividual).map((s) => s.organisationAgency));
    if (!agencies.has('MUNICIPALITY')) missing.push('social services');
    if (!agencies.has('PSYCHIATRY') && !agencies.has('CLINIC')) missing.push('the care provider');
    if (!agencies.has('PROBATION')) missing.push('the probation service');
  }
  return missing;
}

export function statusOf(row: PlanRow, currentSignatures: SignatureRow[]): CarePlanStatus {
  if (row.endedAt) return row.completed ? 'COMPLETED' : 'ENDED';
  return missingSignatures(row.kind, currentSignatures).length === 0 ? 'ACTIVE' : 'DRAFT';
}

export function followUpOverdue(row: PlanRow, followUps: Array<{ heldOn: string }>, now: Date): boolean {
  if (row.endedAt) return false;
  if (stockholmDate(now) <= row.followUpOn) return false;
  return !followUps.some((f) => f.heldOn >= row.followUpSetOn);
}

/** The same rules as SQL, for list filters. */
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

// ---------------------------------------------------------------- lists

export interface ListArgs {
  personId?: string | null;
  status?: CarePlanStatus[] | null;
  followUpOverdueOnly?: boolean | null;
  first?: number | null;
  after?: string | null;
}

/** Plans the caller may see, newest first. */
export async function listPlans(ctx: MunicipalityContext, args: ListArgs) {
  requirePermission(ctx.caller, 'plan.read');
  const filters: SQL[] = [visiblePlansSql(ctx.caller, ctx.now)!];
  if (args.personId !== null && args.personId !== undefined) filters.push(eq(jointCarePlan.personId, requirePersonId(args.personId, 'personId')));
  if (args.status?.length) filters.push(or(...args.status.map(statusSql))!);
  if (args.followUpOverdueOnly) filters.push(followUpOverdueSql(ctx.now));
  const page = await paginate(args, {
    what: 'plans',
    direction: 'desc',
    keys: [
      { column: jointCarePlan.createdAt, kind: 'instant', of: (r: PlanRow) => r.createdAt },
      { column: jointCarePlan.id, kind: 'uuid', of: (r: PlanRow) => r.id },
    ],
    where: filters,
    count: async (where) => (await ctx.db.select({ n: count() }).from(jointCarePlan).where(where))[0]?.n ?? 0,
    rows: (where, limit) => ctx.db.select().from(jointCarePlan).where(where).orderBy(desc(jointCarePlan.createdAt), desc(jointCarePlan.id)).limit(limit),
  });
  for (const r of page.nodes) ctx.loaders.plan.prime(r.id, r);
  return { ...page, nodes: await readAll(ctx, page.nodes) };
}

// ---------------------------------------------------------------- changes

async function writable(ctx: MunicipalityContext, id: string): Promise<PlanView> {
  requirePermission(ctx.caller, 'plan.write');
  const view = await readPlan(ctx, await ctx.loaders.plan.load(id));
  if (!view) throw notFound(`There is no joint care plan ${id} that you can see.`);
  if (view.row.endedAt) throw conflict(`The plan is ${view.row.completed ? 'COMPLETED' : 'ENDED'}; it can no longer be changed.`);
  return view;
}

function versionConflict(expected: number, current: number) {
  return conflict(
    `The plan has changed since version ${expected}: it is now version ${current}. Read it again and make your change on version ${current}; nothing was saved.`,
    { currentVersion: current },
  );
}

/** Moves the plan from `expected` to the next version, atomically; exactly one of two concurrent edits wins. */
async function bumpVersion(tx: Tx, view: PlanView, expected: number, set: Partial<Pick<PlanRow, 'goals' | 'followUpOn' | 'followUpSetOn'>>): Promise<PlanRow> {
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

async function recordVersion(tx: Tx, ctx: MunicipalityContext, row: PlanRow, change: string) {
  await tx.insert(jointCarePlanVersion).values({
    planId: row.id,
    version: row.version,
    goals: row.goals,
    followUpOn: row.followUpOn,
    participants: row.participants,
    change,
    changedBy: ctx.caller.name,
    changedByOrganisationId: ctx.caller.organisation.id,
    changedAt: ctx.now,
  });
}

function fresh(ctx: MunicipalityContext, row: PlanRow, basis: string, planConsent: ConsentRow): PlanView {
  ctx.loaders.plan.clear(row.id).prime(row.id, row);
  for (const l of [ctx.loaders.efforts, ctx.loaders.signatures, ctx.loaders.versions, ctx.loaders.followUps]) l.clear(row.id);
  return { row, consent: planConsent, basis, version: row.version, earlier: null };
}

export interface CreateInput {
  kind: valid.CarePlanKind;
  personnummer: string;
  consentId: string;
  goals: string[];
  participants: valid.ParticipantInput[];
  followUpOn: string;
  withdrawalReferralId?: string | null;
  contractCareOrderId?: string | null;
}

export async function createPlan(ctx: MunicipalityContext, input: CreateInput): Promise<PlanView> {
  requirePermission(ctx.caller, 'plan.write');
  const org = ctx.caller.organisation.id;
  const person = valid.identity('input.personnummer', input.personnummer, ctx.now);
  const goals = valid.goals('input.goals', input.goals);
  const participants = valid.participants('input.participants', input.participants, org);
  const orgIds = [...new Set(participants.map((p) => p.organisationId).filter((id): id is string => id !== null))];
  const today = stockholmDate(ctx.now);
  const followUpOn = valid.dateNotBefore('input.followUpOn', input.followUpOn, today, 'The follow-up date cannot be in the past.');
  valid.kindRules(input.kind, orgIds, input.withdrawalReferralId, input.contractCareOrderId);

  const personId = ctx.pseudonym(person.normalised);
  const planConsent = await ctx.loaders.consent.load(input.consentId);
  if (!planConsent || !(planConsent.recordedByOrganisationId === org || planConsent.organisationIds.includes(org))) {
    throw badInput('input.consentId', `There is no consent ${input.consentId} that your organisation is party to. Record the individual's consent first.`);
  }
  if (planConsent.personId !== personId) throw badInput('input.consentId', 'This consent was given by another person than the one the plan is about.');
  if (!consentActive(planConsent, ctx.now))
    throw badInput('input.consentId', `The consent is not active: ${consentInactiveReason(planConsent, ctx.now)}. No plan can be drawn up on it.`);
  const unnamed = orgIds.filter((id) => !planConsent.organisationIds.includes(id));
  if (unnamed.length) {
    throw badInput(
      'input.consentId',
      `The consent does not name ${unnamed.map((id) => organisation(id)!.name).join(', ')}. Every participating organisation must be named in the individual's consent.`,
    );
  }

  const row: PlanRow = {
    id: randomUUID(),
    kind: input.kind,
    personId,
    ownerOrganisationId: org,
    consentId: planConsent.id,
    withdrawalReferralId: input.withdrawalReferralId ?? null,
    contractCareOrderId: input.contractCareOrderId ?? null,
    version: 1,
    goals,
    followUpOn,
    followUpSetOn: today,
    participants,
    participantOrganisationIds: orgIds,
    createdAt: ctx.now,
    createdBy: ctx.caller.name,
    endedAt: null,
    endedBy: null,
    endedByOrganisationId: null,
    endReason: null,
    completed: false,
    legalGender: person.gender,
  };
  try {
    await ctx.db.transaction(async (tx) => {
      await tx.insert(jointCarePlan).values(row);
      await recordVersion(tx, ctx, row, 'drawn up');
      await appendAudit(tx, ctx.caller, [
        { action: 'CREATE', entity: 'JointCarePlan', entityId: row.id, personId, basis: `drawn up by own organisation under consent ${planConsent.id}` },
      ]);
    });
  } catch (err) {
    if (isUniqueViolation(err)) {
      throw conflict(
        input.kind === 'WITHDRAWAL'
          ? 'This referral already has an open withdrawal plan; change that plan instead.'
          : 'This contract-care order already has an open plan; change that plan instead.',
      );
    }
    throw err;
  }
  return fresh(ctx, row, 'own organisation', planConsent);
}

export async function updatePlan(
  ctx: MunicipalityContext,
  id: string,
  expectedVersion: number,
  goalsIn?: string[] | null,
  followUpOnIn?: string | null,
): Promise<PlanView> {
  if ((goalsIn === null || goalsIn === undefined) && (followUpOnIn === null || followUpOnIn === undefined)) {
    throw badInput('goals', 'Give new goals or a new follow-up date: there is nothing to change.');
  }
  const view = await writable(ctx, id);
  const set: Partial<Pick<PlanRow, 'goals' | 'followUpOn' | 'followUpSetOn'>> = {};
  const changed: string[] = [];
  if (goalsIn) {
    set.goals = valid.goals('goals', goalsIn);
    changed.push('goals');
  }
  if (followUpOnIn) {
    const today = stockholmDate(ctx.now);
    set.followUpOn = valid.dateNotBefore('followUpOn', followUpOnIn, today, 'The follow-up date cannot be in the past.');
    set.followUpSetOn = today;
    changed.push('follow-up date');
  }
  const row = await ctx.db.transaction(async (tx) => {
    const next = await bumpVersion(tx, view, expectedVersion, set);
    await recordVersion(tx, ctx, next, `changed ${changed.join(' and ')}`);
    await appendAudit(tx, ctx.caller, [
      {
        action: 'UPDATE',
        entity: 'JointCarePlan',
        entityId: id,
        personId: next.personId,
        fields: changed,
        basis: view.basis,
        owner: view.row.ownerOrganisationId,
      },
    ]);
    return next;
  });
  return fresh(ctx, row, view.basis, view.consent);
}

export async function addEffort(
  ctx: MunicipalityContext,
  planId: string,
  expectedVersion: number,
  input: Parameters<typeof valid.effort>[0],
): Promise<PlanView> {
  const view = await writable(ctx, planId);
  const org = ctx.caller.organisation;
  if (!view.row.participantOrganisationIds.includes(org.id)) throw forbidden('Only an organisation taking part in the plan adds efforts to it.');
  const e = valid.effort(input);
  const row = await ctx.db.transaction(async (tx) => {
    const next = await bumpVersion(tx, view, expectedVersion, {});
    await tx.insert(carePlanEffort).values({ id: randomUUID(), planId, organisationId: org.id, ...e, addedInVersion: next.version, addedBy: ctx.caller.name });
    await recordVersion(tx, ctx, next, `effort added by ${org.name}: ${e.description}`);
    await appendAudit(tx, ctx.caller, [
      {
        action: 'UPDATE',
        entity: 'JointCarePlan',
        entityId: planId,
        personId: next.personId,
        fields: ['efforts'],
        basis: view.basis,
        owner: view.row.ownerOrganisationId,
      },
    ]);
    return next;
  });
  return fresh(ctx, row, view.basis, view.consent);
}

export async function signPlan(ctx: MunicipalityContext, id: string, version: number, signedBy: string, asIndividual: boolean): Promise<PlanView> {
  const view = await writable(ctx, id);
  const name = valid.text('signedBy', signedBy, 'The name of who signs', 200);
  if (version !== view.row.version) throw versionConflict(version, view.row.version);
  const org = ctx.caller.organisation;
  if (!asIndividual && !view.row.participantOrganisationIds.includes(org.id)) throw forbidden('Only an organisation taking part in the plan signs it.');
  try {
    await ctx.db.transaction(async (tx) => {
      // Lock the plan row so a change and a signature cannot cross.
      const [locked] = await tx.select({ version: jointCarePlan.version }).from(jointCarePlan).where(eq(jointCarePlan.id, id)).for('update');
      if (locked?.version !== version) throw versionConflict(version, locked?.version ?? view.row.version);
      await tx.insert(carePlanSignature).values({
        id: randomUUID(),
        planId: id,
        version,
        signedBy: name,
        asIndividual,
        organisationId: asIndividual ? null : org.id,
        organisationAgency: asIndividual ? null : org.agency,
        signedAt: ctx.now,
        recordedBy: ctx.caller.name,
        recordedByOrganisationId: org.id,
      });
      await appendAudit(tx, ctx.caller, [
        {
          action: 'SIGN',
          entity: 'JointCarePlan',
          entityId: id,
          personId: view.row.personId,
          fields: [asIndividual ? 'individual' : org.id],
          basis: view.basis,
          owner: view.row.ownerOrganisationId,
        },
      ]);
    });
  } catch (err) {
    if (isUniqueViolation(err))
      throw conflict(asIndividual ? `The individual has already signed version ${version}.` : `${org.name} has already signed version ${version}.`);
    throw err;
  }
  return fresh(ctx, view.row, view.basis, view.consent);
}

export async function endPlan(ctx: MunicipalityContext, id: string, reason: string, completed: boolean): Promise<PlanView> {
  const view = await writable(ctx, id);
  const why = valid.text('reason', reason, 'The reason');
  const row = await ctx.db.transaction(async (tx) => {
    const [ended] = await tx
      .update(jointCarePlan)
      .set({ endedAt: ctx.now, endedBy: ctx.caller.name, endedByOrganisationId: ctx.caller.organisation.id, endReason: why, completed })
      .where(and(eq(jointCarePlan.id, id), isNull(jointCarePlan.endedAt)))
      .returning();
    if (!ended) throw conflict('The plan has already ended.');
    await appendAudit(tx, ctx.caller, [
      {
        action: completed ? 'COMPLETE' : 'END',
        entity: 'JointCarePlan',
        entityId: id,
        personId: ended.personId,
        basis: view.basis,
        owner: view.row.ownerOrganisationId,
      },
    ]);
    return ended;
  });
  return fresh(ctx, row, view.basis, view.consent);
}

export async function recordFollowUp(ctx: MunicipalityContext, planId: string, heldOn: string, summary: string): Promise<PlanView> {
  const view = await writable(ctx, planId);
  const today = stockholmDate(ctx.now);
  const held = valid.dateNotBefore('heldOn', heldOn, stockholmDate(view.row.createdAt), 'A follow-up cannot be held before the plan was drawn up.');
  if (held > today) throw badInput('heldOn', 'A follow-up cannot be recorded before it is held.');
  const text = valid.text('summary', summary, 'The summary');
  await ctx.db.transaction(async (tx) => {
    await tx.insert(carePlanFollowUp).values({
      id: randomUUID(),
      planId,
      heldOn: held,
      summary: text,
      recordedBy: ctx.caller.name,
      organisationId: ctx.caller.organisation.id,
      recordedAt: ctx.now,
    });
    await appendAudit(tx, ctx.caller, [
      { action: 'FOLLOW_UP', entity: 'JointCarePlan', entityId: planId, personId: view.row.personId, basis: view.basis, owner: view.row.ownerOrganisationId },
    ]);
  });
  return fresh(ctx, view.row, view.basis, view.consent);
}
