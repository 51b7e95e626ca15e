/**
 * Who may see and do what with a contract-care order, record by record, on
 * top of the role table in shared/access.ts. An order is visible to the
 * probation officers of the office that registered it, and to staff with
 * client roles of the partner organisations it names (social services and the
 * care provider); to nobody else, by any path. An order one may not see is
 * treated as absent (null, NOT_FOUND, left out of lists), so its existence is
 * not revealed. Every decision of the subgraph about who may do what is here;
 * orders.ts only asks.
 */
import { arrayContains, eq, or, type SQL } from 'drizzle-orm';
import { can, requirePermission, type Permission } from '../../../shared/src/access.ts';
import type { Caller } from '../../../shared/src/caller.ts';
import { forbidden, notFound } from '../../../shared/src/errors.ts';
import { recordAccess } from '../../../shared/src/record-access.ts';
import { contractCareOrder, type OrderRow } from '../db/schema.ts';
import { t } from '../../../shared/src/i18n.ts';

export const BASIS_OWN_OFFICE = 'own probation office';
export const BASIS_PARTNER = 'contract-care partner';
export type Basis = typeof BASIS_OWN_OFFICE | typeof BASIS_PARTNER;

type Parties = Pick<OrderRow, 'probationOfficeId' | 'partnerOrganisationIds'>;

/** The basis on which the caller may read the order, or null when they may not. */
export function readBasis(caller: Caller, o: Parties): Basis | null {
  if (caller.organisation.id === o.probationOfficeId && can(caller, 'contractCare.readOwnOffice')) return BASIS_OWN_OFFICE;
  if (o.partnerOrganisationIds.includes(caller.organisation.id) && can(caller, 'contractCare.readAsPartner')) return BASIS_PARTNER;
  return null;
}

/** The SQL condition for "orders the caller may see"; null when they may see none. */
export function visibleTo(caller: Caller): SQL | null {
  const parts: SQL[] = [];
  if (can(caller, 'contractCare.readOwnOffice')) parts.push(eq(contractCareOrder.probationOfficeId, caller.organisation.id));
  if (can(caller, 'contractCare.readAsPartner')) parts.push(arrayContains(contractCareOrder.partnerOrganisationIds, [caller.organisation.id]));
  const [first, ...rest] = parts;
  if (!first) return null;
  return rest.length === 0 ? first : (or(first, ...rest) ?? null);
}

/**
 * The condition of the order list. A role that can never read an order is
 * told so (FORBIDDEN) instead of getting an empty list it might take for
 * "no orders".
 */
export function listCondition(caller: Caller): SQL {
  const visible = visibleTo(caller);
  if (!visible) throw forbidden(t`Your role (${caller.roles.join(', ')}) does not allow you to read contract-care orders.`);
  return visible;
}

/** The client's name and personnummer are the registering office's own record: partners see the order without them. */
export function identityFor(caller: Caller, o: OrderRow): { name: string; personnummer: string } | null {
  return readBasis(caller, o) === BASIS_OWN_OFFICE ? { name: o.name, personnummer: o.personnummer } : null;
}

export const notVisible = (id: string) => notFound(t`There is no contract-care order ${id} that you can see.`);

/** Orders seen, audited and refused by the shared outline; the owner of the record is the registering office. */
export const orderAccess = recordAccess<OrderRow, Basis>({
  entity: 'ContractCareOrder',
  basis: readBasis,
  subject: (o) => ({ entityId: o.id, personId: o.personId, owner: o.probationOfficeId }),
  notVisible,
});

/** A probation officer registers orders for their own office, never for another agency's staff. */
export function requireRegister(caller: Caller): Basis {
  requirePermission(caller, 'contractCare.register');
  if (caller.organisation.agency !== 'PROBATION') throw forbidden(t`Only a probation office registers contract-care orders.`);
  return BASIS_OWN_OFFICE;
}

/**
 * The steps on an existing order: the permission each needs, and whether only
 * the registering office takes it (the partners report deviations; following
 * up the contract is the office's).
 */
export const STEPS = {
  reportDeviation: { permission: 'contractCare.reportDeviation', officeOnly: false },
  recordEvaluation: { permission: 'contractCare.follow', officeOnly: true },
  recordBreach: { permission: 'contractCare.follow', officeOnly: true },
} as const satisfies Record<string, { permission: Permission; officeOnly: boolean }>;
export type Step = keyof typeof STEPS;

/** Before anything else about a step: the role must allow it (FORBIDDEN names the permission). */
export function requireStepRole(caller: Caller, step: Step): void {
  requirePermission(caller, STEPS[step].permission);
}

/**
 * A step on one order, as read inside the change's transaction: the role must
 * allow it (FORBIDDEN), the order must be visible (else NOT_FOUND, as if
 * absent), and an office-only step must be taken by the registering office
 * (FORBIDDEN: the partner already sees the order, so nothing is revealed).
 */
export function requireStep(caller: Caller, step: Step, o: OrderRow | null | undefined, id: string): { order: OrderRow; basis: Basis } {
  const basis = orderAccess.change(caller, o, id, STEPS[step].permission);
  if (!o) throw notVisible(id); // orderAccess.change has refused a missing order already; this narrows the type
  if (STEPS[step].officeOnly && caller.organisation.id !== o.probationOfficeId) {
    throw forbidden(t`Only the probation office that registered the order can do this; report a deviation instead if something departed from the contract.`);
  }
  return { order: o, basis };
}

/**
 * A joint care plan as probation receives it: its key, and the fields social
 * services holds when the gateway sends them (@requires; only the gateway,
 * which signs, can). A representation may lack them, and then reaches nothing.
 */
export interface PlanReference {
  id: string;
  contractCareOrderId?: string | null;
  person?: { id?: string | null } | null;
}

/** A plan reaches only an order about the plan's own person (a plan cannot name someone else's order into view). */
export function planReaches(plan: PlanReference, o: Pick<OrderRow, 'id' | 'personId'>): boolean {
  const personId = plan.person?.id;
  return plan.contractCareOrderId === o.id && typeof personId === 'string' && personId === o.personId;
}
