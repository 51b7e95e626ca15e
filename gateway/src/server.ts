/**
 * The gateway: Apollo Server over @apollo/gateway with the committed static
 * supergraph (never introspecting subgraphs). Tests import `startGateway`.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloGateway } from '@apollo/gateway';
import { expressMiddleware } from '@as-integrations/express5';
import {
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginSchemaReportingDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import type { GatewayConfig, SubgraphName } from '../../services/shared/src/env.ts';
import { createTokenVerifier } from '../../services/shared/src/auth.ts';
import type { Role } from '../../services/shared/src/caller.ts';
import { createErrorFormatter } from '../../services/shared/src/errors.ts';
import { createLogger } from '../../services/shared/src/logger.ts';
import { createContextFunction, type GatewayContext } from './context.ts';
import { SignedDataSource } from './signing.ts';
import { armor } from './limits.ts';
import { dashboardRouter } from './dashboard.ts';

export interface RunningGateway {
  url: string;
  close: () => Promise<void>;
}

/** In development, responses say which subgraphs a request reached and how many SQL statements each ran. */
const diagnostics: ApolloServerPlugin<GatewayContext> = {
  async requestDidStart() {
    return {
      async willSendResponse({ contextValue, response }) {
        if (response.body.kind === 'single' && contextValue.subgraphs) {
          response.body.singleResult.extensions = { ...response.body.singleResult.extensions, hub: { subgraphs: contextValue.subgraphs } };
        }
      },
    };
  },
};

/** Signs a token for a demo caller; given only to a development-mode gateway (the dashboard's sign-in picker). */
export type DevTokenSigner = (caller: { org: string; roles: Role[]; name: string; sub: string }) => Promise<string>;

export interface GatewayOptions {
  host?: string;
  devTokens?: DevTokenSigner;
}

export async function startGateway(config: GatewayConfig, supergraphSdl: string, options: GatewayOptions = {}): Promise<RunningGateway> {
  if (options.devTokens && config.mode !== 'development') throw new Error('a development token signer is refused outside development mode');
  const log = createLogger('gateway', config.logLevel);
  // The hub sends nothing to Apollo's cloud: @apollo/gateway otherwise starts a usage-metrics
  // exporter (and probes cloud metadata endpoints) when it is constructed.
  process.env.APOLLO_TELEMETRY_DISABLED = 'true';
  const gateway = new ApolloGateway({
    supergraphSdl,
    buildService: ({ name }) => new SignedDataSource(name, config.subgraphUrls[name as SubgraphName], config.gatewaySecret),
  });
  const development = config.mode === 'development';
  const protection = armor(config.mode);
  const server = new ApolloServer<GatewayContext>({
    gateway,
    introspection: development,
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
    includeStacktraceInErrorResponses: false,
    validationRules: protection.validationRules,
    formatError: createErrorFormatter(log),
    plugins: [
      ApolloServerPluginUsageReportingDisabled(),
      ApolloServerPluginSchemaReportingDisabled(),
      ...protection.plugins,
      development ? ApolloServerPluginLandingPageLocalDefault({ embed: false }) : ApolloServerPluginLandingPageDisabled(),
      ...(development ? [diagnostics] : []),
    ],
  });
  await server.start();

  const app = express();
  app.disable('x-powered-by');
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  // The council dashboard page (gateway/src/dashboard.ts); its token picker only in development.
  app.use('/dashboard', dashboardRouter(options.devTokens ? { devTokens: options.devTokens } : {}));
  app.use(
    '/graphql',
    express.json({ limit: config.maxBodyBytes }),
    expressMiddleware(server, { context: createContextFunction(config, createTokenVerifier(config)) }),
  );
  // Oversized or malformed bodies: a clear error, never a stack trace.
  app.use((err: { status?: number; type?: string }, _req: express.Request, res: express.Response, next: express.NextFunction) => {
    if (!err) return next();
    const tooLarge = err.type === 'entity.too.large';
    res.status(tooLarge ? 413 : (err.status ?? 400)).json({
      errors: [
        {
          message: tooLarge ? `The request body is larger than ${config.maxBodyBytes} bytes.` : 'The request body is not valid JSON.',
          extensions: { code: 'BAD_REQUEST' },
        },
      ],
    });
  });

  const httpServer = http.createServer(app);
  await new Promise<void>((resolve) => httpServer.listen(config.port, options.host ?? '127.0.0.1', resolve));
  const { port } = httpServer.address() as AddressInfo;
  const url = `http://localhost:${port}/graphql`;
  log.info({ url }, 'gateway listening');
  return {
    url,
    close: async () => {
      await server.stop();
      httpServer.closeAllConnections();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    },
  };
}
