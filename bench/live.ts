/**
 * `npm run bench:live`: how fast a change reaches the people it concerns. A hub of its own
 * (embedded PostgreSQL, or BENCH_POSTGRES_URL); BENCH_SUBSCRIBERS (default 1, 20 and 100)
 * coordinators of Västmanland, each a different user, subscribe at the gateway (SSE, as a
 * browser behind a proxy would); a caseworker then sends BENCH_REQUESTS (default 30) requests
 * one after the other. For every request and subscriber: the time from the mutation's answer
 * to the notification's arrival (the notification is written in the mutation's transaction, so
 * this is the LISTEN/NOTIFY fan-out, the subgraph's read of it, the SSE hops through the
 * gateway). Prints p50, p95 and the largest, and how many deliveries were missing after 5 s.
 * Then a burst of BENCH_BURST (default 50) requests, five at a time: changes per second and
 * deliveries per second through the live path. The goal: within a second.
 */
import { performance } from 'node:perf_hooks';
import { createClient } from 'graphql-sse';
import { startStandaloneHub } from '../tests/setup/hub-server.ts';
import { loadAverage } from './closed-loop.ts';

const LEVELS = (process.env.BENCH_SUBSCRIBERS ?? '1,20,100').split(',').map(Number);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 30);
const BURST = Number(process.env.BENCH_BURST ?? 50);

const stack = await startStandaloneHub(process.env.BENCH_POSTGRES_URL, 'benchlive');
const caseworker = await stack.token({ org: 'municipality:1980', roles: ['CASEWORKER'], name: 'Bench Caseworker' });

const SUBMIT = `mutation($input: WithdrawalReferralInput!) { submitWithdrawalReferral(input: $input) { id } }`;
const SUBSCRIBE = `subscription { psychiatryNotifications { id kind recordId } }`;

const pnr = (i: number) => {
  // valid personnummer from a fixed list of birth dates (the Luhn digit computed)
  const nine = `7${String(i % 10)}0${1 + (i % 9)}1${1 + (i % 9)}${String(100 + (i % 900)).padStart(3, '0')}`;
  let sum = 0;
  for (let k = 0; k < 9; k++) {
    const d = Number(nine[k]) * (k % 2 === 0 ? 2 : 1);
    sum += d > 9 ? d - 9 : d;
  }
  return `19${nine}${(10 - (sum % 10)) % 10}`;
};

async function submit(i: number): Promise<{ id: string; answeredAt: number }> {
  const res = await fetch(stack.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${caseworker}` },
    body: JSON.stringify({
      query: SUBMIT,
      variables: {
        input: {
          personnummer: pnr(i),
          name: 'Bench Person',
          substances: ['ALCOHOL'],
          currentProblems: 'Abstinens.',
          postTreatmentPlan: 'Öppenvård.',
          caseworker: { name: 'Bench', phone: '021-39 00 00', email: 'bench@example.se' },
          individualConsents: true,
        },
      },
    }),
  });
  const answeredAt = performance.now();
  const body = (await res.json()) as { data?: { submitWithdrawalReferral: { id: string } }; errors?: unknown };
  if (!body.data) throw new Error(JSON.stringify(body.errors));
  return { id: body.data.submitWithdrawalReferral.id, answeredAt };
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

console.log(`bench:live: ${REQUESTS} requests one after the other; latency from the mutation's answer to each subscriber's notification`);
let n = 0;
try {
  for (const subscribers of LEVELS) {
    const arrivals = new Map<string, number[]>();
    const clients = await Promise.all(
      Array.from({ length: subscribers }, async (_, k) => {
        const token = await stack.token({
          org: 'psychiatry:19',
          roles: ['COORDINATOR'],
          name: `Bench Coordinator ${k}`,
          sub: `bench-coordinator-${subscribers}-${k}`,
        });
        const client = createClient({ url: stack.gatewayUrl, headers: { authorization: `Bearer ${token}` }, retryAttempts: 0 });
        client.subscribe<{ psychiatryNotifications: { recordId: string } }>(
          { query: SUBSCRIBE },
          {
            next: (r) => {
              const id = r.data?.psychiatryNotifications.recordId;
              if (id) arrivals.set(id, [...(arrivals.get(id) ?? []), performance.now()]);
            },
            error: () => {},
            complete: () => {},
          },
        );
        return client;
      }),
    );
    // the subscriptions open; a first request is sent and waited for by all before timing starts
    const warm = await submit(n++);
    const until = performance.now() + 10_000;
    while ((arrivals.get(warm.id)?.length ?? 0) < subscribers && performance.now() < until) await new Promise((r) => setTimeout(r, 20));
    const latencies: number[] = [];
    let missing = 0;
    for (let i = 0; i < REQUESTS; i++) {
      const { id, answeredAt } = await submit(n++);
      const deadline = performance.now() + 5_000;
      while ((arrivals.get(id)?.length ?? 0) < subscribers && performance.now() < deadline) await new Promise((r) => setTimeout(r, 2));
      const got = arrivals.get(id) ?? [];
      missing += subscribers - got.length;
      for (const t of got) latencies.push(Math.max(0, t - answeredAt));
    }
    // then a burst: BENCH_BURST requests at 5 at a time, and the rate at which every subscriber got them all
    const burstIds: string[] = [];
    const burstStart = performance.now();
    for (let i = 0; i < BURST; i += 5)
      burstIds.push(...(await Promise.all(Array.from({ length: Math.min(5, BURST - i) }, () => submit(n++)))).map((b) => b.id));
    const burstDeadline = performance.now() + 20_000;
    while (burstIds.some((id) => (arrivals.get(id)?.length ?? 0) < subscribers) && performance.now() < burstDeadline)
      await new Promise((r) => setTimeout(r, 5));
    const burstSeconds = (performance.now() - burstStart) / 1000;
    const burstDelivered = burstIds.reduce((sum, id) => sum + (arrivals.get(id)?.length ?? 0), 0);
    for (const c of clients) c.dispose();
    latencies.sort((a, b) => a - b);
    console.log(
      `${String(subscribers).padStart(4)} subscribers, burst of ${BURST} requests: ${(BURST / burstSeconds).toFixed(1)} changes/s, ` +
        `${(burstDelivered / burstSeconds).toFixed(0)} deliveries/s, ${BURST * subscribers - burstDelivered} missing`,
    );
    console.log(
      `${String(subscribers).padStart(4)} subscribers: p50 ${pct(latencies, 50).toFixed(1)} ms, p95 ${pct(latencies, 95).toFixed(1)} ms, max ${latencies.at(-1)!.toFixed(1)} ms; ` +
        `${latencies.length} deliveries, ${missing} missing (load ${loadAverage()})`,
    );
  }
} finally {
  await stack.stop();
}
