/**
 * Bearer-token verification, the same at the gateway and in every subgraph
 * (zero trust: a subgraph checks the token again rather than believe the
 * gateway). jose checks signature, issuer, audience, expiry and algorithm.
 */
import { createLocalJWKSet, createRemoteJWKSet, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { AuthConfig } from './env.ts';
import { organisation } from './directory.ts';
import { ROLES, ROLES_BY_AGENCY, type Caller, type Role } from './caller.ts';
import { unauthenticated } from './errors.ts';

export type TokenVerifier = (authorization: string | undefined) => Promise<Caller>;

function keySet(config: AuthConfig): JWTVerifyGetKey {
  if (config.jwks) return createLocalJWKSet(config.jwks);
  if (config.jwksUrl) return createRemoteJWKSet(new URL(config.jwksUrl), { cooldownDuration: 30_000, cacheMaxAge: 600_000 });
  throw new Error('no JWKS configured');
}

export function createTokenVerifier(config: AuthConfig): TokenVerifier {
  const keys = keySet(config);
  return async (authorization) => {
    const match = /^Bearer ([A-Za-z0-9_\-.]+)$/.exec(authorization?.trim() ?? '');
    if (!match) throw unauthenticated('Sign in: send an "Authorization: Bearer <token>" header.');
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(match[1]!, keys, {
        issuer: config.issuer,
        audience: config.audience,
        algorithms: config.algorithms,
        requiredClaims: ['sub', 'exp', 'iat'],
        clockTolerance: 30,
      }));
    } catch (err) {
      const code = (err as { code?: string }).code;
      const reason =
        code === 'ERR_JWT_EXPIRED'
          ? 'The token has expired; sign in again.'
          : code === 'ERR_JWT_CLAIM_VALIDATION_FAILED'
            ? `The token is not for this hub (${(err as { claim?: string }).claim ?? 'claim'} does not match).`
            : 'The token could not be verified; sign in again.';
      throw unauthenticated(reason);
    }
    return callerFromClaims(payload);
  };
}

/** Checks the hub's own claims: a known organisation of the stated agency and roles it can hold. */
export function callerFromClaims(payload: JWTPayload): Caller {
  const org = typeof payload.org === 'string' ? organisation(payload.org) : undefined;
  if (!org) throw unauthenticated('The token names no organisation that takes part in the hub.');
  if (payload.agency !== undefined && payload.agency !== org.agency) {
    throw unauthenticated(`The token's agency does not match organisation ${org.id}.`);
  }
  const raw = Array.isArray(payload.roles) ? payload.roles : typeof payload.roles === 'string' ? payload.roles.split(/[ ,]+/) : [];
  const roles = raw.filter((r): r is Role => (ROLES as readonly string[]).includes(String(r)));
  if (roles.length === 0 || roles.length !== raw.length) {
    throw unauthenticated(`The token's roles must be some of ${ROLES.join(', ')}.`);
  }
  const foreign = roles.filter((r) => !ROLES_BY_AGENCY[org.agency].includes(r));
  if (foreign.length) throw unauthenticated(`An organisation of kind ${org.agency} cannot hold the role ${foreign.join(', ')}.`);
  const name = typeof payload.name === 'string' && payload.name.trim() ? payload.name.trim() : String(payload.sub);
  return { userId: String(payload.sub), name, organisation: org, roles };
}
