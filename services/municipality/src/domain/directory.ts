/** The organisation directory, as any member of staff may read it. */
import { requirePermission } from '../../../shared/src/access.ts';
import { organisationsOf, type Agency } from '../../../shared/src/directory.ts';
import type { Caller } from '../../../shared/src/caller.ts';

export function listOrganisations(caller: Caller, agency?: Agency | null) {
  requirePermission(caller, 'directory.read');
  return organisationsOf(agency ?? undefined);
}
