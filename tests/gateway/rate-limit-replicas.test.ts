/**
 * Two gateway replicas (two servers in this process, each with buckets of its own) limit a caller
 * as one when they share their counts through one gateway database (HUB_GATEWAY_DATABASE_URL,
 * gateway/src/rate-limit-store.ts), and each admits the whole limit when they do not. The test
 * database is made on HUB_TEST_POSTGRES_URL's server and dropped at the end. The replicas sync
 * when the test says (sharedLimits.sync), or by their timer, waited for by their count of syncs.
 */
import { readFileSync } from 'node:fs';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadGatewayConfig } from '../../services/shared/src/env.ts';
import { dropDatabase, ensureDatabase, withDatabase } from '../../services/shared/src/db.ts';
import { startGateway, type RunningGateway } from '../../gateway/src/server.ts';
import { TABLE, WINDOW_MS } from '../../gateway/src/rate-limit-store.ts';
import { TokenBuckets } from '../../gateway/src/rate-limit.ts';
import { hub, tokenFor } from '../helpers/hub.ts';

const supergraph = readFileSync(new URL('../../schema/supergraph.graphql', import.meta.url), 'utf8');
const ME = '{ me { organisation { id } } }';
/** The limit: 4 at once, refilled at 1 a minute (a fraction of one request in the test's time). */
const BURST = 4;
const limited = { HUB_RATE_LIMIT_PER_MINUTE: '1', HUB_RATE_LIMIT_BURST: String(BURST), HUB_RATE_LIMIT_ANON_PER_MINUTE: '1', HUB_RATE_LIMIT_ANON_BURST: '2' };

let databaseName: string;
let databaseUrl: string;
const gateways: RunningGateway[] = [];

async function gateway(env: Record<string, string>): Promise<RunningGateway> {
  const urls = Object.fromEntries(Object.entries(hub().subgraphUrls).map(([k, v]) => [`${k.toUpperCase()}_URL`, v]));
  const g = await startGateway(loadGatewayConfig({ ...hub().env, GATEWAY_PORT: '0', ...urls, ...limited, ...env }), supergraph);
  gateways.push(g);
  return g;
}

beforeAll(async () => {
  databaseName = `${hub().prefix}_gateway_limits`;
  await ensureDatabase(hub().postgresUrl, databaseName);
  databaseUrl = withDatabase(hub().postgresUrl, databaseName);
});
afterAll(async () => {
  await Promise.all(gateways.map((g) => g.close()));
  if (databaseName) await dropDatabase(hub().postgresUrl, databaseName);
});

interface Answer {
  status: number;
  retryAfter: string | null;
  body: { data?: unknown; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
}

async function ask(g: RunningGateway, authorization: string): Promise<Answer> {
  const res = await fetch(g.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'accept-language': 'en', authorization },
    body: JSON.stringify({ query: ME }),
  });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as Answer['body'] };
}

const caller = async (sub: string) => `Bearer ${await tokenFor({ org: 'municipality:1980', roles: ['CASEWORKER'], sub })}`;

/** A refusal exactly as the gateway answers it: 429, Retry-After in whole seconds, the message that says them, RATE_LIMITED. */
function expectRefused(answer: Answer): number {
  expect(answer.status).toBe(429);
  expect(answer.retryAfter).toMatch(/^[1-9]\d*$/);
  const seconds = Number(answer.retryAfter);
  expect(answer.body).toEqual({ errors: [{ message: `Too many requests; try again in ${seconds} seconds.`, extensions: { code: 'RATE_LIMITED' } }] });
  return seconds;
}

function expectServed(answer: Answer) {
  expect(answer.status).toBe(200);
  expect(answer.body.errors).toBeUndefined();
  expect(answer.body.data).toEqual({ me: { organisation: { id: 'municipality:1980' } } });
}

/** Waits (at most `tries` × 20 ms) until the replica has completed `n` more syncs; says whether it did. */
async function syncsDone(g: RunningGateway, n: number, tries = 500): Promise<boolean> {
  const target = g.sharedLimits!.syncs + n;
  for (let i = 0; i < tries && g.sharedLimits!.syncs < target; i++) await new Promise((r) => setTimeout(r, 20));
  return g.sharedLimits!.syncs >= target;
}

describe("a bucket charged with the other replicas' requests", () => {
  it('goes below zero, says how long the debt takes to refill, and owes a first sight only what the refill since has not covered', () => {
    let now = 0;
    const buckets = new TokenBuckets(60, 3, 10, () => now);
    expect(buckets.take('a')).toBe(0);
    buckets.charge('a', [{ count: 4 }]);
    // 3 − 1 − 4 = −2: three seconds until one request fits
    expect(buckets.take('a')).toBe(3);
    now += 3000;
    expect([buckets.take('a'), buckets.take('a')]).toEqual([0, 1]);
    // a first sight: 5 since t = 0 (5 s ago: 5 refilled since, nothing owed) or 2 since t = 4.5 s (0.5 refilled, 1.5 owed)
    now = 5000;
    const fresh = new TokenBuckets(60, 3, 10, () => now);
    fresh.take('b');
    fresh.charge('b', [
      { count: 5, since: 0 },
      { count: 2, since: 4500 },
    ]);
    // 3 − 1 − 1.5 = 0.5: half a second until one fits
    expect(fresh.take('b')).toBe(1);
    now += 500;
    expect(fresh.take('b')).toBe(0);
    // a key without a bucket here, and a bucket without a limit, are left alone
    fresh.charge('c', [{ count: 10 }]);
    expect(fresh.take('c')).toBe(0);
    const unlimited = new TokenBuckets(0, 1, 10, () => now);
    unlimited.take('d');
    unlimited.charge('d', [{ count: 10 }]);
    expect(unlimited.take('d')).toBe(0);
  });
});

describe('two gateway replicas sharing one gateway database', () => {
  let a: RunningGateway;
  let b: RunningGateway;
  beforeAll(async () => {
    // the timer's syncs are rare here: the test syncs when it needs to
    const env = { HUB_GATEWAY_DATABASE_URL: databaseUrl, HUB_RATE_LIMIT_SYNC_MS: '5000' };
    [a, b] = await Promise.all([gateway(env), gateway(env)]);
  });

  it('admit a caller the limit once across both, then answer 429 with Retry-After and RATE_LIMITED at either', async () => {
    expect(a.sharedLimits!.replica).not.toBe(b.sharedLimits!.replica);
    const alice = await caller('replicas-alice');
    const answers: Answer[] = [];
    // one request at each before either has heard of the other; then alternately, each request
    // shared by the replica that answered it (its sync writes its count) and heard by the other
    // (its sync reads it) before the next
    answers.push(await ask(a, alice), await ask(b, alice));
    await a.sharedLimits!.sync();
    await b.sharedLimits!.sync();
    await a.sharedLimits!.sync();
    for (let i = 0; i < 4 * BURST; i++) {
      const [here, there] = i % 2 === 0 ? [a, b] : [b, a];
      answers.push(await ask(here, alice));
      await here.sharedLimits!.sync();
      await there.sharedLimits!.sync();
    }
    const served = answers.filter((x) => x.status === 200);
    expect(served).toHaveLength(BURST);
    served.forEach(expectServed);
    // served first, then only refusals, at both replicas; the refill (1 a minute) is most of a minute away
    expect(answers.slice(0, BURST).map((x) => x.status)).toEqual(Array<number>(BURST).fill(200));
    for (const refused of answers.slice(BURST)) {
      const seconds = expectRefused(refused);
      expect(seconds).toBeGreaterThanOrEqual(30);
      expect(seconds).toBeLessThanOrEqual(60);
    }
  });

  it('keep in the database only HMACs of the keys, a row per key, window and replica', async () => {
    const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
    try {
      const rows = await sql<Array<{ key: string; window_start: string; replica: string; count: number }>>`select * from ${sql(TABLE)}`;
      expect(rows.length).toBeGreaterThanOrEqual(2);
      const text = JSON.stringify(rows);
      expect(text).not.toContain('replicas-alice');
      expect(text).not.toContain('municipality:1980');
      for (const row of rows) {
        expect(row.key).toMatch(/^[A-Za-z0-9_-]{22}$/);
        expect(Number(row.window_start) % WINDOW_MS).toBe(0);
        expect([a.sharedLimits!.replica, b.sharedLimits!.replica]).toContain(row.replica);
      }
      // alice's four: counted where they were admitted
      const keys = new Set(rows.map((r) => r.key));
      const alice = [...keys].filter((k) => rows.filter((r) => r.key === k).reduce((n, r) => n + r.count, 0) === BURST);
      expect(alice).toHaveLength(1);
    } finally {
      await sql.end();
    }
  });

  it('share the limit of requests without a good token per client address', async () => {
    const forged = 'Bearer forged.token.x';
    const first = await ask(a, forged);
    await a.sharedLimits!.sync();
    const second = await ask(b, forged);
    await b.sharedLimits!.sync();
    await a.sharedLimits!.sync();
    const third = await ask(a, forged);
    const fourth = await ask(b, forged);
    expect([first.status, second.status]).toEqual([401, 401]);
    expectRefused(third);
    expectRefused(fourth);
  });
});

describe('two gateway replicas syncing by their timer', () => {
  it('admit at most the limit and what one replica admits before its first sync', async () => {
    const env = { HUB_GATEWAY_DATABASE_URL: databaseUrl, HUB_RATE_LIMIT_SYNC_MS: '50' };
    const [c, d] = await Promise.all([gateway(env), gateway(env)]);
    const bob = await caller('replicas-bob');
    const statuses: number[] = [];
    // C until it refuses (bounded)
    for (let i = 0; i < BURST + 2 && statuses.at(-1) !== 429; i++) statuses.push((await ask(c, bob)).status);
    expect(statuses).toEqual([...Array<number>(BURST).fill(200), 429]);
    expect(await syncsDone(c, 2)).toBe(true);
    // D had not seen bob: its first request is admitted, then its sync charges what C admitted
    statuses.push((await ask(d, bob)).status);
    expect(await syncsDone(d, 2)).toBe(true);
    const late = [await ask(d, bob), await ask(c, bob)];
    late.forEach(expectRefused);
    const admitted = statuses.filter((s) => s === 200).length;
    // the documented bound: the limit, plus what the other replica admitted before it heard (at most its burst)
    expect(admitted).toBe(BURST + 1);
    expect(admitted).toBeLessThanOrEqual(BURST + (2 - 1) * BURST);
  });
});

describe('two gateway replicas without a gateway database', () => {
  it('each admit the whole limit: the caller gets twice as many', async () => {
    const [e, f] = await Promise.all([gateway({}), gateway({})]);
    expect([e.sharedLimits, f.sharedLimits]).toEqual([undefined, undefined]);
    const carol = await caller('replicas-carol');
    const answers: Answer[] = [];
    for (let i = 0; i < 4 * BURST; i++) answers.push(await ask(i % 2 === 0 ? e : f, carol));
    expect(answers.filter((x) => x.status === 200)).toHaveLength(2 * BURST);
    answers.filter((x) => x.status !== 200).forEach(expectRefused);
  });
});
