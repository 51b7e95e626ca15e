/**
 * Bearer-token verification, the same at the gateway and in every subgraph
 * (zero trust: a subgraph checks the token again rather than believe the
 * gateway). jose checks signature, issuer, audience, expiry and algorithm;
 * the hub adds a non-empty `sub`, a lifetime (exp − iat) no longer than
 * HUB_TOKEN_MAX_LIFETIME_SECONDS, and no `iat`/`nbf` in the future beyond
 * the clock skew allowed. A token without `iat` is refused (its lifetime
 * cannot be known).
 */
import { createLocalJWKSet, createRemoteJWKSet, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { AuthConfig } from './env.ts';
import { organisation } from './directory.ts';
import { ROLES, ROLES_BY_AGENCY, type Caller, type Role } from './caller.ts';
import { unauthenticated } from './errors.ts';
import { t } from './i18n.ts';

export type TokenVerifier = (authorization: string | undefined) => Promise<Caller>;

function keySet(config: AuthConfig): JWTVerifyGetKey {
  if (config.jwks) return createLocalJWKSet(config.jwks);
  if (config.jwksUrl) return createRemoteJWKSet(new URL(config.jwksUrl), { cooldownDuration: 30_000, cacheMaxAge: 600_000 });
  throw new Error('no JWKS configured');
}

/** Clock skew allowed between the issuer and the hub, both ways (expiry, nbf, iat). */
export const CLOCK_SKEW_SECONDS = 30;

const hours = (seconds: number) => (seconds === 3600 ? t`1 hour` : seconds % 3600 === 0 ? t`${seconds / 3600} hours` : t`${seconds} seconds`);

/** The hub's own rules on a verified token's times and subject (jose has checked the signature, exp and nbf). */
export function checkTokenClaims(payload: JWTPayload, maxLifetimeSeconds: number, nowSeconds = Math.floor(Date.now() / 1000)): void {
  if (typeof payload.sub !== 'string' || payload.sub.trim() === '') throw unauthenticated(t`The token names no user (its sub is empty); sign in again.`);
  const { iat, exp, nbf } = payload;
  if (typeof iat !== 'number' || typeof exp !== 'number') throw unauthenticated(t`The token must say when it was issued and when it expires; sign in again.`);
  if (iat > nowSeconds + CLOCK_SKEW_SECONDS) throw unauthenticated(t`The token was issued in the future; check the clock of the issuer.`);
  if (typeof nbf === 'number' && nbf > nowSeconds + CLOCK_SKEW_SECONDS) throw unauthenticated(t`The token is not valid yet.`);
  if (exp - iat > maxLifetimeSeconds)
    throw unauthenticated(t`The token lives longer than this hub allows (at most ${hours(maxLifetimeSeconds)}); sign in again.`);
}

/** How long a verified token's caller is remembered (at most: never past the token's expiry), and for how many tokens. */
export const VERIFIED_TOKEN_TTL_MS = 60_000;
export const VERIFIED_TOKEN_CACHE_SIZE = 5_000;

/**
 * Verifies bearer tokens. A token that verified is remembered, by its exact text (signature
 * included), for VERIFIED_TOKEN_TTL_MS and never past its `exp` (with the same skew jose allows):
 * the same token on the next request is the same caller without a second ES256 verification,
 * which was the largest single cost of a subgraph's read. A refused token is never remembered. A
 * key withdrawn from the JWKS stops admitting tokens it signed within the TTL.
 */
export function createTokenVerifier(config: AuthConfig, now: () => number = Date.now): TokenVerifier {
  const keys = keySet(config);
  const verified = new Map<string, { caller: Caller; until: number }>();
  return async (authorization) => {
    const match = /^Bearer ([A-Za-z0-9_\-.]+)$/.exec(authorization?.trim() ?? '');
    if (!match) throw unauthenticated(t`Sign in: send an "Authorization: Bearer <token>" header.`);
    const token = match[1]!;
    const known = verified.get(token);
    if (known) {
      if (now() < known.until) return known.caller;
      verified.delete(token);
    }
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keys, {
        issuer: config.issuer,
        audience: config.audience,
        algorithms: config.algorithms,
        requiredClaims: ['sub', 'exp', 'iat'],
        clockTolerance: CLOCK_SKEW_SECONDS,
        currentDate: new Date(now()),
      }));
    } catch (err) {
      const code = (err as { code?: string }).code;
      const claim = (err as { claim?: string }).claim;
      const reason =
        code === 'ERR_JWT_EXPIRED'
          ? t`The token has expired; sign in again.`
          : code === 'ERR_JWT_CLAIM_VALIDATION_FAILED' && claim === 'nbf'
            ? t`The token is not valid yet.`
            : code === 'ERR_JWT_CLAIM_VALIDATION_FAILED' && (claim === 'sub' || claim === 'iat' || claim === 'exp')
              ? t`The token must say who it is for, when it was issued and when it expires; sign in again.`
              : code === 'ERR_JWT_CLAIM_VALIDATION_FAILED'
                ? t`The token is not for this hub (${claim ?? 'claim'} does not match).`
                : t`The token could not be verified; sign in again.`;
      throw unauthenticated(reason);
    }
    checkTokenClaims(payload, config.tokenMaxLifetimeSeconds, Math.floor(now() / 1000));
    const caller = callerFromClaims(payload);
    Object.freeze(caller.roles);
    Object.freeze(caller);
    const until = Math.min(now() + VERIFIED_TOKEN_TTL_MS, ((payload.exp as number) + CLOCK_SKEW_SECONDS) * 1000);
    if (verified.size >= VERIFIED_TOKEN_CACHE_SIZE) verified.delete(verified.keys().next().value!);
    verified.set(token, { caller, until });
    return caller;
  };
}

/** Checks the hub's own claims: a known organisation of the stated agency and roles it can hold. */
export function callerFromClaims(payload: JWTPayload): Caller {
  const org = typeof payload.org === 'string' ? organisation(payload.org) : undefined;
  if (!org) throw unauthenticated(t`The token names no organisation that takes part in the hub.`);
  if (payload.agency !== undefined && payload.agency !== org.agency) {
    throw unauthenticated(t`The token's agency does not match organisation ${org.id}.`);
  }
  const raw = Array.isArray(payload.roles) ? payload.roles : typeof payload.roles === 'string' ? payload.roles.split(/[ ,]+/) : [];
  const roles = raw.filter((r): r is Role => (ROLES as readonly string[]).includes(String(r)));
  if (roles.length === 0 || roles.length !== raw.length) {
    throw unauthenticated(t`The token's roles must be some of ${ROLES.join(', ')}.`);
  }
  const foreign = roles.filter((r) => !ROLES_BY_AGENCY[org.agency].includes(r));
  if (foreign.length) throw unauthenticated(t`An organisation of kind ${org.agency} cannot hold the role ${foreign.join(', ')}.`);
  const name = typeof payload.name === 'string' && payload.name.trim() ? payload.name.trim() : String(payload.sub);
  return { userId: String(payload.sub), name, organisation: org, roles };
}
