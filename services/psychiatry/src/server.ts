/** The psychiatry subgraph: its schema, resolvers, tables and loaders (tests import this). */
import { defineSubgraph } from '../../shared/src/main.ts';
import * as schema from './db/schema.ts';
import { createLoaders } from './loaders.ts';
import { resolvers } from './resolvers/index.ts';
import { seedReference } from './seed.ts';
import { referralDocuments } from './domain/documents.ts';
import { psychiatryNotifications } from './domain/notifications.ts';

export const psychiatry = defineSubgraph('psychiatry', {
  schema,
  loaders: createLoaders,
  resolvers,
  seedReference,
  documents: referralDocuments,
  notifications: psychiatryNotifications,
});
