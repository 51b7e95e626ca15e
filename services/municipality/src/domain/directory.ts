/** The organisation directory, as any member of staff may read it, and the organisations stored rows name. */
import { requirePermission } from '../../../shared/src/access.ts';
import { organisationsOf, storedOrganisation, type Agency, type Organisation } from '../../../shared/src/directory.ts';
import type { Caller } from '../../../shared/src/caller.ts';

export function listOrganisations(caller: Caller, agency?: Agency | null) {
  requirePermission(caller, 'directory.read');
  return organisationsOf(agency ?? undefined);
}

/** An organisation a stored row names (the shared check). */
export const organisationOf = storedOrganisation;

/** The organisation a row names, or null where the row names none (the individual, a relative). */
export const organisationOrNull = (id: string | null): Organisation | null => (id === null ? null : organisationOf(id));
