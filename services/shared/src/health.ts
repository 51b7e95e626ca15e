/**
 * Liveness and readiness. `/health` answers 200 while the process runs (it
 * touches nothing: a restart would not mend a database that is down).
 * `/ready` answers 200 only when the process can serve: a subgraph when its
 * database answers and every migration of its journal is applied; the
 * gateway when every subgraph is ready. Neither needs a token, and neither
 * says more than a name and a reason.
 */
import { readFileSync } from 'node:fs';
import type { Sql } from 'postgres';
import type { DocumentStorage } from './documents.ts';

export interface Readiness {
  ready: boolean;
  body: Record<string, unknown>;
}

/** How many migrations a subgraph's journal (services/<name>/drizzle/meta/_journal.json) lists. */
export function journalLength(subgraph: string): number {
  const journal = JSON.parse(readFileSync(new URL(`../../${subgraph}/drizzle/meta/_journal.json`, import.meta.url), 'utf8')) as { entries: unknown[] };
  return journal.entries.length;
}

/**
 * A subgraph's readiness: its database and migrations, and (for a subgraph with documents in an
 * S3-compatible store) a HEAD of the bucket, named in the body as `documentStore` (PostgreSQL
 * documents need nothing beyond the database).
 */
export async function subgraphReadiness(subgraph: string, pool: Sql, expected: number, documents?: DocumentStorage): Promise<Readiness> {
  let applied: number;
  try {
    const rows = await pool<Array<{ n: number }>>`select count(*)::int as n from drizzle.__drizzle_migrations`;
    applied = rows[0]?.n ?? 0;
  } catch (err) {
    // 42P01: no migrations table yet; anything else: the database does not answer
    const missing = (err as { code?: string }).code === '42P01' || (err as { code?: string }).code === '3F000';
    return { ready: false, body: { status: 'unavailable', subgraph, reason: missing ? 'migrations not applied' : 'database unreachable' } };
  }
  if (applied < expected) return { ready: false, body: { status: 'unavailable', subgraph, reason: `migrations pending: ${applied} of ${expected} applied` } };
  if (documents?.kind === 's3') {
    const problem = await documents.store.check();
    const documentStore = { kind: 's3', bucket: documents.store.bucket };
    if (problem) return { ready: false, body: { status: 'unavailable', subgraph, reason: problem, documentStore } };
    return { ready: true, body: { status: 'ready', subgraph, documentStore } };
  }
  return { ready: true, body: { status: 'ready', subgraph } };
}

/** The `/ready` of a subgraph's GraphQL URL (…/graphql → …/ready). */
export const readyUrlOf = (graphqlUrl: string) => new URL('/ready', graphqlUrl).toString();

export async function gatewayReadiness(subgraphUrls: Record<string, string>, timeoutMs = 3000): Promise<Readiness> {
  const results = await Promise.all(
    Object.entries(subgraphUrls).map(async ([name, url]) => {
      try {
        const res = await fetch(readyUrlOf(url), { signal: AbortSignal.timeout(timeoutMs) });
        await res.body?.cancel();
        return [name, res.status === 200] as const;
      } catch {
        return [name, false] as const;
      }
    }),
  );
  const unavailable = results.filter(([, ok]) => !ok).map(([name]) => name);
  return unavailable.length === 0 ? { ready: true, body: { status: 'ready' } } : { ready: false, body: { status: 'unavailable', subgraphs: unavailable } };
}
