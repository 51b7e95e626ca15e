/**
 * Finding a person. The pseudonymous id is derived, not stored, so a search
 * reveals nothing about whether any organisation holds a record; what the
 * caller then sees on the Person is decided field by field. The search
 * itself is access to a personnummer and is logged.
 */
import { requirePermission } from '../../../shared/src/access.ts';
import { requirePersonId } from '../../../shared/src/federation.ts';
import type { MunicipalityContext } from '../context.ts';
import { identity } from './validation.ts';

export function findPerson(ctx: MunicipalityContext, personnummer: string) {
  requirePermission(ctx.caller, 'person.search');
  const id = ctx.pseudonym(identity('personnummer', personnummer, ctx.now).normalised);
  ctx.audit.read({ action: 'SEARCH', entity: 'Person', entityId: id, personId: id, fields: ['personnummer'], basis: 'search by personnummer' });
  return { id };
}

export function personById(ctx: MunicipalityContext, id: string) {
  requirePermission(ctx.caller, 'person.search');
  return { id: requirePersonId(id) };
}
