/**
 * Only the gateway reaches subgraphs: for every subgraph, a request that is
 * unsigned, wrongly signed, stale or replayed is refused with 401, and so is
 * an `_entities` query sent around the gateway. A signature is bound to its
 * request: made for another subgraph, or with the token or clock header
 * swapped afterwards, it is refused too. A correctly signed request
 * still needs a valid token of its own (zero trust).
 */
import { describe, expect, it } from 'vitest';
import { SUBGRAPHS } from '../../services/shared/src/env.ts';
import { subgraphRequest, tokenFor } from '../helpers/hub.ts';

const caller = { org: 'psychiatry:19', roles: ['COORDINATOR' as const] };
const ENTITIES = '{ _entities(representations: [{ __typename: "Person", id: "p_x" }]) { __typename } }';
const TYPENAME = '{ __typename }';

describe.each(SUBGRAPHS)('the %s subgraph', (subgraph) => {
  const refusals: Array<[string, Parameters<typeof subgraphRequest>[2], RegExp]> = [
    ['an unsigned request', { as: caller, sign: 'no' }, /not signed/],
    ['a request signed with the wrong secret', { as: caller, sign: 'wrong-secret' }, /signature is wrong/],
    ['a request signed 5 minutes ago (stale)', { as: caller, signedAt: Date.now() - 5 * 60_000 }, /stale/],
    ['a request signed for another subgraph', { as: caller, signFor: subgraph === 'clinics' ? 'probation' : 'clinics' }, /signature is wrong/],
    ['a request whose clock header was added after signing', { as: caller, after: { 'x-hub-clock': '2027-01-01T09:00:00+01:00' } }, /signature is wrong/],
  ];

  it('refuses a signed request whose token was swapped for another after signing', async () => {
    const other = await tokenFor({ org: 'psychiatry:19', roles: ['COORDINATOR'], sub: 'someone-else' });
    for (const query of [TYPENAME, ENTITIES]) {
      const res = await subgraphRequest(subgraph, query, { as: caller, after: { authorization: `Bearer ${other}` } });
      expect(res.status).toBe(401);
      expect(res.body.errors[0].message).toMatch(/signature is wrong/);
    }
  });

  it('accepts the same request signed for it, with its token and clock', async () => {
    const res = await subgraphRequest(subgraph, TYPENAME, { as: caller, headers: { 'x-hub-clock': '2027-01-01T09:00:00+01:00' } });
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ __typename: 'Query' });
  });

  it.each(refusals)('refuses %s with 401', async (_case, options, reason) => {
    for (const query of [TYPENAME, ENTITIES]) {
      const res = await subgraphRequest(subgraph, query, options);
      expect(res.status).toBe(401);
      expect(res.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
      expect(res.body.errors[0].message).toMatch(reason);
      expect(res.body.data).toBeUndefined();
    }
  });

  it('refuses a signed request replayed a second time', async () => {
    const first = await subgraphRequest(subgraph, TYPENAME, { as: caller });
    expect(first.status).toBe(200);
    const replay = await subgraphRequest(subgraph, TYPENAME, { as: caller, reuse: first.signature });
    expect(replay.status).toBe(401);
    expect(replay.body.errors[0].message).toMatch(/already received/);
  });

  it('refuses a signed request that carries no token', async () => {
    const res = await subgraphRequest(subgraph, TYPENAME, { as: null });
    expect(res.status).toBe(401);
    expect(res.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('answers a request the gateway signed, for a verified caller', async () => {
    const res = await subgraphRequest(subgraph, TYPENAME, { as: caller });
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ __typename: 'Query' });
  });
});
