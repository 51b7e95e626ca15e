/** Resolvers that every subgraph shares: the organisation directory and the Person key. */
import { organisation } from './directory.ts';
import { isPseudonym } from './person-id.ts';
import { badInput } from './errors.ts';

export const organisationResolvers = {
  Organisation: {
    __resolveReference: (ref: { id: string }) => organisation(ref.id) ?? null,
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
  if (!isPseudonym(id)) throw badInput(field, 'This is not a person id of the hub (it starts with "p_"); use findPerson to look one up.');
  return id;
}
