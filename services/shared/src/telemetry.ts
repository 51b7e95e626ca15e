/**
 * OpenTelemetry traces, off unless asked for: with OTEL_EXPORTER_OTLP_ENDPOINT
 * set (or OTEL_TRACES_EXPORTER=otlp) a process exports its spans over OTLP/HTTP.
 * A trace follows one client request: the gateway's request span, a span per
 * subgraph fetch (W3C `traceparent` injected), the subgraph's request span
 * (extracted) and a span per SQL statement. Spans carry no personal data: no
 * variables, no statement parameters, no statement text (the statement's first
 * keyword only), no user id.
 *
 * Without a registered provider every call here is the API's no-op.
 */
import { createRequire } from 'node:module';
import { context, propagation, trace, SpanKind, SpanStatusCode, type Context, type Span } from '@opentelemetry/api';
import type { NodeTracerProvider, SpanExporter } from '@opentelemetry/sdk-trace-node';

/**
 * The SDK, the exporter and the resource are loaded when tracing is turned on only (their CommonJS builds,
 * synchronously: setupTelemetry is): a process without traces, `npm start` by default, starts without them.
 * The API (loaded always) finds the provider they register through its global, whichever build registered it.
 */
const require = createRequire(import.meta.url);
const sdk = () => ({
  ...(require('@opentelemetry/sdk-trace-node') as typeof import('@opentelemetry/sdk-trace-node')),
  ...(require('@opentelemetry/exporter-trace-otlp-http') as typeof import('@opentelemetry/exporter-trace-otlp-http')),
  ...(require('@opentelemetry/resources') as typeof import('@opentelemetry/resources')),
  ...(require('@opentelemetry/semantic-conventions') as typeof import('@opentelemetry/semantic-conventions')),
});

export { SpanKind, SpanStatusCode };
const TRACER = 'coordination-hub';
/** Which hub process made a span (several run in one process under `npm start` and the tests). */
export const SERVICE_ATTRIBUTE = 'hub.service';

let provider: NodeTracerProvider | undefined;

export interface TelemetryEnv {
  OTEL_EXPORTER_OTLP_ENDPOINT?: string | undefined;
  OTEL_TRACES_EXPORTER?: string | undefined;
  OTEL_SERVICE_NAME?: string | undefined;
}

/** Whether the environment asks for traces. */
export function tracingRequested(env: TelemetryEnv = process.env): boolean {
  if (env.OTEL_TRACES_EXPORTER === 'none') return false;
  return !!env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_TRACES_EXPORTER === 'otlp';
}

/**
 * Registers the process's tracer provider once: an OTLP/HTTP exporter when the environment
 * asks for one, or the exporter given (the tests' in-memory one). Returns false when tracing stays off.
 */
export function setupTelemetry(serviceName: string, options: { env?: TelemetryEnv; exporter?: SpanExporter } = {}): boolean {
  if (provider) return true;
  const env = options.env ?? process.env;
  if (!options.exporter && !tracingRequested(env)) return false;
  const { NodeTracerProvider, BatchSpanProcessor, SimpleSpanProcessor, OTLPTraceExporter, resourceFromAttributes, ATTR_SERVICE_NAME } = sdk();
  const base = (env.OTEL_EXPORTER_OTLP_ENDPOINT || 'http://localhost:4318').replace(/\/$/, '');
  const processor = options.exporter ? new SimpleSpanProcessor(options.exporter) : new BatchSpanProcessor(new OTLPTraceExporter({ url: `${base}/v1/traces` }));
  provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: env.OTEL_SERVICE_NAME || serviceName }),
    spanProcessors: [processor],
  });
  // the AsyncLocalStorage context manager and the W3C trace-context propagator
  provider.register();
  return true;
}

/** Flushes and removes the provider (at shutdown; the tests restore the no-op API). */
export async function shutdownTelemetry(): Promise<void> {
  const p = provider;
  if (!p) return;
  provider = undefined;
  await p.shutdown();
  trace.disable();
  context.disable();
  propagation.disable();
}

const tracer = () => trace.getTracer(TRACER);

type HeaderSource = Record<string, string | string[] | undefined>;
const headerGetter = {
  keys: (carrier: HeaderSource) => Object.keys(carrier),
  get: (carrier: HeaderSource, key: string) => {
    const v = carrier[key.toLowerCase()];
    return Array.isArray(v) ? v[0] : v;
  },
};

/** The server span of an incoming request, child of the caller's `traceparent` if it sent one. */
export function startServerSpan(service: string, name: string, headers: HeaderSource): { span: Span; ctx: Context } {
  const parent = propagation.extract(context.active(), headers, headerGetter);
  const span = tracer().startSpan(name, { kind: SpanKind.SERVER, attributes: { [SERVICE_ATTRIBUTE]: service } }, parent);
  return { span, ctx: trace.setSpan(parent, span) };
}

/** A client span for a request to a subgraph; its `traceparent` goes into `headers`. */
export function startClientSpan(service: string, name: string, attributes: Record<string, string>, headers: Record<string, string>): Span {
  const span = tracer().startSpan(name, { kind: SpanKind.CLIENT, attributes: { [SERVICE_ATTRIBUTE]: service, ...attributes } });
  propagation.inject(trace.setSpan(context.active(), span), headers);
  return span;
}

/** A span for one SQL statement, child of whatever span is active (the subgraph request's). */
export function startSqlSpan(service: string, statement: string): Span {
  const keyword = (/^\s*(\w+)/.exec(statement)?.[1] ?? 'sql').toUpperCase();
  return tracer().startSpan(keyword, {
    kind: SpanKind.CLIENT,
    attributes: { [SERVICE_ATTRIBUTE]: service, 'db.system.name': 'postgresql', 'db.operation.name': keyword, 'db.namespace': service },
  });
}

export const endSpan = (span: Span, error?: unknown) => {
  if (error) span.setStatus({ code: SpanStatusCode.ERROR });
  span.end();
};
