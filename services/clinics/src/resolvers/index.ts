/** All resolvers of the clinics subgraph. */
import { organisationResolvers, personReference } from '../../../shared/src/federation.ts';

export const resolvers = {
  ...organisationResolvers,
  Person: personReference,
};
