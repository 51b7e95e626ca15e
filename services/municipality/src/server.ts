/** The municipality subgraph: its schema, resolvers, tables and loaders (tests import this). */
import { fileURLToPath } from 'node:url';
import { loadSchema } from '../../shared/src/schema-file.ts';
import type { SubgraphDefinition } from '../../shared/src/subgraph.ts';
import type { SubgraphModule } from '../../shared/src/main.ts';
import * as schema from './db/schema.ts';
import { createLoaders, type Loaders } from './loaders.ts';
import { resolvers } from './resolvers/index.ts';
import { seedReference } from './seed.ts';

export const definition: SubgraphDefinition<typeof schema, Loaders> = {
  name: 'municipality',
  typeDefs: loadSchema('municipality'),
  resolvers,
  schema,
  createLoaders: (db) => createLoaders(db),
};

export const municipality: SubgraphModule<typeof schema, Loaders> = {
  definition,
  migrationsFolder: fileURLToPath(new URL('../drizzle', import.meta.url)),
  seedReference,
};
