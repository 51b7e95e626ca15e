/** Errors follow docs/design/architecture.md: a code, the field for bad input, plain words, no internals. */
import { describe, expect, it } from 'vitest';
import { gql, hub, tokenFor } from '../helpers/hub.ts';
import { LIMITS } from '../../gateway/src/limits.ts';

const caseworker = { org: 'municipality:1980', roles: ['CASEWORKER' as const] };
const FIND = 'query($p: String!) { findPerson(personnummer: $p) { id } }';

function noInternals(res: { errors?: Array<{ extensions?: Record<string, unknown> }> }) {
  const text = JSON.stringify(res);
  expect(text).not.toMatch(/stacktrace|at .*\.ts:\d+|select |insert |postgres/i);
}

describe('bad input', () => {
  it.each([
    ['12345', 'The personnummer must be 10 or 12 digits, written YYMMDD-NNNN or YYYYMMDDNNNN.'],
    ['19121212-1213', 'The personnummer has a wrong check digit; please check the number.'],
    ['19121312-1212', 'The personnummer has no valid date of birth (121312).'],
    ['20991212-1212', 'The personnummer has a date of birth in the future.'],
  ])('findPerson(%s) is BAD_USER_INPUT on field personnummer', async (p, message) => {
    const res = await gql(FIND, { p }, { as: caseworker });
    expect(res.data).toEqual({ findPerson: null });
    expect(res.errors).toHaveLength(1);
    expect(res.errors![0]!.message).toBe(message);
    expect(res.errors![0]!.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'personnummer', serviceName: 'municipality' });
    noInternals(res);
  });

  it('a malformed person id names the field', async () => {
    const res = await gql('{ person(id: "42") { id } }', {}, { as: caseworker });
    expect(res.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
  });

  it('a role without the permission gets FORBIDDEN, saying what it may not do', async () => {
    const res = await gql(FIND, { p: '19121212-1212' }, { as: { org: 'municipality:1980', roles: ['COUNCIL_MEMBER'] } });
    expect(res.errors![0]!.extensions?.code).toBe('FORBIDDEN');
    expect(res.errors![0]!.message).toBe('Your role (COUNCIL_MEMBER) does not allow you to search for a person by personnummer.');
  });

  it('an unknown field is a validation error without internals', async () => {
    const res = await gql('{ me { password } }', {}, { as: caseworker });
    expect(res.status).toBe(400);
    expect(res.errors![0]!.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    noInternals(res);
  });
});

describe('request limits at the gateway', () => {
  it(`refuses more than ${LIMITS.maxAliases} aliases`, async () => {
    const query = `{ ${Array.from({ length: LIMITS.maxAliases + 1 }, (_, i) => `a${i}: me { userId }`).join(' ')} }`;
    const res = await gql(query, {}, { as: caseworker });
    expect(res.status).toBe(400);
    expect(res.errors?.map((e) => e.message)).toContain(`Syntax Error: Aliases limit of ${LIMITS.maxAliases} exceeded, found ${LIMITS.maxAliases + 1}.`);
  });

  it(`refuses a query deeper than ${LIMITS.maxDepth}`, async () => {
    let inner = 'id';
    for (let i = 0; i < LIMITS.maxDepth + 1; i++) inner = `organisation { ${inner} }`;
    const res = await gql(`{ me { ${inner} } }`, {}, { as: caseworker });
    expect(res.status).toBe(400);
    expect(res.errors?.map((e) => e.message)).toContain(`Syntax Error: Query depth limit of ${LIMITS.maxDepth} exceeded, found ${LIMITS.maxDepth + 3}.`);
  });

  it('refuses a body over the size limit with 413', async () => {
    const res = await gql(`{ me { userId } } # ${'x'.repeat(120_000)}`, {}, { as: caseworker });
    expect(res.status).toBe(413);
    expect(res.errors?.[0]?.message).toBe('The request body is larger than 100,000 bytes.');
  });

  it('refuses batched requests', async () => {
    const res = await fetch(hub().gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await tokenFor(caseworker)}` },
      body: JSON.stringify([{ query: '{ me { userId } }' }, { query: '{ me { name } }' }]),
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/Batching is not supported/);
  });

  it('keeps CSRF prevention on: a simple cross-site GET without a preflight header is refused', async () => {
    const res = await fetch(`${hub().gatewayUrl}?query=${encodeURIComponent('{ me { userId } }')}`, { method: 'GET' });
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/CSRF/);
  });
});
