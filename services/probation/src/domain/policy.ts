/**
 * Who may see and do what with a contract-care order, record by record, on
 * top of the role table in shared/access.ts. An order is visible to the
 * probation officers of the office that registered it, and to staff with
 * client roles of the partner organisations it names (social services and the
 * care provider); to nobody else, by any path. An order one may not see is
 * treated as absent (null, NOT_FOUND, left out of lists), so its existence is
 * not revealed.
 */
import { arrayContains, eq, or, type SQL } from 'drizzle-orm';
import { can, requirePermission, type Permission } from '../../../shared/src/access.ts';
import type { Caller } from '../../../shared/src/caller.ts';
import { forbidden, notFound } from '../../../shared/src/errors.ts';
import { contractCareOrder, type OrderRow } from '../db/schema.ts';

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

/** Whether the caller may read any order at all (the list is FORBIDDEN to roles that never can). */
export function mayReadOrders(caller: Caller): boolean {
  return can(caller, 'contractCare.readOwnOffice') || can(caller, 'contractCare.readAsPartner');
}

/** The SQL condition for "orders the caller may see"; null when they may see none. */
export function visibleTo(caller: Caller): SQL | null {
  const parts: SQL[] = [];
  if (can(caller, 'contractCare.readOwnOffice')) parts.push(eq(contractCareOrder.probationOfficeId, caller.organisation.id));
  if (can(caller, 'contractCare.readAsPartner')) parts.push(arrayContains(contractCareOrder.partnerOrganisationIds, [caller.organisation.id]));
  if (parts.length === 0) return null;
  return parts.length === 1 ? parts[0]! : (or(...parts) ?? null);
}

/** The client's name and personnummer are the registering office's own record. */
export function maySeeIdentity(caller: Caller, o: Parties): boolean {
  return readBasis(caller, o) === BASIS_OWN_OFFICE;
}

export const notVisible = (id: string) => notFound(`There is no contract-care order ${id} that you can see.`);

/**
 * A change to one order: the role must allow it (FORBIDDEN), the order must
 * be visible (else NOT_FOUND, as if absent), and, for the office's own steps,
 * the caller must belong to the registering office (FORBIDDEN).
 */
export function requireChange(caller: Caller, o: Parties | undefined, id: string, permission: Permission, who: 'office' | 'participant'): Basis {
  requirePermission(caller, permission);
  const basis = o ? readBasis(caller, o) : null;
  if (!o || !basis) throw notVisible(id);
  if (who === 'office' && caller.organisation.id !== o.probationOfficeId) {
    throw forbidden('Only the probation office that registered the order can do this; report a deviation instead if something departed from the contract.');
  }
  return basis;
}
