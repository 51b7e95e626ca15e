/** All resolvers of the psychiatry subgraph. */
import { organisationResolvers, personReference } from '../../../shared/src/federation.ts';

export const resolvers = {
  ...organisationResolvers,
  Person: personReference,
};
