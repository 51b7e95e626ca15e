/**
 * The gateway's side of "only hub components talk to subgraphs" (the other
 * signer is a subgraph asking another about a linked record, see
 * services/shared/src/signing.ts), as a Hive Gateway `onFetch` plugin, so it holds for every subgraph request whichever
 * query planner made it: each carries the caller's token (the subgraph
 * verifies it again), the development clock if any, and an HMAC signature
 * over the exact body that is sent. The answer's SQL statement count is
 * added to the request's development figures.
 */
import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { signingKey, signRequest } from '../../services/shared/src/signing.ts';
import { currentLanguage, LANGUAGE_HEADER, languageOf } from '../../services/shared/src/i18n.ts';
import type { SubgraphName } from '../../services/shared/src/env.ts';
import type { HubMetrics } from '../../services/shared/src/metrics.ts';
import { currentRequest, REQUEST_ID_HEADER } from '../../services/shared/src/request-log.ts';
import { endSpan, startClientSpan } from '../../services/shared/src/telemetry.ts';
import { CLOCK_HEADER, hubRequest } from './context.ts';

export const STATEMENTS_HEADER = 'x-hub-sql-statements';

type HeaderMap = Record<string, string>;

function headersOf(init: unknown): HeaderMap {
  if (!init) return {};
  if (init instanceof Headers) return Object.fromEntries(init.entries());
  if (Array.isArray(init)) return Object.fromEntries(init as Array<[string, string]>);
  return { ...(init as HeaderMap) };
}

/** Where a subgraph URL leads: the subgraph's name (its host for an unknown URL) and the path, both signed. */
interface Destination {
  subgraph: string;
  path: string;
}

export function useSignedSubgraphRequests(secret: string, subgraphUrls: Record<SubgraphName, string>, metrics?: HubMetrics): GatewayPlugin {
  const names = new Map(Object.entries(subgraphUrls).map(([name, url]) => [url, name]));
  // the key made once, and each URL's destination worked out once (a handful of URLs: the configured subgraphs')
  const key = signingKey(secret);
  const destinations = new Map<string, Destination>();
  const destinationOf = (url: string): Destination => {
    let known = destinations.get(url);
    if (!known) {
      const parsed = new URL(url);
      known = { subgraph: names.get(url) ?? parsed.host, path: parsed.pathname };
      if (destinations.size < 100) destinations.set(url, known);
    }
    return known;
  };
  return {
    onFetch(payload) {
      const { url, options, context } = payload;
      const request = 'request' in context ? context.request : undefined;
      const hub = hubRequest(request);
      const method = (options.method ?? 'GET').toUpperCase();
      // The executor sends JSON text; anything else (a stream, a form) would not be signed as sent.
      const body = typeof options.body === 'string' ? options.body : '';
      if (options.body != null && typeof options.body !== 'string') throw new Error('a subgraph request body must be text to be signed');
      const headers: HeaderMap = headersOf(options.headers);
      if (hub) {
        headers.authorization = hub.authorization;
        if (hub.clock) headers[CLOCK_HEADER] = hub.clock;
      }
      // The subgraph writes its messages in the caller's language (i18n.ts), signed with the rest.
      headers[LANGUAGE_HEADER] = request ? languageOf(request.headers.get(LANGUAGE_HEADER)) : currentLanguage();
      // The signature is bound to the subgraph it is for, the path, the body, the caller's token, the clock and the language.
      const { subgraph, path } = destinationOf(url);
      // The client request's id and trace go on to the subgraph (outside the signature: they change nothing it answers).
      const requestId = currentRequest()?.id ?? request?.headers.get(REQUEST_ID_HEADER);
      if (requestId) headers[REQUEST_ID_HEADER] = requestId;
      const span = startClientSpan('gateway', `subgraph ${subgraph}`, { 'hub.subgraph': subgraph }, headers);
      const started = performance.now();
      Object.assign(
        headers,
        signRequest(key, {
          method,
          target: subgraph,
          path,
          body,
          authorization: headers.authorization,
          clock: headers[CLOCK_HEADER],
          language: headers[LANGUAGE_HEADER],
        }),
      );
      payload.setOptions({ ...options, headers });
      return ({ response }) => {
        const failed = !response.ok;
        span.setAttribute('http.response.status_code', response.status);
        endSpan(span, failed ? new Error(String(response.status)) : undefined);
        metrics?.subgraphRequests.inc({ subgraph, status: String(response.status) });
        metrics?.subgraphDuration.observe({ subgraph }, (performance.now() - started) / 1000);
        if (failed) metrics?.subgraphErrors.inc({ subgraph });
        if (!hub) return;
        const figures = (hub.subgraphs[subgraph] ??= { requests: 0, sqlStatements: 0 });
        figures.requests++;
        figures.sqlStatements += Number(response.headers.get(STATEMENTS_HEADER) ?? 0);
      };
    },
  };
}
