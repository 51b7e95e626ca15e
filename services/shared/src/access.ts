/**
 * The role-to-permission table (rules.md 2: need-based access, kept in one
 * readable place). Domain functions ask `require(caller, permission)` before
 * they touch data; record-level rules (own organisation, referral, plan and
 * consent) live in each subgraph's policy module and come on top of this.
 */
import type { Caller, Role } from './caller.ts';
import { forbidden } from './errors.ts';

const STAFF_WITH_CLIENTS: Role[] = ['CASEWORKER', 'COORDINATOR', 'PHYSICIAN', 'NURSE', 'PROBATION_OFFICER', 'CLINIC_STAFF'];

export const PERMISSIONS = {
  /** look up a person's pseudonymous id from a personnummer (the search itself is audited) */
  'person.search': [...STAFF_WITH_CLIENTS, 'LOG_REVIEWER'],
  /** read the organisation directory */
  'directory.read': ['CASEWORKER', 'COORDINATOR', 'PHYSICIAN', 'NURSE', 'PROBATION_OFFICER', 'CLINIC_STAFF', 'COUNCIL_MEMBER', 'LOG_REVIEWER'],

  // Pathway 1, planned withdrawal treatment. Record-level rules on top (psychiatry's policy.ts):
  // the sender is the caller's own municipality, the receiver the caller's own psychiatry organisation.
  /** send a request for withdrawal treatment to psychiatry, and follow its status */
  'withdrawal.submit': ['CASEWORKER'],
  /** read the requests one's own organisation sent (status, meeting, decision, place, timeline) */
  'withdrawal.readSent': ['CASEWORKER'],
  /** read the requests one's own psychiatry organisation received (the coordinator's inbox) */
  'withdrawal.readReceived': ['COORDINATOR', 'PHYSICIAN', 'NURSE'],
  /** read and write psychiatry's internal notes on a received request */
  'withdrawal.internalNotes': ['COORDINATOR', 'PHYSICIAN', 'NURSE'],
  /** book the assessment and planning meeting */
  'withdrawal.bookMeeting': ['COORDINATOR'],
  /** record the referral group's decision (the chief physician decides) */
  'withdrawal.decide': ['PHYSICIAN'],
  /** offer a place on a ward */
  'withdrawal.offerPlace': ['COORDINATOR'],
  /** record admission to, and discharge from, the ward */
  'withdrawal.admit': ['COORDINATOR'],
  /** ask for a new assessment after an offered place lapsed, or withdraw the request */
  'withdrawal.followUp': ['CASEWORKER'],
  /** see the wards that take withdrawal treatment, their places and occupancy (no personal data) */
  'ward.read': ['CASEWORKER', 'COORDINATOR', 'PHYSICIAN', 'NURSE'],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

const DESCRIPTIONS: Record<Permission, string> = {
  'person.search': 'search for a person by personnummer',
  'directory.read': 'read the organisation directory',
  'withdrawal.submit': 'send a request for withdrawal treatment',
  'withdrawal.readSent': 'read the requests for withdrawal treatment your organisation sent',
  'withdrawal.readReceived': 'read the requests for withdrawal treatment your organisation received',
  'withdrawal.internalNotes': "read or write psychiatry's internal notes on a request",
  'withdrawal.bookMeeting': 'book an assessment meeting',
  'withdrawal.decide': "record the referral group's treatment decision",
  'withdrawal.offerPlace': 'offer a place for withdrawal treatment',
  'withdrawal.admit': 'record admission to or discharge from a ward',
  'withdrawal.followUp': 'ask for a new assessment or withdraw a request',
  'ward.read': 'see the wards and their places',
};

export function can(caller: Caller, permission: Permission): boolean {
  const allowed: readonly Role[] = PERMISSIONS[permission];
  return caller.roles.some((r) => allowed.includes(r));
}

export function requirePermission(caller: Caller, permission: Permission): void {
  if (!can(caller, permission)) {
    throw forbidden(`Your role (${caller.roles.join(', ')}) does not allow you to ${DESCRIPTIONS[permission]}.`);
  }
}
