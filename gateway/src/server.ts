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
import { CLOCK_HEADER } from './context.ts';
import { createHubGateway, GRAPHQL_PATH, type Planner } from './runtime.ts';
import { dashboardRouter, type DevTokenSigner } from './dashboard.ts';
import { consoleRouter } from './console.ts';

export interface RunningGateway {
  url: string;
  close: () => Promise<void>;
}

export type { DevTokenSigner };

export interface GatewayOptions {
  host?: string;
  devTokens?: DevTokenSigner;
  /** the query planner (default: the Rust one); the other is for comparisons only */
  planner?: Planner;
}

const text = (v: unknown) => (typeof v === 'string' ? v : undefined);

export async function startGateway(config: GatewayConfig, supergraphSdl: string, options: GatewayOptions = {}): Promise<RunningGateway> {
  if (options.devTokens && config.mode !== 'development') throw new Error('a development token signer is refused outside development mode');
  const log = createLogger('gateway', config.logLevel);
  const development = config.mode === 'development';
  const gateway = createHubGateway(config, supergraphSdl, log, options.planner);
  // Load the supergraph and the query planner before listening: the WebSocket server validates
  // against the schema directly, and would otherwise see none on a first request that is not HTTP.
  await gateway.getSchema();
  const verifyToken = createTokenVerifier(config);

  const app = express();
  app.disable('x-powered-by');
  // liveness and readiness alike: the gateway listens only once its supergraph and planner are loaded
  app.get(['/health', '/ready'], (_req, res) => {
    res.json({ status: 'ok' });
  });
  // The council dashboard page (gateway/src/dashboard.ts); its token picker only in development.
  app.use('/dashboard', dashboardRouter(options.devTokens ? { devTokens: options.devTokens } : {}));
  // The development query console (an IDE of the gateway's own, nothing from a CDN).
  if (development) app.use(consoleRouter());
  app.use(
    GRAPHQL_PATH,
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
          message: tooLarge ? `The request body is larger than ${config.maxBodyBytes} bytes.` : 'The request body could not be read.',
          extensions: { code: 'BAD_REQUEST' },
        },
      ],
    });
  });

  const httpServer = http.createServer(app);
  // GraphQL over WebSocket (graphql-ws) on the same path. The token comes in the connection's
  // `connectionParams` (browsers cannot set headers on a WebSocket); a connection without a
  // good one is closed (4403) before any operation, and every operation is checked again.
  const wsServer = new WebSocketServer({ server: httpServer, path: GRAPHQL_PATH, maxPayload: config.maxBodyBytes });
  const wsRequest = (params: Record<string, unknown> | undefined) => {
    const headers: Record<string, string> = {};
    const authorization = text(params?.authorization) ?? text(params?.Authorization);
    if (authorization) headers.authorization = authorization;
    const clock = text(params?.[CLOCK_HEADER]);
    if (clock) headers[CLOCK_HEADER] = clock;
    return new Request(`http://gateway${GRAPHQL_PATH}`, { method: 'POST', headers });
  };
  const wsOptions = getGraphQLWSOptions(gateway, (ctx) => ({ request: wsRequest(ctx.connectionParams) }));
  const wsCleanup = useServer(
    {
      ...wsOptions,
      onConnect: async (ctx) => {
        try {
          await verifyToken(wsRequest(ctx.connectionParams).headers.get('authorization') ?? '');
          return true;
        } catch {
          return false;
        }
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
    close: async () => {
      await wsCleanup.dispose();
      await new Promise<void>((resolve) => wsServer.close(() => resolve()));
      httpServer.closeAllConnections();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
      await gateway.dispose();
    },
  };
}
