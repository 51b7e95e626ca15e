/**
 * `npm start` as a newcomer runs it: an embedded PostgreSQL server in a
 * fresh directory, migrations, the four subgraphs and the gateway, a token
 * from `npm run token`, and a clean stop on SIGTERM that leaves no process
 * behind and loses nothing on the next start.
 */
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exited, freePort, runScript, startCommand, startScript } from './helpers/processes.ts';

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

    first.child.kill('SIGTERM');
    expect(await exited(first.child)).toBe(0);
    const verifyEnv = { HUB_DIR: hubDir, HUB_EMBEDDED_PG_PORT: env.HUB_EMBEDDED_PG_PORT! };
    const events = () => {
      const r = runScript('scripts/audit-verify.ts', ['--subgraph', 'municipality'], verifyEnv);
      expect(r.status, r.stdout + r.stderr).toBe(0);
      // every event sealed: the sealer seals once more when the process stops
      const m =
        /^municipality: (\d+) audit events in \d+ rows, \d+ seals, intact \(0 rows not sealed yet; head \d+:[0-9a-f]{64}\)\nmunicipality: 0 legacy audit events, chain intact$/.exec(
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
    third.child.kill('SIGTERM');
    expect(await exited(third.child)).toBe(0);
    expect(third.output()).toContain('SIGTERM: stopping the hub…');
    expect(third.output()).toContain('Stopped.');
    expect(postgresRunningOn(join(hubDir, 'pgdata'))).toBe(false);
    expect(existsSync(join(hubDir, 'pgdata', 'postmaster.pid'))).toBe(false);
    expect(events()).toBe(afterFirst + 2);
  }, 180_000);
});
