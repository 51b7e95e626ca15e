/**
 * Stopping as a container is stopped: each entry point is started as the
 * Dockerfile and docker-compose.yml start it (node --import tsx …, production
 * mode), a request is kept in flight by a table lock the test holds, and the
 * process gets SIGTERM. The request still completes (200), a new connection
 * is refused, and the process exits 0. With a short grace, a request that is
 * still waiting when the grace ends is cut, and the process still exits 0.
 * The process's request log line is checked on the way: request id, operation,
 * status, organisation and roles, and nothing personal.
 */
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import type { SubgraphName } from '../../services/shared/src/env.ts';
import { exited, freePort, ROOT } from '../helpers/processes.ts';
import { hub, subgraphRequest, tokenFor, type As } from '../helpers/hub.ts';
import { holdLock, refusedAfterStop } from '../helpers/in-flight.ts';

const emptyHubDir = mkdtempSync(join(tmpdir(), 'hub-shutdown-'));
afterAll(() => rmSync(emptyHubDir, { recursive: true, force: true }));

/** Starts an entry point with docker-compose's command, in production mode, logging at info. */
function startEntryPoint(entry: string, env: Record<string, string>) {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH!,
      HOME: process.env.HOME ?? '/tmp',
      NODE_ENV: 'production',
      ...hub().env,
      HUB_MODE: 'production',
      HUB_DIR: emptyHubDir,
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += String(d)));
  child.stderr!.on('data', (d) => (out += String(d)));
  const waitFor = async (text: RegExp) => {
    for (let i = 0; i < 600; i++) {
      if (text.test(out)) return;
      if (child.exitCode !== null) throw new Error(`exited ${child.exitCode}:\n${out}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`no ${text}:\n${out}`);
  };
  return { child, output: () => out, waitFor };
}

/** The JSON log lines of a process's output. */
const logLines = (out: string) =>
  out
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);

const psychiatryCoordinator: As = { org: 'psychiatry:19', roles: ['COORDINATOR'], sub: 'shutdown-sam', name: 'Sam Samordnare' };

const CASES: Array<{ subgraph: SubgraphName; table: string; operation: string; query: string; as: As }> = [
  {
    subgraph: 'municipality',
    table: 'joint_care_plan',
    operation: 'Plans',
    query: 'query Plans { jointCarePlans(first: 5) { nodes { id } } }',
    as: { org: 'municipality:1980', roles: ['CASEWORKER'], sub: 'shutdown-anna', name: 'Anna Svensson' },
  },
  { subgraph: 'psychiatry', table: 'ward', operation: 'Wards', query: 'query Wards { wards { id } }', as: psychiatryCoordinator },
  {
    subgraph: 'probation',
    table: 'contract_care_order',
    operation: 'Orders',
    query: 'query Orders { contractCareOrders(first: 5) { totalCount } }',
    as: { org: 'probation:stockholm', roles: ['PROBATION_OFFICER'], sub: 'shutdown-pia', name: 'Pia Frivård' },
  },
  {
    subgraph: 'clinics',
    table: 'clinic',
    operation: 'Clinics',
    query: 'query Clinics { clinics { id } }',
    as: { org: 'clinic:0180-sodermalm', roles: ['CLINIC_STAFF'], sub: 'shutdown-lina', name: 'Lina Mottagning' },
  },
];

async function startSubgraphProcess(subgraph: SubgraphName, grace: string) {
  const upper = subgraph.toUpperCase();
  const port = await freePort();
  const proc = startEntryPoint(`services/${subgraph}/src/index.ts`, {
    [`${upper}_DATABASE_URL`]: hub().databaseUrls[subgraph],
    [`${upper}_PORT`]: String(port),
    HUB_SHUTDOWN_GRACE_SECONDS: grace,
  });
  await proc.waitFor(/subgraph listening/);
  return { ...proc, origin: `http://127.0.0.1:${port}`, url: `http://127.0.0.1:${port}/graphql` };
}

describe('SIGTERM', () => {
  it.each(CASES)(
    'lets the $subgraph subgraph finish a request in flight, refuses new connections, and exits 0',
    async (c) => {
      const proc = await startSubgraphProcess(c.subgraph, '10');
      const lock = await holdLock(hub().databaseUrls[c.subgraph], c.table);
      let released = false;
      try {
        const slow = subgraphRequest(c.subgraph, c.query, { as: c.as, url: proc.url, headers: { 'x-request-id': `shutdown-${c.subgraph}` } });
        await lock.waitForWaiter();
        proc.child.kill('SIGTERM');
        expect(await refusedAfterStop(`${proc.origin}/health`)).toBe('ECONNREFUSED');
        await lock.release();
        released = true;
        const answer = await slow;
        expect(answer.status).toBe(200);
        expect(answer.body.errors).toBeUndefined();
        expect(await exited(proc.child)).toBe(0);
      } finally {
        if (!released) await lock.release();
        if (proc.child.exitCode === null) proc.child.kill('SIGKILL');
      }
      const lines = logLines(proc.output()).filter((l) => l.msg === 'request');
      expect(lines).toHaveLength(1);
      const { time: _t, pid: _p, hostname: _h, durationMs, ...line } = lines[0]!;
      expect(typeof durationMs).toBe('number');
      expect(line).toEqual({
        level: 30,
        name: `subgraph:${c.subgraph}`,
        msg: 'request',
        requestId: `shutdown-${c.subgraph}`,
        method: 'POST',
        operation: c.operation,
        status: 200,
        errors: 0,
        organisation: c.as.org,
        roles: c.as.roles,
      });
      expect(proc.output()).not.toContain(c.as.name!);
      expect(proc.output()).not.toContain(c.as.sub!);
      expect(logLines(proc.output()).map((l) => l.msg)).toContain('stopped');
    },
    60_000,
  );

  it('lets the gateway finish a request in flight, refuses new connections, and exits 0', async () => {
    const port = await freePort();
    const proc = startEntryPoint('gateway/src/index.ts', {
      GATEWAY_PORT: String(port),
      HUB_SHUTDOWN_GRACE_SECONDS: '10',
      ...Object.fromEntries(Object.entries(hub().subgraphUrls).map(([s, url]) => [`${s.toUpperCase()}_URL`, url])),
    });
    await proc.waitFor(/gateway listening/);
    const origin = `http://127.0.0.1:${port}`;
    const lock = await holdLock(hub().databaseUrls.psychiatry, 'ward');
    let released = false;
    try {
      const slow = fetch(`${origin}/graphql`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${await tokenFor(psychiatryCoordinator)}`,
          'x-request-id': 'shutdown-gateway',
        },
        body: JSON.stringify({ query: 'query Wards { wards { id } }' }),
      });
      await lock.waitForWaiter();
      proc.child.kill('SIGTERM');
      expect(await refusedAfterStop(`${origin}/health`)).toBe('ECONNREFUSED');
      await lock.release();
      released = true;
      const res = await slow;
      expect(res.status).toBe(200);
      expect(res.headers.get('x-request-id')).toBe('shutdown-gateway');
      const body = (await res.json()) as { errors?: unknown; data: { wards: unknown[] } };
      expect(body.errors, proc.output()).toBeUndefined();
      expect(Array.isArray(body.data.wards)).toBe(true);
      expect(await exited(proc.child)).toBe(0);
    } finally {
      if (!released) await lock.release();
      if (proc.child.exitCode === null) proc.child.kill('SIGKILL');
    }
    const lines = logLines(proc.output()).filter((l) => l.msg === 'request');
    expect(
      lines.map(({ requestId, operation, status, errors, organisation, roles }) => ({ requestId, operation, status, errors, organisation, roles })),
    ).toEqual([{ requestId: 'shutdown-gateway', operation: 'Wards', status: 200, errors: 0, organisation: 'psychiatry:19', roles: ['COORDINATOR'] }]);
    expect(proc.output()).not.toContain('Sam Samordnare');
  }, 60_000);

  it('cuts a request still waiting when the grace period ends, and still exits 0', async () => {
    const proc = await startSubgraphProcess('psychiatry', '1');
    const lock = await holdLock(hub().databaseUrls.psychiatry, 'ward');
    try {
      const slow = subgraphRequest('psychiatry', 'query Wards { wards { id } }', { as: psychiatryCoordinator, url: proc.url }).then(
        (r) => r.status,
        (err: Error) => err.name,
      );
      await lock.waitForWaiter();
      proc.child.kill('SIGTERM');
      // the lock is held until the process is gone: only the grace period can end the request
      expect(await exited(proc.child)).toBe(0);
      expect(await slow).toBe('TypeError');
    } finally {
      await lock.release();
      if (proc.child.exitCode === null) proc.child.kill('SIGKILL');
    }
  }, 60_000);

  it('flushes its spans to the OTLP endpoint before it exits', async () => {
    const received: Array<{ path: string; body: string }> = [];
    const collector = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += String(d)));
      req.on('end', () => {
        received.push({ path: req.url ?? '', body });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((r) => collector.listen(0, '127.0.0.1', r));
    const { port: collectorPort } = collector.address() as { port: number };
    try {
      const port = await freePort();
      const proc = startEntryPoint('gateway/src/index.ts', {
        GATEWAY_PORT: String(port),
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${collectorPort}`,
        ...Object.fromEntries(Object.entries(hub().subgraphUrls).map(([s, url]) => [`${s.toUpperCase()}_URL`, url])),
      });
      await proc.waitFor(/gateway listening/);
      const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${await tokenFor(psychiatryCoordinator)}` },
        body: JSON.stringify({ query: 'query Exported { wards { id } }' }),
      });
      expect(res.status).toBe(200);
      proc.child.kill('SIGTERM');
      expect(await exited(proc.child)).toBe(0);
      expect(received.map((r) => r.path)).toContain('/v1/traces');
      const sent = received.map((r) => r.body).join('\n');
      expect(sent).toContain('"gateway"');
      expect(sent).toContain('subgraph psychiatry');
      expect(sent).toContain('Exported');
      expect(sent).not.toContain('Sam Samordnare');
    } finally {
      await new Promise<void>((r) => collector.close(() => r()));
    }
  }, 60_000);
});
