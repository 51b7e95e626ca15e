/**
 * Runs one subgraph as its own process (docker-compose, production): read
 * the configuration, migrate its database and seed reference data (unless
 * HUB_MIGRATE_ON_START=false), listen, and stop cleanly on SIGINT/SIGTERM.
 */
import { fileURLToPath } from 'node:url';
import type { Caller } from './caller.ts';
import { ConfigError, loadSubgraphConfig, type DatabaseConfig, type SubgraphName } from './env.ts';
import { migrateDatabase, type Db } from './db.ts';
import { loadSchema } from './schema-file.ts';
import { startSubgraph, type SubgraphDefinition } from './subgraph.ts';
import { createLogger } from './logger.ts';
import { stopOnSignals } from './shutdown.ts';
import { setupTelemetry, shutdownTelemetry } from './telemetry.ts';

export interface SubgraphModule<S extends Record<string, unknown>, L> {
  definition: SubgraphDefinition<S, L>;
  migrationsFolder: string;
  seedReference: (databaseUrl: string) => Promise<void>;
}

/**
 * A subgraph's module as every subgraph puts it together: its SDL (with the shared
 * types), its resolvers, tables, per-request loaders (given the caller, for those
 * that filter by it), its migrations folder (services/<name>/drizzle) and its reference data.
 */
export function defineSubgraph<S extends Record<string, unknown>, L>(
  name: SubgraphName,
  parts: {
    schema: S;
    loaders: (db: Db<S>, caller: Caller) => L;
    resolvers: object;
    seedReference: (databaseUrl: string) => Promise<void>;
    /** attached documents (services/shared/src/documents.ts), for a subgraph whose records have them */
    documents?: SubgraphDefinition<S, L>['documents'];
    /** notifications and the deadline sweep (services/shared/src/notify.ts), for a subgraph that holds work */
    notifications?: SubgraphDefinition<S, L>['notifications'];
  },
): SubgraphModule<S, L> {
  return {
    definition: {
      name,
      typeDefs: loadSchema(name),
      resolvers: parts.resolvers,
      schema: parts.schema,
      createLoaders: (db, ctx) => parts.loaders(db, ctx.caller),
      ...(parts.documents ? { documents: parts.documents } : {}),
      ...(parts.notifications ? { notifications: parts.notifications } : {}),
    },
    migrationsFolder: fileURLToPath(new URL(`../../${name}/drizzle`, import.meta.url)),
    seedReference: parts.seedReference,
  };
}

/**
 * Migrations (as the owner role, under the migration lock), the runtime role's grants, and the
 * reference data: what `npm run migrate` and a subgraph starting with HUB_MIGRATE_ON_START do.
 */
export async function migrateSubgraph<S extends Record<string, unknown>, L>(mod: SubgraphModule<S, L>, db: DatabaseConfig): Promise<void> {
  await migrateDatabase(db.migrationDatabaseUrl, mod.migrationsFolder, { runtimeRole: db.runtimeRole });
  await mod.seedReference(db.migrationDatabaseUrl);
}

export async function runSubgraph<S extends Record<string, unknown>, L>(name: SubgraphName, mod: SubgraphModule<S, L>): Promise<void> {
  let config;
  try {
    config = loadSubgraphConfig(name);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`${name}: ${err.message}`);
      process.exit(78);
    }
    throw err;
  }
  const log = createLogger(`subgraph:${name}`, config.logLevel);
  setupTelemetry(name, { env: config.telemetry });
  if (config.migrateOnStart) await migrateSubgraph(mod, config);
  else log.info('HUB_MIGRATE_ON_START=false: not migrating (npm run migrate is run before start)');
  const running = await startSubgraph(mod.definition, config, { host: config.host });
  stopOnSignals(log, config.shutdownGraceSeconds, async (graceMs) => {
    await running.close(graceMs);
    await shutdownTelemetry();
  });
}
