/** The probation subgraph: its schema, resolvers, tables and loaders (tests import this). */
import { defineSubgraph } from '../../shared/src/main.ts';
import * as schema from './db/schema.ts';
import { createLoaders } from './loaders.ts';
import { resolvers } from './resolvers/index.ts';
import { seedReference } from './seed.ts';
import { probationNotifications } from './domain/notifications.ts';

export const probation = defineSubgraph('probation', { schema, loaders: createLoaders, resolvers, seedReference, notifications: probationNotifications });
