/**
 * Who may see and do what with a withdrawal referral, record by record, on
 * top of the role table in shared/access.ts. A referral is visible to staff
 * of the psychiatry organisation that received it (coordinator, physician,
 * nurse) and to caseworkers of the municipality that sent it; to nobody else,
 * by any path. A referral one may not see is treated as absent (null,
 * NOT_FOUND, left out of lists), so its existence is not revealed.
 */
import { eq, or, type SQL } from 'drizzle-orm';
import { can, requirePermission, type Permission } from '../../../shared/src/access.ts';
import type { Caller } from '../../../shared/src/caller.ts';
import { organisationsOf, type Organisation } from '../../../shared/src/directory.ts';
import { forbidden, notFound } from '../../../shared/src/errors.ts';
import { withdrawalReferral, type ReferralRow } from '../db/schema.ts';

export const BASIS_RECEIVER = 'receiving psychiatry organisation';
export const BASIS_SENDER = 'referring organisation';
export type Basis = typeof BASIS_RECEIVER | typeof BASIS_SENDER;

type Parties = Pick<ReferralRow, 'receivingOrganisationId' | 'referringOrganisationId'>;

/** The basis on which the caller may read the referral, or null when they may not. */
export function readBasis(caller: Caller, r: Parties): Basis | null {
  if (caller.organisation.id === r.receivingOrganisationId && can(caller, 'withdrawal.readReceived')) return BASIS_RECEIVER;
  if (caller.organisation.id === r.referringOrganisationId && can(caller, 'withdrawal.readSent')) return BASIS_SENDER;
  return null;
}

/** The SQL condition for "referrals the caller may see"; null when they may see none. */
export function visibleTo(caller: Caller): SQL | null {
  const parts: SQL[] = [];
  if (can(caller, 'withdrawal.readReceived')) parts.push(eq(withdrawalReferral.receivingOrganisationId, caller.organisation.id));
  if (can(caller, 'withdrawal.readSent')) parts.push(eq(withdrawalReferral.referringOrganisationId, caller.organisation.id));
  if (parts.length === 0) return null;
  return parts.length === 1 ? parts[0]! : (or(...parts) ?? null);
}

/** Only the receiving psychiatry organisation's staff read and write internal notes. */
export function mayReadInternalNotes(caller: Caller, r: Parties): boolean {
  return caller.organisation.id === r.receivingOrganisationId && can(caller, 'withdrawal.internalNotes');
}

/** The psychiatry organisation a municipality's requests go to: the one of its region. */
export function receiverFor(sender: Organisation): Organisation | undefined {
  return organisationsOf('PSYCHIATRY').find((o) => o.regionCode === sender.regionCode);
}

const SIDE_WORDS = { receiver: 'the psychiatry organisation that received the request', sender: 'the organisation that sent the request' } as const;

/**
 * A step on one referral: the role must allow it (FORBIDDEN), the referral
 * must be visible (else NOT_FOUND, as if absent), and the caller must act
 * for the side that takes this step (FORBIDDEN).
 */
export function requireStep(caller: Caller, r: Parties | undefined, id: string, permission: Permission, side: 'receiver' | 'sender'): asserts r is Parties {
  requirePermission(caller, permission);
  if (!r || readBasis(caller, r) === null) throw notFound(`There is no withdrawal referral ${id} that you can see.`);
  const own = side === 'receiver' ? r.receivingOrganisationId : r.referringOrganisationId;
  if (caller.organisation.id !== own) throw forbidden(`Only ${SIDE_WORDS[side]} can do this.`);
}
