/** All resolvers of the municipality subgraph. */
import { organisationResolvers, personReference } from '../../../shared/src/federation.ts';
import { Query } from './query.ts';

export const resolvers = {
  ...organisationResolvers,
  Person: personReference,
  Query,
};
