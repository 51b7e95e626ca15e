/**
 * Contract-care orders: registering, reading (every read is audited with its
 * basis), deviations, evaluations and breaches. Each change is one
 * transaction that asks the policy, builds its row with the same builder the
 * demo seed uses (rules.ts), writes it and its audit event.
 */
import { recordReaders } from '../../../shared/src/record-access.ts';
import { eq } from 'drizzle-orm';
import { appendAudit, type AuditEntry } from '../../../shared/src/audit.ts';
import { storedOrganisation, type Organisation } from '../../../shared/src/directory.ts';
import { isUuid } from '../../../shared/src/ids.ts';
import { paginateTable, personListFilters, thenById, type PersonListArgs } from '../../../shared/src/pagination.ts';
import { stockholmDate } from '../../../shared/src/time.ts';
import { contractCareDeviation, contractCareEvaluation, contractCareOrder, type DeviationRow, type EvaluationRow, type OrderRow } from '../db/schema.ts';
import type { ProbationContext } from '../context.ts';
import {
  listCondition,
  notVisible,
  orderAccess,
  planReaches,
  requireRegister,
  requireStep,
  requireStepRole,
  STEPS,
  type PlanReference,
  type Step,
} from './policy.ts';
import * as rules from './rules.ts';
import { t } from '../../../shared/src/i18n.ts';
import { notifyDeviation } from './notifications.ts';

export const isOrderId = isUuid;

// ------------------------------------------------------------------ reads

const readers = recordReaders(orderAccess, { byId: (ctx: ProbationContext) => ctx.loaders.order, ofPerson: (ctx) => ctx.loaders.ordersOfPerson });
/** One order; null when it does not exist or the caller may not see it (the same answer, on purpose). */
export const orderById = readers.byId;
/** An order reached as an entity from another subgraph: exactly what the direct query gives. */
export const orderByReference = readers.byReference;
/** The orders of a person that the caller may see; empty for anyone else. */
export const ordersOfPerson = readers.ofPerson;

/** The order a joint care plan names, when the policy lets the plan reach it and the caller may see it. */
export async function orderOfPlan(ctx: ProbationContext, plan: PlanReference, fields: string[] | null): Promise<OrderRow | null> {
  const id = plan.contractCareOrderId;
  if (!id || !isOrderId(id)) return null;
  const row = await ctx.loaders.order.load(id);
  return row && planReaches(plan, row) ? orderAccess.one(ctx, row, fields) : null;
}

export type ListArgs = PersonListArgs;

/** The orders the caller may see, newest court decision first. */
export async function listOrders(ctx: ProbationContext, args: ListArgs, fields: string[] | null) {
  const filters = personListFilters(listCondition(ctx.caller), contractCareOrder.personId, args);
  const page = await paginateTable(args, ctx.db, contractCareOrder, {
    what: t`orders`,
    maxSize: 100,
    direction: 'desc',
    keys: thenById(contractCareOrder, 'courtDecisionOn', 'date'),
    where: filters,
  });
  return { ...page, nodes: orderAccess.see(ctx, page.nodes, fields) };
}

export const probationOffice = (o: OrderRow): Organisation => storedOrganisation(o.probationOfficeId);
export const reportingOrganisation = (d: DeviationRow): Organisation => storedOrganisation(d.reportedByOrganisationId);

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

/** Each evaluation with the due date that applied when it was held, and whether it kept it, newest first. */
export async function evaluationsWithDueDates(ctx: ProbationContext, o: OrderRow): Promise<rules.HeldEvaluation[]> {
  return rules.withDueDates(o.courtDecisionOn, await evaluationsOf(ctx, o));
}

// ------------------------------------------------------------------ changes

export async function registerOrder(ctx: ProbationContext, input: rules.OrderInput): Promise<OrderRow> {
  const { caller, now } = ctx;
  const basis = requireRegister(caller);
  const order = rules.newOrder(input, caller, now, ctx.pseudonym);
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx.insert(contractCareOrder).values(order).returning();
    await appendAudit(tx, caller, [{ action: 'CREATE', entity: 'ContractCareOrder', entityId: order.id, personId: order.personId, fields: null, basis }]);
    return row ?? order;
  });
}

type Tx = Parameters<Parameters<ProbationContext['db']['transaction']>[0]>[0];

/** Reads the order inside the transaction (locked for an office step), so the checks see what the change will see. */
async function lockedOrder(tx: Tx, id: string, forUpdate: boolean): Promise<OrderRow | undefined> {
  const q = tx.select().from(contractCareOrder).where(eq(contractCareOrder.id, id));
  const [row] = await (forUpdate ? q.for('update') : q.for('share'));
  return row;
}

/** What a step wrote: its result, and the audit event of the change (about the order's person, owned by its office). */
interface StepChange<T> {
  value: T;
  audit: Pick<AuditEntry, 'action' | 'entity' | 'entityId' | 'fields'>;
}

/**
 * The outline of every step on an order: the role first (FORBIDDEN), then the input (`check`,
 * BAD_USER_INPUT), then in one transaction the order, read and locked as the step needs, must allow
 * the step for the caller (NOT_FOUND as if absent, or FORBIDDEN); `change` writes, and the change is
 * audited with the caller's basis.
 */
async function orderStep<T>(
  ctx: ProbationContext,
  orderId: string,
  step: Step,
  check: () => void,
  change: (tx: Tx, order: OrderRow) => Promise<StepChange<T>>,
): Promise<T> {
  const { caller } = ctx;
  requireStepRole(caller, step);
  check();
  if (!isOrderId(orderId)) throw notVisible(orderId);
  return ctx.db.transaction(async (tx) => {
    const { order, basis } = requireStep(caller, step, await lockedOrder(tx, orderId, STEPS[step].officeOnly), orderId);
    const { value, audit } = await change(tx, order);
    await appendAudit(tx, caller, [{ ...audit, personId: order.personId, basis, owner: order.probationOfficeId }]);
    return value;
  });
}

export function reportDeviation(ctx: ProbationContext, orderId: string, occurredOn: string, description: string): Promise<DeviationRow> {
  return orderStep(
    ctx,
    orderId,
    'reportDeviation',
    () => rules.validateDeviationInput(occurredOn, description, ctx.now),
    async (tx, order) => {
      const deviation = rules.newDeviation(order, occurredOn, description, ctx.caller, ctx.now);
      const [row] = await tx.insert(contractCareDeviation).values(deviation).returning();
      if (!row) throw new Error('the deviation was not stored');
      await notifyDeviation(tx, order, ctx.caller.organisation.id, ctx.now);
      return {
        value: row,
        audit: { action: 'CREATE', entity: 'ContractCareDeviation', entityId: deviation.id, fields: ['orderId', 'occurredOn', 'description'] },
      };
    },
  );
}

export function recordEvaluation(ctx: ProbationContext, orderId: string, heldOn: string, summary: string): Promise<rules.HeldEvaluation> {
  return orderStep(
    ctx,
    orderId,
    'recordEvaluation',
    () => rules.validateEvaluationInput(heldOn, summary, ctx.now),
    async (tx, order) => {
      const evaluation = rules.newEvaluation(order, heldOn, summary, ctx.caller, ctx.now);
      await tx.insert(contractCareEvaluation).values(evaluation);
      // the due date that applied: 90 days after the evaluation held before this one (or the court decision)
      const all = await tx.select().from(contractCareEvaluation).where(eq(contractCareEvaluation.orderId, orderId));
      const held = rules.withDueDates(order.courtDecisionOn, all).find((e) => e.id === evaluation.id);
      if (!held) throw new Error('the evaluation just recorded is missing from its order');
      return { value: held, audit: { action: 'CREATE', entity: 'ContractCareEvaluation', entityId: evaluation.id, fields: ['orderId', 'heldOn', 'summary'] } };
    },
  );
}

export function recordBreach(ctx: ProbationContext, orderId: string, reason: string): Promise<OrderRow> {
  return orderStep(
    ctx,
    orderId,
    'recordBreach',
    () => rules.requiredText(reason, 'reason', t`The reason for the breach`),
    async (tx, order) => {
      const breach = rules.newBreach(order, reason, ctx.caller, ctx.now);
      const [updated] = await tx.update(contractCareOrder).set(breach).where(eq(contractCareOrder.id, orderId)).returning();
      return { value: updated ?? { ...order, ...breach }, audit: { action: 'UPDATE', entity: 'ContractCareOrder', entityId: orderId, fields: ['breach'] } };
    },
  );
}
