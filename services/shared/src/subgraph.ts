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
  ApolloServerPluginCacheControlDisabled,
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
import { postgresNonceStore } from './nonce-store.ts';
import { AuditBuffer, appendAudit, withAuditKey } from './audit.ts';
import { startAuditSealer } from './audit-seal.ts';
import { mountWitness, startAuditWitness, type AuditWitnessSender } from './audit-witness.ts';
import { createPool, observedSql, requestDbs, type Db, type StatementCounter } from './db.ts';
import { createErrorFormatter, fieldErrorsPlugin } from './errors.ts';
import { CLOCK_HEADER, clockHeader } from './clock.ts';
import { pseudonymFor } from './person-id.ts';
import { createLogger, type Logger } from './logger.ts';
import { DateScalar, DateTimeScalar } from './scalars.ts';
import { createMetrics, statementKind } from './metrics.ts';
import { apolloRequestPlugin, noteCaller, observeRequests } from './request-log.ts';
import { closeGracefully, refuseWhileStopping, type Stopping } from './shutdown.ts';
import { journalLength, subgraphReadiness } from './health.ts';
import { endSpan, startSqlSpan } from './telemetry.ts';
import { inputRulesPlugin } from './input-rules.ts';
import { DOCUMENTS_PATH, documentsHandler, startDocumentPruner, type DocumentHooks, type DocumentStorage } from './documents.ts';
import { s3DocumentStore } from './document-store.ts';
import { createHandler as createSseHandler } from 'graphql-sse/lib/use/express';
import { GraphQLError, type GraphQLSchema } from 'graphql';
import { listNotifications, markRead, type NotificationHooks } from './notify.ts';
import { liveNotifications, startLive, type LiveHub } from './live.ts';
import { startSweeper } from './sweep.ts';
import { startDigest } from './digest.ts';
import { forbidden } from './errors.ts';
import { LANGUAGE_HEADER, t, withLanguage } from './i18n.ts';

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
  forwarded: { authorization?: string; clock?: string; language?: string };
  /** where attached documents' bytes are (PostgreSQL, or the S3-compatible bucket of HUB_DOCUMENT_S3_*) */
  documentStorage: DocumentStorage;
}

export interface SubgraphDefinition<S extends Record<string, unknown>, L> {
  name: SubgraphConfig['name'];
  typeDefs: DocumentNode;
  /** the subgraph's resolver map, typed as its generated `Resolvers` (src/generated/resolvers.ts) */
  resolvers: object;
  schema: S;
  createLoaders: (db: Db<S>, ctx: Omit<HubContext<S, L>, 'loaders'>) => L;
  /** the subgraph's attached documents (its schema exports the `document` table), if it has any */
  documents?: DocumentHooks<HubContext<S, L>>;
  /** the subgraph's notifications (notify.ts): which records a caller may read, and its deadline sweep */
  notifications?: NotificationHooks;
}

const capitalised = (name: string) => name.charAt(0).toUpperCase() + name.slice(1);

/**
 * The notification fields every subgraph that holds work has, one per subgraph (a root
 * Subscription field cannot be shared between subgraphs, so each has its own): its section
 * of `notifications`, `mark<Name>NotificationsRead` and the subscription `<name>Notifications`.
 */
function notificationResolvers(
  name: SubgraphConfig['name'],
  hooks: NotificationHooks,
  live: LiveHub,
  sweepAt: (now: Date, personId: string | null) => Promise<number>,
) {
  type Ctx = HubContext;
  return {
    Notifications: {
      __resolveReference: (ref: { key: string }) => ref,
      [name]: (_p: unknown, args: { unreadOnly?: boolean | null; first?: number | null; after?: string | null }, ctx: Ctx) =>
        listNotifications(name, ctx.db, hooks, ctx.caller, ctx.now, args),
    },
    Mutation: {
      [`mark${capitalised(name)}NotificationsRead`]: (_p: unknown, args: { ids?: string[] | null }, ctx: Ctx) =>
        markRead(name, ctx.db, hooks, ctx.caller, ctx.now, args.ids).then((marked) => ({ marked })),
      // development only: the sweep as at the request's clock (x-hub-clock), for one person's records or all
      [`run${capitalised(name)}DeadlineSweep`]: (_p: unknown, args: { personId?: string | null }, ctx: Ctx) => {
        if (ctx.config.mode !== 'development') throw forbidden(t`The deadline sweep is run by the clock in production; this mutation is for development only.`);
        return sweepAt(ctx.now, args.personId ?? null).then((told) => ({ told }));
      },
    },
    Subscription: {
      [`${name}Notifications`]: {
        subscribe: (_p: unknown, args: { after?: string | null }, ctx: Ctx) => {
          // the clock header fixes "now" for the whole subscription; otherwise each delivery is judged at its time
          const clock = ctx.forwarded.clock ? () => ctx.now : () => new Date();
          return liveNotifications(name, live, ctx.db, hooks, ctx.caller, clock, args.after);
        },
        resolve: (value: unknown) => value,
      },
    },
  };
}

/** Resolver maps merged type by type (a subgraph's Mutation and the shared notification mutation). */
function mergeResolvers(...maps: object[]): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const map of maps) for (const [type, fields] of Object.entries(map)) out[type] = { ...out[type], ...(fields as Record<string, unknown>) };
  return out;
}

export interface RunningSubgraph {
  url: string;
  pool: Sql;
  /** seals the audit events written so far now (the tests) */
  sealAudit: () => Promise<unknown>;
  /** sends the audit head to the other subgraphs, its witnesses (audit-witness.ts) */
  witness: AuditWitnessSender;
  /** this replica's live notifications (null for a subgraph without notifications) */
  live: LiveHub | null;
  /** runs the deadline sweep for `now` (tests) */
  sweepAt: (now: Date) => Promise<number>;
  /** sends the e-mail digest now (tests); the number of mails sent */
  sendDigest: () => Promise<number>;
  /** stops accepting, lets requests in flight finish for up to `graceMs` (default 0: cut at once), seals, closes the pool */
  close: (graceMs?: number) => Promise<void>;
}

/**
 * A mutation that was refused as a whole: errors, and no root field answered. What it read while
 * deciding to refuse was shown to nobody, so its buffered reads are not written (README, Audit).
 * A mutation of which one field succeeded keeps every read of the request.
 */
export function refusedMutation(
  operation: 'query' | 'mutation' | 'subscription' | undefined,
  result: { data?: unknown; errors?: readonly unknown[] },
): boolean {
  if (operation !== 'mutation' || !result.errors?.length) return false;
  const data = result.data as Record<string, unknown> | null | undefined;
  return !data || Object.values(data).every((v) => v === null || v === undefined);
}

function auditPlugin<S extends Record<string, unknown>, L>(log: Logger): ApolloServerPlugin<HubContext<S, L>> {
  return {
    requestDidStart() {
      return Promise.resolve({
        async willSendResponse({ contextValue, response, operation }) {
          const refused = response.body.kind === 'single' && refusedMutation(operation?.operation, response.body.singleResult);
          const entries = refused ? [] : contextValue.audit.entries;
          if (entries.length > 0) {
            try {
              // one INSERT, no lock: atomic on its own
              await appendAudit(contextValue.db, contextValue.caller, entries);
            } catch (err) {
              log.error({ err }, 'audit write failed; response withheld');
              if (response.body.kind === 'single') {
                response.body.singleResult = {
                  errors: [
                    {
                      message: String(t`The access could not be logged, so nothing is shown. Please try again.`),
                      extensions: { code: 'INTERNAL_SERVER_ERROR' },
                    },
                  ],
                };
              }
            }
          }
          response.http.headers.set(STATEMENTS_HEADER, String(contextValue.stats.count));
          response.http.headers.set('cache-control', 'no-store');
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
  // nonces in the subgraph's database: a request one replica accepted, every replica refuses again
  const signatures = new SignatureVerifier(config.gatewaySecret, def.name, config.signatureMaxAgeSeconds * 1000, Date.now, postgresNonceStore(pool));
  const witness = startAuditWitness(pool, def.name, config.gatewaySecret, config.witnessUrls, config.auditWitnessIntervalMs, log);
  const metrics = createMetrics(def.name);
  metrics.dbPoolMax.set(pool.options.max);
  // every statement of a request is counted, timed and traced
  const observed = observedSql(pool, (statement) => {
    const kind = statementKind(statement);
    const span = startSqlSpan(def.name, kind);
    const end = metrics.dbDuration.startTimer({ statement: kind });
    return (error) => {
      end();
      metrics.dbQueries.inc({ statement: kind });
      if (error) metrics.dbErrors.inc({ statement: kind });
      endSpan(span, error);
    };
  });
  const dbOf = requestDbs(observed, def.schema);
  const expectedMigrations = journalLength(def.name);
  const stopping: Stopping = { stopping: false };
  const documentStorage: DocumentStorage = config.documentS3 ? { kind: 's3', store: s3DocumentStore(config.documentS3) } : { kind: 'postgresql' };
  // unused upload links and removed documents' objects, pruned by every replica (each row by one of them)
  const pruner = def.documents ? startDocumentPruner(dbOf({ count: 0 }), documentStorage, config.documentPruneIntervalMs, log) : { stop: async () => {} };
  const live = def.notifications ? await startLive(pool, log) : null;
  const sweepDb = dbOf({ count: 0 });
  const sweeper = def.notifications ? startSweeper(sweepDb, def.notifications, config.sweepIntervalMs, log) : null;
  const digest = config.email ? startDigest(def.name, pool, config.email, log) : null;

  const schema: GraphQLSchema = buildSubgraphSchema([
    {
      typeDefs: def.typeDefs,
      resolvers: mergeResolvers(
        { Date: DateScalar, DateTime: DateTimeScalar },
        def.resolvers,
        def.notifications && live ? notificationResolvers(def.name, def.notifications, live, (now, personId) => sweeper!.sweepAt(now, personId)) : {},
      ) as GraphQLResolverMap<unknown>,
    },
  ]);
  const server = new ApolloServer<HubContext<S, L>>({
    schema,
    introspection: config.mode === 'development',
    includeStacktraceInErrorResponses: false,
    formatError: createErrorFormatter(log),
    // the process stops on signals itself (main.ts, shutdown.ts): in-flight requests first, then the server
    stopOnTerminationSignals: false,
    plugins: [
      apolloRequestPlugin<HubContext<S, L>>(),
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginInlineTraceDisabled(),
      ApolloServerPluginUsageReportingDisabled(),
      ApolloServerPluginSchemaReportingDisabled(),
      // no field has a cache hint: the answer is personal data and never cacheable (auditPlugin says so
      // itself), and Apollo's cache-control plugin would otherwise look at every resolved field
      ApolloServerPluginCacheControlDisabled(),
      inputRulesPlugin<HubContext<S, L>>(),
      fieldErrorsPlugin<HubContext<S, L>>(),
      auditPlugin<S, L>(log),
    ],
  });
  await server.start();

  const app = express();
  app.disable('x-powered-by');
  app.use(refuseWhileStopping(stopping));
  // every request runs in the language of its Accept-Language (i18n.ts): messages are rendered in it
  app.use(withLanguage);
  // every request runs with the audit key, which keys the content hash of each event it writes (audit.ts)
  app.use((_req, _res, next) => withAuditKey(config.auditKey, next));
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok', subgraph: def.name });
  });
  app.get('/ready', async (_req, res) => {
    const { ready, body } = await subgraphReadiness(def.name, pool, expectedMigrations, def.documents ? documentStorage : undefined);
    res.status(ready ? 200 : 503).json(body);
  });
  app.get('/metrics', metrics.handler);
  // the other subgraphs' audit heads, signed like every request between hub components
  mountWitness(app, pool, def.name, signatures, log);
  // the request's context, the same for GraphQL and the document endpoint: the caller's token verified again
  const contextOf = async (req: express.Request): Promise<HubContext<S, L>> => {
    const caller = await verifyToken(req.headers.authorization);
    noteCaller(caller);
    const now = clockHeader(req.headers[CLOCK_HEADER], config.mode)?.at ?? new Date();
    const stats: StatementCounter = { count: 0 };
    const db = dbOf(stats);
    const base = {
      caller,
      now,
      db,
      audit: new AuditBuffer(),
      config,
      log,
      stats,
      pseudonym: (n: string) => pseudonymFor(config.personIdSecret, n),
      documentStorage,
      forwarded: {
        ...(typeof req.headers.authorization === 'string' ? { authorization: req.headers.authorization } : {}),
        ...(typeof req.headers[CLOCK_HEADER] === 'string' ? { clock: req.headers[CLOCK_HEADER] } : {}),
        ...(typeof req.headers[LANGUAGE_HEADER] === 'string' ? { language: req.headers[LANGUAGE_HEADER] } : {}),
      },
    };
    return { ...base, loaders: def.createLoaders(db, base) };
  };
  // only requests the gateway signed, over the exact body received
  const signedOnly: express.RequestHandler = async (req, res, next) => {
    const raw = (req as unknown as { rawBody?: Buffer }).rawBody ?? (Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0));
    const check = await signatures.check(req.method, req.originalUrl.split('?')[0] ?? '', req.headers, raw).catch((err: unknown) => {
      log.error({ err }, 'replay check failed; request refused');
      return { ok: false as const, reason: t`The request could not be checked against replays; it must be sent again.` };
    });
    if (!check.ok) {
      res.status(401).json({ errors: [{ message: String(check.reason), extensions: { code: 'UNAUTHENTICATED' } }] });
      return;
    }
    next();
  };
  if (def.documents) {
    // attached documents' bytes (services/shared/src/documents.ts): one POST/PUT up, GET down, through the gateway only
    const handler = documentsHandler({
      subgraph: def.name,
      secret: config.gatewaySecret,
      maxBytes: config.documentMaxBytes,
      storage: documentStorage,
      hooks: def.documents,
      contextOf,
      log,
    });
    const raw = express.raw({ type: () => true, limit: config.documentMaxBytes });
    app.get(`${DOCUMENTS_PATH}/:token`, signedOnly, handler);
    app.post(`${DOCUMENTS_PATH}/:token`, raw, signedOnly, handler);
    app.put(`${DOCUMENTS_PATH}/:token`, raw, signedOnly, handler);
  }
  // subscriptions over SSE (graphql-sse, distinct connections: how the gateway asks), beside Apollo
  // on the same schema, after the same signature and token checks; only subscriptions are served here
  const sse = createSseHandler({
    schema,
    context: (req) => (req.raw as unknown as { hubContext: Record<string, unknown> }).hubContext,
    execute: () => ({
      errors: [
        new GraphQLError(String(t`Only subscriptions are served over text/event-stream; send queries and mutations as JSON.`), {
          extensions: { code: 'BAD_REQUEST' },
        }),
      ],
    }),
  });
  const subscriptions: express.RequestHandler = (req, res, next) => {
    if (!String(req.headers.accept ?? '').includes('text/event-stream')) return next();
    if (req.method !== 'POST') {
      // the signature covers the body, not a query string: a subscription comes as a POST
      res
        .status(405)
        .json({ errors: [{ message: String(t`Subscriptions are accepted as a POST with the operation in the body.`), extensions: { code: 'BAD_REQUEST' } }] });
      return;
    }
    void (async () => {
      try {
        (req as unknown as { hubContext: HubContext<S, L> }).hubContext = await contextOf(req);
      } catch (err) {
        const e = err instanceof GraphQLError ? err : new GraphQLError(String(t`The request could not be read.`));
        const status = e.extensions.http?.status ?? (e.extensions.code === 'UNAUTHENTICATED' ? 401 : 400);
        res.status(status).json({ errors: [{ message: e.message, extensions: { code: e.extensions.code ?? 'BAD_REQUEST' } }] });
        return;
      }
      await sse(req, res);
    })().catch(next);
  };
  app.use(
    '/graphql',
    observeRequests(def.name, log, metrics),
    express.json({
      limit: '2mb',
      verify: (req, _res, buf) => {
        (req as unknown as { rawBody: Buffer }).rawBody = buf;
      },
    }),
    signedOnly,
    subscriptions,
    expressMiddleware(server, { context: async ({ req }) => contextOf(req) }),
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
    witness,
    live,
    sweepAt: (now: Date) => sweeper?.sweepAt(now, null) ?? Promise.resolve(0),
    sendDigest: () => digest?.sendNow() ?? Promise.resolve(0),
    close: async (graceMs = 0) => {
      // open subscriptions end first (their streams complete), so that in-flight requests are all that is waited for
      stopping.stopping = true;
      await live?.close();
      await sweeper?.stop();
      await digest?.stop();
      await closeGracefully(httpServer, stopping, graceMs);
      await server.stop();
      await pruner.stop();
      if (documentStorage.kind === 's3') documentStorage.store.close();
      await sealer.stop();
      await witness.stop();
      await pool.end({ timeout: 5 });
    },
  };
}
