/**
 * The development token issuer: an ES256 key pair made on first start in
 * embedded mode and trusted only there (its kid starts with "hub-dev-", and
 * production refuses such keys). Tests use the same functions with keys of
 * their own.
 */
import { randomBytes } from 'node:crypto';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import { organisation } from './directory.ts';
import type { Role } from './caller.ts';

export interface IssuerKeys {
  kid: string;
  privateJwk: JWK;
  publicJwk: JWK;
}

export async function createIssuerKeys(kidPrefix: string): Promise<IssuerKeys> {
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  const kid = `${kidPrefix}${randomBytes(6).toString('hex')}`;
  return {
    kid,
    privateJwk: { ...(await exportJWK(privateKey)), kid, alg: 'ES256' },
    publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' },
  };
}

export interface TokenRequest {
  org: string;
  roles: Role[];
  sub?: string;
  name?: string;
  /** seconds; default 8 hours, a working day */
  ttl?: number;
  issuer: string;
  audience: string;
}

export async function signToken(keys: Pick<IssuerKeys, 'kid' | 'privateJwk'>, req: TokenRequest, extraClaims: Record<string, unknown> = {}): Promise<string> {
  const org = organisation(req.org);
  const key = await importJWK(keys.privateJwk, 'ES256');
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    name: req.name ?? `${req.roles[0]?.toLowerCase() ?? 'user'} at ${req.org}`,
    org: req.org,
    ...(org ? { agency: org.agency } : {}),
    roles: req.roles,
    ...extraClaims,
  })
    .setProtectedHeader({ alg: 'ES256', kid: keys.kid, typ: 'JWT' })
    .setSubject(req.sub ?? `${req.org}:${req.roles[0]?.toLowerCase() ?? 'user'}`)
    .setIssuer(req.issuer)
    .setAudience(req.audience)
    .setIssuedAt(now)
    .setExpirationTime(now + (req.ttl ?? 8 * 3600))
    .sign(key);
}
