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
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

const DESCRIPTIONS: Record<Permission, string> = {
  'person.search': 'search for a person by personnummer',
  'directory.read': 'read the organisation directory',
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
