/** Live notifications through the gateway, for the tests: a subscription over SSE or WebSocket that keeps what it gets. */
import { createClient as createSseClient } from 'graphql-sse';
import { createClient as createWsClient } from 'graphql-ws';
import WebSocket from 'ws';
import { ENGLISH, gql, hub, ok, type As } from './hub.ts';

export interface Delivered {
  id: string;
  kind: string;
  recordKind: string;
  recordId: string;
  read: boolean;
}

/** The subgraphs with notifications: each has its own section, subscription, sweep and mark. */
export type LiveSubgraph = 'psychiatry' | 'municipality' | 'probation';
const cap = (s: LiveSubgraph) => s.charAt(0).toUpperCase() + s.slice(1);

export const subscribeQuery = (s: LiveSubgraph) => `subscription($after: ID) { ${s}Notifications(after: $after) { id kind recordKind recordId read } }`;
export const listQuery = (s: LiveSubgraph) =>
  `query($unread: Boolean, $first: Int, $after: String) { notifications { ${s}(unreadOnly: $unread, first: $first, after: $after) { nodes { id kind recordKind recordId read } pageInfo { hasNextPage endCursor } } } }`;
export const sweepMutation = (s: LiveSubgraph) => `mutation($p: ID) { run${cap(s)}DeadlineSweep(personId: $p) { told } }`;
export const markMutation = (s: LiveSubgraph) => `mutation($ids: [ID!]) { mark${cap(s)}NotificationsRead(ids: $ids) { marked } }`;

export const SUBSCRIBE = subscribeQuery('psychiatry');
export const LIST = listQuery('psychiatry');
export const SWEEP = sweepMutation('psychiatry');
export const MARK = markMutation('psychiatry');

/** The caller's newest notification id of a subgraph (<subgraph>:0 when none): a subscription after it misses nothing. */
export async function newestId(as: As, subgraph: LiveSubgraph = 'psychiatry'): Promise<string> {
  const page = ok(await gql(listQuery(subgraph), { first: 1 }, { as })).notifications[subgraph] as { nodes: Delivered[] };
  return page.nodes[0]?.id ?? `${subgraph}:0`;
}

export type Transport = 'SSE' | 'WebSocket';

/**
 * A subscription at the gateway: every notification it delivers, kept in order. `until` stops it
 * once it holds what the test waits for (bounded: at most 15 s, then it stops with what it has).
 */
export function subscribe(transport: Transport, token: string, after: string | null, url = hub().gatewayUrl, subgraph: LiveSubgraph = 'psychiatry') {
  const values: Delivered[] = [];
  const field = `${subgraph}Notifications`;
  const query = { query: subscribeQuery(subgraph), variables: after ? { after } : {} };
  let stop: () => void = () => undefined;
  const done = new Promise<void>((resolve, reject) => {
    const onNext = (v: { data?: Record<string, Delivered | undefined> | null; errors?: unknown }) => {
      const got = v.data?.[field];
      if (v.errors) reject(new Error(JSON.stringify(v.errors)));
      else if (got) values.push(got);
    };
    if (transport === 'SSE') {
      const client = createSseClient({ url, headers: { authorization: `Bearer ${token}`, ...ENGLISH }, retryAttempts: 0 });
      const off = client.subscribe(query, { next: onNext, error: reject, complete: resolve });
      stop = () => {
        off();
        client.dispose();
        resolve();
      };
    } else {
      const client = createWsClient({
        url: url.replace(/^http/, 'ws'),
        webSocketImpl: WebSocket,
        retryAttempts: 0,
        connectionParams: { authorization: `Bearer ${token}` },
      });
      const off = client.subscribe(query, { next: onNext, error: reject, complete: resolve });
      stop = () => {
        off();
        void client.dispose();
        resolve();
      };
    }
  });
  return {
    values,
    /** waits until `enough(values)` (checked every 20 ms, at most 15 s), then stops the subscription */
    async until(enough: (values: Delivered[]) => boolean): Promise<Delivered[]> {
      const deadline = Date.now() + 15_000;
      let failed: unknown = null;
      done.catch((err: unknown) => {
        failed = err;
      });
      while (!enough(values) && Date.now() < deadline && failed === null) await new Promise((r) => setTimeout(r, 20));
      stop();
      await done.catch(() => undefined);
      if (failed) throw failed as Error;
      return [...values];
    },
    stop,
  };
}
