/**
 * The gateway's side of "only the gateway talks to subgraphs": every
 * subgraph request carries the caller's token (the subgraph verifies it
 * again), the development clock if any, and an HMAC signature over the
 * exact body that is sent.
 */
import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { Fetcher, FetcherResponse } from '@apollo/utils.fetcher';
import { GraphQLError } from 'graphql';
import { signRequest } from '../../services/shared/src/signing.ts';
import { CLOCK_HEADER, type GatewayContext } from './context.ts';

const STATEMENTS_HEADER = 'x-hub-sql-statements';

function signingFetcher(secret: string): Fetcher {
  return (async (url: string, init?: { method?: string; body?: string; headers?: Record<string, string> }) => {
    const method = init?.method ?? 'POST';
    const body = init?.body ?? '';
    return fetch(url, { ...init, method, body: method === 'GET' ? undefined : body, headers: { ...init?.headers, ...signRequest(secret, method, body) } });
  }) as unknown as Fetcher;
}

export class SignedDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    private readonly subgraph: string,
    url: string,
    secret: string,
  ) {
    super({ url, fetcher: signingFetcher(secret) });
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    if (!request.http || !('authorization' in context)) return;
    request.http.headers.set('authorization', context.authorization);
    if (context.clock) request.http.headers.set(CLOCK_HEADER, context.clock);
  }

  /**
   * A subgraph answers 400 when a variable does not fit its type (the
   * gateway cannot check custom scalars such as Date). Pass that on as the
   * caller's input error it is, not as an opaque failure.
   */
  override async errorFromResponse(response: FetcherResponse): Promise<GraphQLError> {
    const error = await super.errorFromResponse(response);
    const body = (error.extensions.response as { body?: { errors?: Array<{ message: string; extensions?: { code?: string; field?: string } }> } } | undefined)
      ?.body;
    const first = body?.errors?.[0];
    if (response.status === 400 && first?.extensions?.code === 'BAD_USER_INPUT') {
      return new GraphQLError(first.message, { extensions: { code: 'BAD_USER_INPUT', ...(first.extensions.field ? { field: first.extensions.field } : {}) } });
    }
    return error;
  }

  override didReceiveResponse({ response, context }: Parameters<NonNullable<RemoteGraphQLDataSource<GatewayContext>['didReceiveResponse']>>[0]) {
    if ('subgraphs' in context && context.subgraphs) {
      const figures = (context.subgraphs[this.subgraph] ??= { requests: 0, sqlStatements: 0 });
      figures.requests++;
      figures.sqlStatements += Number(response.http?.headers.get(STATEMENTS_HEADER) ?? 0);
    }
    return response;
  }
}
