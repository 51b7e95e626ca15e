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

export const SUBSCRIBE = `subscription($after: ID) { psychiatryNotifications(after: $after) { id kind recordKind recordId read } }`;
export const LIST = `query($unread: Boolean, $first: Int, $after: String) { notifications { psychiatry(unreadOnly: $unread, first: $first, after: $after) { nodes { id kind recordKind recordId read } pageInfo { hasNextPage endCursor } } } }`;
export const SWEEP = `mutation($p: ID) { runPsychiatryDeadlineSweep(personId: $p) { told } }`;
export const MARK = `mutation($ids: [ID!]) { markPsychiatryNotificationsRead(ids: $ids) { marked } }`;

/** The caller's newest psychiatry notification id (psychiatry:0 when none): a subscription after it misses nothing. */
export async function newestId(as: As): Promise<string> {
  const page = ok(await gql(LIST, { first: 1 }, { as })).notifications.psychiatry as { nodes: Delivered[] };
  return page.nodes[0]?.id ?? 'psychiatry:0';
}

export type Transport = 'SSE' | 'WebSocket';

/**
 * A subscription at the gateway: every notification it delivers, kept in order. `until` stops it
 * once it holds what the test waits for (bounded: at most 15 s, then it stops with what it has).
 */
export function subscribe(transport: Transport, token: string, after: string | null, url = hub().gatewayUrl) {
  const values: Delivered[] = [];
  const query = { query: SUBSCRIBE, variables: after ? { after } : {} };
  let stop: () => void = () => undefined;
  const done = new Promise<void>((resolve, reject) => {
    const onNext = (v: { data?: { psychiatryNotifications?: Delivered } | null; errors?: unknown }) => {
      if (v.errors) reject(new Error(JSON.stringify(v.errors)));
      else if (v.data?.psychiatryNotifications) values.push(v.data.psychiatryNotifications);
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
