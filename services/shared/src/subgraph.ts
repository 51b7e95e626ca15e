/**
 * What every subgraph server does the same way: refuse requests the gateway
 * did not sign, verify the caller's token again, build a fresh context per
 * request (clock, database handle, loaders, audit buffer), write the
 * request's read-audit before the response leaves, mask internal errors.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import {
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginSchemaReportingDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import type { DocumentNode } from 'graphql';
import type { Sql } from 'postgres';
import type { SubgraphConfig } from './env.ts';
import type { Caller } from './caller.ts';
import { createTokenVerifier } from './auth.ts';
import { SignatureVerifier } from './signing.ts';
import { AuditBuffer, appendAudit } from './audit.ts';
import { startAuditSealer } from './audit-seal.ts';
import { createPool, requestDb, type Db, type StatementCounter } from './db.ts';
import { createErrorFormatter } from './errors.ts';
import { CLOCK_HEADER, clockHeader } from './clock.ts';
import { pseudonymFor } from './person-id.ts';
import { createLogger, type Logger } from './logger.ts';
import { DateScalar, DateTimeScalar } from './scalars.ts';

export { CLOCK_HEADER };
export const STATEMENTS_HEADER = 'x-hub-sql-statements';

export interface HubContext<S extends Record<string, unknown> = Record<string, unknown>, L = unknown> {
  caller: Caller;
  /** "now" for this request: the real clock, or x-hub-clock in development mode */
  now: Date;
  db: Db<S>;
  loaders: L;
  audit: AuditBuffer;
  config: SubgraphConfig;
  log: Logger;
  stats: StatementCounter;
  /** the shared pseudonymous Person id of a normalised personnummer */
  pseudonym: (normalisedNumber: string) => string;
  /** the caller's Authorization and clock headers as received, for a signed request to the subgraph owning a linked record */
  forwarded: { authorization?: string; clock?: string };
}

export interface SubgraphDefinition<S extends Record<string, unknown>, L> {
  name: SubgraphConfig['name'];
  typeDefs: DocumentNode;
  /** the subgraph's resolver map, typed as its generated `Resolvers` (src/generated/resolvers.ts) */
  resolvers: object;
  schema: S;
  createLoaders: (db: Db<S>, ctx: Omit<HubContext<S, L>, 'loaders'>) => L;
}

export interface RunningSubgraph {
  url: string;
  pool: Sql;
  /** seals the audit events written so far now (the tests) */
  sealAudit: () => Promise<unknown>;
  close: () => Promise<void>;
}

function auditPlugin<S extends Record<string, unknown>, L>(log: Logger): ApolloServerPlugin<HubContext<S, L>> {
  return {
    requestDidStart() {
      return Promise.resolve({
        async willSendResponse({ contextValue, response }) {
          const entries = contextValue.audit.entries;
          if (entries.length > 0) {
            try {
              // one INSERT, no lock: atomic on its own
              await appendAudit(contextValue.db, contextValue.caller, entries);
            } catch (err) {
              log.error({ err }, 'audit write failed; response withheld');
              if (response.body.kind === 'single') {
                response.body.singleResult = {
                  errors: [
                    { message: 'The access could not be logged, so nothing is shown. Please try again.', extensions: { code: 'INTERNAL_SERVER_ERROR' } },
                  ],
                };
              }
            }
          }
          response.http.headers.set(STATEMENTS_HEADER, String(contextValue.stats.count));
        },
      });
    },
  };
}

export async function startSubgraph<S extends Record<string, unknown>, L>(
  def: SubgraphDefinition<S, L>,
  config: SubgraphConfig,
  options: { host?: string } = {},
): Promise<RunningSubgraph> {
  const log = createLogger(`subgraph:${def.name}`, config.logLevel);
  const pool = createPool(config.databaseUrl);
  const sealer = startAuditSealer(pool, config.auditKey, config.auditSealIntervalMs, log);
  const verifyToken = createTokenVerifier(config);
  const signatures = new SignatureVerifier(config.gatewaySecret, def.name, config.signatureMaxAgeSeconds * 1000);

  const server = new ApolloServer<HubContext<S, L>>({
    schema: buildSubgraphSchema([
      { typeDefs: def.typeDefs, resolvers: { Date: DateScalar, DateTime: DateTimeScalar, ...def.resolvers } as GraphQLResolverMap<unknown> },
    ]),
    introspection: config.mode === 'development',
    includeStacktraceInErrorResponses: false,
    formatError: createErrorFormatter(log),
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginInlineTraceDisabled(),
      ApolloServerPluginUsageReportingDisabled(),
      ApolloServerPluginSchemaReportingDisabled(),
      auditPlugin<S, L>(log),
    ],
  });
  await server.start();

  const app = express();
  app.disable('x-powered-by');
  app.get('/health', async (_req, res) => {
    try {
      await pool`select 1`;
      res.json({ status: 'ok', subgraph: def.name });
    } catch {
      res.status(503).json({ status: 'unavailable', subgraph: def.name });
    }
  });
  app.use(
    '/graphql',
    express.json({
      limit: '2mb',
      verify: (req, _res, buf) => {
        (req as unknown as { rawBody: Buffer }).rawBody = buf;
      },
    }),
    (req, res, next) => {
      const raw = (req as unknown as { rawBody?: Buffer }).rawBody ?? Buffer.alloc(0);
      const check = signatures.verify(req.method, req.originalUrl.split('?')[0] ?? '', req.headers, raw);
      if (!check.ok) {
        res.status(401).json({ errors: [{ message: check.reason, extensions: { code: 'UNAUTHENTICATED' } }] });
        return;
      }
      next();
    },
    expressMiddleware(server, {
      context: async ({ req }) => {
        const caller = await verifyToken(req.headers.authorization);
        const now = clockHeader(req.headers[CLOCK_HEADER], config.mode)?.at ?? new Date();
        const stats: StatementCounter = { count: 0 };
        const db = requestDb(pool, def.schema, stats);
        const base = {
          caller,
          now,
          db,
          audit: new AuditBuffer(),
          config,
          log,
          stats,
          pseudonym: (n: string) => pseudonymFor(config.personIdSecret, n),
          forwarded: {
            ...(typeof req.headers.authorization === 'string' ? { authorization: req.headers.authorization } : {}),
            ...(typeof req.headers[CLOCK_HEADER] === 'string' ? { clock: req.headers[CLOCK_HEADER] } : {}),
          },
        };
        return { ...base, loaders: def.createLoaders(db, base) };
      },
    }),
  );

  const httpServer = http.createServer(app);
  await new Promise<void>((resolve) => httpServer.listen(config.port, options.host ?? '127.0.0.1', resolve));
  const { port } = httpServer.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}/graphql`;
  log.info({ url }, 'subgraph listening');
  return {
    url,
    pool,
    sealAudit: sealer.sealNow,
    close: async () => {
      await server.stop();
      httpServer.closeAllConnections();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
      await sealer.stop();
      await pool.end({ timeout: 5 });
    },
  };
}
