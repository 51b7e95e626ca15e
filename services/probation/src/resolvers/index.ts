/** All resolvers of the probation subgraph. */
import { organisationResolvers, personReference } from '../../../shared/src/federation.ts';

export const resolvers = {
  ...organisationResolvers,
  Person: personReference,
};
