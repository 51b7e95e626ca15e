/**
 * Operations over a WebSocket (graphql-ws) are observed one by one, as HTTP requests are
 * (services/shared/src/request-log.ts): one structured log line each, with its request id,
 * operation name, status, duration, organisation and roles (never the user, a name or a
 * variable), and the same Prometheus series. A real graphql-ws client over `ws`, against a
 * gateway of the test's own whose log lines the test collects.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { createClient, type Client } from 'graphql-ws';
import type { FormattedExecutionResult as ExecutionResult } from 'graphql';
import WebSocket from 'ws';
import { loadGatewayConfig } from '../../services/shared/src/env.ts';
import { captureLogs } from '../../services/shared/src/logger.ts';
import { startGateway, type RunningGateway } from '../../gateway/src/server.ts';
import { hub, tokenFor, type As } from '../helpers/hub.ts';

const coordinator: As = { org: 'psychiatry:19', roles: ['COORDINATOR'], sub: 'ws-obs-sam', name: 'Sam Samordnare' };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

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

type Line = Record<string, unknown>;

describe('operations over a WebSocket', () => {
  let gateway: RunningGateway;
  let client: Client;
  const lines: Line[] = [];
  const requestLines = () => lines.filter((l) => l.msg === 'request');
  const scrape = async () => (await fetch(`${new URL(gateway.url).origin}/metrics`)).text();

  /** One operation over the test's connection: every result it sent. */
  async function run(query: string, extensions?: Record<string, unknown>): Promise<Array<ExecutionResult<Record<string, unknown>, unknown>>> {
    const out: Array<ExecutionResult<Record<string, unknown>, unknown>> = [];
    for await (const r of client.iterate({ query, ...(extensions ? { extensions } : {}) })) out.push(r);
    return out;
  }

  beforeAll(async () => {
    const supergraph = readFileSync(new URL('../../schema/supergraph.graphql', import.meta.url), 'utf8');
    const urls = Object.fromEntries(Object.entries(hub().subgraphUrls).map(([k, v]) => [`${k.toUpperCase()}_URL`, v]));
    captureLogs({ destination: { write: (s: string) => void lines.push(JSON.parse(s) as Line) }, level: 'info' });
    try {
      gateway = await startGateway(loadGatewayConfig({ ...hub().env, GATEWAY_PORT: '0', ...urls }), supergraph);
    } finally {
      captureLogs();
    }
    const token = await tokenFor(coordinator);
    client = createClient({
      url: gateway.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      lazy: true,
      connectionParams: { authorization: `Bearer ${token}` },
    });
  });
  afterAll(async () => {
    await client?.dispose();
    await gateway?.close();
  });

  it('logs each operation on one connection in its own line, with exactly the fields of an HTTP request', async () => {
    const before = requestLines().length;
    const results = [
      await run('query WsWards { wards { id } }', { 'x-request-id': 'ws-op-1' }),
      await run('query WsWards { wards { id } }', { 'x-request-id': 'ws-op-2' }),
      await run('query WsWards { wards { id } }'),
    ];
    for (const r of results) {
      expect(r).toHaveLength(1);
      expect(r[0]!.errors).toBeUndefined();
      expect(Array.isArray((r[0]!.data as { wards: unknown[] }).wards)).toBe(true);
    }
    const logged = requestLines().slice(before);
    expect(logged).toHaveLength(3);
    for (const line of logged) {
      expect(Object.keys(line).sort()).toEqual(
        [
          'durationMs',
          'errors',
          'hostname',
          'level',
          'method',
          'msg',
          'name',
          'operation',
          'organisation',
          'pid',
          'requestId',
          'roles',
          'status',
          'time',
        ].sort(),
      );
      expect(line).toMatchObject({
        name: 'gateway',
        level: 30,
        msg: 'request',
        method: 'WS',
        operation: 'WsWards',
        status: 200,
        errors: 0,
        organisation: 'psychiatry:19',
        roles: ['COORDINATOR'],
      });
      expect(typeof line.durationMs).toBe('number');
      expect(line.durationMs as number).toBeGreaterThanOrEqual(0);
    }
    expect(logged.map((l) => l.requestId).slice(0, 2)).toEqual(['ws-op-1', 'ws-op-2']);
    expect(logged[2]!.requestId).toMatch(UUID);
    // nothing about the person: not the user id, not the name
    for (const line of logged) {
      expect(JSON.stringify(line)).not.toContain('ws-obs-sam');
      expect(JSON.stringify(line)).not.toContain('Sam Samordnare');
    }
  });

  it('counts each operation in the same series as HTTP requests', async () => {
    const before = await scrape();
    for (let i = 0; i < 4; i++) expect((await run('query WsMetrics { wards { id } }'))[0]!.errors).toBeUndefined();
    expect((await run('query WsMetricsBad { noSuchField }'))[0]!.errors).toHaveLength(1);
    const after = await scrape();
    const delta = (name: string, labels: Record<string, string>) => series(after, name, labels) - series(before, name, labels);
    expect(delta('hub_graphql_requests_total', { operation: 'WsMetrics', status: '200', service: 'gateway' })).toBe(4);
    expect(delta('hub_graphql_request_duration_seconds_count', { operation: 'WsMetrics', service: 'gateway' })).toBe(4);
    expect(delta('hub_graphql_errors_total', { operation: 'WsMetrics', service: 'gateway' })).toBe(0);
    expect(delta('hub_subgraph_requests_total', { subgraph: 'psychiatry', status: '200', service: 'gateway' })).toBe(4);
    expect(delta('hub_graphql_requests_total', { operation: 'WsMetricsBad', status: '400', service: 'gateway' })).toBe(1);
    expect(delta('hub_graphql_errors_total', { operation: 'WsMetricsBad', service: 'gateway' })).toBe(1);
    expect(after).not.toContain('ws-obs-sam');
  });

  it('logs a refused operation with the status HTTP would have answered and its error count', async () => {
    const before = requestLines().length;
    const answered = await run('query WsBad { noSuchField }', { 'x-request-id': 'ws-bad-1' });
    expect(answered.flatMap((r) => r.errors ?? []).map((e) => e.extensions?.code)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    const [line] = requestLines().slice(before);
    expect(line).toMatchObject({
      requestId: 'ws-bad-1',
      method: 'WS',
      operation: 'WsBad',
      status: 400,
      errors: 1,
      organisation: 'psychiatry:19',
      roles: ['COORDINATOR'],
    });
    expect(requestLines().slice(before)).toHaveLength(1);
  });
});
