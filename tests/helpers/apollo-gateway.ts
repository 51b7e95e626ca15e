/**
 * Apollo's gateway (@apollo/gateway under Apollo Server, Elastic License 2.0) over the
 * committed supergraph, wired as the hub's gateway is: the caller's token and clock
 * forwarded, every subgraph request signed. A development tool only: the compatibility test
 * and the gateway benchmark run it beside the hub's gateway to show the supergraph runs on
 * another router with the same answers. Nothing in production imports it.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { ApolloServer } from '@apollo/server';
import { ApolloGateway, RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { Fetcher } from '@apollo/utils.fetcher';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloServerPluginLandingPageDisabled, ApolloServerPluginUsageReportingDisabled } from '@apollo/server/plugin/disabled';
import type { GatewayConfig, SubgraphName } from '../../services/shared/src/env.ts';
import { signRequest } from '../../services/shared/src/signing.ts';
import { CLOCK_HEADER } from '../../services/shared/src/clock.ts';

interface Context {
  authorization: string;
  clock?: string;
  language?: string;
}

type Init = { method?: string; body?: string; headers?: Record<string, string> };

class SignedDataSource extends RemoteGraphQLDataSource<Context> {
  constructor(name: string, url: string, secret: string) {
    super({
      url,
      fetcher: (async (target: string, init?: Init) => {
        const method = init?.method ?? 'POST';
        const body = init?.body ?? '';
        const headers: Record<string, string> = { ...init?.headers };
        const signed = {
          method,
          target: name,
          path: new URL(target).pathname,
          body,
          authorization: headers.authorization,
          clock: headers[CLOCK_HEADER],
          language: headers['accept-language'],
        };
        return fetch(target, { ...init, method, body, headers: { ...headers, ...signRequest(secret, signed) } });
      }) as unknown as Fetcher,
    });
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<Context>): void {
    if (!request.http || !('authorization' in context)) return;
    request.http.headers.set('authorization', context.authorization);
    if (context.clock) request.http.headers.set(CLOCK_HEADER, context.clock);
    if (context.language) request.http.headers.set('accept-language', context.language);
  }
}

export async function startApolloGateway(config: GatewayConfig, supergraphSdl: string): Promise<{ url: string; close: () => Promise<void> }> {
  // Apollo's gateway otherwise starts a usage-metrics exporter (and probes cloud metadata endpoints).
  process.env.APOLLO_TELEMETRY_DISABLED = 'true';
  const gateway = new ApolloGateway({
    supergraphSdl,
    buildService: ({ name }) => new SignedDataSource(name, config.subgraphUrls[name as SubgraphName], config.gatewaySecret),
  });
  const server = new ApolloServer<Context>({
    gateway,
    csrfPrevention: true,
    plugins: [ApolloServerPluginUsageReportingDisabled(), ApolloServerPluginLandingPageDisabled()],
  });
  await server.start();
  const app = express();
  app.use(
    '/graphql',
    express.json({ limit: config.maxBodyBytes }),
    expressMiddleware(server, {
      context: ({ req }) => {
        const clock = req.headers[CLOCK_HEADER];
        const language = req.headers['accept-language'];
        return Promise.resolve({
          authorization: req.headers.authorization ?? '',
          ...(typeof clock === 'string' ? { clock } : {}),
          ...(typeof language === 'string' ? { language } : {}),
        });
      },
    }),
  );
  const httpServer = http.createServer(app);
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  const { port } = httpServer.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    close: async () => {
      await server.stop();
      httpServer.closeAllConnections();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    },
  };
}
