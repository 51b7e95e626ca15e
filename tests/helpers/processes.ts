/** Running the project's own commands as a user would, for the tests that check them. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TSX = `${ROOT}node_modules/.bin/tsx`;

export function runScript(script: string, args: string[], env: Record<string, string>) {
  const r = spawnSync(TSX, [script, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH!, HOME: process.env.HOME ?? '/tmp', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export interface Started {
  child: ChildProcess;
  output: () => string;
  waitFor: (text: RegExp, ms?: number) => Promise<string>;
}

/**
 * A script under tsx as the image runs its entry points (`node --import tsx <script>`): one process,
 * which gets the signals itself (the `tsx` command relays them to a child and kills it when the
 * child is slow to answer, which a loaded machine can be).
 */
export function startScript(script: string, env: Record<string, string>): Started {
  return startCommand('node', ['--import', 'tsx', script], env);
}

/** A command of the checkout (`npm start`: startCommand('npm', ['start'], env)), its output collected. */
export function startCommand(command: string, args: string[], env: Record<string, string>, options: { ownProcessGroup?: boolean } = {}): Started {
  const child = spawn(command, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH!, HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    // a process group of its own, as a terminal gives a command: its Ctrl-C is `process.kill(-child.pid, 'SIGINT')`
    detached: options.ownProcessGroup === true,
  });
  let out = '';
  child.stdout.on('data', (d) => (out += String(d)));
  child.stderr.on('data', (d) => (out += String(d)));
  return {
    child,
    output: () => out,
    waitFor: (text, ms = 60_000) =>
      new Promise((resolve, reject) => {
        const started = Date.now();
        const tick = () => {
          const m = text.exec(out);
          if (m) return resolve(m[0]);
          if (child.exitCode !== null) return reject(new Error(`exited ${child.exitCode} before ${text}:\n${out}`));
          if (Date.now() - started > ms) return reject(new Error(`no ${text} within ${ms} ms:\n${out}`));
          setTimeout(tick, 100);
        };
        tick();
      }),
  };
}

export function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code))));
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}
