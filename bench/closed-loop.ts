/** A closed-loop load: `connections` callers, each calling `once` again as soon as it answers, for `seconds`. */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

export interface ClosedLoopResult {
  /** each call's wall time in ms, sorted */
  times: number[];
  /** the wall time of the whole run, in seconds */
  elapsed: number;
  /** the Node process's CPU (user + system) per call, in ms: the steadier figure on a shared machine */
  cpuMsPerCall: number;
}

export async function closedLoop(connections: number, seconds: number, once: () => Promise<unknown>): Promise<ClosedLoopResult> {
  const times: number[] = [];
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  const cpu0 = process.cpuUsage();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < deadline) {
        const t0 = performance.now();
        await once();
        times.push(performance.now() - t0);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpu0);
  times.sort((a, b) => a - b);
  return { times, elapsed, cpuMsPerCall: (cpu.user + cpu.system) / 1000 / times.length };
}

/** The machine's one-minute load average, as printed beside each figure. */
export const loadAverage = (): string => readFileSync('/proc/loadavg', 'utf8').split(' ')[0]!;
