/** The municipality subgraph: its schema, resolvers, tables and loaders (tests import this). */
import { defineSubgraph } from '../../shared/src/main.ts';
import * as schema from './db/schema.ts';
import { createLoaders } from './loaders.ts';
import { resolvers } from './resolvers/index.ts';
import { seedReference } from './seed.ts';
import { planDocuments } from './domain/documents.ts';
import { municipalityNotifications } from './domain/notifications.ts';

export const municipality = defineSubgraph('municipality', {
  schema,
  loaders: createLoaders,
  resolvers,
  seedReference,
  documents: planDocuments,
  notifications: municipalityNotifications,
});
