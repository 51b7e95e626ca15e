/**
 * Contract-care orders: registering, reading (every read is audited with its
 * basis), deviations, evaluations and breaches. Each change is one
 * transaction that checks the policy, writes the row and its audit event.
 */
import { randomUUID } from 'node:crypto';
import { isUuid } from '../../../shared/src/ids.ts';
import { paginate } from '../../../shared/src/pagination.ts';
import { and, count, desc, eq, lt, or, type SQL } from 'drizzle-orm';
import { appendAudit } from '../../../shared/src/audit.ts';
import { requirePermission } from '../../../shared/src/access.ts';
import { badInput, conflict, forbidden } from '../../../shared/src/errors.ts';
import { isPseudonym } from '../../../shared/src/person-id.ts';
import { requirePersonId } from '../../../shared/src/federation.ts';
import { stockholmDate } from '../../../shared/src/time.ts';
import { contractCareDeviation, contractCareEvaluation, contractCareOrder, type DeviationRow, type EvaluationRow, type OrderRow } from '../db/schema.ts';
import type { ProbationContext } from '../context.ts';
import { BASIS_OWN_OFFICE, mayReadOrders, notVisible, readBasis, requireChange, visibleTo } from './policy.ts';
import * as rules from './rules.ts';

const ENTITY = 'ContractCareOrder';
export const isOrderId = isUuid;

/** The orders the caller may see among `rows`, each read audited with its basis. */
function visibleAndAudited(ctx: ProbationContext, rows: OrderRow[], fields: string[] | null): OrderRow[] {
  const out: OrderRow[] = [];
  for (const o of rows) {
    const basis = readBasis(ctx.caller, o);
    if (!basis) continue;
    ctx.audit.read({ entity: ENTITY, entityId: o.id, personId: o.personId, fields, basis, owner: o.probationOfficeId });
    out.push(o);
  }
  return out;
}

// ------------------------------------------------------------------ reads

/** One order; null when it does not exist or the caller may not see it (the same answer, on purpose). */
export async function orderById(ctx: ProbationContext, id: string, fields: string[] | null): Promise<OrderRow | null> {
  if (!isOrderId(id)) return null;
  const row = await ctx.loaders.order.load(id);
  if (!row) return null;
  return visibleAndAudited(ctx, [row], fields)[0] ?? null;
}

/** An order reached as an entity from another subgraph: exactly what the direct query gives. */
export const orderByReference = (ctx: ProbationContext, id: string) => orderById(ctx, id, null);

/** The orders of a person that the caller may see; empty for anyone else. */
export async function ordersOfPerson(ctx: ProbationContext, personId: string, fields: string[] | null): Promise<OrderRow[]> {
  if (!isPseudonym(personId)) return [];
  return visibleAndAudited(ctx, await ctx.loaders.ordersOfPerson.load(personId), fields);
}

/**
 * The order a joint care plan names, with the plan's fields that social
 * services holds (trustworthy: only the gateway, which signs, can send them).
 * Only when the order is about the plan's person and the caller may see it.
 */
export async function orderOfPlan(
  ctx: ProbationContext,
  plan: { contractCareOrderId?: string | null; person?: { id?: string | null } | null },
  fields: string[] | null,
): Promise<OrderRow | null> {
  const id = plan.contractCareOrderId;
  const personId = plan.person?.id;
  if (!id || !personId || !isOrderId(id)) return null;
  const row = await ctx.loaders.order.load(id);
  if (!row || row.personId !== personId) return null;
  return visibleAndAudited(ctx, [row], fields)[0] ?? null;
}

export interface ListArgs {
  first?: number | null;
  after?: string | null;
  personId?: string | null;
}

/** The orders the caller may see, newest court decision first. */
export async function listOrders(ctx: ProbationContext, args: ListArgs, fields: string[] | null) {
  const visible = visibleTo(ctx.caller);
  if (!visible || !mayReadOrders(ctx.caller)) {
    throw forbidden(`Your role (${ctx.caller.roles.join(', ')}) does not allow you to read contract-care orders.`);
  }
  const filters: SQL[] = [visible];
  if (args.personId !== null && args.personId !== undefined) filters.push(eq(contractCareOrder.personId, requirePersonId(args.personId, 'personId')));
  const page = await paginate(args, {
    what: 'orders',
    maxSize: 100,
    direction: 'desc',
    keys: [
      { column: contractCareOrder.courtDecisionOn, kind: 'date', of: (o: OrderRow) => o.courtDecisionOn },
      { column: contractCareOrder.id, kind: 'uuid', of: (o: OrderRow) => o.id },
    ],
    where: filters,
    count: async (where) => (await ctx.db.select({ n: count() }).from(contractCareOrder).where(where))[0]?.n ?? 0,
    rows: (where, limit) =>
      ctx.db.select().from(contractCareOrder).where(where).orderBy(desc(contractCareOrder.courtDecisionOn), desc(contractCareOrder.id)).limit(limit),
  });
  return { ...page, nodes: visibleAndAudited(ctx, page.nodes, fields) };
}

export const deviationsOf = (ctx: ProbationContext, o: OrderRow): Promise<DeviationRow[]> => ctx.loaders.deviations.load(o.id);
export const evaluationsOf = (ctx: ProbationContext, o: OrderRow): Promise<EvaluationRow[]> => ctx.loaders.evaluations.load(o.id);

export async function nextEvaluationDueBy(ctx: ProbationContext, o: OrderRow): Promise<string | null> {
  if (rules.deriveStatus(o, ctx.now) !== 'ACTIVE') return null;
  return rules.nextEvaluationDueBy(o, await evaluationsOf(ctx, o), ctx.now);
}

export async function evaluationOverdue(ctx: ProbationContext, o: OrderRow): Promise<boolean> {
  const due = await nextEvaluationDueBy(ctx, o);
  return due !== null && stockholmDate(ctx.now) > due;
}

/** Each evaluation with the due date that applied when it was held, and whether it kept it. */
export async function evaluationsWithDueDates(ctx: ProbationContext, o: OrderRow) {
  const evaluations = await evaluationsOf(ctx, o);
  const due = rules.dueDates(o.courtDecisionOn, evaluations);
  return evaluations.map((e) => {
    const dueBy = due.get(e.id)!;
    return { ...e, dueBy, heldByDueDate: e.heldOn <= dueBy };
  });
}

// ------------------------------------------------------------------ changes

export async function registerOrder(ctx: ProbationContext, input: rules.OrderInput): Promise<OrderRow> {
  const { caller, now } = ctx;
  requirePermission(caller, 'contractCare.register');
  if (caller.organisation.agency !== 'PROBATION') throw forbidden('Only a probation office registers contract-care orders.');
  const valid = rules.validateOrder(input, now);
  const personId = ctx.pseudonym(valid.personnummer);
  const id = randomUUID();
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(contractCareOrder)
      .values({
        id,
        probationOfficeId: caller.organisation.id,
        personId,
        personnummer: valid.personnummer,
        name: valid.name,
        courtDecisionOn: valid.courtDecisionOn,
        endsOn: valid.endsOn,
        partnerOrganisationIds: valid.partners.map((p) => p.id),
        registeredAt: now,
        registeredBy: caller.userId,
        registeredByName: caller.name,
      })
      .returning();
    await appendAudit(tx, caller, [{ action: 'CREATE', entity: ENTITY, entityId: id, personId, fields: null, basis: BASIS_OWN_OFFICE }]);
    return row!;
  });
}

type Tx = Parameters<Parameters<ProbationContext['db']['transaction']>[0]>[0];

/** Reads the order inside the transaction (locked for a breach), so the checks see what the change will see. */
async function lockedOrder(tx: Tx, id: string, forUpdate: boolean): Promise<OrderRow | undefined> {
  const q = tx.select().from(contractCareOrder).where(eq(contractCareOrder.id, id));
  const [row] = await (forUpdate ? q.for('update') : q.for('share'));
  return row;
}

export async function reportDeviation(ctx: ProbationContext, orderId: string, occurredOn: string, description: string): Promise<DeviationRow> {
  const { caller, now } = ctx;
  requirePermission(caller, 'contractCare.reportDeviation');
  const text = rules.validateDeviationInput(occurredOn, description, now);
  if (!isOrderId(orderId)) throw notVisible(orderId);
  return ctx.db.transaction(async (tx) => {
    const order = await lockedOrder(tx, orderId, false);
    const basis = requireChange(caller, order, orderId, 'contractCare.reportDeviation', 'participant');
    rules.validateDeviationDate(order!, occurredOn);
    const [row] = await tx
      .insert(contractCareDeviation)
      .values({
        id: randomUUID(),
        orderId,
        occurredOn,
        reportedAt: now,
        description: text,
        reportedByOrganisationId: caller.organisation.id,
        reportedBy: caller.userId,
        reportedByName: caller.name,
      })
      .returning();
    await appendAudit(tx, caller, [
      {
        action: 'CREATE',
        entity: 'ContractCareDeviation',
        entityId: row!.id,
        personId: order!.personId,
        fields: ['orderId', 'occurredOn', 'description'],
        basis,
        owner: order!.probationOfficeId,
      },
    ]);
    return row!;
  });
}

export async function recordEvaluation(ctx: ProbationContext, orderId: string, heldOn: string, summary: string) {
  const { caller, now } = ctx;
  requirePermission(caller, 'contractCare.follow');
  const text = rules.validateEvaluationInput(heldOn, summary, now);
  if (!isOrderId(orderId)) throw notVisible(orderId);
  return ctx.db.transaction(async (tx) => {
    const order = await lockedOrder(tx, orderId, true);
    const basis = requireChange(caller, order, orderId, 'contractCare.follow', 'office');
    rules.validateEvaluationDate(order!, heldOn);
    const [row] = await tx
      .insert(contractCareEvaluation)
      .values({ id: randomUUID(), orderId, heldOn, summary: text, recordedAt: now, recordedBy: caller.userId, recordedByName: caller.name })
      .returning();
    await appendAudit(tx, caller, [
      {
        action: 'CREATE',
        entity: 'ContractCareEvaluation',
        entityId: row!.id,
        personId: order!.personId,
        fields: ['orderId', 'heldOn', 'summary'],
        basis,
        owner: order!.probationOfficeId,
      },
    ]);
    // the due date that applied: 90 days after the evaluation held before this one (or the court decision)
    const all = await tx.select().from(contractCareEvaluation).where(eq(contractCareEvaluation.orderId, orderId));
    const dueBy = rules.dueDates(order!.courtDecisionOn, all).get(row!.id)!;
    return { ...row!, dueBy, heldByDueDate: row!.heldOn <= dueBy };
  });
}

export async function recordBreach(ctx: ProbationContext, orderId: string, reason: string): Promise<OrderRow> {
  const { caller, now } = ctx;
  requirePermission(caller, 'contractCare.follow');
  const why = rules.requiredText(reason, 'reason', 'The reason for the breach');
  if (!isOrderId(orderId)) throw notVisible(orderId);
  return ctx.db.transaction(async (tx) => {
    const order = await lockedOrder(tx, orderId, true);
    const basis = requireChange(caller, order, orderId, 'contractCare.follow', 'office');
    const status = rules.deriveStatus(order!, now);
    if (status === 'BREACHED') throw conflict(`A breach of this order was already recorded on ${stockholmDate(order!.breachedAt!)}.`);
    if (status === 'COMPLETED') throw conflict(`The contract care ended on ${order!.endsOn}; a breach can only be recorded while it is active.`);
    const [updated] = await tx
      .update(contractCareOrder)
      .set({ breachedAt: now, breachReason: why, breachRecordedByName: caller.name })
      .where(eq(contractCareOrder.id, orderId))
      .returning();
    await appendAudit(tx, caller, [
      { action: 'UPDATE', entity: ENTITY, entityId: orderId, personId: order!.personId, fields: ['breach'], basis, owner: order!.probationOfficeId },
    ]);
    return updated!;
  });
}
