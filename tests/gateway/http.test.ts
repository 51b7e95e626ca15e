/**
 * GraphQL over HTTP: graphql-http's server audit suite against the hub's gateway. Every
 * MUST passes, and every SHOULD except the ones the hub refuses on purpose, named below.
 * (MAYs are choices, not conformance: among them GET, which the hub answers only with a
 * header that forces a CORS preflight, for CSRF prevention.) The audits send no token, so the
 * fetch they use adds one, as every client of the hub does.
 */
import { describe, expect, it } from 'vitest';
import { serverAudits } from 'graphql-http';
import { hub, tokenFor } from '../helpers/hub.ts';

/**
 * The hub answers every request it refuses to parse or validate with 400, whatever the client
 * accepts (docs/design/architecture.md; a limit exceeded is a 400, never a 200 or a 500). The spec's
 * legacy rule for `accept: application/json` asks for 200 there.
 */
const REFUSED_ON_PURPOSE: Record<string, string> = {
  '572B': 'SHOULD use 200 status code on document parsing failure when accepting application/json',
  FDE2: 'SHOULD use 200 status code on document validation failure when accepting application/json',
  '7B9B': 'SHOULD use a status code of 200 on variable coercion failure when accepting application/json',
};

const audits = serverAudits({
  url: () => hub().gatewayUrl,
  fetchFn: async (input: RequestInfo | URL, init?: RequestInit) => {
    const headers = new Headers(init?.headers);
    headers.set('authorization', `Bearer ${await tokenFor({ org: 'municipality:1980', roles: ['CASEWORKER'] })}`);
    return fetch(input, { ...init, headers });
  },
});

describe('graphql-http server audits', () => {
  it('names only audits that exist', () => {
    const names = new Map(audits.map((a) => [a.id, a.name]));
    for (const [id, name] of Object.entries(REFUSED_ON_PURPOSE)) expect(names.get(id)).toBe(name);
  });

  it.each(audits.filter((a) => a.name.startsWith('MUST')).map((a) => [`${a.id} ${a.name}`, a] as const))('%s', async (_name, audit) => {
    const result = await audit.fn();
    expect(result.status === 'ok' ? 'ok' : `${result.status}: ${result.reason}`).toBe('ok');
  });

  it.each(audits.filter((a) => a.name.startsWith('SHOULD') && !(a.id in REFUSED_ON_PURPOSE)).map((a) => [`${a.id} ${a.name}`, a] as const))(
    '%s',
    async (_name, audit) => {
      const result = await audit.fn();
      expect(result.status === 'ok' ? 'ok' : `${result.status}: ${result.reason}`).toBe('ok');
    },
  );

  it.each(Object.entries(REFUSED_ON_PURPOSE))('refuses %s on purpose (%s): the hub answers 400', async (id) => {
    const result = await audits.find((a) => a.id === id)!.fn();
    expect(result.status).toBe('warn');
    expect(result.status === 'ok' ? undefined : result.response.status).toBe(400);
  });
});
