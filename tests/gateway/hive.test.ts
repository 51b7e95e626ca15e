/**
 * What the hub's gateway on Hive Gateway guarantees beyond today's tests:
 *
 * - it never merges two client requests into one subgraph request: two identical reads sent
 *   at the same moment are two reads in the subgraph, each with its own audit event;
 * - subscriptions work end to end, over SSE and over WebSocket from the client and over SSE
 *   (signed, with the caller's token) to the subgraph. This uses a tiny subgraph of the test's own, in a
 *   supergraph of its own; against the hub's supergraph the same transports answer a
 *   subscription field it lacks with a GraphQL validation error, not a broken connection
 *   (the hub's own subscriptions: tests/live/).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSchema, parse, type GraphQLFieldConfig } from 'graphql';
import { composeServices, compositionHasErrors } from '@theguild/federation-composition';
import { createHandler } from 'graphql-sse/lib/use/fetch';
import { createClient as createSseClient } from 'graphql-sse';
import { createClient as createWsClient } from 'graphql-ws';
import WebSocket from 'ws';
import { loadGatewayConfig } from '../../services/shared/src/env.ts';
import { createTokenVerifier } from '../../services/shared/src/auth.ts';
import { SignatureVerifier } from '../../services/shared/src/signing.ts';
import { startGateway, type RunningGateway } from '../../gateway/src/server.ts';
import { gql, hub, tokenFor } from '../helpers/hub.ts';
import { auditOf, caseworker1980, GET, submit } from '../helpers/withdrawal.ts';

describe('no merging of client requests', () => {
  it('two identical reads at the same moment are two audited reads in the subgraph', async () => {
    const { referral } = await submit();
    const before = (await auditOf(referral.id as string)).filter((e) => e.action === 'READ').length;
    // One token for both, so that the two subgraph requests would be byte-for-byte the same.
    const token = await tokenFor({ ...caseworker1980, sub: `dedup-${randomBytes(3).toString('hex')}` });
    const [a, b] = await Promise.all([gql(GET, { id: referral.id }, { as: token }), gql(GET, { id: referral.id }, { as: token })]);
    expect(a.errors).toBeUndefined();
    expect(b.data).toEqual(a.data);
    expect(a.extensions?.hub.subgraphs.psychiatry.requests).toBe(1);
    expect(b.extensions?.hub.subgraphs.psychiatry.requests).toBe(1);
    const reads = (await auditOf(referral.id as string)).filter((e) => e.action === 'READ');
    expect(reads.length - before).toBe(2);
  });
});

/** A subgraph with one subscription field, which accepts only requests the gateway signed for a verified caller. */
async function startTicker() {
  const schema = buildSchema(`type Query { ticker: String }  type Subscription { ticks(count: Int!): Int! }`);
  const ticks = schema.getSubscriptionType()!.getFields().ticks as unknown as GraphQLFieldConfig<unknown, unknown, { count: number }>;
  ticks.subscribe = async function* (_root, { count }) {
    for (let i = 1; i <= count; i++) yield await Promise.resolve(i);
  };
  ticks.resolve = (value) => value;
  const handler = createHandler({ schema });
  // Made once the address is known: the gateway signs for a subgraph outside its configuration by its host.
  const verifier: { current?: SignatureVerifier } = {};
  const verifyToken = createTokenVerifier(loadGatewayConfig({ ...hub().env, GATEWAY_PORT: '0' }));
  const seen: Array<{ signed: boolean; caller: string }> = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const raw = Buffer.concat(chunks);
        const signed = verifier.current?.verify(req.method ?? 'POST', new URL(req.url ?? '/', 'http://ticker').pathname, req.headers, raw).ok ?? false;
        const caller = await verifyToken(req.headers.authorization).then(
          (c) => c.userId,
          () => '',
        );
        seen.push({ signed, caller });
        if (!signed || !caller) {
          res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ errors: [{ message: 'refused' }] }));
          return;
        }
        const headers = Object.fromEntries(Object.entries(req.headers).filter((e): e is [string, string] => typeof e[1] === 'string'));
        const response = await handler(new Request(`http://ticker${req.url}`, { method: req.method, headers, body: raw.length ? raw : null }));
        res.writeHead(response.status, Object.fromEntries(response.headers));
        if (response.body) for await (const chunk of response.body) res.write(chunk);
        res.end();
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  verifier.current = new SignatureVerifier(hub().env.HUB_GATEWAY_SECRET!, new URL(url).host, 30_000);
  const composed = composeServices([
    {
      name: 'ticker',
      url,
      typeDefs: parse(`extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@shareable"])
        type Query { ticker: String }  type Subscription { ticks(count: Int!): Int! }`),
    },
  ]);
  if (compositionHasErrors(composed)) throw new Error(composed.errors.map((e) => e.message).join('\n'));
  return {
    supergraph: composed.supergraphSdl,
    seen,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const wsUrl = (url: string) => url.replace(/^http/, 'ws');

/** Every value of a subscription over SSE (distinct connections, as Hive Gateway serves them). */
async function overSse(url: string, query: string, token: string | null): Promise<unknown[]> {
  const client = createSseClient({ url, headers: token ? { authorization: `Bearer ${token}` } : {}, retryAttempts: 0 });
  const values: unknown[] = [];
  try {
    for await (const value of client.iterate({ query })) values.push(value);
  } finally {
    client.dispose();
  }
  return values;
}

async function overWebSocket(url: string, query: string, token: string | null): Promise<unknown[]> {
  const client = createWsClient({
    url: wsUrl(url),
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    lazy: true,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
  });
  const values: unknown[] = [];
  try {
    for await (const value of client.iterate({ query })) values.push(value);
  } finally {
    await client.dispose();
  }
  return values;
}

describe('subscriptions through the gateway', () => {
  let ticker: Awaited<ReturnType<typeof startTicker>>;
  let gateway: RunningGateway;
  let token: string;
  const TICKS = 'subscription { ticks(count: 3) }';

  beforeAll(async () => {
    ticker = await startTicker();
    gateway = await startGateway(loadGatewayConfig({ ...hub().env, GATEWAY_PORT: '0' }), ticker.supergraph);
    token = await tokenFor({ ...caseworker1980, sub: 'subscriber' });
  });
  afterAll(async () => {
    await gateway?.close();
    await ticker?.close();
  });

  it.each([
    ['SSE', overSse],
    ['WebSocket', overWebSocket],
  ])('over %s: every event, from a subgraph reached over SSE with a signed request and the caller’s token', async (_transport, subscribe) => {
    const before = ticker.seen.length;
    const values = await subscribe(gateway.url, TICKS, token);
    expect(values.map((v) => (v as { data?: unknown }).data)).toEqual([{ ticks: 1 }, { ticks: 2 }, { ticks: 3 }]);
    expect(ticker.seen.slice(before)).toEqual([{ signed: true, caller: 'subscriber' }]);
  });

  it('over WebSocket as the very first request to a new gateway: the schema is loaded before it listens', async () => {
    const fresh = await startGateway(loadGatewayConfig({ ...hub().env, GATEWAY_PORT: '0' }), ticker.supergraph);
    try {
      const values = await overWebSocket(fresh.url, TICKS, token);
      expect(values.map((v) => (v as { data?: unknown }).data)).toEqual([{ ticks: 1 }, { ticks: 2 }, { ticks: 3 }]);
    } finally {
      await fresh.close();
    }
  });

  it('over SSE without a token: 401, and the subgraph is never asked', async () => {
    const before = ticker.seen.length;
    const res = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ query: TICKS }),
    });
    expect(res.status).toBe(401);
    expect(ticker.seen.length).toBe(before);
  });

  it('over WebSocket without a token: the connection is closed (4403) before any operation', async () => {
    const before = ticker.seen.length;
    await expect(overWebSocket(gateway.url, TICKS, null)).rejects.toMatchObject({ code: 4403 });
    expect(ticker.seen.length).toBe(before);
  });

  it('a subscription field the hub’s own supergraph does not have: both transports answer with a GraphQL error', async () => {
    const hubToken = await tokenFor(caseworker1980);
    const QUERY = 'subscription { ticks(count: 1) }';
    const sse = await fetch(hub().gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${hubToken}` },
      body: JSON.stringify({ query: QUERY }),
    });
    // An event stream was asked for: the error comes as its one event, then the stream completes.
    expect({ status: sse.status, body: await sse.text() }).toEqual({
      status: 200,
      body: expect.stringMatching(
        /event: next\ndata: \{"errors":\[\{"message":"Cannot query field \\"ticks\\" on type \\"Subscription\\"\.".*\n\nevent: complete\n/s,
      ),
    });
    const ws = await overWebSocket(hub().gatewayUrl, QUERY, hubToken).catch((err: unknown) => [err]);
    expect(ws).toEqual([expect.objectContaining({ errors: [expect.objectContaining({ message: 'Cannot query field "ticks" on type "Subscription".' })] })]);
  });
});
