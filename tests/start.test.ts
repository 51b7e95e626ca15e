/**
 * `npm start` as a newcomer runs it: an embedded PostgreSQL server in a
 * fresh directory, migrations, the four subgraphs and the gateway, a token
 * from `npm run token`, and a clean stop on SIGTERM that leaves no process
 * behind and loses nothing on the next start. Stopped as `npm start` (SIGTERM
 * to npm alone, and a terminal's Ctrl-C to the whole process group), a
 * request in flight (kept waiting by a table lock the test holds) still
 * completes with 200 while new connections are refused, and then the process
 * exits 0 with PostgreSQL stopped.
 */
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exited, freePort, runScript, startCommand, startScript, type Started } from './helpers/processes.ts';
import { holdLock, refusedAfterStop } from './helpers/in-flight.ts';

const ME = '{ me { userId organisation { id } roles } findPerson(personnummer: "19121212-1212") { id } }';

function postgresRunningOn(dataDir: string): boolean {
  const ps = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' });
  return ps.split('\n').some((line) => line.includes('postgres') && line.includes(dataDir));
}

describe('npm start', () => {
  const hubDir = mkdtempSync(join(tmpdir(), 'hub-start-'));
  chmodSync(hubDir, 0o755);
  afterAll(() => rmSync(hubDir, { recursive: true, force: true }));

  it('starts everything, serves a token holder, stops on SIGTERM, and keeps data across restarts', async () => {
    const env: Record<string, string> = { HUB_DIR: hubDir, HUB_EMBEDDED_PG_PORT: String(await freePort()), LOG_LEVEL: 'warn' };
    for (const s of ['GATEWAY', 'MUNICIPALITY', 'PSYCHIATRY', 'PROBATION', 'CLINICS']) env[`${s}_PORT`] = String(await freePort());
    const gatewayUrl = `http://localhost:${env.GATEWAY_PORT}/graphql`;

    const first = startScript('scripts/start.ts', env);
    await first.waitFor(/Coordination hub ready in [\d.]+ s/);
    expect(first.output()).toContain(`Gateway    ${gatewayUrl}`);
    expect(first.output()).toContain('npm run --silent token -- --org municipality:1980 --roles CASEWORKER');

    const token = runScript('scripts/token.ts', ['--org', 'psychiatry:19', '--roles', 'COORDINATOR', '--sub', 'sam', '--name', 'Sam Samordnare'], {
      HUB_DIR: hubDir,
    });
    expect(token.status).toBe(0);
    expect(token.stdout.trim()).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    const ask = () =>
      fetch(gatewayUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token.stdout.trim()}` },
        body: JSON.stringify({ query: ME }),
      }).then((r) => r.json());
    const answer = await ask();
    expect(answer.data.me).toEqual({ userId: 'sam', organisation: { id: 'psychiatry:19' }, roles: ['COORDINATOR'] });
    const wards = () =>
      fetch(gatewayUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token.stdout.trim()}` },
        body: JSON.stringify({ query: '{ wards { id name } }' }),
      });
    const allWards = await (await wards()).json();
    expect(allWards.errors).toBeUndefined();
    expect(allWards.data.wards.length).toBeGreaterThan(0);

    /** Stops `started` with `stop` while a gateway request waits for a lock on psychiatry's wards: it completes, then the hub exits 0. */
    const stopWithRequestInFlight = async (started: Started, stop: () => void) => {
      const { pgPassword } = JSON.parse(readFileSync(join(hubDir, 'local.json'), 'utf8')) as { pgPassword: string };
      const lock = await holdLock(`postgres://postgres:${encodeURIComponent(pgPassword)}@127.0.0.1:${env.HUB_EMBEDDED_PG_PORT}/hub_psychiatry`, 'ward');
      let released = false;
      try {
        // the answer, or how the request failed (a request cut by the stop fails with TypeError)
        const slow = wards().then(
          async (r) => ({ status: r.status as number | string, body: (await r.json()) as unknown }),
          (err: Error) => ({ status: err.name, body: undefined }),
        );
        await lock.waitForWaiter();
        stop();
        // the gateway stops accepting at once, while the request waits
        expect(await refusedAfterStop(`http://127.0.0.1:${env.GATEWAY_PORT}/health`)).toBe('ECONNREFUSED');
        expect(started.child.exitCode).toBeNull();
        await lock.release();
        released = true;
        expect(await slow).toEqual({ status: 200, body: allWards });
        expect(await exited(started.child)).toBe(0);
      } finally {
        if (!released) await lock.release();
        if (started.child.exitCode === null) started.child.kill('SIGKILL');
      }
      expect(started.output()).toContain('Stopped.');
      expect(postgresRunningOn(join(hubDir, 'pgdata'))).toBe(false);
      expect(existsSync(join(hubDir, 'pgdata', 'postmaster.pid'))).toBe(false);
    };

    first.child.kill('SIGTERM');
    expect(await exited(first.child), first.output()).toBe(0);
    const verifyEnv = { HUB_DIR: hubDir, HUB_EMBEDDED_PG_PORT: env.HUB_EMBEDDED_PG_PORT! };
    const events = () => {
      const r = runScript('scripts/audit-verify.ts', ['--subgraph', 'municipality'], verifyEnv);
      expect(r.status, r.stdout + r.stderr).toBe(0);
      // every event sealed: the sealer seals once more when the process stops
      const m =
        /^municipality: (\d+) audit events in \d+ rows, \d+ seals, intact \(0 rows not sealed yet; head \d+:[0-9a-f]{64}\)\nmunicipality: 0 legacy audit events, chain intact\nmunicipality: witnessed by psychiatry up to [^,\n]+, probation up to [^,\n]+, clinics up to [^,\n]+: consistent$/.exec(
          r.stdout.trim(),
        );
      expect(m, r.stdout).not.toBeNull();
      return Number(m![1]);
    };
    const afterFirst = events();
    expect(first.output()).toContain('Stopped.');
    expect(postgresRunningOn(join(hubDir, 'pgdata'))).toBe(false);
    expect(existsSync(join(hubDir, 'pgdata', 'postmaster.pid'))).toBe(false);

    // Second start: same keys (the old token still works), same data (the audit event of the search is still there).
    const second = startScript('scripts/start.ts', env);
    await second.waitFor(/Coordination hub ready/);
    expect(second.output()).not.toContain('demo data seeded');
    expect((await ask()).data.findPerson.id).toBe(answer.data.findPerson.id);
    second.child.kill('SIGINT');
    expect(await exited(second.child)).toBe(0);
    expect(postgresRunningOn(join(hubDir, 'pgdata'))).toBe(false);

    // Nothing of the first run was lost; the second run added its one search (demo data is seeded once only).
    expect(events()).toBe(afterFirst + 1);

    // Third start as `npm start` runs it (scripts/run.mjs, the databases in a worker thread): SIGTERM to npm
    // alone reaches the hub, which stops everything and exits 0, and npm with it.
    const third = startCommand('npm', ['start'], env);
    await third.waitFor(/Coordination hub ready in [\d.]+ s \(development mode, embedded PostgreSQL/);
    expect((await ask()).data.findPerson.id).toBe(answer.data.findPerson.id);
    await stopWithRequestInFlight(third, () => third.child.kill('SIGTERM'));
    expect(third.output()).toContain('SIGTERM: stopping the hub…');
    // V8's code cache in the installation's own state, the Node process's only (Node 22 and later: Node 20 has none)
    const cache = join(hubDir, 'compile-cache');
    const nodeCache = Number(process.versions.node.split('.')[0]) >= 22;
    expect(existsSync(cache)).toBe(nodeCache);
    if (nodeCache) {
      expect(statSync(cache).mode & 0o777).toBe(0o700);
      expect(readdirSync(cache).length).toBeGreaterThan(0);
    }
    expect(events()).toBe(afterFirst + 2);

    // Fourth: `npm start` in a terminal of its own, stopped with Ctrl-C, which reaches every process of the group
    // (npm, node): PostgreSQL, in a group of its own, stays up until the hub has finished the request and stops it.
    const fourth = startCommand('npm', ['start'], env, { ownProcessGroup: true });
    await fourth.waitFor(/Coordination hub ready in [\d.]+ s \(development mode, embedded PostgreSQL/);
    await stopWithRequestInFlight(fourth, () => process.kill(-fourth.child.pid!, 'SIGINT'));
    expect(fourth.output()).toContain('SIGINT: stopping the hub…');
    expect(events()).toBe(afterFirst + 2);
  }, 240_000);
});
