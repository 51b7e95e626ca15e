/**
 * The deadline sweep of a subgraph replica: every HUB_SWEEP_INTERVAL_SECONDS it turns each
 * deadline that passed (by the real clock) into its notification and timeline event. Deadlines
 * stay derived on read; the sweep only tells. It is safe with any number of replicas: each
 * deadline's notification has a unique dedup key and is inserted with ON CONFLICT DO NOTHING,
 * and its timeline event is written only for a notification that was inserted, in the same
 * transaction, so a deadline is told once whichever replica sweeps first.
 *
 * In development the mutation run<Subgraph>DeadlineSweep sweeps as at the request's clock header
 * (x-hub-clock), for one person's records or all, so tests and training move deadlines and see
 * them told; production refuses it.
 */
import type { Logger } from './logger.ts';
import type { NotificationHooks } from './notify.ts';

type SweepDb = Parameters<NonNullable<NotificationHooks['sweep']>>[0];

export interface Sweeper {
  /** sweeps for `now` (the clock header's time, or the real one), for one person's records or all; how many deadlines were told */
  sweepAt: (now: Date, personId: string | null) => Promise<number>;
  stop: () => Promise<void>;
}

export function startSweeper(db: SweepDb, hooks: NotificationHooks, intervalMs: number, log: Logger): Sweeper {
  const sweep = hooks.sweep;
  let running: Promise<unknown> = Promise.resolve();
  let stopped = false;
  const sweepAt = async (now: Date, personId: string | null): Promise<number> => (sweep ? sweep(db, now, personId) : 0);
  const tick = () => {
    if (stopped) return;
    running = sweepAt(new Date(), null).then(
      (told) => {
        if (told > 0) log.info({ told }, 'deadline sweep');
      },
      (err: unknown) => log.error({ err }, 'deadline sweep failed; it runs again at the next interval'),
    );
  };
  const timer = sweep && intervalMs > 0 ? setInterval(tick, intervalMs) : null;
  timer?.unref();
  return {
    sweepAt,
    stop: async () => {
      stopped = true;
      if (timer) clearInterval(timer);
      await running;
    },
  };
}
