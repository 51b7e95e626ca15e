/**
 * Under load the gateway emits no MaxListenersExceededWarning. A few hundred client requests
 * at once through a gateway of the test's own, each fanning out to subgraphs; every warning the
 * process emits meanwhile is collected (process.on('warning')).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { loadGatewayConfig } from '../../services/shared/src/env.ts';
import { startGateway, type RunningGateway } from '../../gateway/src/server.ts';
import { withSharedSignals } from '../../gateway/src/runtime.ts';
import { hub, tokenFor, type As } from '../helpers/hub.ts';

const coordinator: As = { org: 'psychiatry:19', roles: ['COORDINATOR'], sub: 'load-sam', name: 'Sam Samordnare' };
const CONCURRENT = 300;

describe('the gateway under load', () => {
  let gateway: RunningGateway;
  const warnings: Error[] = [];
  const onWarning = (w: Error) => warnings.push(w);

  beforeAll(async () => {
    const supergraph = readFileSync(new URL('../../schema/supergraph.graphql', import.meta.url), 'utf8');
    const urls = Object.fromEntries(Object.entries(hub().subgraphUrls).map(([k, v]) => [`${k.toUpperCase()}_URL`, v]));
    gateway = await startGateway(loadGatewayConfig({ ...hub().env, GATEWAY_PORT: '0', ...urls }), supergraph);
    process.on('warning', onWarning);
  });
  afterAll(async () => {
    process.off('warning', onWarning);
    await gateway?.close();
  });

  it(`answers ${CONCURRENT} concurrent requests, every one 200, with no MaxListenersExceededWarning`, async () => {
    const token = await tokenFor(coordinator);
    const ask = async () => {
      const res = await fetch(gateway.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: 'query LoadWards { wards { id } me { organisation { id } } }' }),
      });
      const body = (await res.json()) as { errors?: unknown };
      return { status: res.status, errors: body.errors };
    };
    const answers = await Promise.all(Array.from({ length: CONCURRENT }, ask));
    expect(answers.filter((a) => a.status !== 200 || a.errors !== undefined)).toEqual([]);
    // warnings are emitted on the next tick of the emitter
    await new Promise((resolve) => setImmediate(resolve));
    for (const w of warnings) console.log(w.name, w.message, w.stack);
    expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning').map((w) => w.message)).toEqual([]);
  }, 120_000);
});

describe('withSharedSignals (the subgraph fetch of gateway/src/runtime.ts)', () => {
  it('hands the same signal on, so that aborting it still cuts every request, and lets it hold a listener per request', async () => {
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    try {
      const ctrl = new AbortController();
      const seen: AbortSignal[] = [];
      // like Node's http.request: one abort listener per request on the signal it was given
      const inner = (_url: string, init?: { signal?: AbortSignal | null }) =>
        new Promise<Response>((_resolve, reject) => {
          seen.push(init!.signal!);
          init!.signal!.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
        });
      const fetch = withSharedSignals(inner);
      const pending = Array.from({ length: 25 }, () => Promise.resolve(fetch('http://subgraph/graphql', { signal: ctrl.signal })));
      ctrl.abort();
      const settled = await Promise.allSettled(pending);
      expect(settled.map((r) => r.status)).toEqual(Array.from({ length: 25 }, () => 'rejected'));
      expect(seen.every((s) => s === ctrl.signal)).toBe(true);
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
  });
});
