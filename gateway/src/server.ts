/**
 * The gateway process: Hive Gateway (runtime.ts) behind one HTTP server,
 * with the routes of the hub's own: /health, /dashboard, and in development
 * the query console. GraphQL at /graphql over HTTP (POST, GET with a
 * preflight header), server-sent events (`Accept: text/event-stream`) and
 * WebSocket (graphql-ws). Tests import `startGateway`.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { WebSocketServer } from 'ws';
import { useServer } from 'graphql-ws/use/ws';
import { getGraphQLWSOptions } from '@graphql-hive/gateway-runtime';
import type { GatewayConfig } from '../../services/shared/src/env.ts';
import { createTokenVerifier } from '../../services/shared/src/auth.ts';
import { createLogger } from '../../services/shared/src/logger.ts';
import { createMetrics } from '../../services/shared/src/metrics.ts';
import {
  observeRequests,
  observeWebSocketOperation,
  REQUEST_ID_HEADER,
  WEBSOCKET_METHOD,
  type ObservedRequest,
} from '../../services/shared/src/request-log.ts';
import type { GraphQLFormattedError } from 'graphql';
import { closeGracefully, refuseWhileStopping, type Stopping } from '../../services/shared/src/shutdown.ts';
import { gatewayReadiness } from '../../services/shared/src/health.ts';
import { CLOCK_HEADER } from './context.ts';
import { createHubGateway, GRAPHQL_PATH, type Planner } from './runtime.ts';
import { dashboardRouter, type DevTokenSigner } from './dashboard.ts';
import { consoleRouter } from './console.ts';
import { corsMiddleware, webSocketOriginAllowed } from './cors.ts';
import { createRateLimiter, rememberClientAddress } from './rate-limit.ts';
import { postgresSharedCounts, type SharedCounts } from './rate-limit-store.ts';
import { DOCUMENTS_PATH, documentsRouter } from './documents.ts';
import { inLanguage, LANGUAGE_HEADER, languageOf, t, withLanguage } from '../../services/shared/src/i18n.ts';
import { FHIR_PATH, fhirRouter } from './fhir.ts';

export interface RunningGateway {
  url: string;
  /** the Hive Gateway runtime (gateway/src/index.ts detaches its own signal handlers) */
  runtime: object;
  /** the rate-limit counts shared with the other replicas (HUB_GATEWAY_DATABASE_URL), if any */
  sharedLimits?: Pick<SharedCounts, 'sync' | 'syncs' | 'replica'>;
  /** stops accepting, lets requests in flight finish for up to `graceMs` (default 0: cut at once) */
  close: (graceMs?: number) => Promise<void>;
}

export type { DevTokenSigner };

export interface GatewayOptions {
  host?: string;
  devTokens?: DevTokenSigner;
  /** the query planner (default: the Rust one); the other is for comparisons only */
  planner?: Planner;
}

/** An operation over a WebSocket being observed: the errors answered, and whether it was refused (a graphql-ws error message). */
interface WebSocketOperation {
  observed: ObservedRequest;
  errors: Array<GraphQLFormattedError | { extensions?: Record<string, unknown> }>;
  refused: boolean;
}
const HUB_OPERATION = Symbol('hub.websocketOperation');

/**
 * The HTTP status the operation would have been answered with: the highest status its errors
 * carry (as Yoga answers them over HTTP: 401, 400, 429 ...), 400 for a refused operation
 * whose errors carry none, otherwise 200.
 */
export function webSocketStatus(errors: WebSocketOperation['errors'], refused: boolean): number {
  let status = 0;
  for (const e of errors) {
    const http = (e.extensions as { http?: { status?: unknown } } | undefined)?.http;
    if (typeof http?.status === 'number' && http.status > status) status = http.status;
  }
  return status || (refused ? 400 : 200);
}

const text = (v: unknown) => (typeof v === 'string' ? v : undefined);

export async function startGateway(config: GatewayConfig, supergraphSdl: string, options: GatewayOptions = {}): Promise<RunningGateway> {
  if (options.devTokens && config.mode !== 'development') throw new Error('a development token signer is refused outside development mode');
  const log = createLogger('gateway', config.logLevel);
  const development = config.mode === 'development';
  const sharedConfig = config.rateLimit.shared;
  // Several replicas count as one through the gateway database (rate-limit-store.ts); one needs none.
  const limiter = createRateLimiter(
    config.rateLimit,
    sharedConfig ? (charge) => postgresSharedCounts({ ...sharedConfig, secret: config.gatewaySecret, charge, log }) : undefined,
  );
  const metrics = createMetrics('gateway');
  const stopping: Stopping = { stopping: false };
  const gateway = createHubGateway(config, supergraphSdl, log, options.planner, limiter, metrics);
  // Load the supergraph and the query planner before listening: the WebSocket server validates
  // against the schema directly, and would otherwise see none on a first request that is not HTTP.
  await gateway.getSchema();
  if (limiter.shared) {
    // makes the table and says at once whether the database answers (a warning if not: the limits then count per replica)
    await limiter.shared.sync();
    log.info({ syncMs: sharedConfig?.syncMs, shared: limiter.shared.syncs > 0 }, 'rate limits shared through the gateway database');
  }
  const verifyToken = createTokenVerifier(config);

  const app = express();
  app.disable('x-powered-by');
  app.use(refuseWhileStopping(stopping));
  // every request runs in the language of its Accept-Language (services/shared/src/i18n.ts)
  app.use(withLanguage);
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/ready', async (_req, res) => {
    const { ready, body } = await gatewayReadiness(config.subgraphUrls);
    res.status(ready ? 200 : 503).json(body);
  });
  app.get('/metrics', metrics.handler);
  // Development token mints count per client address (rate-limit.ts).
  if (options.devTokens) app.post('/dashboard/dev-token', limiter.mints);
  // The council dashboard page (gateway/src/dashboard.ts); its token picker only in development.
  app.use('/dashboard', dashboardRouter(options.devTokens ? { devTokens: options.devTokens } : {}));
  // Browser pages of the allowed origins only (HUB_CORS_ORIGINS); preflights end here, before any route answers OPTIONS.
  app.use(GRAPHQL_PATH, corsMiddleware(config.corsOrigins, config.mode));
  // Attached documents' bytes, by short-lived signed links (gateway/src/documents.ts): never through GraphQL JSON.
  app.use(DOCUMENTS_PATH, documentsRouter(config, log, verifyToken, limiter));
  // FHIR R4: one person's records as one Bundle, by a GraphQL operation through this gateway with the caller's token (gateway/src/fhir.ts).
  app.use(FHIR_PATH, corsMiddleware(config.corsOrigins, config.mode), fhirRouter(gateway, development, config.rateLimit.trustProxy));
  // The development query console (an IDE of the gateway's own, nothing from a CDN).
  if (development) app.use(consoleRouter());
  app.use(
    GRAPHQL_PATH,
    observeRequests('gateway', log, metrics),
    // The body limit before Hive reads anything; the buffered body is handed on as it came.
    express.raw({ type: () => true, limit: config.maxBodyBytes }),
    gateway,
  );
  // Oversized or unreadable bodies: a clear error, never a stack trace.
  app.use((err: { status?: number; type?: string }, _req: express.Request, res: express.Response, next: express.NextFunction) => {
    if (!err) return next();
    const tooLarge = err.type === 'entity.too.large';
    res.status(tooLarge ? 413 : (err.status ?? 400)).json({
      errors: [
        {
          message: String(tooLarge ? t`The request body is larger than ${config.maxBodyBytes} bytes.` : t`The request body could not be read.`),
          extensions: { code: 'BAD_REQUEST' },
        },
      ],
    });
  });

  const httpServer = http.createServer(app);
  // GraphQL over WebSocket (graphql-ws) on the same path. The token comes in the connection's
  // `connectionParams` (browsers cannot set headers on a WebSocket); a connection without a
  // good one is closed (4403) before any operation, and every operation is checked again.
  const originAllowed = webSocketOriginAllowed(config.corsOrigins);
  const wsServer = new WebSocketServer({
    server: httpServer,
    path: GRAPHQL_PATH,
    maxPayload: config.maxBodyBytes,
    verifyClient: ({ origin, req }: { origin?: string; req: http.IncomingMessage }, done: (ok: boolean, status?: number, message?: string) => void) =>
      originAllowed(origin || undefined, req.headers.host) ? done(true) : done(false, 403, 'Origin not allowed'),
  });
  const wsRequest = (params: Record<string, unknown> | undefined, connection?: http.IncomingMessage) => {
    const headers: Record<string, string> = {};
    const authorization = text(params?.authorization) ?? text(params?.Authorization);
    if (authorization) headers.authorization = authorization;
    const clock = text(params?.[CLOCK_HEADER]);
    if (clock) headers[CLOCK_HEADER] = clock;
    // the language: from the connection_init payload, else the upgrade request's header (a browser sends one)
    const language = text(params?.[LANGUAGE_HEADER]) ?? text(params?.['Accept-Language']) ?? text(connection?.headers[LANGUAGE_HEADER]);
    if (language) headers[LANGUAGE_HEADER] = language;
    const request = new Request(`http://gateway${GRAPHQL_PATH}`, { method: 'POST', headers });
    // The connection's address, for the rate limit of operations without a good token.
    return connection ? rememberClientAddress(request, connection, config.rateLimit.trustProxy) : request;
  };
  // Each operation over a WebSocket is observed as an HTTP request is (request-log.ts): its own
  // request id, the same metrics and the same log line, when it completes or its socket closes.
  const operations = new WeakMap<object, Map<string, WebSocketOperation>>();
  const operationOf = (ctx: object, id: string) => operations.get(ctx)?.get(id);
  const wsOptions = getGraphQLWSOptions(gateway, (ctx) => ({
    request: wsRequest(ctx.connectionParams, (ctx.extra as { request?: http.IncomingMessage }).request),
  }));
  type Run = NonNullable<typeof wsOptions.execute>;
  const within =
    (run: Run) =>
    (args: Parameters<Run>[0]): ReturnType<Run> => {
      const context = args.contextValue as { request?: Request; [HUB_OPERATION]?: WebSocketOperation };
      const observed = context[HUB_OPERATION];
      // each operation runs in its connection's language, as an HTTP request runs in its own
      return inLanguage(languageOf(context.request?.headers.get(LANGUAGE_HEADER)), () => (observed ? observed.observed.run(() => run(args)) : run(args)));
    };
  const finishOperation = (ctx: object, id: string, aborted: boolean) => {
    const op = operationOf(ctx, id);
    if (!op) return;
    operations.get(ctx)!.delete(id);
    op.observed.state.errors = op.errors.length;
    op.observed.finish({ method: WEBSOCKET_METHOD, status: webSocketStatus(op.errors, op.refused), aborted });
  };
  const wsCleanup = useServer(
    {
      ...wsOptions,
      execute: within(wsOptions.execute as Run),
      subscribe: within(wsOptions.subscribe as Run),
      onConnect: async (ctx) => {
        try {
          await verifyToken(wsRequest(ctx.connectionParams).headers.get('authorization') ?? '');
          return true;
        } catch {
          return false;
        }
      },
      onSubscribe: async (ctx, id, payload) => {
        const observed = observeWebSocketOperation('gateway', log, metrics, payload.extensions?.[REQUEST_ID_HEADER], GRAPHQL_PATH);
        const op: WebSocketOperation = { observed, errors: [], refused: false };
        let ops = operations.get(ctx);
        if (!ops) operations.set(ctx, (ops = new Map<string, WebSocketOperation>()));
        ops.set(id, op);
        const params = ctx.connectionParams;
        const language = languageOf(
          text(params?.[LANGUAGE_HEADER]) ??
            text(params?.['Accept-Language']) ??
            text((ctx.extra as { request?: http.IncomingMessage }).request?.headers[LANGUAGE_HEADER]),
        );
        const args = await inLanguage(language, () => observed.run(() => wsOptions.onSubscribe!(ctx, id, payload)));
        if (!args || !('contextValue' in args)) return args;
        const contextValue = args.contextValue as { request: Request; [HUB_OPERATION]?: WebSocketOperation };
        // what the subgraph requests see is this operation's id
        contextValue.request.headers.set(REQUEST_ID_HEADER, observed.state.id);
        contextValue[HUB_OPERATION] = op;
        return args;
      },
      onNext: (ctx, id, _payload, _args, result) => {
        const op = operationOf(ctx, id);
        if (op && 'errors' in result && result.errors) op.errors.push(...result.errors);
      },
      onError: (ctx, id, _payload, errors) => {
        const op = operationOf(ctx, id);
        if (op) {
          op.errors.push(...errors);
          op.refused = true;
        }
      },
      onComplete: (ctx, id) => finishOperation(ctx, id, false),
      // operations still running when the socket closes (graphql-ws completes them first; anything left was cut)
      onClose: (ctx) => {
        for (const id of [...(operations.get(ctx)?.keys() ?? [])]) finishOperation(ctx, id, true);
      },
    },
    wsServer,
  );

  await new Promise<void>((resolve) => httpServer.listen(config.port, options.host ?? '127.0.0.1', resolve));
  const { port } = httpServer.address() as AddressInfo;
  const url = `http://localhost:${port}${GRAPHQL_PATH}`;
  log.info({ url }, 'gateway listening');
  return {
    url,
    runtime: gateway,
    ...(limiter.shared ? { sharedLimits: limiter.shared } : {}),
    close: async (graceMs = 0) => {
      stopping.stopping = true;
      await wsCleanup.dispose();
      await new Promise<void>((resolve) => wsServer.close(() => resolve()));
      await closeGracefully(httpServer, stopping, graceMs);
      await gateway.dispose();
      await limiter.shared?.close();
    },
  };
}
