/**
 * Who is calling: the claims of a verified token, checked against the
 * organisation directory and the roles each kind of organisation can hold.
 */
import type { Organisation } from './directory.ts';
import { Role, type Agency } from './generated/enums.ts';

export { Role };
/** Every role, in the order the shared SDL lists them (generated from services/shared/schema/common.graphql). */
export const ROLES = Object.values(Role);

/**
 * The roles each kind of organisation can give its staff. A token that
 * claims a role its organisation cannot hold is refused, so that (say) a
 * probation office can never mint a PHYSICIAN.
 */
export const ROLES_BY_AGENCY: Record<Agency, readonly Role[]> = {
  MUNICIPALITY: ['CASEWORKER', 'COUNCIL_MEMBER', 'LOG_REVIEWER'],
  PSYCHIATRY: ['COORDINATOR', 'PHYSICIAN', 'CHIEF_PHYSICIAN', 'NURSE', 'COUNCIL_MEMBER', 'LOG_REVIEWER'],
  PROBATION: ['PROBATION_OFFICER', 'LOG_REVIEWER'],
  CLINIC: ['CLINIC_STAFF', 'PHYSICIAN', 'NURSE', 'LOG_REVIEWER'],
};

export interface Caller {
  userId: string;
  name: string;
  organisation: Organisation;
  roles: Role[];
}

export function hasRole(caller: Caller, ...roles: Role[]): boolean {
  return caller.roles.some((r) => roles.includes(r));
}
