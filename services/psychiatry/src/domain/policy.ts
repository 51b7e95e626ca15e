/**
 * Who may see and do what with a withdrawal referral, record by record, on
 * top of the role table in shared/access.ts. A referral is visible to staff
 * of the psychiatry organisation that received it (coordinator, physician,
 * chief physician, nurse) and to caseworkers of the municipality that sent it; to nobody else,
 * by any path. A referral one may not see is treated as absent (null,
 * NOT_FOUND, left out of lists), so its existence is not revealed. Every
 * decision of that kind is made here; the domain functions ask.
 */
import { eq, or, type SQL } from 'drizzle-orm';
import { can, requirePermission, type Permission } from '../../../shared/src/access.ts';
import type { Caller } from '../../../shared/src/caller.ts';
import { organisationsOf, type Organisation } from '../../../shared/src/directory.ts';
import { badInput, conflict, forbidden, notFound } from '../../../shared/src/errors.ts';
import { recordAccess } from '../../../shared/src/record-access.ts';
import { withdrawalReferral, type ReferralRow, type WardRow } from '../db/schema.ts';
import type { Step } from './transitions.ts';
import { t } from '../../../shared/src/i18n.ts';

export const BASIS_RECEIVER = 'receiving psychiatry organisation';
export const BASIS_SENDER = 'referring organisation';
export type Basis = typeof BASIS_RECEIVER | typeof BASIS_SENDER;
/** An organisation invited to a meeting that is neither party of the request: it sees its invitation only, never the referral. */
export const BASIS_INVITED = 'invited organisation';

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

/** A list of referrals: the condition the caller's rows meet; FORBIDDEN for a role that may see none. */
export function listScope(caller: Caller): SQL {
  const visible = visibleTo(caller);
  if (!visible) {
    requirePermission(caller, 'withdrawal.readReceived');
    throw forbidden(t`You may not read withdrawal referrals.`);
  }
  return visible;
}

export const notVisible = (id: string) => notFound(t`There is no withdrawal referral ${id} that you can see.`);

/**
 * Referrals seen, audited and refused by the shared outline
 * (services/shared/src/record-access.ts). The receiving psychiatry
 * organisation holds the record, so it owns every audit event on it.
 */
export const referralAccess = recordAccess<ReferralRow, Basis>({
  entity: 'WithdrawalReferral',
  basis: readBasis,
  subject: (r) => ({ entityId: r.id, personId: r.personId, owner: r.receivingOrganisationId }),
  notVisible,
});

/** Only the receiving psychiatry organisation's staff read and write internal notes. */
export function mayReadInternalNotes(caller: Caller, r: Parties): boolean {
  return caller.organisation.id === r.receivingOrganisationId && can(caller, 'withdrawal.internalNotes');
}

/** Internal notes: FORBIDDEN for anyone but the receiving psychiatry organisation's staff. Returns the basis to audit. */
export function requireInternalNotes(caller: Caller, r: Parties): typeof BASIS_RECEIVER {
  if (!mayReadInternalNotes(caller, r))
    throw forbidden(t`Psychiatry's internal notes are for the staff of the psychiatry organisation that received the request.`);
  return BASIS_RECEIVER;
}

/** The psychiatry organisation a municipality's requests go to: the one of its region. */
export function receiverFor(sender: Organisation): Organisation | undefined {
  return organisationsOf('PSYCHIATRY').find((o) => o.regionCode === sender.regionCode);
}

/** A submission: the role must allow it (FORBIDDEN), checked before the input is. */
export function requireSubmit(caller: Caller): void {
  requirePermission(caller, 'withdrawal.submit');
}

/** The receiver of the caller's requests: CONFLICT when their region has none in the hub. */
export function requireReceiver(caller: Caller): Organisation {
  const receiver = receiverFor(caller.organisation);
  if (!receiver) throw conflict(t`No psychiatry organisation of your region takes requests for withdrawal treatment through the hub.`);
  return receiver;
}

/** Which permission each step needs, and which side of the referral takes it. */
export const STEP_ACTION: Record<Step, { permission: Permission; side: 'receiver' | 'sender' }> = {
  bookMeeting: { permission: 'withdrawal.bookMeeting', side: 'receiver' },
  prepareDecision: { permission: 'withdrawal.prepareDecision', side: 'receiver' },
  decide: { permission: 'withdrawal.decide', side: 'receiver' },
  offerPlace: { permission: 'withdrawal.offerPlace', side: 'receiver' },
  movePlace: { permission: 'withdrawal.offerPlace', side: 'receiver' },
  admit: { permission: 'withdrawal.admit', side: 'receiver' },
  refuseAdmission: { permission: 'withdrawal.admit', side: 'receiver' },
  discharge: { permission: 'withdrawal.admit', side: 'receiver' },
  requestNewAssessment: { permission: 'withdrawal.followUp', side: 'sender' },
  reassessAfterRefusal: { permission: 'withdrawal.bookMeeting', side: 'receiver' },
  changeDischarge: { permission: 'withdrawal.admit', side: 'receiver' },
  withdraw: { permission: 'withdrawal.followUp', side: 'sender' },
  amend: { permission: 'withdrawal.amend', side: 'sender' },
  assign: { permission: 'withdrawal.assign', side: 'receiver' },
};

/** The role check alone, before anything else, so a caller who may never take the step learns nothing from input errors. */
export function mayTake(caller: Caller, step: Step): void {
  requirePermission(caller, STEP_ACTION[step].permission);
}

const SIDE_WORDS = { receiver: 'the psychiatry organisation that received the request', sender: 'the organisation that sent the request' } as const;

/**
 * A step on one referral: the role must allow it (FORBIDDEN), the referral
 * must be visible (else NOT_FOUND, as if absent), and the caller must act
 * for the side that takes this step (FORBIDDEN). Returns the basis to audit.
 */
export function requireStep(caller: Caller, r: ReferralRow | null | undefined, id: string, step: Step): Basis {
  const { permission, side } = STEP_ACTION[step];
  const basis = referralAccess.change(caller, r, id, permission);
  const own = side === 'receiver' ? r?.receivingOrganisationId : r?.referringOrganisationId;
  if (caller.organisation.id !== own) throw forbidden(t`Only ${SIDE_WORDS[side]} can do this.`);
  return basis;
}

/** Wards: the role must allow reading them (they hold no personal data). */
export function requireWards(caller: Caller): void {
  requirePermission(caller, 'ward.read');
}

/**
 * A place is offered on a ward of the receiving psychiatry organisation or,
 * when the coordinator orders the care from another care provider
 * (`fromOtherProvider`), on a ward of another psychiatry organisation of the
 * directory (another region's). BAD_USER_INPUT naming the field otherwise.
 */
export function requireOfferableWard(w: WardRow | undefined, wardId: string, receivingOrganisationId: string, fromOtherProvider: boolean): WardRow {
  if (!fromOtherProvider) return requireOwnWard(w, wardId, receivingOrganisationId);
  if (w?.organisationId === receivingOrganisationId) {
    throw badInput('fromOtherProvider', t`Ward ${wardId} is your own organisation's ward; leave fromOtherProvider out to offer a place on it.`);
  }
  if (!w || !organisationsOf('PSYCHIATRY').some((o) => o.id === w.organisationId)) {
    throw badInput('wardId', t`Ward ${wardId} is not a ward of another care provider in the directory.`);
  }
  return w;
}

/** A place is offered only on a ward of the receiving psychiatry organisation (unless ordered from another provider, above). */
export function requireOwnWard(w: WardRow | undefined, wardId: string, receivingOrganisationId: string): WardRow {
  if (!w || w.organisationId !== receivingOrganisationId) throw badInput('wardId', t`Ward ${wardId} is not a ward of your organisation.`);
  return w;
}

/** The ward a stored offer names (its own organisation's or an ordered one): it must still exist. */
export function requireStoredWard(w: WardRow | undefined, wardId: string): WardRow {
  if (!w) throw new Error(`ward ${wardId} referenced by a referral is missing`);
  return w;
}

export const BASIS_PROVIDER = 'care provider of an ordered place';

/**
 * A care provider whose ward was ordered for a referral of another
 * psychiatry organisation sees only what it needs to receive and treat the
 * individual (OrderedPlace), and only while the place holds a bed on its
 * ward: psychiatry staff of the ward's organisation. Never the referral itself.
 */
export function requireOrderedPlaces(caller: Caller): void {
  requirePermission(caller, 'withdrawal.readReceived');
}
