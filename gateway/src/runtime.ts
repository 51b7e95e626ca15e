/**
 * The hub's gateway: Hive Gateway (@graphql-hive/gateway-runtime, MIT)
 * embedded in the gateway process over the committed static supergraph
 * (never introspecting subgraphs), with the Rust query planner
 * (@graphql-hive/router-runtime). What the hub adds, as plugins:
 *
 * - tokens verified before anything is parsed (context.ts);
 * - graphql-armor's limits, Apollo's request error codes, the hub's error masking (errors.ts);
 * - every subgraph request signed, with the caller's token and clock (signing.ts);
 * - subgraph addresses from GatewayConfig, and no merging of in-flight subgraph requests: two
 *   client reads are two subgraph reads, each audited (an audit event per client read);
 * - introspection only in development; `extensions.hub` diagnostics in development.
 *
 * Subscriptions reach subgraphs over SSE through the same signed fetch.
 */
import { createGatewayRuntime, Logger as HiveLogger, type GatewayPlugin, type GatewayRuntime, type LogLevel } from '@graphql-hive/gateway-runtime';
import { unifiedGraphHandler } from '@graphql-hive/router-runtime';
import { buildHTTPExecutor } from '@graphql-tools/executor-http';
import type { TransportGetSubgraphExecutor } from '@graphql-mesh/transport-common';
import { setMaxListeners } from 'node:events';
import { GraphQLError, getOperationAST, type DocumentNode, type ExecutionResult } from 'graphql';
import type { GatewayConfig, SubgraphName } from '../../services/shared/src/env.ts';
import { createTokenVerifier } from '../../services/shared/src/auth.ts';
import type { Logger } from '../../services/shared/src/logger.ts';
import type { HubMetrics } from '../../services/shared/src/metrics.ts';
import { noteErrors, noteOperation } from '../../services/shared/src/request-log.ts';
import { hubRequest, useHubCaller } from './context.ts';
import { useSignedSubgraphRequests } from './signing.ts';
import { armor } from './limits.ts';
import { createRateLimiter, type RateLimiter } from './rate-limit.ts';
import { trustedDocuments } from './trusted-documents.ts';
import { hubTrustedDocuments } from './hub-documents.ts';
import { useInputRules } from './input-rules.ts';
import { createMaskError, useKnownOperationTypes, useNoIntrospection, useRequestErrorCodes } from './errors.ts';
import { t } from '../../services/shared/src/i18n.ts';

export const GRAPHQL_PATH = '/graphql';

/** The fetch Hive Gateway gives a transport for its subgraph requests. */
type SubgraphFetch = NonNullable<Parameters<TransportGetSubgraphExecutor>[0]['fetch']>;

/**
 * One AbortSignal serves every in-flight request of a subgraph executor: @graphql-tools/executor-http
 * gives each executor one dispose controller (to cut its requests when the gateway stops) and,
 * when the operation brings no signal of its own, hands that very signal to every fetch. Node's
 * http.request and @whatwg-node/node-fetch each add an abort listener to it per request and
 * remove them when the response ends: as many listeners as requests in flight to that subgraph,
 * not a leak, but Node 20 warns past 10 (MaxListenersExceededWarning). Node itself no longer
 * warns for an AbortSignal (nodejs/node#55816: an AbortSignal's limit is 0 by default, "to
 * enable one signal to control many operations"); this gives the signals our subgraph fetches
 * get that same default, on Node 20 too. Nothing else's limit changes.
 */
export function withSharedSignals(fetch: SubgraphFetch): SubgraphFetch {
  // (remembered here: Node 20's getMaxListeners throws for a signal whose limit is 0)
  const unlimited = new WeakSet<AbortSignal>();
  return (url, init, ...rest) => {
    const signal = init?.signal;
    if (signal instanceof AbortSignal && !unlimited.has(signal)) {
      setMaxListeners(0, signal);
      unlimited.add(signal);
    }
    return fetch(url, init, ...rest);
  };
}

/**
 * Subgraphs over HTTP (and SSE for subscriptions) at the configured addresses. In-flight
 * deduplication is off: it would answer two callers' identical reads with one subgraph
 * request, and so with one audit event.
 */
function httpTransport(subgraphUrls: Record<SubgraphName, string>): { getSubgraphExecutor: TransportGetSubgraphExecutor } {
  return {
    getSubgraphExecutor: ({ subgraphName, transportEntry, fetch, getDisposeReason }) =>
      buildHTTPExecutor({
        endpoint: subgraphUrls[subgraphName as SubgraphName] ?? transportEntry.location,
        fetch: withSharedSignals(fetch!),
        // subscriptions too go as a POST with the operation in the body, which the signature covers
        // (the executor's default for them is a GET with the operation in the query string, which it does not)
        method: 'POST',
        deduplicateInflightRequests: false,
        ...(getDisposeReason ? { getDisposeReason } : {}),
      }),
  };
}

/** Content types a browser may send cross-site without a CORS preflight. */
const SIMPLE_CONTENT_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain'];
const PREFLIGHT_HEADERS = ['x-apollo-operation-name', 'apollo-require-preflight'];

/**
 * CSRF prevention as today's gateway had it (Apollo Server's rule, status 400): a request a
 * browser could send cross-site without a preflight (a GET, or a POST of a "simple" content
 * type) must carry a header that forces one.
 */
function useCsrfPrevention(): GatewayPlugin {
  return {
    onRequestParse({ request }) {
      const type = request.headers.get('content-type')?.toLowerCase();
      const preflighted = type !== undefined && !SIMPLE_CONTENT_TYPES.some((t) => type.startsWith(t));
      if (preflighted || PREFLIGHT_HEADERS.some((h) => request.headers.get(h))) return;
      throw new GraphQLError(
        String(
          t`This operation has been blocked as a potential Cross-Site Request Forgery (CSRF). Send a content-type of application/json, or one of the headers ${PREFLIGHT_HEADERS.join(', ')}.`,
        ),
        { extensions: { code: 'BAD_REQUEST', http: { status: 400 } } },
      );
    },
  };
}

/**
 * An operation that was executed answers with a `data` entry, null when an error nulled it
 * (GraphQL's response rules; the Rust planner leaves the entry out).
 */
function useDataEntry(): GatewayPlugin {
  return {
    onExecute() {
      return {
        onExecuteDone({ result, setResult }) {
          if (Symbol.asyncIterator in result || 'data' in result) return;
          setResult({ ...result, data: null });
        },
      };
    },
  };
}

/** In development, responses say which subgraphs a request reached and how many SQL statements each ran. */
function useDiagnostics(): GatewayPlugin {
  return {
    onExecute({ args }) {
      return {
        onExecuteDone({ result, setResult }) {
          const hub = hubRequest((args.contextValue as { request?: Request }).request);
          if (!hub || Symbol.asyncIterator in result) return;
          const single = result as ExecutionResult;
          setResult({ ...single, extensions: { ...single.extensions, hub: { subgraphs: hub.subgraphs } } });
        },
      };
    },
  };
}

/** What the request's log line and metrics need from GraphQL: the operation's name and how many errors were answered. */
function useRequestObservation(): GatewayPlugin {
  return {
    onParams({ params }) {
      noteOperation(params.operationName);
    },
    // the name in the document, known once it is parsed (also when it then fails validation)
    onParse({ context }) {
      const asked = (context as { params?: { operationName?: string | null } }).params?.operationName ?? null;
      return ({ result }) => {
        if (result && typeof result === 'object' && 'kind' in result) noteOperation(getOperationAST(result as DocumentNode, asked)?.name?.value ?? asked);
      };
    },
    onResultProcess({ result }) {
      if (Array.isArray(result) || Symbol.asyncIterator in result) return;
      noteErrors((result as ExecutionResult).errors?.length ?? 0);
    },
  };
}

/** Hive's own log lines go to the hub's pino logger. */
/**
 * Hive's logger reads LOG_LEVEL itself each time it makes a logger (child loggers too, per request)
 * and throws on pino's `fatal` and `silent`, which the hub accepts. Its level does not matter here
 * (its lines go to the hub's pino logger, which applies the configured level), so such a value is
 * given to Hive as `error`.
 */
function hiveLogLevelFromEnvironment(): void {
  if (process.env.LOG_LEVEL === 'fatal' || process.env.LOG_LEVEL === 'silent') process.env.LOG_LEVEL = 'error';
}

function hiveLogger(log: Logger): HiveLogger {
  hiveLogLevelFromEnvironment();
  return new HiveLogger({
    level: log.isLevelEnabled('debug') ? 'debug' : log.isLevelEnabled('info') ? 'info' : log.isLevelEnabled('warn') ? 'warn' : 'error',
    writers: [
      {
        write(level: LogLevel, attrs, msg) {
          log[level](attrs ?? {}, msg ?? '');
        },
      },
    ],
  });
}

/** Which query planner plans the operations: the Rust one (the hub's), or Hive's JavaScript one (for comparison). */
export type Planner = 'rust' | 'javascript';

export function createHubGateway(
  config: GatewayConfig,
  supergraph: string,
  log: Logger,
  planner: Planner = 'rust',
  limiter: RateLimiter = createRateLimiter(config.rateLimit),
  metrics?: HubMetrics,
): GatewayRuntime {
  const development = config.mode === 'development';
  const trusted = trustedDocuments(config, hubTrustedDocuments());
  if (config.trustedDocuments && config.trustedDocuments.mode !== 'off')
    log.info({ documents: trusted.count, mode: config.trustedDocuments.mode }, 'trusted documents');
  else if (!development) log.warn('no trusted documents (HUB_TRUSTED_DOCUMENTS): any client may send any operation');
  return createGatewayRuntime({
    supergraph,
    ...(planner === 'rust' ? { unifiedGraphHandler } : {}),
    transports: { http: httpTransport(config.subgraphUrls) },
    graphqlEndpoint: GRAPHQL_PATH,
    logging: hiveLogger(log),
    // No IDE from a CDN: the development console is the gateway's own page (console.ts).
    graphiql: false,
    landingPage: false,
    batching: false,
    maskedErrors: { maskError: createMaskError(log, config.mode) },
    // Development names the subgraph an error came from; production does not.
    subgraphErrors: development ? { errorCode: false, subgraphNameProp: 'serviceName' } : false,
    requestId: false,
    // Cross-origin answers come from the allow-list in front of the gateway (cors.ts), never from Yoga's default.
    cors: false,
    persistedDocuments: trusted.persistedDocuments,
    plugins: () => [
      useRequestObservation(),
      useCsrfPrevention(),
      trusted.plugin,
      useHubCaller(config, createTokenVerifier(config), limiter.check),
      armor(config.mode),
      useRequestErrorCodes(),
      useKnownOperationTypes(),
      useInputRules(),
      useDataEntry(),
      ...(development ? [useDiagnostics()] : [useNoIntrospection()]),
      useSignedSubgraphRequests(config.gatewaySecret, config.subgraphUrls, metrics),
    ],
  });
}
