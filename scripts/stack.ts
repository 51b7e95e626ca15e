/**
 * The whole hub in one process, for `npm start` and the tests: four
 * subgraphs, each over its own database, and the gateway, talking real HTTP.
 * Databases are created and migrated and reference data is seeded once,
 * unless the caller brings them ready (`prepare: false`).
 */
import { readFileSync } from 'node:fs';
import { LINKED_SUBGRAPHS, loadGatewayConfig, loadSubgraphConfig, SUBGRAPHS, type SubgraphName } from '../services/shared/src/env.ts';
import { ensureDatabase, migrateDatabase, withDatabase } from '../services/shared/src/db.ts';
import { startSubgraph, type RunningSubgraph } from '../services/shared/src/subgraph.ts';
import type { SubgraphModule } from '../services/shared/src/main.ts';
import { detachAdapterTerminateHandlers } from '../services/shared/src/shutdown.ts';
import { startGateway, type DevTokenSigner, type RunningGateway } from '../gateway/src/server.ts';
import { municipality } from '../services/municipality/src/server.ts';
import { psychiatry } from '../services/psychiatry/src/server.ts';
import { probation } from '../services/probation/src/server.ts';
import { clinics } from '../services/clinics/src/server.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the four modules have different table and loader types; the stack only starts them
export const MODULES: Record<SubgraphName, SubgraphModule<any, any>> = { municipality, psychiatry, probation, clinics };

export interface StackOptions {
  /** a server URL whose role may create databases */
  postgresUrl: string;
  /** databases are named `${databasePrefix}_${subgraph}` */
  databasePrefix: string;
  /** environment common to every process: mode, issuer, JWKS, secrets */
  env: Record<string, string>;
  /** 0 for any free port */
  ports?: Partial<Record<SubgraphName | 'gateway', number>>;
  /** development only: lets the dashboard's sign-in picker get tokens for demo council members */
  devTokens?: DevTokenSigner;
  /** false: the databases exist already, migrated and seeded (the tests copy them from templates); default true */
  prepare?: boolean;
}

export interface Stack {
  gatewayUrl: string;
  subgraphUrls: Record<SubgraphName, string>;
  databaseUrls: Record<SubgraphName, string>;
  /** HUB_SHUTDOWN_GRACE_SECONDS of the stack's environment (default 10), for `stop` on a signal */
  shutdownGraceSeconds: number;
  /**
   * Stops the five servers as each process stops in production (services/shared/src/shutdown.ts), within one grace
   * period shared by all (default 0: cut at once): the gateway first, which stops accepting and lets its
   * requests in flight finish (their subgraph requests included), then the subgraphs that link to others, then
   * the rest, each refusing new connections and finishing what it still has, sealing its audit log and closing
   * its pool. Whatever is still running when the grace ends is cut.
   */
  stop: (graceMs?: number) => Promise<void>;
}

export async function prepareDatabases(options: Pick<StackOptions, 'postgresUrl' | 'databasePrefix'>): Promise<Record<SubgraphName, string>> {
  const urls = {} as Record<SubgraphName, string>;
  await Promise.all(
    SUBGRAPHS.map(async (name) => {
      const db = `${options.databasePrefix}_${name}`;
      await ensureDatabase(options.postgresUrl, db);
      urls[name] = withDatabase(options.postgresUrl, db);
      await migrateDatabase(urls[name], MODULES[name].migrationsFolder);
      await MODULES[name].seedReference(urls[name]);
    }),
  );
  return urls;
}

export async function startStack(options: StackOptions): Promise<Stack> {
  const databaseUrls =
    options.prepare === false
      ? (Object.fromEntries(SUBGRAPHS.map((s) => [s, withDatabase(options.postgresUrl, `${options.databasePrefix}_${s}`)])) as Record<SubgraphName, string>)
      : await prepareDatabases(options);
  const running: Partial<Record<SubgraphName, RunningSubgraph>> = {};
  let gateway: RunningGateway | undefined;
  const linking = SUBGRAPHS.filter((s) => LINKED_SUBGRAPHS[s].length > 0);
  const stop = async (graceMs = 0) => {
    const deadline = Date.now() + graceMs;
    const left = () => Math.max(0, deadline - Date.now());
    await gateway?.close(left());
    // the subgraphs that call others first, while those still answer
    for (const group of [linking, SUBGRAPHS.filter((s) => !linking.includes(s))]) {
      await Promise.all(group.flatMap((s) => (running[s] ? [running[s].close(left())] : [])));
    }
  };
  try {
    const start = async (name: SubgraphName) => {
      const upper = name.toUpperCase();
      const config = loadSubgraphConfig(name, {
        ...options.env,
        [`${upper}_DATABASE_URL`]: databaseUrls[name],
        [`${upper}_PORT`]: String(options.ports?.[name] ?? 0),
        // where the subgraphs it links to listen (started before it)
        ...Object.fromEntries(LINKED_SUBGRAPHS[name].map((s) => [`${s.toUpperCase()}_URL`, running[s]!.url])),
      });
      running[name] = await startSubgraph(MODULES[name].definition, config);
    };
    await Promise.all(SUBGRAPHS.filter((s) => !linking.includes(s)).map(start));
    await Promise.all(linking.map(start));
    const subgraphUrls = Object.fromEntries(SUBGRAPHS.map((s) => [s, running[s]!.url])) as Record<SubgraphName, string>;
    // each subgraph's audit head goes to the other three, wherever they listen (ports may be chosen at start)
    for (const s of SUBGRAPHS) running[s]!.witness.setWitnesses(Object.fromEntries(SUBGRAPHS.filter((o) => o !== s).map((o) => [o, subgraphUrls[o]])));
    const gatewayConfig = loadGatewayConfig({
      ...options.env,
      GATEWAY_PORT: String(options.ports?.gateway ?? 0),
      ...Object.fromEntries(SUBGRAPHS.map((s) => [`${s.toUpperCase()}_URL`, subgraphUrls[s]])),
    });
    const supergraph = readFileSync(new URL('../schema/supergraph.graphql', import.meta.url), 'utf8');
    gateway = await startGateway(gatewayConfig, supergraph, options.devTokens ? { devTokens: options.devTokens } : {});
    // the process that runs the stack stops it (`stop`), not Hive Gateway's own signal handlers, which abort requests in flight
    detachAdapterTerminateHandlers(gateway.runtime);
    return { gatewayUrl: gateway.url, subgraphUrls, databaseUrls, shutdownGraceSeconds: gatewayConfig.shutdownGraceSeconds, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
