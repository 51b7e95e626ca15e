/** Resolvers that every subgraph shares: the organisation directory and the Person key. */
import { organisation, type Organisation } from './directory.ts';
import { requirePermission } from './access.ts';
import type { Caller } from './caller.ts';
import { isPseudonym } from './person-id.ts';
import { badInput } from './errors.ts';
import { t } from './i18n.ts';

export const organisationResolvers = {
  Organisation: {
    __resolveReference: (ref: { id: string }) => organisation(ref.id) ?? null,
    /** the directory's contact details: for any member of staff who may read the directory */
    contacts: (o: Organisation, _: unknown, ctx: { caller: Caller }) => {
      requirePermission(ctx.caller, 'directory.read');
      return [...o.contacts];
    },
  },
};

/** A Person is only its key (the pseudonymous id) in every subgraph; each field checks access on its own. */
export interface PersonKey {
  id: string;
}

/** A Person arrives as its key; each field it carries checks access on its own. */
export const personReference = {
  __resolveReference: (ref: PersonKey): PersonKey => ({ id: ref.id }),
};

export function requirePersonId(id: string, field = 'id'): string {
  if (!isPseudonym(id)) throw badInput(field, t`This is not a person id of the hub (it starts with "p_"); use findPerson to look one up.`);
  return id;
}
