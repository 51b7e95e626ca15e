/**
 * What an operator watches: x-request-id (kept when safe, made otherwise,
 * echoed, passed on to subgraphs), Prometheus `/metrics` on every process,
 * `/health` and `/ready` (exact bodies), and one OpenTelemetry trace per
 * gateway request across gateway, subgraph and SQL. None of these routes
 * needs a token. The Grafana dashboard (deploy/grafana/hub.json) asks only
 * for metrics that /metrics exposes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-node';
import { SpanKind } from '@opentelemetry/api';
import { loadGatewayConfig, loadSubgraphConfig, SUBGRAPHS } from '../../services/shared/src/env.ts';
import { startGateway } from '../../gateway/src/server.ts';
import { startSubgraph } from '../../services/shared/src/subgraph.ts';
import { journalLength } from '../../services/shared/src/health.ts';
import { setupTelemetry, shutdownTelemetry, SERVICE_ATTRIBUTE } from '../../services/shared/src/telemetry.ts';
import { MODULES } from '../../scripts/stack.ts';
import { freePort, ROOT } from '../helpers/processes.ts';
import { hub, subgraphRequest, tokenFor, withSql, type As } from '../helpers/hub.ts';

const coordinator: As = { org: 'psychiatry:19', roles: ['COORDINATOR'], sub: 'obs-sam', name: 'Sam Samordnare' };
const origin = (graphqlUrl: string) => new URL(graphqlUrl).origin;

async function ask(query: string, headers: Record<string, string> = {}) {
  const res = await fetch(hub().gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await tokenFor(coordinator)}`, ...headers },
    body: JSON.stringify({ query }),
  });
  const body = (await res.json()) as { data?: unknown; errors?: unknown };
  return { status: res.status, requestId: res.headers.get('x-request-id'), body };
}

/** The value of one series in a Prometheus text exposition (0 when absent). */
function series(text: string, name: string, labels: Record<string, string>): number {
  for (const line of text.split('\n')) {
    const m = /^(\w+)\{([^}]*)\} (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const got = Object.fromEntries([...m[2]!.matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => got[k] === v)) return Number(m[3]);
  }
  return 0;
}
const scrape = async (url: string) => {
  const res = await fetch(`${origin(url)}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/plain');
  return res.text();
};
const json = async (url: string) => {
  const res = await fetch(url);
  return { status: res.status, body: (await res.json()) as unknown };
};

describe('x-request-id', () => {
  it('keeps a safe id, echoes it, and makes one for a missing or unsafe id', async () => {
    const kept = await ask('query Wards { wards { id } }', { 'x-request-id': 'ops-1234.abc_DEF:9' });
    expect(kept.status).toBe(200);
    expect(kept.requestId).toBe('ops-1234.abc_DEF:9');
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
    for (const unsafe of ['has space', 'x'.repeat(65), '<script>', 'a\u00e5b']) {
      const made = await ask('query Wards { wards { id } }', { 'x-request-id': unsafe });
      expect(made.requestId).toMatch(uuid);
    }
    expect((await ask('query Wards { wards { id } }')).requestId).toMatch(uuid);
  });

  it('is echoed by a subgraph asked directly', async () => {
    const res = await fetch(hub().subgraphUrls.psychiatry, { method: 'POST', headers: { 'x-request-id': 'direct-1' } });
    expect(res.status).toBe(401);
    expect(res.headers.get('x-request-id')).toBe('direct-1');
  });
});

describe('/metrics', () => {
  it('counts each operation at the gateway, each subgraph request, and each request at a subgraph, exactly', async () => {
    const gatewayBefore = await scrape(hub().gatewayUrl);
    const subgraphBefore = await scrape(hub().subgraphUrls.psychiatry);
    for (let i = 0; i < 3; i++) expect((await ask('query MetricsWards { wards { id } }')).status).toBe(200);
    for (let i = 0; i < 2; i++) {
      const r = await subgraphRequest('psychiatry', 'query MetricsDirect { wards { id } }', { as: coordinator });
      expect(r.status).toBe(200);
    }
    const gatewayAfter = await scrape(hub().gatewayUrl);
    const subgraphAfter = await scrape(hub().subgraphUrls.psychiatry);
    const op = { operation: 'MetricsWards', status: '200', service: 'gateway' };
    expect(series(gatewayAfter, 'hub_graphql_requests_total', op) - series(gatewayBefore, 'hub_graphql_requests_total', op)).toBe(3);
    const count = { operation: 'MetricsWards', service: 'gateway' };
    expect(
      series(gatewayAfter, 'hub_graphql_request_duration_seconds_count', count) - series(gatewayBefore, 'hub_graphql_request_duration_seconds_count', count),
    ).toBe(3);
    expect(series(gatewayAfter, 'hub_graphql_errors_total', count)).toBe(0);
    const sub = { subgraph: 'psychiatry', status: '200', service: 'gateway' };
    expect(series(gatewayAfter, 'hub_subgraph_requests_total', sub) - series(gatewayBefore, 'hub_subgraph_requests_total', sub)).toBe(3);
    const direct = { operation: 'MetricsDirect', status: '200', service: 'psychiatry' };
    expect(series(subgraphAfter, 'hub_graphql_requests_total', direct) - series(subgraphBefore, 'hub_graphql_requests_total', direct)).toBe(2);
    const select = { statement: 'SELECT', service: 'psychiatry' };
    expect(series(subgraphAfter, 'hub_db_queries_total', select)).toBeGreaterThan(series(subgraphBefore, 'hub_db_queries_total', select));
    // the process's own figures (prom-client's defaults), event-loop lag among them
    expect(series(subgraphAfter, 'nodejs_eventloop_lag_seconds', { service: 'psychiatry' })).toBeGreaterThanOrEqual(0);
    expect(subgraphAfter).toContain('# TYPE nodejs_eventloop_lag_seconds gauge');
  });

  it('counts a refused request as an error of its operation', async () => {
    const labels = { operation: 'NoSuchField', service: 'gateway' };
    const before = series(await scrape(hub().gatewayUrl), 'hub_graphql_errors_total', labels);
    expect((await ask('query NoSuchField { noSuchField }')).status).toBe(400);
    expect(series(await scrape(hub().gatewayUrl), 'hub_graphql_errors_total', labels) - before).toBe(1);
  });

  it('names no caller, variable or value', async () => {
    await ask('query Wards { wards { id } }');
    for (const url of [hub().gatewayUrl, ...SUBGRAPHS.map((s) => hub().subgraphUrls[s])]) {
      const text = await scrape(url);
      expect(text).not.toContain('obs-sam');
      expect(text).not.toContain('Sam Samordnare');
      expect(text).not.toContain('psychiatry:19');
    }
  });
});

describe('/health and /ready', () => {
  it('answer on every process without a token', async () => {
    expect(await json(`${origin(hub().gatewayUrl)}/health`)).toEqual({ status: 200, body: { status: 'ok' } });
    expect(await json(`${origin(hub().gatewayUrl)}/ready`)).toEqual({ status: 200, body: { status: 'ready' } });
    for (const s of SUBGRAPHS) {
      expect(await json(`${origin(hub().subgraphUrls[s])}/health`)).toEqual({ status: 200, body: { status: 'ok', subgraph: s } });
      expect(await json(`${origin(hub().subgraphUrls[s])}/ready`)).toEqual({ status: 200, body: { status: 'ready', subgraph: s } });
    }
  });

  it('a subgraph with a migration not applied is alive but not ready', async () => {
    const expected = journalLength('psychiatry');
    const url = `${origin(hub().subgraphUrls.psychiatry)}/ready`;
    const [removed] = await withSql(
      'psychiatry',
      (sql) => sql`delete from drizzle.__drizzle_migrations where id = (select max(id) from drizzle.__drizzle_migrations) returning *`,
    );
    try {
      expect(await json(url)).toEqual({
        status: 503,
        body: { status: 'unavailable', subgraph: 'psychiatry', reason: `migrations pending: ${expected - 1} of ${expected} applied` },
      });
      expect((await json(`${origin(hub().subgraphUrls.psychiatry)}/health`)).status).toBe(200);
    } finally {
      await withSql('psychiatry', (sql) => sql`insert into drizzle.__drizzle_migrations ${sql(removed!)}`);
    }
    expect((await json(url)).status).toBe(200);
  });

  it('a subgraph whose database does not answer is alive but not ready', async () => {
    const config = loadSubgraphConfig('clinics', {
      ...hub().env,
      CLINICS_DATABASE_URL: `postgres://nobody:wrong@127.0.0.1:${await freePort()}/nothing`,
      CLINICS_PORT: '0',
    });
    const running = await startSubgraph(MODULES.clinics.definition, config);
    try {
      expect(await json(`${origin(running.url)}/health`)).toEqual({ status: 200, body: { status: 'ok', subgraph: 'clinics' } });
      expect(await json(`${origin(running.url)}/ready`)).toEqual({
        status: 503,
        body: { status: 'unavailable', subgraph: 'clinics', reason: 'database unreachable' },
      });
    } finally {
      await running.close();
    }
  });

  it('the gateway is not ready while a subgraph is not, and names it', async () => {
    const urls = Object.fromEntries(SUBGRAPHS.map((s) => [`${s.toUpperCase()}_URL`, hub().subgraphUrls[s]]));
    const supergraph = readFileSync(join(ROOT, 'schema/supergraph.graphql'), 'utf8');
    const gateway = await startGateway(
      loadGatewayConfig({ ...hub().env, GATEWAY_PORT: '0', ...urls, CLINICS_URL: `http://127.0.0.1:${await freePort()}/graphql` }),
      supergraph,
    );
    try {
      expect(await json(`${origin(gateway.url)}/ready`)).toEqual({ status: 503, body: { status: 'unavailable', subgraphs: ['clinics'] } });
      expect(await json(`${origin(gateway.url)}/health`)).toEqual({ status: 200, body: { status: 'ok' } });
    } finally {
      await gateway.close();
    }
  });
});

describe('traces', () => {
  const exporter = new InMemorySpanExporter();
  beforeAll(() => {
    expect(setupTelemetry('hub-test', { exporter })).toBe(true);
  });
  afterAll(() => shutdownTelemetry());

  it('one gateway request is one trace: the gateway, its subgraph request, the subgraph and its SQL, parent to child', async () => {
    exporter.reset();
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const res = await ask('query TracedWards { wards { id } }', { traceparent: `00-${traceId}-00f067aa0ba902b7-01`, 'x-request-id': 'traced-1' });
    expect(res.status).toBe(200);
    const spans = exporter.getFinishedSpans();
    const service = (s: ReadableSpan) => s.attributes[SERVICE_ATTRIBUTE];
    const parent = (s: ReadableSpan) => s.parentSpanContext?.spanId;
    const gateway = spans.filter((s) => service(s) === 'gateway' && s.kind === SpanKind.SERVER);
    expect(gateway).toHaveLength(1);
    expect(gateway[0]!.attributes['graphql.operation.name']).toBe('TracedWards');
    expect(gateway[0]!.attributes['hub.request_id']).toBe('traced-1');
    const fetches = spans.filter((s) => service(s) === 'gateway' && s.kind === SpanKind.CLIENT);
    expect(fetches.map((s) => s.name)).toEqual(['subgraph psychiatry']);
    const subgraph = spans.filter((s) => service(s) === 'psychiatry' && s.kind === SpanKind.SERVER);
    expect(subgraph).toHaveLength(1);
    // the gateway's request id reached the subgraph
    expect(subgraph[0]!.attributes['hub.request_id']).toBe('traced-1');
    const sql = spans.filter((s) => service(s) === 'psychiatry' && s.kind === SpanKind.CLIENT);
    expect(sql.length).toBeGreaterThan(0);
    expect(new Set(spans.map((s) => s.spanContext().traceId))).toEqual(new Set([traceId]));
    expect(parent(gateway[0]!)).toBe('00f067aa0ba902b7');
    expect(parent(fetches[0]!)).toBe(gateway[0]!.spanContext().spanId);
    expect(parent(subgraph[0]!)).toBe(fetches[0]!.spanContext().spanId);
    for (const s of sql) {
      expect(parent(s)).toBe(subgraph[0]!.spanContext().spanId);
      expect(s.attributes['db.system.name']).toBe('postgresql');
      expect(Object.keys(s.attributes).sort()).toEqual(['db.namespace', 'db.operation.name', 'db.system.name', SERVICE_ATTRIBUTE]);
    }
    expect(JSON.stringify(spans.map((s) => s.attributes))).not.toContain('psychiatry:19');
  });
});

interface Panel {
  title: string;
  targets: Array<{ expr: string }>;
}
const dashboard = JSON.parse(readFileSync(join(ROOT, 'deploy/grafana/hub.json'), 'utf8')) as {
  panels: Panel[];
  templating: { list: Array<{ query?: unknown }> };
};

/** The metric names a PromQL expression selects: the identifiers followed by a selector or a range. */
const metricNames = (expr: string) => [...expr.matchAll(/\b([a-z_:][a-z0-9_:]*)\s*[{[]/g)].map((m) => m[1]!);

/** The series names one process exposes, histogram series included. */
async function exposedNames(graphqlUrl: string): Promise<Set<string>> {
  const res = await fetch(`${new URL(graphqlUrl).origin}/metrics`);
  expect(res.status).toBe(200);
  const names = new Set<string>();
  for (const m of (await res.text()).matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    names.add(m[1]!);
    if (m[2] === 'histogram') for (const s of ['_bucket', '_sum', '_count']) names.add(`${m[1]}${s}`);
  }
  return names;
}

describe('deploy/grafana/hub.json', () => {
  it('has panels, each with a query', () => {
    expect(dashboard.panels.length).toBeGreaterThan(5);
    for (const p of dashboard.panels) expect(p.targets.length, p.title).toBeGreaterThan(0);
  });

  it('uses only metrics that /metrics exposes', async () => {
    const all = new Set<string>();
    for (const url of [hub().gatewayUrl, ...SUBGRAPHS.map((s) => hub().subgraphUrls[s])]) for (const n of await exposedNames(url)) all.add(n);
    const used = new Set<string>();
    for (const p of dashboard.panels) for (const t of p.targets) for (const n of metricNames(t.expr)) used.add(n);
    for (const v of dashboard.templating.list) if (typeof v.query === 'string') for (const m of v.query.matchAll(/label_values\((\w+)/g)) used.add(m[1]!);
    expect(used.size).toBeGreaterThan(10);
    expect([...used].filter((n) => !all.has(n))).toEqual([]);
  });
});
