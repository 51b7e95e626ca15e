/**
 * One structured log line per GraphQL request, on the gateway and on every
 * subgraph, with its metrics and its server span. The line says: request id,
 * method, operation name, HTTP status, GraphQL error count, duration in ms,
 * and the caller's organisation and roles. Never the user id or name, never
 * the query text or its variables.
 *
 * An operation over a WebSocket (graphql-ws) is observed as a request of its
 * own, with the same line and metrics (observeWebSocketOperation).
 *
 * The request id comes from `x-request-id` when it is short and of safe
 * characters, otherwise one is made; it is echoed in the response, and the
 * gateway passes it on to every subgraph request (gateway/src/signing.ts).
 *
 * The request's state lives in an AsyncLocalStorage, so the GraphQL layers
 * (Apollo's plugins, Hive Gateway's hooks) fill in what only they know.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { context, propagation } from '@opentelemetry/api';
import type { Logger } from './logger.ts';
import type { HubMetrics } from './metrics.ts';
import { endSpan, startServerSpan } from './telemetry.ts';

export const REQUEST_ID_HEADER = 'x-request-id';
const SAFE_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** The caller's request id if it is 1–64 characters of letters, digits and `.`, `_`, `:`, `-`; otherwise a new one. */
export function requestIdFrom(header: string | string[] | undefined | null): string {
  const value = Array.isArray(header) ? header[0] : header;
  return typeof value === 'string' && SAFE_ID.test(value) ? value : randomUUID();
}

export interface RequestState {
  id: string;
  operation?: string | null;
  organisation?: string;
  roles?: string[];
  errors: number;
}

const store = new AsyncLocalStorage<RequestState>();

/** The state of the request being answered, if any. */
export const currentRequest = (): RequestState | undefined => store.getStore();

/** What the GraphQL layer knows: the operation's name, the verified caller, the errors answered. */
export function noteOperation(name: string | null | undefined) {
  const s = store.getStore();
  if (s) s.operation = name ?? null;
}
export function noteCaller(caller: { organisation: { id: string }; roles: readonly string[] }) {
  const s = store.getStore();
  if (!s) return;
  s.organisation = caller.organisation.id;
  s.roles = [...caller.roles];
}
export function noteErrors(count: number) {
  const s = store.getStore();
  if (s) s.errors = count;
}

/** For a request a subgraph makes to another (a linked-record check): the request id and the trace context, passed on. */
export function passedOnHeaders(): Record<string, string> {
  const headers: Record<string, string> = {};
  const s = store.getStore();
  if (s) headers[REQUEST_ID_HEADER] = s.id;
  propagation.inject(context.active(), headers);
  return headers;
}

/** How one request ended, for its metrics, its span and its log line. */
interface Ending {
  method: string;
  status: number;
  aborted: boolean;
}

/**
 * One request being observed: its state (in the AsyncLocalStorage for what `run` runs), its
 * server span, and, once `finish` is called (later calls do nothing), its metrics and its log line.
 */
export interface ObservedRequest {
  state: RequestState;
  run: <T>(fn: () => T) => T;
  finish: (ending: Ending) => void;
}

function observe(
  service: string,
  log: Logger,
  metrics: HubMetrics,
  state: RequestState,
  spanName: string,
  carrier: Record<string, string | string[] | undefined>,
): ObservedRequest {
  const started = process.hrtime.bigint();
  const { span, ctx } = startServerSpan(service, spanName, carrier);
  span.setAttribute('hub.request_id', state.id);
  let done = false;
  return {
    state,
    run: (fn) => store.run(state, () => context.with(ctx, fn)),
    finish: ({ method, status, aborted }) => {
      if (done) return;
      done = true;
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const operation = metrics.operationLabel(state.operation);
      metrics.requests.inc({ operation, status: String(status) });
      metrics.duration.observe({ operation }, ms / 1000);
      if (status >= 400 || state.errors > 0) metrics.errors.inc({ operation });
      span.setAttribute('graphql.operation.name', operation);
      span.setAttribute('http.response.status_code', status);
      endSpan(span, status >= 500 ? new Error(String(status)) : undefined);
      log.info(
        {
          requestId: state.id,
          method,
          operation,
          status,
          errors: state.errors,
          durationMs: Math.round(ms * 10) / 10,
          organisation: state.organisation ?? null,
          roles: state.roles ?? [],
          ...(aborted ? { aborted: true } : {}),
        },
        'request',
      );
    },
  };
}

/** The middleware in front of a process's GraphQL route: request id, span, metrics and the log line. */
export function observeRequests(service: string, log: Logger, metrics: HubMetrics) {
  return (req: Request, res: Response, next: NextFunction) => {
    const state: RequestState = { id: requestIdFrom(req.headers[REQUEST_ID_HEADER]), errors: 0 };
    // what the GraphQL layer and the subgraph requests see is the checked id
    req.headers[REQUEST_ID_HEADER] = state.id;
    res.setHeader(REQUEST_ID_HEADER, state.id);
    const observed = observe(service, log, metrics, state, `${req.method} ${req.baseUrl || req.path}`, req.headers);
    metrics.inFlight.inc();
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      metrics.inFlight.dec();
      observed.finish({ method: req.method, status: res.statusCode, aborted: !res.writableFinished });
    };
    res.once('finish', finish);
    res.once('close', finish);
    observed.run(next);
  };
}

/** The method of an operation over a WebSocket (graphql-ws) in its log line. */
export const WEBSOCKET_METHOD = 'WS';

/**
 * One GraphQL operation over a WebSocket (graphql-ws), observed as an HTTP request is: its own
 * request id (`x-request-id` of the operation's `extensions`, when safe, otherwise a new one), the
 * same metrics and the same log line, `method` being `WS` and `status` the HTTP status the same
 * operation would have been answered with over HTTP. The caller calls `finish` when the operation
 * completes (or its socket closes: `aborted`).
 */
export function observeWebSocketOperation(service: string, log: Logger, metrics: HubMetrics, requestId: unknown, path: string): ObservedRequest {
  const state: RequestState = { id: requestIdFrom(typeof requestId === 'string' ? requestId : undefined), errors: 0 };
  return observe(service, log, metrics, state, `${WEBSOCKET_METHOD} ${path}`, {});
}

/** Apollo Server's side (the subgraphs): the operation's name and the number of errors answered. */
export function apolloRequestPlugin<C extends BaseContext>(): ApolloServerPlugin<C> {
  return {
    requestDidStart({ request }) {
      noteOperation(request.operationName);
      return Promise.resolve({
        didResolveOperation({ operationName }) {
          noteOperation(operationName);
          return Promise.resolve();
        },
        willSendResponse({ response }) {
          noteErrors(response.body.kind === 'single' ? (response.body.singleResult.errors?.length ?? 0) : 0);
          return Promise.resolve();
        },
      });
    },
  };
}
