/** Authentication at the gateway: every bad token is refused with 401 before any planning. */
import { describe, expect, it } from 'vitest';
import { base64url } from 'jose';
import { gql, hub, tokenFor } from '../helpers/hub.ts';

const ME = '{ me { userId name organisation { id name agency } roles } }';
const caseworker = { org: 'municipality:1980', roles: ['CASEWORKER' as const], sub: 'anna.svensson', name: 'Anna Svensson' };

function unsignedToken(): string {
  const header = base64url.encode(JSON.stringify({ alg: 'none', typ: 'JWT' }));
  const now = Math.floor(Date.now() / 1000);
  const payload = base64url.encode(
    JSON.stringify({
      sub: 'x',
      org: 'municipality:1980',
      agency: 'MUNICIPALITY',
      roles: ['CASEWORKER'],
      iss: hub().env.HUB_JWT_ISSUER,
      aud: 'coordination-hub',
      iat: now,
      exp: now + 600,
    }),
  );
  return `${header}.${payload}.`;
}

const refused: Array<[string, () => Promise<string | null>, RegExp]> = [
  ['no token', () => Promise.resolve(null), /Sign in/],
  ['a token that is not a JWT', () => Promise.resolve('not-a-token'), /could not be verified/],
  ['an expired token', () => tokenFor(caseworker, { ttl: -120 }), /expired/],
  ['a token for another audience', () => tokenFor(caseworker, { audience: 'some-other-api' }), /not for this hub \(aud/],
  ['a token from another issuer', () => tokenFor(caseworker, { issuer: 'https://evil.example' }), /not for this hub \(iss/],
  ['a token signed with a key the hub does not trust', () => tokenFor(caseworker, { keys: hub().stranger }), /could not be verified/],
  ['an unsigned token (alg: none)', () => Promise.resolve(unsignedToken()), /could not be verified/],
  ['an organisation outside the hub', () => tokenFor({ org: 'municipality:9999', roles: ['CASEWORKER'] }), /no organisation/],
  ['a role the organisation cannot hold', () => tokenFor({ org: 'probation:vasteras', roles: ['PHYSICIAN'] }), /cannot hold the role PHYSICIAN/],
  ['an agency claim that contradicts the directory', () => tokenFor(caseworker, { claims: { agency: 'PSYCHIATRY' } }), /agency does not match/],
  ['an unknown role', () => tokenFor(caseworker, { claims: { roles: ['CASEWORKER', 'ADMIN'] } }), /roles must be/],
];

describe('gateway authentication', () => {
  it.each(refused)('refuses %s with 401 UNAUTHENTICATED', async (_case, makeToken, message) => {
    const token = await makeToken();
    const res = await gql(ME, {}, { as: token });
    expect(res.status).toBe(401);
    expect(res.data ?? null).toBeNull();
    expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(res.errors?.[0]?.message).toMatch(message);
  });

  it('answers `me` with the caller of a good token', async () => {
    const res = await gql(ME, {}, { as: caseworker });
    expect(res.status).toBe(200);
    expect(res.errors).toBeUndefined();
    expect(res.data?.me).toEqual({
      userId: 'anna.svensson',
      name: 'Anna Svensson',
      organisation: { id: 'municipality:1980', name: 'Västerås stad, socialtjänsten', agency: 'MUNICIPALITY' },
      roles: ['CASEWORKER'],
    });
  });

  it('lists the organisation directory, filtered by kind', async () => {
    const res = await gql('{ organisations(agency: PROBATION) { id agency } all: organisations { id } }', {}, { as: caseworker });
    expect(res.data?.organisations).toEqual([
      { id: 'probation:vasteras', agency: 'PROBATION' },
      { id: 'probation:stockholm', agency: 'PROBATION' },
    ]);
    expect(res.data?.all.map((o: { id: string }) => o.id)).toEqual([
      'municipality:1980',
      'municipality:1981',
      'municipality:0180',
      'psychiatry:19',
      'psychiatry:01',
      'probation:vasteras',
      'probation:stockholm',
      'clinic:0180-sodermalm',
      'clinic:0180-kista',
    ]);
  });
});
