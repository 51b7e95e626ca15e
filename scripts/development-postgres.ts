/**
 * The PostgreSQL server of the development installation, for the scripts that
 * work on its databases while `npm start` may or may not be running
 * (`npm run audit:verify`, `npm run seed:large`): HUB_POSTGRES_URL when set,
 * else the embedded server of .hub/, started for the script unless it is
 * listening already (then the script must leave it running).
 */
import { createConnection } from 'node:net';
import { startEmbeddedPostgres, type EmbeddedServer } from './embedded-postgres.ts';
import { EMBEDDED_PG_PORT, PG_DATA_DIR, type LocalState } from './local-state.ts';

/** Whether something accepts connections on 127.0.0.1:port. */
export const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port }, () => {
      socket.end();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });

/**
 * The server's URL, and the embedded server when this call started it (the caller stops it);
 * null when there is neither HUB_POSTGRES_URL nor a development installation (`npm start` never ran).
 */
export async function developmentPostgres(state: Pick<LocalState, 'pgPassword'> | null): Promise<{ url: string; embedded?: EmbeddedServer } | null> {
  if (process.env.HUB_POSTGRES_URL) return { url: process.env.HUB_POSTGRES_URL };
  if (!state) return null;
  const embedded = (await listening(EMBEDDED_PG_PORT))
    ? undefined
    : await startEmbeddedPostgres({ dataDir: PG_DATA_DIR, port: EMBEDDED_PG_PORT, password: state.pgPassword });
  const url = `postgres://postgres:${encodeURIComponent(state.pgPassword)}@127.0.0.1:${EMBEDDED_PG_PORT}/postgres`;
  return embedded ? { url, embedded } : { url };
}
