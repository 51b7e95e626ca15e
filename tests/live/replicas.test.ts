/**
 * Live notifications with two replicas of psychiatry over one database, behind the gateway
 * (through a round-robin proxy, as behind a Kubernetes Service): the steps of a referral are
 * taken on either replica, the one subscription is held by one of them, and it receives every
 * notification exactly once, in order (each replica LISTENs on its own connection and fans out
 * to its own subscribers). A replica that stops ends its subscriptions.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadGatewayConfig, loadSubgraphConfig, SUBGRAPHS } from '../../services/shared/src/env.ts';
import { startSubgraph, type RunningSubgraph } from '../../services/shared/src/subgraph.ts';
import { startGateway, type RunningGateway } from '../../gateway/src/server.ts';
import { psychiatry } from '../../services/psychiatry/src/server.ts';
import { gql, hub, tokenFor } from '../helpers/hub.ts';
import { ROOT } from '../helpers/processes.ts';
import { roundRobin } from '../helpers/round-robin.ts';
import { BOOK, caseworker1980, chiefPhysician19, coordinator19, createWard, DECIDE, OFFER, ok, SUBMIT, referralInput } from '../helpers/withdrawal.ts';
import { newestId, subscribe, type Delivered } from '../helpers/live.ts';

describe('two psychiatry replicas, one subscription', () => {
  let a: RunningSubgraph;
  let b: RunningSubgraph;
  let proxy: Awaited<ReturnType<typeof roundRobin>>;
  let gateway: RunningGateway;

  beforeAll(async () => {
    const h = hub();
    const config = loadSubgraphConfig('psychiatry', { ...h.env, PSYCHIATRY_DATABASE_URL: h.databaseUrls.psychiatry, PSYCHIATRY_PORT: '0' });
    a = await startSubgraph(psychiatry.definition, config);
    b = await startSubgraph(psychiatry.definition, config);
    proxy = await roundRobin([a.url, b.url]);
    const gatewayConfig = loadGatewayConfig({
      ...h.env,
      GATEWAY_PORT: '0',
      ...Object.fromEntries(SUBGRAPHS.map((s) => [`${s.toUpperCase()}_URL`, s === 'psychiatry' ? proxy.url : h.subgraphUrls[s]])),
    });
    gateway = await startGateway(gatewayConfig, readFileSync(join(ROOT, 'schema/supergraph.graphql'), 'utf8'));
  });

  afterAll(async () => {
    await gateway?.close();
    await proxy?.close();
    await Promise.all([a?.close(), b?.close()]);
  });

  it('every notification exactly once, in order, whichever replica wrote it', async () => {
    const url = gateway.url;
    const ward = await createWard(3);
    const live = subscribe('SSE', await tokenFor(caseworker1980), await newestId(caseworker1980), url);
    const ids: string[] = [];
    // three referrals, each taken through decision and offer: twelve steps spread over both replicas
    for (let i = 0; i < 3; i++) {
      const sent = ok(await gql(SUBMIT, { input: referralInput() }, { as: caseworker1980, clock: '2026-03-20T09:00:00+01:00', url })).submitWithdrawalReferral;
      const id = sent.id as string;
      ids.push(id);
      ok(await gql(BOOK, { id, at: '2026-03-31T13:00:00+02:00' }, { as: coordinator19, clock: '2026-03-24T10:00:00+01:00', url }));
      ok(await gql(DECIDE, { id, needed: true, setting: 'INPATIENT' }, { as: chiefPhysician19, clock: '2026-03-31T15:00:00+02:00', url }));
      ok(await gql(OFFER, { id, ward, start: '2026-04-14' }, { as: coordinator19, clock: '2026-04-02T09:00:00+02:00', url }));
    }
    expect(proxy.served.every((n) => n > 0)).toBe(true);
    const mine = (values: Delivered[]) => values.filter((v) => ids.includes(v.recordId));
    const seen = mine(await live.until((v) => mine(v).filter((x) => x.kind === 'PLACE_OFFERED').length === 3));
    expect(ids.map((id) => seen.filter((v) => v.recordId === id).map((v) => v.kind))).toEqual(ids.map(() => ['DECISION_RECORDED', 'PLACE_OFFERED']));
    expect(new Set(seen.map((v) => v.id)).size).toBe(seen.length);
  });
});
