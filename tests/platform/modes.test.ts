/**
 * Development and production modes. Development: introspection for
 * authenticated callers and the x-hub-clock header. Production: both
 * refused, by the gateway and by the subgraphs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { loadGatewayConfig, loadSubgraphConfig } from '../../services/shared/src/env.ts';
import { startGateway, type RunningGateway } from '../../gateway/src/server.ts';
import { startSubgraph, type RunningSubgraph } from '../../services/shared/src/subgraph.ts';
import { municipality } from '../../services/municipality/src/server.ts';
import { gql, hub, subgraphRequest } from '../helpers/hub.ts';

const caseworker = { org: 'municipality:1980', roles: ['CASEWORKER' as const] };
const INTROSPECT = '{ __schema { queryType { name } } }';
const FIND = 'query($p: String!) { findPerson(personnummer: $p) { id } }';

describe('development mode (the test stack)', () => {
  it('answers introspection for an authenticated caller, and 401 without a token', async () => {
    const ok = await gql(INTROSPECT, {}, { as: caseworker });
    expect(ok.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
    const anonymous = await gql(INTROSPECT, {}, { as: null });
    expect(anonymous.status).toBe(401);
  });

  it('takes "now" from x-hub-clock in every subgraph: a 10-digit number is read against that date', async () => {
    // 121212-1212: born 2012 if today is after 12 Dec 2012, otherwise 1912.
    const as12 = async (p: string) => (await gql(FIND, { p }, { as: caseworker })).data!.findPerson.id;
    const born2012 = await as12('201212121212');
    const born1912 = await as12('191212121212');
    expect(born2012).not.toBe(born1912);
    const in2026 = await gql(FIND, { p: '121212-1212' }, { as: caseworker, clock: '2026-11-23T10:00:00+01:00' });
    const in2010 = await gql(FIND, { p: '121212-1212' }, { as: caseworker, clock: '2010-06-01T10:00:00+02:00' });
    expect(in2026.data!.findPerson.id).toBe(born2012);
    expect(in2010.data!.findPerson.id).toBe(born1912);
  });

  it('refuses a malformed clock with 400 naming the header', async () => {
    const res = await gql('{ me { userId } }', {}, { as: caseworker, clock: 'next tuesday' });
    expect(res.status).toBe(400);
    expect(res.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'x-hub-clock' });
  });
});

describe('production mode', () => {
  let gateway: RunningGateway;
  let subgraph: RunningSubgraph;
  const prodEnv = () => ({ ...hub().env, HUB_MODE: 'production' });

  beforeAll(async () => {
    const supergraph = readFileSync(new URL('../../schema/supergraph.graphql', import.meta.url), 'utf8');
    const urls = Object.fromEntries(Object.entries(hub().subgraphUrls).map(([k, v]) => [`${k.toUpperCase()}_URL`, v]));
    gateway = await startGateway(loadGatewayConfig({ ...prodEnv(), GATEWAY_PORT: '0', ...urls }), supergraph);
    subgraph = await startSubgraph(
      municipality.definition,
      loadSubgraphConfig('municipality', { ...prodEnv(), MUNICIPALITY_DATABASE_URL: hub().databaseUrls.municipality, MUNICIPALITY_PORT: '0' }),
    );
  });
  afterAll(async () => {
    await gateway?.close();
    await subgraph?.close();
  });

  it('serves queries', async () => {
    const res = await gql('{ me { organisation { id } } }', {}, { as: caseworker, url: gateway.url });
    expect(res.data).toEqual({ me: { organisation: { id: 'municipality:1980' } } });
  });

  it('refuses introspection', async () => {
    const res = await gql(INTROSPECT, {}, { as: caseworker, url: gateway.url });
    expect(res.status).toBe(400);
    expect(res.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(res.errors?.[0]?.message).toMatch(/introspection is not allowed/i);
  });

  it('refuses the clock header at the gateway', async () => {
    const res = await gql('{ me { userId } }', {}, { as: caseworker, url: gateway.url, clock: '2026-01-01T00:00:00Z' });
    expect(res.status).toBe(400);
    expect(res.errors?.[0]?.message).toBe('The x-hub-clock header is accepted only in development mode.');
  });

  it('refuses the clock header in a subgraph, even on a request the gateway signed', async () => {
    const res = await subgraphRequest('municipality', '{ me { userId } }', {
      as: caseworker,
      url: subgraph.url,
      headers: { 'x-hub-clock': '2026-01-01T00:00:00Z' },
    });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].message).toBe('The x-hub-clock header is accepted only in development mode.');
  });

  it('runs no Apollo gateway code (Elastic License) and reports usage nowhere: no gateway module imports an @apollo/ package', () => {
    for (const file of readdirSync(new URL('../../gateway/src/', import.meta.url))) {
      const source = readFileSync(new URL(`../../gateway/src/${file}`, import.meta.url), 'utf8');
      expect(source, file).not.toMatch(/from '@apollo\//);
      expect(source, file).not.toMatch(/reporting:/);
    }
  });

  it('names no subgraph in any error (no extensions.serviceName): a domain refusal, an input rule, a bad variable, a refused change', async () => {
    const answers = [
      await gql(FIND, { p: '12345' }, { as: caseworker, url: gateway.url }),
      await gql(FIND, { p: '19121212-1212\u0000' }, { as: caseworker, url: gateway.url }),
      await gql(
        'mutation($d: Date!) { updateJointCarePlan(id: "x", expectedVersion: 1, followUpOn: $d) { id } }',
        { d: '9999-01-01' },
        { as: caseworker, url: gateway.url },
      ),
      await gql('mutation { revokeConsent(id: "00000000-0000-4000-8000-000000000000") { id } }', {}, { as: caseworker, url: gateway.url }),
    ];
    expect(answers.map((r) => r.errors?.map((e) => e.extensions?.code))).toEqual([['BAD_USER_INPUT'], ['BAD_USER_INPUT'], ['BAD_USER_INPUT'], ['NOT_FOUND']]);
    for (const res of answers) {
      for (const e of res.errors ?? []) expect(e.extensions, e.message).not.toHaveProperty('serviceName');
      expect(JSON.stringify(res)).not.toMatch(/municipality"|psychiatry"|probation"|clinics"|serviceName/);
    }
  });

  it('does not suggest field names to a caller who guesses', async () => {
    const res = await gql('{ mee { userId } }', {}, { as: caseworker, url: gateway.url });
    expect(res.errors?.[0]?.message).not.toMatch(/Did you mean/);
  });
});
