/**
 * Live notifications with two replicas of psychiatry over one database, behind the gateway
 * (through a round-robin proxy, as behind a Kubernetes Service): the steps of a referral are
 * taken on either replica, the one subscription is held by one of them, and it receives every
 * notification exactly once, in order (each replica LISTENs on its own connection and fans out
 * to its own subscribers). A replica that stops ends its subscriptions.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../gateway/src/server.ts';
import { gql, tokenFor } from '../helpers/hub.ts';
import type { RoundRobin } from '../helpers/round-robin.ts';
import { psychiatryReplicas, type PsychiatryReplicas } from '../helpers/replicas.ts';
import { BOOK, caseworker1980, chiefPhysician19, coordinator19, createWard, DECIDE, OFFER, ok, SUBMIT, referralInput } from '../helpers/withdrawal.ts';
import { newestId, subscribe, type Delivered } from '../helpers/live.ts';

describe('two psychiatry replicas, one subscription', () => {
  let r: PsychiatryReplicas;
  let proxy: RoundRobin;
  let gateway: RunningGateway;

  beforeAll(async () => {
    r = await psychiatryReplicas();
    ({ proxy, gateway } = r);
  });

  afterAll(async () => {
    await r?.close();
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
