/**
 * Live notifications of one subgraph replica: one dedicated connection LISTENs on the
 * subgraph's own database (NOTIFY_CHANNEL, sent by notify.ts in the transaction that wrote the
 * notification) and fans each announcement out to this replica's subscribers. Every replica
 * hears every NOTIFY of its database, so a subscriber on any replica gets a notification that
 * any replica wrote, once.
 *
 * A subscription is resumable: given the id of the last notification it saw, it first replays
 * the caller's notifications after that one from the table, oldest first, then goes on with
 * the live ones (each delivered once: those already replayed are skipped). Each one is shown
 * only when the caller is its recipient and may read its record at that moment (the
 * subgraph's `visible` hook).
 */
import type { Sql } from 'postgres';
import type { Caller } from './caller.ts';
import type { SubgraphName } from './env.ts';
import type { Logger } from './logger.ts';
import {
  NOTIFY_CHANNEL,
  isRecipient,
  notificationsAfter,
  refKey,
  seqOf,
  viewOf,
  type Announced,
  type Executor,
  type NotificationHooks,
  type NotificationView,
} from './notify.ts';

type Listener = (a: Announced) => void;

export interface LiveHub {
  /** registers a listener of this replica's announcements; returns its removal */
  on: (listener: Listener) => () => void;
  /** registers a subscription's stop (called on close) */
  track: (stop: () => void) => () => void;
  /** how many subscriptions are open on this replica */
  open: () => number;
  /** ends every open subscription and the LISTEN connection */
  close: () => Promise<void>;
}

/** LISTEN on one dedicated connection of `pool`'s database (postgres.js keeps it, and re-listens after a reconnect). */
export async function startLive(pool: Sql, log: Logger): Promise<LiveHub> {
  const listeners = new Set<Listener>();
  const stops = new Set<() => void>();
  const subscription = await pool.listen(NOTIFY_CHANNEL, (payload) => {
    let a: Announced;
    try {
      a = JSON.parse(payload) as Announced;
    } catch {
      log.warn('a notification announcement that is not JSON was ignored');
      return;
    }
    for (const l of listeners) l(a);
  });
  return {
    on: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    track: (stop) => {
      stops.add(stop);
      return () => stops.delete(stop);
    },
    open: () => stops.size,
    close: async () => {
      for (const stop of [...stops]) stop();
      stops.clear();
      listeners.clear();
      await subscription.unlisten();
    },
  };
}

const REPLAY_BATCH = 500;
const REPLAY_MAX = 10_000;

/**
 * The caller's notifications as they come: the missed ones after `after` first (when given), then
 * the live ones. Ends when the client goes away or the replica stops.
 */
export function liveNotifications(
  subgraph: SubgraphName,
  live: LiveHub,
  db: Executor,
  hooks: NotificationHooks,
  caller: Caller,
  clock: () => Date,
  after: string | null | undefined,
): AsyncIterableIterator<NotificationView> {
  // checked before anything is registered: a bad id is the subscription's error
  const afterSeq = after === null || after === undefined ? null : seqOf(subgraph, after, 'after');
  const state: { stopped: boolean; wake: (() => void) | null } = { stopped: false, wake: null };
  const inner = run(subgraph, live, db, hooks, caller, clock, afterSeq, state);
  // a client that goes away ends the subscription at once, even while it waits for the next one
  const stop = () => {
    state.stopped = true;
    state.wake?.();
  };
  return {
    next: () => inner.next(),
    return: (value?: unknown) => {
      stop();
      return inner.return(value as undefined);
    },
    throw: (err?: unknown) => {
      stop();
      return inner.throw(err);
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

async function* run(
  subgraph: SubgraphName,
  live: LiveHub,
  db: Executor,
  hooks: NotificationHooks,
  caller: Caller,
  clock: () => Date,
  afterSeq: number | null,
  state: { stopped: boolean; wake: (() => void) | null },
): AsyncGenerator<NotificationView, undefined> {
  const queue: Announced[] = [];
  const off = live.on((a) => {
    if (!isRecipient(caller, a)) return;
    queue.push(a);
    state.wake?.();
  });
  const untrack = live.track(() => {
    state.stopped = true;
    state.wake?.();
  });
  const delivered = new Set<number>();
  const show = async (items: Array<Omit<NotificationView, 'read'>>): Promise<NotificationView[]> => {
    if (items.length === 0) return [];
    const visible = await hooks.visible(db, caller, clock(), items);
    return items.filter((i) => visible.has(refKey(i))).map((i) => ({ ...i, read: false }));
  };
  try {
    if (afterSeq !== null) {
      let last = afterSeq;
      for (let replayed = 0; replayed < REPLAY_MAX && !state.stopped;) {
        const rows = await notificationsAfter(db, caller, last, REPLAY_BATCH);
        if (rows.length === 0) break;
        replayed += rows.length;
        last = Number(rows[rows.length - 1]!.seq);
        for (const r of rows) delivered.add(Number(r.seq));
        for (const v of await show(rows.map((r) => viewOf(subgraph, r)))) yield v;
      }
    }
    while (!state.stopped) {
      if (queue.length === 0) {
        await new Promise<void>((resolve) => {
          state.wake = resolve;
        });
        state.wake = null;
        continue;
      }
      const batch = queue.splice(0, queue.length).filter((a) => !delivered.has(a.seq));
      for (const a of batch) delivered.add(a.seq);
      const views = batch.map((a) => ({
        id: `${subgraph}:${a.seq}`,
        kind: a.kind,
        recordKind: a.recordKind,
        recordId: a.recordId,
        createdAt: new Date(a.at),
      }));
      for (const v of await show(views)) yield v;
    }
  } finally {
    off();
    untrack();
  }
  return undefined;
}
