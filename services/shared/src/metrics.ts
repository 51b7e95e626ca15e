/**
 * Prometheus metrics (prom-client), one registry per hub process (several run
 * in one Node process under `npm start` and the tests), served at `/metrics`.
 * Labels are operation names, subgraph names, statuses and statement kinds:
 * never a caller, a variable or a value. Operation names are the clients'
 * own; names that are not plain GraphQL names, and any beyond the first
 * MAX_OPERATIONS distinct ones, count as `other`.
 */
import type { Request, Response } from 'express';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export const MAX_OPERATIONS = 200;
const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export interface HubMetrics {
  registry: Registry;
  /** a client operation's label: its name, `anonymous`, or `other` */
  operationLabel: (name: string | null | undefined) => string;
  requests: Counter<'operation' | 'status'>;
  errors: Counter<'operation'>;
  duration: Histogram<'operation'>;
  subgraphRequests: Counter<'subgraph' | 'status'>;
  subgraphErrors: Counter<'subgraph'>;
  subgraphDuration: Histogram<'subgraph'>;
  dbQueries: Counter<'statement'>;
  dbErrors: Counter<'statement'>;
  dbDuration: Histogram<'statement'>;
  dbPoolMax: Gauge;
  inFlight: Gauge;
  /** the `/metrics` route */
  handler: (req: Request, res: Response) => Promise<void>;
}

/** The metrics of one hub process, `service` being `gateway` or a subgraph's name (a label on every series). */
export function createMetrics(service: string): HubMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const seen = new Set<string>();
  const operationLabel = (name: string | null | undefined) => {
    if (!name) return 'anonymous';
    if (!NAME.test(name)) return 'other';
    if (seen.has(name)) return name;
    if (seen.size >= MAX_OPERATIONS) return 'other';
    seen.add(name);
    return name;
  };
  return {
    registry,
    operationLabel,
    requests: new Counter({
      name: 'hub_graphql_requests_total',
      help: 'GraphQL requests answered, by operation name and HTTP status',
      labelNames: ['operation', 'status'],
      registers,
    }),
    errors: new Counter({
      name: 'hub_graphql_errors_total',
      help: 'GraphQL requests answered with errors or a status of 400 or more, by operation name',
      labelNames: ['operation'],
      registers,
    }),
    duration: new Histogram({
      name: 'hub_graphql_request_duration_seconds',
      help: 'GraphQL request duration, by operation name',
      labelNames: ['operation'],
      buckets: SECONDS,
      registers,
    }),
    subgraphRequests: new Counter({
      name: 'hub_subgraph_requests_total',
      help: "The gateway's requests to subgraphs, by subgraph and HTTP status",
      labelNames: ['subgraph', 'status'],
      registers,
    }),
    subgraphErrors: new Counter({
      name: 'hub_subgraph_errors_total',
      help: "The gateway's subgraph requests that failed or answered 400 or more, by subgraph",
      labelNames: ['subgraph'],
      registers,
    }),
    subgraphDuration: new Histogram({
      name: 'hub_subgraph_request_duration_seconds',
      help: "Duration of the gateway's subgraph requests, by subgraph",
      labelNames: ['subgraph'],
      buckets: SECONDS,
      registers,
    }),
    dbQueries: new Counter({ name: 'hub_db_queries_total', help: 'SQL statements run, by kind (SELECT, INSERT, ...)', labelNames: ['statement'], registers }),
    dbErrors: new Counter({ name: 'hub_db_query_errors_total', help: 'SQL statements that failed, by kind', labelNames: ['statement'], registers }),
    dbDuration: new Histogram({
      name: 'hub_db_query_duration_seconds',
      help: 'SQL statement duration, by kind',
      labelNames: ['statement'],
      buckets: SECONDS,
      registers,
    }),
    dbPoolMax: new Gauge({ name: 'hub_db_pool_max_connections', help: 'The most connections the database pool opens', registers }),
    inFlight: new Gauge({ name: 'hub_http_requests_in_flight', help: 'HTTP requests being answered', registers }),
    handler: async (_req, res) => {
      res.setHeader('content-type', registry.contentType);
      res.end(await registry.metrics());
    },
  };
}

/** The kind of a SQL statement, its first keyword: the only part of it a metric or span names. */
export const statementKind = (statement: string) => (/^\s*(\w+)/.exec(statement)?.[1] ?? 'sql').toUpperCase();
