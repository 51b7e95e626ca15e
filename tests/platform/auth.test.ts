/** Authentication at the gateway: every bad token is refused with 401 before any planning. */
import { describe, expect, it } from 'vitest';
import { base64url, importJWK, SignJWT } from 'jose';
import { createTokenVerifier } from '../../services/shared/src/auth.ts';
import { loadGatewayConfig } from '../../services/shared/src/env.ts';
import { gql, hub, subgraphRequest, tokenFor } from '../helpers/hub.ts';

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

/** A token of the hub's test issuer with exactly these times and subject (seconds from now; null leaves the claim out). */
async function timedToken(t: { sub?: string | null; iat?: number | null; exp?: number; nbf?: number }): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const { issuer } = hub();
  const claims: Record<string, unknown> = { name: 'Anna Svensson', org: 'municipality:1980', agency: 'MUNICIPALITY', roles: ['CASEWORKER'] };
  if (t.sub !== null) claims.sub = t.sub ?? 'anna.svensson';
  if (t.iat !== null) claims.iat = now + (t.iat ?? 0);
  claims.exp = now + (t.exp ?? 600);
  if (t.nbf !== undefined) claims.nbf = now + t.nbf;
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'ES256', kid: issuer.kid, typ: 'JWT' })
    .setIssuer(hub().env.HUB_JWT_ISSUER!)
    .setAudience(hub().env.HUB_JWT_AUDIENCE!)
    .sign(await importJWK(issuer.privateJwk, 'ES256'));
}

/** Tokens of the trusted issuer, correctly signed, that the hub's own rules refuse: [case, token, the exact message]. */
const badClaims: Array<[string, () => Promise<string>, string]> = [
  ['an empty sub', () => timedToken({ sub: '' }), 'The token names no user (its sub is empty); sign in again.'],
  ['a blank sub', () => timedToken({ sub: '   ' }), 'The token names no user (its sub is empty); sign in again.'],
  ['no sub', () => timedToken({ sub: null }), 'The token must say who it is for, when it was issued and when it expires; sign in again.'],
  ['no iat', () => timedToken({ iat: null }), 'The token must say who it is for, when it was issued and when it expires; sign in again.'],
  [
    'a lifetime over 12 hours (exp − iat = 12 h + 1 s)',
    () => timedToken({ iat: -60, exp: 12 * 3600 - 59 }),
    'The token lives longer than this hub allows (at most 12 hours); sign in again.',
  ],
  ['a lifetime of a year', () => timedToken({ exp: 365 * 24 * 3600 }), 'The token lives longer than this hub allows (at most 12 hours); sign in again.'],
  ['an iat 2 minutes in the future', () => timedToken({ iat: 120, exp: 3600 }), 'The token was issued in the future; check the clock of the issuer.'],
  ['an nbf 2 minutes in the future', () => timedToken({ nbf: 120, exp: 3600 }), 'The token is not valid yet.'],
];

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

  it.each(badClaims)('refuses a token with %s at the gateway: 401 UNAUTHENTICATED, plain words', async (_case, makeToken, message) => {
    const res = await gql(ME, {}, { as: await makeToken() });
    expect(res.status).toBe(401);
    expect(res.data ?? null).toBeNull();
    expect(res.errors).toEqual([{ message, extensions: { code: 'UNAUTHENTICATED' } }]);
  });

  it.each(badClaims)('refuses a token with %s in a subgraph too, on a request the gateway signed', async (_case, makeToken, message) => {
    const res = await subgraphRequest('municipality', '{ me { userId } }', { headers: { authorization: `Bearer ${await makeToken()}` } });
    expect(res.status).toBe(401);
    expect(res.body.errors.map((e: { message: string; extensions: { code: string } }) => [e.message, e.extensions.code])).toEqual([
      [message, 'UNAUTHENTICATED'],
    ]);
  });

  it('accepts a lifetime of exactly 12 hours, an iat and nbf within the 30 s skew', async () => {
    for (const token of [await timedToken({ iat: 0, exp: 12 * 3600 }), await timedToken({ iat: 20, exp: 3600, nbf: 20 })]) {
      const res = await gql('{ me { userId } }', {}, { as: token });
      expect(res.errors).toBeUndefined();
      expect(res.data?.me).toEqual({ userId: 'anna.svensson' });
    }
  });

  it('takes the maximum lifetime from HUB_TOKEN_MAX_LIFETIME_SECONDS', async () => {
    const verify = createTokenVerifier(loadGatewayConfig({ ...hub().env, HUB_TOKEN_MAX_LIFETIME_SECONDS: '3600' }));
    await expect(verify(`Bearer ${await timedToken({ exp: 3600 })}`)).resolves.toMatchObject({ userId: 'anna.svensson' });
    await expect(verify(`Bearer ${await timedToken({ exp: 3601 })}`)).rejects.toMatchObject({
      message: 'The token lives longer than this hub allows (at most 1 hour); sign in again.',
      extensions: { code: 'UNAUTHENTICATED' },
    });
  });

  it('remembers a verified token for at most a minute and never past its expiry (with the skew)', async () => {
    const config = loadGatewayConfig(hub().env);
    let now = Date.now();
    const verify = createTokenVerifier(config, () => now);
    const token = `Bearer ${await timedToken({ exp: 600 })}`;
    const first = await verify(token);
    expect(first).toMatchObject({ userId: 'anna.svensson', roles: ['CASEWORKER'] });
    expect(Object.isFrozen(first) && Object.isFrozen(first.roles)).toBe(true);
    // the same token again within the minute: the same caller, not verified again
    now += 59_000;
    expect(await verify(token)).toBe(first);
    // after the minute: verified again (a new caller object, the same claims)
    now += 2_000;
    const again = await verify(token);
    expect(again).not.toBe(first);
    expect(again).toEqual(first);
    // remembered again now, but past exp + 30 s it is refused, not answered from memory
    expect(await verify(token)).toBe(again);
    now = Date.now() + (600 + 31) * 1000;
    await expect(verify(token)).rejects.toMatchObject({ message: 'The token has expired; sign in again.', extensions: { code: 'UNAUTHENTICATED' } });
    // a refused token is not remembered: a bad signature stays refused however often it comes
    const forged = `${token.slice(0, -4)}AAAA`;
    for (let i = 0; i < 2; i++) {
      await expect(verify(forged)).rejects.toMatchObject({ message: 'The token could not be verified; sign in again.' });
    }
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
