/**
 * Limits at the gateway's door: rate limits per caller and per client address (429,
 * Retry-After, RATE_LIMITED), CORS from an allow-list of origins, and trusted documents
 * (persisted operations by hash) with their modes. Each part runs a gateway of its own over
 * this file's subgraphs, configured with small limits.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { loadGatewayConfig } from '../../services/shared/src/env.ts';
import { startGateway, type GatewayOptions, type RunningGateway } from '../../gateway/src/server.ts';
import { addressKey, TokenBuckets } from '../../gateway/src/rate-limit.ts';
import { HUB_FHIR_DOCUMENTS_DIR, hubDocuments } from '../../gateway/src/hub-documents.ts';
import { documentHash } from '../../gateway/src/trusted-documents.ts';
import { hub, tokenFor } from '../helpers/hub.ts';
import { runScript } from '../helpers/processes.ts';

const supergraph = readFileSync(new URL('../../schema/supergraph.graphql', import.meta.url), 'utf8');
const ME = '{ me { organisation { id } } }';
const caseworker = { org: 'municipality:1980', roles: ['CASEWORKER' as const] };

const gateways: RunningGateway[] = [];
async function gateway(env: Record<string, string>, options: GatewayOptions = {}): Promise<RunningGateway> {
  const urls = Object.fromEntries(Object.entries(hub().subgraphUrls).map(([k, v]) => [`${k.toUpperCase()}_URL`, v]));
  const g = await startGateway(loadGatewayConfig({ ...hub().env, GATEWAY_PORT: '0', ...urls, ...env }), supergraph, options);
  gateways.push(g);
  return g;
}
afterAll(async () => {
  await Promise.all(gateways.map((g) => g.close()));
});

interface Answer {
  status: number;
  headers: Headers;
  body: { data?: unknown; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
}

async function post(url: string, body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'accept-language': 'en', ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Answer['body'] };
}
const bearer = async (as: { org: string; roles: Array<'CASEWORKER'>; sub?: string }) => ({ authorization: `Bearer ${await tokenFor(as)}` });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('configuration', () => {
  const problems = (env: Record<string, string>) => {
    try {
      loadGatewayConfig({ ...hub().env, ...env });
    } catch (err) {
      return (err as { problems?: string[] }).problems;
    }
    return [];
  };

  it('has limits for a front-end by default, no origins, no proxy, no trusted documents', () => {
    const { HUB_RATE_LIMIT_PER_MINUTE: _a, HUB_RATE_LIMIT_ANON_PER_MINUTE: _b, ...env } = hub().env;
    const config = loadGatewayConfig(env);
    expect(config.rateLimit).toEqual({ perMinute: 600, burst: 120, anonPerMinute: 60, anonBurst: 20, trustProxy: false });
    expect(config.corsOrigins).toEqual([]);
    expect(config.trustedDocuments).toBeUndefined();
  });

  it('names a malformed setting', () => {
    expect(problems({ HUB_CORS_ORIGINS: 'https://app.example.se/path' })).toEqual([
      'HUB_CORS_ORIGINS must be comma-separated origins such as https://app.example.se (scheme and host, no path)',
    ]);
    expect(problems({ HUB_TRUST_PROXY: 'yes' })).toEqual(['HUB_TRUST_PROXY must be true or false']);
    expect(problems({ HUB_TRUSTED_DOCUMENTS_MODE: 'strict' })).toEqual(['HUB_TRUSTED_DOCUMENTS_MODE must be off, allow-arbitrary-in-development or enforce']);
    expect(problems({ HUB_RATE_LIMIT_PER_MINUTE: '-1' })).toEqual([expect.stringMatching(/^HUB_RATE_LIMIT_PER_MINUTE: /)]);
  });
});

describe('token buckets', () => {
  it('refill at the rate a minute up to the burst, and say in whole seconds when the next request fits', () => {
    let now = 0;
    const buckets = new TokenBuckets(60, 2, 10, () => now);
    expect([buckets.take('a'), buckets.take('a'), buckets.take('a')]).toEqual([0, 0, 1]);
    now += 999;
    expect(buckets.take('a')).toBe(1);
    now += 1;
    expect(buckets.take('a')).toBe(0);
    now += 60_000;
    expect([buckets.take('a'), buckets.take('a'), buckets.take('a')]).toEqual([0, 0, 1]);
    expect(new TokenBuckets(6, 1, 10, () => now).take('b')).toBe(0);
  });

  it('keep at most the configured number of buckets, dropping the least recently used', () => {
    const now = 0;
    const buckets = new TokenBuckets(60, 1, 3, () => now);
    for (const k of ['a', 'b', 'c']) buckets.take(k);
    buckets.take('a');
    buckets.take('d');
    expect(buckets.size).toBe(3);
    // 'b' was dropped (full again), 'a' was kept (still empty)
    expect([buckets.take('b'), buckets.take('a')]).toEqual([0, 1]);
  });

  it('count an IPv6 address by its /64 network and an IPv4-mapped address as IPv4', () => {
    expect(addressKey('2001:db8:1:2:aaaa::1')).toBe('2001:0db8:0001:0002::/64');
    expect(addressKey('2001:db8:1:2::ffff')).toBe('2001:0db8:0001:0002::/64');
    expect(addressKey('::1')).toBe('0000:0000:0000:0000::/64');
    expect(addressKey('::ffff:10.1.2.3')).toBe('10.1.2.3');
    expect(addressKey('10.1.2.3')).toBe('10.1.2.3');
  });
});

describe('rate limits', () => {
  let url: string;
  let base: string;
  const origin = 'https://app.example.se';
  // A refill of one request a minute: however slow the machine, a bucket spent in a burst stays
  // empty for the rest of a test. The test that waits for the refill has its own gateway.
  const limited = { HUB_RATE_LIMIT_PER_MINUTE: '1', HUB_RATE_LIMIT_BURST: '3', HUB_RATE_LIMIT_ANON_PER_MINUTE: '1', HUB_RATE_LIMIT_ANON_BURST: '2' };
  let refilling: string;

  beforeAll(async () => {
    const g = await gateway({ ...limited, HUB_CORS_ORIGINS: origin }, { devTokens: () => Promise.resolve('a-development-token') });
    url = g.url;
    base = url.replace(/\/graphql$/, '');
    refilling = (await gateway({ ...limited, HUB_RATE_LIMIT_PER_MINUTE: '12', HUB_CORS_ORIGINS: origin })).url;
  });

  it('answer a caller over the limit 429 with Retry-After and RATE_LIMITED; another caller of the organisation is unaffected; after the wait the caller is served again', async () => {
    const alice = await bearer({ ...caseworker, sub: 'limits-alice' });
    const bob = await bearer({ ...caseworker, sub: 'limits-bob' });
    for (let i = 0; i < 3; i++) expect((await post(refilling, { query: ME }, alice)).status).toBe(200);
    const refused = await post(refilling, { query: ME }, { ...alice, origin });
    expect(refused.status).toBe(429);
    // A page of an allowed origin can read the refusal and its Retry-After.
    expect(refused.headers.get('access-control-allow-origin')).toBe(origin);
    expect(refused.headers.get('access-control-expose-headers')).toBe('retry-after, x-request-id');
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(5);
    expect(refused.body.errors).toEqual([
      { message: `Too many requests; try again in ${retryAfter} second${retryAfter === 1 ? '' : 's'}.`, extensions: { code: 'RATE_LIMITED' } },
    ]);
    expect(refused.body.data).toBeUndefined();

    const other = await post(refilling, { query: ME }, bob);
    expect(other.status).toBe(200);
    expect(other.body.data).toEqual({ me: { organisation: { id: 'municipality:1980' } } });

    await sleep(retryAfter * 1000);
    const again = await post(refilling, { query: ME }, alice);
    expect(again.status).toBe(200);
    expect(again.body.data).toEqual({ me: { organisation: { id: 'municipality:1980' } } });
  });

  it('count the same subject of another organisation apart', async () => {
    const here = await bearer({ ...caseworker, sub: 'limits-same' });
    const there = await bearer({ org: 'municipality:0180', roles: ['CASEWORKER'], sub: 'limits-same' });
    for (let i = 0; i < 3; i++) await post(url, { query: ME }, here);
    expect((await post(url, { query: ME }, here)).status).toBe(429);
    expect((await post(url, { query: ME }, there)).status).toBe(200);
  });

  it('count requests without a good token per client address, and ignore X-Forwarded-For unless HUB_TRUST_PROXY is set', async () => {
    // This address's budget: 2. A missing token and a forged one both spend it, whatever X-Forwarded-For says.
    const first = await post(url, { query: ME }, { 'x-forwarded-for': '192.0.2.1' });
    const second = await post(url, { query: ME }, { authorization: 'Bearer not.a.token', 'x-forwarded-for': '192.0.2.2' });
    expect([first.status, second.status]).toEqual([401, 401]);
    const third = await post(url, { query: ME }, { 'x-forwarded-for': '192.0.2.3' });
    expect(third.status).toBe(429);
    expect(third.body.errors?.[0]?.extensions).toEqual({ code: 'RATE_LIMITED' });
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(third.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    // A good token from the same address is counted as its caller.
    expect((await post(url, { query: ME }, await bearer({ ...caseworker, sub: 'limits-carol' }))).status).toBe(200);
  });

  it('limit development token mints per address', async () => {
    const mint = () =>
      fetch(`${base}/dashboard/dev-token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ org: 'municipality:1980' }),
      });
    expect([(await mint()).status, (await mint()).status]).toEqual([200, 200]);
    const refused = await mint();
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect(((await refused.json()) as { code: string }).code).toBe('RATE_LIMITED');
  });

  it('behind a trusted proxy, count by the last X-Forwarded-For address', async () => {
    const proxied = await gateway({ ...limited, HUB_TRUST_PROXY: 'true' });
    const from = (address: string) => post(proxied.url, { query: ME }, { 'x-forwarded-for': `203.0.113.9, ${address}` });
    expect([(await from('198.51.100.1')).status, (await from('198.51.100.1')).status, (await from('198.51.100.1')).status]).toEqual([401, 401, 429]);
    expect((await from('198.51.100.2')).status).toBe(401);
  });
});

describe('CORS', () => {
  const allowed = 'https://app.example.se';
  let url: string;
  beforeAll(async () => {
    url = (await gateway({ HUB_CORS_ORIGINS: `${allowed}, https://other.example.se` })).url;
  });
  const preflight = (origin: string) =>
    fetch(url, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type, x-request-id' },
    });

  it('answers a preflight from an allowed origin 204 with the methods and headers a client sends', async () => {
    const res = await preflight(allowed);
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(allowed);
    expect(res.headers.get('access-control-allow-methods')).toBe('GET, POST, OPTIONS');
    const headers = res.headers.get('access-control-allow-headers')!.split(', ');
    expect(headers).toEqual(expect.arrayContaining(['authorization', 'content-type', 'x-request-id', 'apollo-require-preflight']));
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    expect(res.headers.get('vary')).toContain('Origin');
  });

  it('gives a preflight from another origin no Access-Control-Allow-Origin', async () => {
    const res = await preflight('https://evil.example.com');
    expect(res.status).toBe(403);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(res.headers.get('access-control-allow-methods')).toBeNull();
  });

  it('marks the answer to an allowed origin, also a 401, and not the answer to another', async () => {
    const ok = await post(url, { query: ME }, { origin: allowed, ...(await bearer(caseworker)) });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBe(allowed);
    expect(ok.headers.get('access-control-expose-headers')).toBe('retry-after, x-request-id');
    const anonymous = await post(url, { query: ME }, { origin: allowed });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('access-control-allow-origin')).toBe(allowed);
    const other = await post(url, { query: ME }, { origin: 'https://evil.example.com', ...(await bearer(caseworker)) });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refuses a WebSocket from a page of another origin (403), and takes one from an allowed origin, its own host or no browser', async () => {
    const upgrade = (origin?: string) =>
      new Promise<number>((resolve, reject) => {
        const socket = new WebSocket(url.replace(/^http/, 'ws'), 'graphql-transport-ws', origin ? { origin } : {});
        socket.on('open', () => {
          socket.close();
          resolve(101);
        });
        socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        socket.on('error', reject);
      });
    expect(await upgrade('https://evil.example.com')).toBe(403);
    expect(await upgrade(allowed)).toBe(101);
    expect(await upgrade(new URL(url).origin)).toBe(101);
    expect(await upgrade()).toBe(101);
  });

  it('allows no origin by default', async () => {
    const none = await gateway({});
    const res = await fetch(none.url, { method: 'OPTIONS', headers: { origin: allowed, 'access-control-request-method': 'POST' } });
    expect(res.status).toBe(403);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const answer = await post(none.url, { query: ME }, { origin: allowed, ...(await bearer(caseworker)) });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('trusted documents', () => {
  let dir: string;
  const registered = 'query Me { me { organisation { id } } }';
  const unregistered = 'query Other { me { userId } }';
  const persisted = (hash: string) => ({ extensions: { persistedQuery: { version: 1, sha256Hash: hash } } });
  const expectRefused = (answer: Answer, code: string) => {
    expect(answer.status).toBe(400);
    expect(answer.body.errors?.map((e) => e.extensions?.code)).toEqual([code]);
  };
  let enforced: string;
  let production: string;
  let development: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hub-trusted-'));
    const file = join(dir, 'me.graphql');
    writeFileSync(file, `${registered}\n`);
    const added = runScript('scripts/trusted-documents.ts', ['add', 'partner-a', file], { HUB_TRUSTED_DOCUMENTS: join(dir, 'manifests') });
    expect(added.status, added.stderr).toBe(0);
    expect(added.stdout).toBe(`${documentHash(registered)}  ${file}  Me\n`);
    const manifests = join(dir, 'manifests');
    // `list` shows everything the gateway allows: the partner's document, then the hub's own
    const listed = runScript('scripts/trusted-documents.ts', ['list'], { HUB_TRUSTED_DOCUMENTS: manifests });
    expect(listed.status, listed.stderr).toBe(0);
    expect(listed.stdout).toBe(
      [
        `${documentHash(registered)}  partner-a  Me`,
        ...hubDocuments().map((d) => `${d.hash}  hub-dashboard  ${d.name}`),
        ...hubDocuments(HUB_FHIR_DOCUMENTS_DIR).map((d) => `${d.hash}  hub-fhir  ${d.name}`),
      ].join('\n') + '\n',
    );
    enforced = (await gateway({ HUB_TRUSTED_DOCUMENTS: manifests, HUB_TRUSTED_DOCUMENTS_MODE: 'enforce' })).url;
    production = (await gateway({ HUB_MODE: 'production', HUB_TRUSTED_DOCUMENTS: manifests })).url;
    development = (await gateway({ HUB_TRUSTED_DOCUMENTS: manifests })).url;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs a registered document by its hash, Apollo style and Relay/Hive style', async () => {
    const auth = await bearer(caseworker);
    for (const url of [enforced, production, development]) {
      const apollo = await post(url, persisted(documentHash(registered)), auth);
      expect(apollo.status).toBe(200);
      expect(apollo.body.data).toEqual({ me: { organisation: { id: 'municipality:1980' } } });
      const relay = await post(url, { documentId: documentHash(registered) }, auth);
      expect(relay.status).toBe(200);
      expect(relay.body.data).toEqual({ me: { organisation: { id: 'municipality:1980' } } });
    }
  });

  it('refuses an unknown hash with PERSISTED_QUERY_NOT_FOUND in every mode', async () => {
    const auth = await bearer(caseworker);
    for (const url of [enforced, production, development])
      expectRefused(await post(url, persisted(documentHash(unregistered)), auth), 'PERSISTED_QUERY_NOT_FOUND');
  });

  it('refuses a full document that is not registered where enforced, and in production; accepts it in development', async () => {
    const auth = await bearer(caseworker);
    expectRefused(await post(enforced, { query: unregistered }, auth), 'PERSISTED_QUERY_REQUIRED');
    expectRefused(await post(production, { query: unregistered }, auth), 'PERSISTED_QUERY_REQUIRED');
    const dev = await post(development, { query: unregistered }, auth);
    expect(dev.status).toBe(200);
    expect(dev.body.data).toEqual({ me: { userId: expect.any(String) } });
  });

  it('accepts a full document that is registered, also where enforced', async () => {
    const auth = await bearer(caseworker);
    const res = await post(enforced, { query: registered }, auth);
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ me: { organisation: { id: 'municipality:1980' } } });
  });

  it('lets no request register a document: a document sent with its hash is refused, and its hash stays unknown', async () => {
    const auth = await bearer(caseworker);
    expectRefused(await post(enforced, { query: unregistered, ...persisted(documentHash(unregistered)) }, auth), 'PERSISTED_QUERY_REQUIRED');
    expectRefused(await post(enforced, persisted(documentHash(unregistered)), auth), 'PERSISTED_QUERY_NOT_FOUND');
    // In development the document runs, and still is not registered.
    expect((await post(development, { query: unregistered, ...persisted(documentHash(unregistered)) }, auth)).status).toBe(200);
    expectRefused(await post(development, persisted(documentHash(unregistered)), auth), 'PERSISTED_QUERY_NOT_FOUND');
  });

  it('refuses to start on a manifest whose hash is not its document', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ [documentHash('query A { me { userId } }')]: 'query B { me { userId } }' }));
    await expect(gateway({ HUB_TRUSTED_DOCUMENTS: bad })).rejects.toThrow(
      `${bad}: ${documentHash('query A { me { userId } }')} is not the SHA-256 of its document`,
    );
  });

  it('asks for a token before it runs a registered document; refuses an untrusted one before looking at the token', async () => {
    const registeredAnonymous = await post(enforced, persisted(documentHash(registered)));
    expect(registeredAnonymous.status).toBe(401);
    expect(registeredAnonymous.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expectRefused(await post(enforced, persisted(documentHash(unregistered))), 'PERSISTED_QUERY_NOT_FOUND');
    expectRefused(await post(enforced, { query: unregistered }), 'PERSISTED_QUERY_REQUIRED');
  });

  it('needs a manifest that exists', () => {
    expect(() => loadGatewayConfig({ ...hub().env, HUB_TRUSTED_DOCUMENTS: join(dir, 'nowhere') })).toThrow(
      `HUB_TRUSTED_DOCUMENTS: ${join(dir, 'nowhere')} does not exist`,
    );
  });

  it('needs a manifest to enforce', () => {
    expect(() => loadGatewayConfig({ ...hub().env, HUB_TRUSTED_DOCUMENTS_MODE: 'enforce' })).toThrow(
      'HUB_TRUSTED_DOCUMENTS_MODE=enforce needs HUB_TRUSTED_DOCUMENTS (the manifest of trusted documents)',
    );
  });
});
