/**
 * An example live client of the gateway: subscribes to the caller's notifications of one subgraph
 * (psychiatry by default; municipality or probation) and prints each as one JSON line, as a
 * partner's front-end would receive them.
 *
 *   npm run --silent subscribe -- --token "$TOKEN" [--subgraph psychiatry|municipality|probation]
 *                                 [--after psychiatry:41] [--transport sse|ws]
 *                                 [--url http://localhost:4000/graphql] [--count N] [--seconds S]
 *
 * SSE is graphql-sse's "distinct connections" mode (one POST with `Accept: text/event-stream`
 * per subscription, which passes HTTP proxies); WebSocket is the graphql-ws protocol
 * (`graphql-transport-ws`), the token in the connection_init payload. It stops after `--count`
 * notifications or `--seconds` (default: runs until Ctrl-C), and resumes after the last id it
 * printed when you start it again with `--after`.
 */
import { parseArgs } from 'node:util';
import { createClient as createSseClient } from 'graphql-sse';
import { createClient as createWsClient } from 'graphql-ws';
import WebSocket from 'ws';

const { values } = parseArgs({
  options: {
    token: { type: 'string' },
    after: { type: 'string' },
    transport: { type: 'string', default: 'sse' },
    subgraph: { type: 'string', default: 'psychiatry' },
    url: { type: 'string', default: 'http://localhost:4000/graphql' },
    count: { type: 'string' },
    seconds: { type: 'string' },
  },
});
const token = values.token ?? process.env.HUB_TOKEN;
if (!token || !['sse', 'ws'].includes(values.transport) || !['psychiatry', 'municipality', 'probation'].includes(values.subgraph)) {
  console.error(
    'usage: npm run --silent subscribe -- --token <token> [--subgraph psychiatry|municipality|probation] [--after <id>] [--transport sse|ws] [--url <gateway>] [--count N] [--seconds S]',
  );
  process.exit(2);
}

const field = `${values.subgraph}Notifications`;
const SUBSCRIPTION = `subscription($after: ID) {
  ${field}(after: $after) { id kind recordKind recordId createdAt read }
}`;
const request = { query: SUBSCRIPTION, variables: values.after ? { after: values.after } : {} };
const limit = values.count ? Number(values.count) : Infinity;
let received = 0;

const client =
  values.transport === 'ws'
    ? createWsClient({ url: values.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${token}` } })
    : createSseClient({ url: values.url, headers: { authorization: `Bearer ${token}` } });

const finished = new Promise<number>((resolve) => {
  const stop = client.subscribe<Record<string, Record<string, unknown>>>(request, {
    next: (result) => {
      if (result.errors) {
        // the hub's error: its code, the field it names and the rule in words
        for (const e of result.errors) console.error(JSON.stringify({ error: e.message, ...e.extensions }));
        resolve(1);
        return;
      }
      console.log(JSON.stringify(result.data![field]));
      if (++received >= limit) {
        stop();
        resolve(0);
      }
    },
    error: (err: unknown) => {
      console.error(JSON.stringify({ error: err instanceof Error ? err.message : 'the connection failed' }));
      resolve(1);
    },
    complete: () => resolve(0),
  });
  if (values.seconds) setTimeout(() => (stop(), resolve(0)), Number(values.seconds) * 1000).unref();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => (stop(), resolve(0)));
});

const code = await finished;
await client.dispose();
process.exit(code);
