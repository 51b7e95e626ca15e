/**
 * The replay check every replica of a subgraph shares: accepted signature nonces in the
 * subgraph's own database (request_nonce, made by migrateDatabase). A nonce is accepted once,
 * by `insert ... on conflict do nothing returning`; rows whose signature has expired are pruned
 * now and then, a bounded batch at a time, by whichever replica is claiming.
 */
import type { Sql } from 'postgres';
import type { NonceStore } from './signing.ts';

export interface NonceStoreOptions {
  /** prune expired rows at most this often (default 30 s) */
  pruneEveryMs?: number;
  /** and at most this many rows at a time (default 1000) */
  pruneBatch?: number;
  now?: () => number;
}

// timestamps go as ISO text: drizzle, over the same pool, replaces postgres.js's Date serializers
export function postgresNonceStore(pool: Sql, options: NonceStoreOptions = {}): NonceStore & { prune: () => Promise<number> } {
  const every = options.pruneEveryMs ?? 30_000;
  const batch = options.pruneBatch ?? 1000;
  const now = options.now ?? Date.now;
  let lastPrune = now();
  const prune = async () => {
    const rows = await pool`
      delete from request_nonce where nonce in (
        select nonce from request_nonce where expires_at < ${new Date(now()).toISOString()} limit ${batch}
      ) returning 1`;
    return rows.length;
  };
  return {
    prune,
    async claim(nonce, expiresAt) {
      const rows = await pool`
        insert into request_nonce (nonce, expires_at) values (${nonce}, ${new Date(expiresAt).toISOString()})
        on conflict do nothing returning 1`;
      if (now() - lastPrune >= every) {
        lastPrune = now();
        // in the background: a failed prune is tried again next time, and the claim stands
        prune().catch(() => {});
      }
      return rows.length === 1;
    },
  };
}
