/** A request kept in flight by a table lock, and the connections a stopping server refuses: for the tests of stopping. */
import http from 'node:http';
import postgres from 'postgres';

/** Holds an ACCESS EXCLUSIVE lock on `table` until `release()`; `waitForWaiter()` resolves once a backend waits for a lock in that database. */
export async function holdLock(databaseUrl: string, table: string) {
  const sql = postgres(databaseUrl, { max: 2, onnotice: () => {} });
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  let locked!: () => void;
  const isLocked = new Promise<void>((r) => (locked = r));
  const tx = sql.begin(async (t) => {
    await t.unsafe(`lock table ${table} in access exclusive mode`);
    locked();
    await released;
  });
  await isLocked;
  return {
    waitForWaiter: async () => {
      for (let i = 0; i < 200; i++) {
        const [row] = await sql<
          Array<{ n: number }>
        >`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`;
        if (row!.n > 0) return;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error('no request is waiting for the lock');
    },
    release: async () => {
      release();
      await tx;
      await sql.end();
    },
  };
}

/** A GET on a connection of its own (no keep-alive pool): the status, or the connection error's code. */
export function freshGet(url: string): Promise<number | string> {
  return new Promise((resolve) => {
    const req = http.get(url, { agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
  });
}

/** 'ECONNREFUSED' once `url` refuses new connections (tried for up to about 5 s), else the last answer. */
export async function refusedAfterStop(url: string): Promise<number | string> {
  let last: number | string = 0;
  for (let i = 0; i < 100; i++) {
    last = await freshGet(url);
    if (last === 'ECONNREFUSED') return last;
    await new Promise((r) => setTimeout(r, 50));
  }
  return last;
}
