/**
 * Configuration: every setting the hub reads from the environment, parsed and
 * validated here once. A missing or malformed setting stops start-up with a
 * message that names it; all problems are listed together.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

export const SUBGRAPHS = ['municipality', 'psychiatry', 'probation', 'clinics'] as const;
export type SubgraphName = (typeof SUBGRAPHS)[number];

export const DEFAULT_PORTS: Record<SubgraphName | 'gateway', number> = {
  gateway: 4000,
  municipality: 4001,
  psychiatry: 4002,
  probation: 4003,
  clinics: 4004,
};

/** Keys and secrets made by the development issuer carry these marks; production refuses them. */
export const DEV_KID_PREFIX = 'hub-dev-';
export const DEV_SECRET_PREFIX = 'dev-';
export const DEV_ISSUER = 'http://localhost:4000/dev-issuer';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Bits of a secret by its Shannon estimate: length × the entropy of its own character distribution. */
export function estimatedSecretBits(value: string): number {
  const counts = new Map<string, number>();
  for (const ch of value) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  const n = [...value].length;
  let perChar = 0;
  for (const c of counts.values()) perChar -= (c / n) * Math.log2(c / n);
  return n * perChar;
}

/** A secret must be at least 32 characters and carry at least this many bits by the estimate (64 random hex digits give about 250). */
export const MIN_SECRET_BITS = 128;

const secret = (name: string) =>
  z
    .string({ error: `${name} is required` })
    .min(32, `${name} must be at least 32 characters`)
    .refine((v) => v.length < 32 || estimatedSecretBits(v) >= MIN_SECRET_BITS, {
      message: `${name} is too predictable (under ${MIN_SECRET_BITS} bits by its character distribution); use e.g. 64 random hex digits (openssl rand -hex 32)`,
    });

const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);

const jwks = z.string().transform((text, ctx) => {
  try {
    const parsed = JSON.parse(text) as { keys?: unknown };
    if (!Array.isArray(parsed.keys) || parsed.keys.length === 0) throw new Error('no keys');
    return parsed as { keys: Array<Record<string, unknown>> };
  } catch {
    ctx.addIssue({ code: 'custom', message: 'HUB_JWKS must be a JSON Web Key Set: {"keys":[...]}' });
    return z.NEVER;
  }
});

const common = {
  HUB_MODE: z.enum(['development', 'production'], { error: 'HUB_MODE must be development or production' }).default('production'),
  HUB_JWT_ISSUER: z.string({ error: 'HUB_JWT_ISSUER is required' }).min(1, 'HUB_JWT_ISSUER is required'),
  HUB_JWT_AUDIENCE: z.string().min(1).default('coordination-hub'),
  HUB_JWT_ALGORITHMS: z
    .string()
    .default('ES256,RS256')
    .transform((s) =>
      s
        .split(',')
        .map((a) => a.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.enum(['ES256', 'RS256'], { error: 'HUB_JWT_ALGORITHMS allows only ES256 and RS256' })).min(1)),
  HUB_JWKS: jwks.optional(),
  HUB_JWKS_URL: z.url({ error: 'HUB_JWKS_URL must be a URL' }).optional(),
  HUB_GATEWAY_SECRET: secret('HUB_GATEWAY_SECRET'),
  HUB_SIGNATURE_MAX_AGE_SECONDS: z.coerce.number().int().min(1).max(300).default(30),
  /** the longest a caller's token may live, exp − iat (default 12 hours) */
  HUB_TOKEN_MAX_LIFETIME_SECONDS: z.coerce
    .number()
    .int()
    .min(60)
    .max(7 * 24 * 3600)
    .default(12 * 3600),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** the interface a process listens on when it runs on its own (containers: all interfaces) */
  HOST: z.string().min(1).default('0.0.0.0'),
};

function envName(subgraph: SubgraphName) {
  return subgraph.toUpperCase();
}

/** The subgraphs whose records a subgraph links to, and asks (a signed request, as the caller) whether the caller may see them. */
export const LINKED_SUBGRAPHS: Record<SubgraphName, SubgraphName[]> = {
  municipality: ['psychiatry', 'probation'],
  psychiatry: [],
  probation: [],
  clinics: [],
};

const subgraphUrl = (s: SubgraphName) => z.url({ error: `${envName(s)}_URL must be a URL` }).default(`http://127.0.0.1:${DEFAULT_PORTS[s]}/graphql`);

function subgraphShape(name: SubgraphName) {
  const upper = envName(name);
  return z.object({
    ...common,
    HUB_PERSON_ID_SECRET: secret('HUB_PERSON_ID_SECRET'),
    HUB_AUDIT_KEY: secret('HUB_AUDIT_KEY'),
    HUB_AUDIT_SEAL_INTERVAL_MS: z.coerce.number().int().min(50).max(600_000).default(1000),
    [`${upper}_DATABASE_URL`]: z
      .string({ error: `${upper}_DATABASE_URL is required` })
      .regex(/^postgres(ql)?:\/\//, `${upper}_DATABASE_URL must be a postgres:// URL`),
    [`${upper}_PORT`]: port(DEFAULT_PORTS[name]),
    ...Object.fromEntries(LINKED_SUBGRAPHS[name].map((s) => [`${envName(s)}_URL`, subgraphUrl(s)])),
  });
}

const gatewayShape = z.object({
  ...common,
  GATEWAY_PORT: port(DEFAULT_PORTS.gateway),
  GATEWAY_MAX_BODY_BYTES: z.coerce.number().int().min(1024).default(100_000),
  ...Object.fromEntries(SUBGRAPHS.map((s) => [`${envName(s)}_URL`, subgraphUrl(s)])),
});

export interface AuthConfig {
  mode: 'development' | 'production';
  issuer: string;
  audience: string;
  algorithms: Array<'ES256' | 'RS256'>;
  jwks?: { keys: Array<Record<string, unknown>> };
  jwksUrl?: string;
  gatewaySecret: string;
  signatureMaxAgeSeconds: number;
  /** the longest lifetime (exp − iat) of a caller's token */
  tokenMaxLifetimeSeconds: number;
  logLevel: string;
  host: string;
}

export interface SubgraphConfig extends AuthConfig {
  name: SubgraphName;
  databaseUrl: string;
  port: number;
  personIdSecret: string;
  /** the key of the audit seals' HMACs (never in the database) */
  auditKey: string;
  /** how often the sealer seals the audit events written since the last seal */
  auditSealIntervalMs: number;
  /** where the subgraphs it links to answer (LINKED_SUBGRAPHS) */
  linkedUrls: Partial<Record<SubgraphName, string>>;
}

export interface GatewayConfig extends AuthConfig {
  port: number;
  maxBodyBytes: number;
  subgraphUrls: Record<SubgraphName, string>;
}

type Env = Record<string, string | undefined>;

function parse<T extends z.ZodType>(shape: T, env: Env): z.infer<T> {
  // Empty strings count as unset, as in most deployment tools.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = shape.safeParse(cleaned);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((i) => {
        const key = String(i.path[0] ?? '');
        return i.message.includes(key) || !key ? i.message : `${key}: ${i.message}`;
      }),
    );
  }
  return result.data;
}

/** RFC 7638 JWK thumbprint (SHA-256, base64url): the key's material, whatever its kid says. Equal to jose's calculateJwkThumbprint. */
export function jwkThumbprint(jwk: Record<string, unknown>): string {
  const members: Record<string, string[]> = { EC: ['crv', 'kty', 'x', 'y'], RSA: ['e', 'kty', 'n'], OKP: ['crv', 'kty', 'x'], oct: ['k', 'kty'] };
  const names = members[String(jwk.kty)];
  if (!names) return '';
  const canonical = `{${names.map((n) => `${JSON.stringify(n)}:${JSON.stringify(typeof jwk[n] === 'string' ? jwk[n] : '')}`).join(',')}}`;
  return createHash('sha256').update(canonical).digest('base64url');
}

/** What the development installation made (.hub/local.json, or HUB_DIR's): its issuer's public key and its secrets. */
export interface DevelopmentState {
  issuer?: { publicJwk?: Record<string, unknown> };
  gatewaySecret?: string;
  personIdSecret?: string;
  auditKey?: string;
}

const DEFAULT_HUB_DIR = fileURLToPath(new URL('../../../.hub/', import.meta.url));

/** The development installation's state on this machine, if there is one (production refuses what it holds). */
export function developmentState(env: Env): DevelopmentState | null {
  const dir = env.HUB_DIR ? `${env.HUB_DIR.replace(/\/$/, '')}/` : DEFAULT_HUB_DIR;
  const file = `${dir}local.json`;
  if (!existsSync(file)) return null;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as DevelopmentState;
  } catch {
    return null;
  }
}

/** A development secret: marked as one, or one the development installation on this machine made (whatever it was renamed to). */
function developmentSecretProblem(name: string, value: string, state: DevelopmentState | null): string | null {
  const known = [state?.gatewaySecret, state?.personIdSecret, state?.auditKey].filter((v): v is string => typeof v === 'string' && v !== '');
  return value.startsWith(DEV_SECRET_PREFIX) || known.includes(value) ? `${name} is a development secret; production refuses it` : null;
}

function authFrom(e: z.infer<ReturnType<typeof subgraphShape>> | z.infer<typeof gatewayShape>, env: Env): AuthConfig {
  const problems: string[] = [];
  if (!e.HUB_JWKS && !e.HUB_JWKS_URL) problems.push("HUB_JWKS or HUB_JWKS_URL is required (the keys that sign callers' tokens)");
  if (e.HUB_MODE === 'production') {
    const state = developmentState(env);
    // By the key's material: a development key under another kid is still the development key.
    const devPrints = new Set([state?.issuer?.publicJwk].filter((k): k is Record<string, unknown> => !!k).map(jwkThumbprint));
    const devKey = e.HUB_JWKS?.keys.find((k) => (typeof k.kid === 'string' && k.kid.startsWith(DEV_KID_PREFIX)) || devPrints.has(jwkThumbprint(k)));
    if (devKey)
      problems.push(`HUB_JWKS contains the development issuer's key (${typeof devKey.kid === 'string' ? devKey.kid : 'without kid'}); production refuses it`);
    if (e.HUB_JWT_ISSUER === DEV_ISSUER) problems.push('HUB_JWT_ISSUER is the development issuer; production refuses it');
    const devSecret = developmentSecretProblem('HUB_GATEWAY_SECRET', e.HUB_GATEWAY_SECRET, state);
    if (devSecret) problems.push(devSecret);
    if ('HUB_PERSON_ID_SECRET' in e && typeof e.HUB_PERSON_ID_SECRET === 'string') {
      const devPerson = developmentSecretProblem('HUB_PERSON_ID_SECRET', e.HUB_PERSON_ID_SECRET, state);
      if (devPerson) problems.push(devPerson);
    }
    if ('HUB_AUDIT_KEY' in e && typeof e.HUB_AUDIT_KEY === 'string') {
      const devAudit = developmentSecretProblem('HUB_AUDIT_KEY', e.HUB_AUDIT_KEY, state);
      if (devAudit) problems.push(devAudit);
    }
    if (e.HUB_JWKS_URL && !e.HUB_JWKS_URL.startsWith('https://')) problems.push('HUB_JWKS_URL must use https in production');
  }
  if (problems.length) throw new ConfigError(problems);
  return {
    mode: e.HUB_MODE,
    issuer: e.HUB_JWT_ISSUER,
    audience: e.HUB_JWT_AUDIENCE,
    algorithms: e.HUB_JWT_ALGORITHMS,
    jwks: e.HUB_JWKS,
    jwksUrl: e.HUB_JWKS_URL,
    gatewaySecret: e.HUB_GATEWAY_SECRET,
    signatureMaxAgeSeconds: e.HUB_SIGNATURE_MAX_AGE_SECONDS,
    tokenMaxLifetimeSeconds: e.HUB_TOKEN_MAX_LIFETIME_SECONDS,
    logLevel: e.LOG_LEVEL,
    host: e.HOST,
  };
}

export function loadSubgraphConfig(name: SubgraphName, env: Env = process.env): SubgraphConfig {
  const e = parse(subgraphShape(name), env) as Record<string, unknown> & z.infer<ReturnType<typeof subgraphShape>>;
  const auth = authFrom(e, env);
  const personIdSecret = e.HUB_PERSON_ID_SECRET;
  return {
    ...auth,
    name,
    databaseUrl: String(e[`${envName(name)}_DATABASE_URL`]),
    port: Number(e[`${envName(name)}_PORT`]),
    personIdSecret,
    auditKey: e.HUB_AUDIT_KEY,
    auditSealIntervalMs: e.HUB_AUDIT_SEAL_INTERVAL_MS,
    linkedUrls: Object.fromEntries(LINKED_SUBGRAPHS[name].map((s) => [s, String(e[`${envName(s)}_URL`])])),
  };
}

export function loadGatewayConfig(env: Env = process.env): GatewayConfig {
  const e = parse(gatewayShape, env) as Record<string, unknown> & z.infer<typeof gatewayShape>;
  return {
    ...authFrom(e, env),
    port: e.GATEWAY_PORT,
    maxBodyBytes: e.GATEWAY_MAX_BODY_BYTES,
    subgraphUrls: Object.fromEntries(SUBGRAPHS.map((s) => [s, String(e[`${envName(s)}_URL`])])) as Record<SubgraphName, string>,
  };
}

/** Every variable name the code reads, for the deployment descriptions and their test. */
export function configVariables(): { gateway: string[]; subgraphs: Record<SubgraphName, string[]> } {
  return {
    gateway: Object.keys(gatewayShape.shape),
    subgraphs: Object.fromEntries(SUBGRAPHS.map((s) => [s, Object.keys(subgraphShape(s).shape)])) as Record<SubgraphName, string[]>,
  };
}
