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
  /** the largest document (ASI, AUDIT, DUDIT, ...) one upload may attach, in bytes (default 10 MB) */
  HUB_DOCUMENT_MAX_BYTES: z.coerce
    .number({ error: 'HUB_DOCUMENT_MAX_BYTES must be a whole number of bytes' })
    .int('HUB_DOCUMENT_MAX_BYTES must be a whole number of bytes')
    .min(1024, 'HUB_DOCUMENT_MAX_BYTES must be at least 1024')
    .max(100_000_000, 'HUB_DOCUMENT_MAX_BYTES must be at most 100000000')
    .default(10_000_000),
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
  /** on SIGTERM/SIGINT, how long requests in flight may take to finish before they are cut */
  HUB_SHUTDOWN_GRACE_SECONDS: z.coerce.number({ error: 'HUB_SHUTDOWN_GRACE_SECONDS must be a number of seconds' }).min(0).max(600).default(10),
  /** OpenTelemetry traces: off unless one of these is set (services/shared/src/telemetry.ts) */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url({ error: 'OTEL_EXPORTER_OTLP_ENDPOINT must be a URL' }).optional(),
  OTEL_TRACES_EXPORTER: z.enum(['otlp', 'none'], { error: 'OTEL_TRACES_EXPORTER must be otlp or none' }).optional(),
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

/** The subgraphs that witness a subgraph's audit head (audit-witness.ts): every other one. */
export const witnessesOf = (name: SubgraphName): SubgraphName[] => SUBGRAPHS.filter((s) => s !== name);

const subgraphUrl = (s: SubgraphName) => z.url({ error: `${envName(s)}_URL must be a URL` }).default(`http://127.0.0.1:${DEFAULT_PORTS[s]}/graphql`);

const postgresUrl = (variable: string) => z.string({ error: `${variable} is required` }).regex(/^postgres(ql)?:\/\//, `${variable} must be a postgres:// URL`);

const flag = (variable: string) =>
  z
    .enum(['true', 'false'], { error: `${variable} must be true or false` })
    .default('true')
    .transform((v) => v === 'true');

/**
 * A subgraph's database settings: the runtime role's URL, and optionally the owner's URL for
 * migrations; each password may be given apart from its URL (then any character may be in it).
 */
function databaseShape(name: SubgraphName) {
  const upper = envName(name);
  return {
    [`${upper}_DATABASE_URL`]: postgresUrl(`${upper}_DATABASE_URL`),
    [`${upper}_DATABASE_PASSWORD`]: z.string().optional(),
    [`${upper}_MIGRATION_DATABASE_URL`]: postgresUrl(`${upper}_MIGRATION_DATABASE_URL`).optional(),
    [`${upper}_MIGRATION_DATABASE_PASSWORD`]: z.string().optional(),
  };
}

function subgraphShape(name: SubgraphName) {
  const upper = envName(name);
  return z.object({
    ...common,
    HUB_PERSON_ID_SECRET: secret('HUB_PERSON_ID_SECRET'),
    HUB_AUDIT_KEY: secret('HUB_AUDIT_KEY'),
    HUB_AUDIT_SEAL_INTERVAL_MS: z.coerce.number().int().min(50).max(600_000).default(1000),
    /** how often the latest seal's head is sent to the other subgraphs, its witnesses (audit-witness.ts); 0: never */
    HUB_AUDIT_WITNESS_INTERVAL_MS: z.coerce
      .number({ error: 'HUB_AUDIT_WITNESS_INTERVAL_MS must be a whole number of milliseconds' })
      .int('HUB_AUDIT_WITNESS_INTERVAL_MS must be a whole number of milliseconds')
      .min(0, 'HUB_AUDIT_WITNESS_INTERVAL_MS must be 0 (never) or more')
      .max(3_600_000, 'HUB_AUDIT_WITNESS_INTERVAL_MS must be at most 3600000 (an hour)')
      .default(10_000),
    ...databaseShape(name),
    /** migrate the database (under an advisory lock) before listening; a deployment that runs `npm run migrate` first may set false */
    HUB_MIGRATE_ON_START: flag('HUB_MIGRATE_ON_START'),
    [`${upper}_PORT`]: port(DEFAULT_PORTS[name]),
    // the other subgraphs: the ones it links to, and all of them as witnesses of its audit head
    ...Object.fromEntries(witnessesOf(name).map((s) => [`${envName(s)}_URL`, subgraphUrl(s)])),
    ...(name === 'municipality' ? MUNICIPALITY_ONLY : {}),
    ...(DOCUMENT_SUBGRAPHS.includes(name) ? DOCUMENT_STORE : {}),
  });
}

/** The subgraphs whose records carry attached documents (services/shared/src/documents.ts). */
export const DOCUMENT_SUBGRAPHS: readonly SubgraphName[] = ['municipality', 'psychiatry'];

/**
 * Where the document subgraphs keep documents' bytes: an S3-compatible bucket when
 * HUB_DOCUMENT_S3_BUCKET is set (document-store.ts), PostgreSQL bytea otherwise; and how often the
 * unused upload links and the objects of removed documents are pruned.
 */
const DOCUMENT_STORE = {
  HUB_DOCUMENT_S3_BUCKET: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'HUB_DOCUMENT_S3_BUCKET must be an S3 bucket name (3 to 63 lower-case letters, digits, dots and hyphens)')
    .optional(),
  HUB_DOCUMENT_S3_ENDPOINT: z.url({ error: 'HUB_DOCUMENT_S3_ENDPOINT must be a URL, e.g. https://s3.example.se' }).optional(),
  HUB_DOCUMENT_S3_REGION: z
    .string()
    .regex(/^[a-z0-9-]{1,40}$/, 'HUB_DOCUMENT_S3_REGION must be a region name such as eu-north-1')
    .optional(),
  HUB_DOCUMENT_S3_ACCESS_KEY_ID: z.string().optional(),
  HUB_DOCUMENT_S3_SECRET_ACCESS_KEY: z.string().optional(),
  /** path-style URLs (https://host/bucket/key), as most S3-compatible servers want; default: true when an endpoint is set */
  HUB_DOCUMENT_S3_FORCE_PATH_STYLE: z.enum(['true', 'false'], { error: 'HUB_DOCUMENT_S3_FORCE_PATH_STYLE must be true or false' }).optional(),
  /** how often unused, expired upload links and the objects of removed documents are pruned */
  HUB_DOCUMENT_PRUNE_INTERVAL_MS: z.coerce
    .number({ error: 'HUB_DOCUMENT_PRUNE_INTERVAL_MS must be a whole number of milliseconds' })
    .int('HUB_DOCUMENT_PRUNE_INTERVAL_MS must be a whole number of milliseconds')
    .min(0, 'HUB_DOCUMENT_PRUNE_INTERVAL_MS must be 0 (never) or more')
    .max(86_400_000, 'HUB_DOCUMENT_PRUNE_INTERVAL_MS must be at most 86400000 (a day)')
    .default(600_000),
};

/** The S3-compatible document store's settings, when one is configured. */
export interface DocumentS3Config {
  bucket: string;
  /** absent: AWS S3 itself */
  endpoint?: string;
  region: string;
  /** absent: the SDK's own credential chain (an instance or pod role) */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  forcePathStyle: boolean;
}

function documentStoreFrom(e: Record<string, unknown>): { s3: DocumentS3Config | null; pruneIntervalMs: number } {
  const str = (k: string) => (typeof e[k] === 'string' ? e[k] : undefined);
  const bucket = str('HUB_DOCUMENT_S3_BUCKET');
  const keyId = str('HUB_DOCUMENT_S3_ACCESS_KEY_ID');
  const secretKey = str('HUB_DOCUMENT_S3_SECRET_ACCESS_KEY');
  const problems: string[] = [];
  if (!bucket) {
    const stray = Object.keys(DOCUMENT_STORE).filter((k) => k.startsWith('HUB_DOCUMENT_S3_') && k !== 'HUB_DOCUMENT_S3_BUCKET' && str(k) !== undefined);
    if (stray.length) problems.push(`${stray.join(', ')} ${stray.length === 1 ? 'is' : 'are'} set without HUB_DOCUMENT_S3_BUCKET (the bucket documents go to)`);
  } else if ((keyId === undefined) !== (secretKey === undefined)) {
    problems.push(
      keyId === undefined
        ? 'HUB_DOCUMENT_S3_ACCESS_KEY_ID is required with HUB_DOCUMENT_S3_SECRET_ACCESS_KEY'
        : 'HUB_DOCUMENT_S3_SECRET_ACCESS_KEY is required with HUB_DOCUMENT_S3_ACCESS_KEY_ID',
    );
  }
  if (problems.length) throw new ConfigError(problems);
  const endpoint = str('HUB_DOCUMENT_S3_ENDPOINT');
  const pathStyle = str('HUB_DOCUMENT_S3_FORCE_PATH_STYLE');
  return {
    s3: bucket
      ? {
          bucket,
          ...(endpoint ? { endpoint } : {}),
          region: str('HUB_DOCUMENT_S3_REGION') ?? 'us-east-1',
          ...(keyId && secretKey ? { credentials: { accessKeyId: keyId, secretAccessKey: secretKey } } : {}),
          forcePathStyle: pathStyle ? pathStyle === 'true' : endpoint !== undefined,
        }
      : null,
    pruneIntervalMs: typeof e.HUB_DOCUMENT_PRUNE_INTERVAL_MS === 'number' ? e.HUB_DOCUMENT_PRUNE_INTERVAL_MS : 600_000,
  };
}

/** Settings only the municipality subgraph (consents and plans) reads. */
const MUNICIPALITY_ONLY = {
  /** the longest a documented consent may be valid, in years from the day it is given */
  HUB_CONSENT_MAX_YEARS: z.coerce
    .number({ error: 'HUB_CONSENT_MAX_YEARS must be a whole number of years' })
    .int('HUB_CONSENT_MAX_YEARS must be a whole number of years')
    .min(1, 'HUB_CONSENT_MAX_YEARS must be at least 1')
    .max(50, 'HUB_CONSENT_MAX_YEARS must be at most 50')
    .default(3),
};

/**
 * The gateway's own database, optional: the rate-limit counts its replicas share (a PostgreSQL
 * database of any name; the table is made on first use). Its password may be given apart.
 */
const GATEWAY_DATABASE = {
  HUB_GATEWAY_DATABASE_URL: postgresUrl('HUB_GATEWAY_DATABASE_URL').optional(),
  HUB_GATEWAY_DATABASE_PASSWORD: z.string().optional(),
};

const gatewayShape = z.object({
  ...common,
  GATEWAY_PORT: port(DEFAULT_PORTS.gateway),
  GATEWAY_MAX_BODY_BYTES: z.coerce.number().int().min(1024).default(100_000),
  /** requests a minute per caller (token subject and organisation), 0 for no limit; bursts up to HUB_RATE_LIMIT_BURST */
  HUB_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).default(600),
  HUB_RATE_LIMIT_BURST: z.coerce.number().int().min(1).default(120),
  /** requests a minute per client address without a good token (and development token mints), 0 for no limit */
  HUB_RATE_LIMIT_ANON_PER_MINUTE: z.coerce.number().int().min(0).default(60),
  HUB_RATE_LIMIT_ANON_BURST: z.coerce.number().int().min(1).default(20),
  /** take the client address from X-Forwarded-For (set only behind a proxy that sets it) */
  HUB_TRUST_PROXY: z
    .enum(['true', 'false', '1', '0'], { error: 'HUB_TRUST_PROXY must be true or false' })
    .default('false')
    .transform((v) => v === 'true' || v === '1'),
  ...GATEWAY_DATABASE,
  /** how often a replica shares its rate-limit counts through the gateway database (gateway/src/rate-limit-store.ts) */
  HUB_RATE_LIMIT_SYNC_MS: z.coerce
    .number({ error: 'HUB_RATE_LIMIT_SYNC_MS must be a number of milliseconds' })
    .int('HUB_RATE_LIMIT_SYNC_MS must be a whole number of milliseconds')
    .min(50, 'HUB_RATE_LIMIT_SYNC_MS must be at least 50')
    .max(5000, 'HUB_RATE_LIMIT_SYNC_MS must be at most 5000')
    .default(500),
  /** origins (exact, comma-separated) whose browser pages may call the gateway */
  HUB_CORS_ORIGINS: z
    .string()
    .default('')
    .transform((s) =>
      s
        .split(',')
        .map((o) => o.trim())
        .filter(Boolean),
    )
    .pipe(
      z.array(
        z.string().regex(/^https?:\/\/[^/\s?#]+$/, {
          error: 'HUB_CORS_ORIGINS must be comma-separated origins such as https://app.example.se (scheme and host, no path)',
        }),
      ),
    ),
  /** a trusted-documents manifest ({ hash: document }) or a directory of them, one per partner */
  HUB_TRUSTED_DOCUMENTS: z.string().min(1).optional(),
  HUB_TRUSTED_DOCUMENTS_MODE: z
    .enum(['off', 'allow-arbitrary-in-development', 'enforce'], {
      error: 'HUB_TRUSTED_DOCUMENTS_MODE must be off, allow-arbitrary-in-development or enforce',
    })
    .default('allow-arbitrary-in-development'),
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
  /** the largest document one upload may attach (HUB_DOCUMENT_MAX_BYTES) */
  documentMaxBytes: number;
  /** the longest lifetime (exp − iat) of a caller's token */
  tokenMaxLifetimeSeconds: number;
  logLevel: string;
  host: string;
  shutdownGraceSeconds: number;
  /** the OpenTelemetry settings as given (tracing is off when neither asks for it) */
  telemetry: { OTEL_EXPORTER_OTLP_ENDPOINT?: string; OTEL_TRACES_EXPORTER?: string };
}

/** Where a subgraph's database is, for the runtime role and for migrations. */
export interface DatabaseConfig {
  /** the runtime role's URL, its password (if given apart) encoded into it */
  databaseUrl: string;
  /** the owner's URL that migrations run with (the runtime URL when no migration URL is set) */
  migrationDatabaseUrl: string;
  /** the role migrations grant the runtime privileges to; null when migrations and runtime use the same role */
  runtimeRole: string | null;
}

export interface SubgraphConfig extends AuthConfig, DatabaseConfig {
  name: SubgraphName;
  /** migrate before listening (HUB_MIGRATE_ON_START) */
  migrateOnStart: boolean;
  port: number;
  personIdSecret: string;
  /** the key of the audit seals' HMACs (never in the database) */
  auditKey: string;
  /** how often the sealer seals the audit events written since the last seal */
  auditSealIntervalMs: number;
  /** how often the audit head is sent to the witnesses (0: never) */
  auditWitnessIntervalMs: number;
  /** the GraphQL URLs of the other subgraphs, which witness this one's audit head (their witness endpoint is beside it) */
  witnessUrls: Partial<Record<SubgraphName, string>>;
  /** where the subgraphs it links to answer (LINKED_SUBGRAPHS) */
  linkedUrls: Partial<Record<SubgraphName, string>>;
  /** the longest a consent may be valid, in years from the day it is given (HUB_CONSENT_MAX_YEARS; the municipality's) */
  consentMaxYears: number;
  /** where documents' bytes go: the S3-compatible bucket, or null for PostgreSQL bytea (HUB_DOCUMENT_S3_*; the document subgraphs') */
  documentS3: DocumentS3Config | null;
  /** how often unused upload links and removed documents' objects are pruned (0: never) */
  documentPruneIntervalMs: number;
}

export interface RateLimitConfig {
  /** per caller (token subject with organisation); 0: no limit */
  perMinute: number;
  burst: number;
  /** per client address, for requests without a good token and for development token mints; 0: no limit */
  anonPerMinute: number;
  anonBurst: number;
  /** the client address from X-Forwarded-For rather than the socket */
  trustProxy: boolean;
  /**
   * Counts shared by the gateway's replicas (HUB_GATEWAY_DATABASE_URL, its password encoded
   * into the URL), synced every `syncMs`; absent: each replica counts on its own.
   */
  shared?: { databaseUrl: string; syncMs: number };
}

export type TrustedDocumentsMode = 'off' | 'allow-arbitrary-in-development' | 'enforce';

export interface GatewayConfig extends AuthConfig {
  port: number;
  maxBodyBytes: number;
  rateLimit: RateLimitConfig;
  /** exact origins allowed by CORS; none by default */
  corsOrigins: string[];
  /** the trusted documents (persisted operations): a manifest file or a directory of them */
  trustedDocuments?: { path: string; mode: TrustedDocumentsMode };
  subgraphUrls: Record<SubgraphName, string>;
}

type Env = Record<string, string | undefined>;

/** The variables that hold secrets (or URLs with passwords in them): each may instead be read from the file X_FILE names. */
export function secretVariables(): string[] {
  return [
    'HUB_GATEWAY_SECRET',
    'HUB_PERSON_ID_SECRET',
    'HUB_AUDIT_KEY',
    'HUB_JWKS',
    'HUB_DOCUMENT_S3_ACCESS_KEY_ID',
    'HUB_DOCUMENT_S3_SECRET_ACCESS_KEY',
    ...SUBGRAPHS.flatMap((s) => Object.keys(databaseShape(s))),
    ...Object.keys(GATEWAY_DATABASE),
  ];
}

/**
 * X_FILE for every secret X (Docker and Kubernetes secrets mounted as files): X is read from that
 * file, one trailing newline dropped. Setting both X and X_FILE is refused, as is a file that
 * cannot be read.
 */
function withFileSecrets(env: Env, names: string[]): { env: Env; problems: string[] } {
  const out: Env = { ...env };
  const problems: string[] = [];
  for (const name of names) {
    const file = env[`${name}_FILE`];
    if (file === undefined || file === '') continue;
    delete out[`${name}_FILE`];
    if (env[name] !== undefined && env[name] !== '') {
      problems.push(`${name} and ${name}_FILE are both set; set only one of them`);
      continue;
    }
    try {
      out[name] = readFileSync(file, 'utf8').replace(/\r?\n$/, '');
    } catch {
      problems.push(`${name}_FILE names a file that cannot be read (${file})`);
    }
  }
  return { env: out, problems };
}

function parse<T extends z.ZodType>(shape: T, env: Env): z.infer<T> {
  const files = withFileSecrets(env, secretVariables());
  // Empty strings count as unset, as in most deployment tools.
  const cleaned = Object.fromEntries(Object.entries(files.env).filter(([, v]) => v !== undefined && v !== ''));
  const result = shape.safeParse(cleaned);
  const problems = [
    ...files.problems,
    ...(result.success
      ? []
      : result.error.issues
          // a variable read from a file that could not be read is named once, by its _FILE
          .filter((i) => !files.problems.some((p) => p.startsWith(`${String(i.path[0] ?? '')}_FILE `) || p.startsWith(`${String(i.path[0] ?? '')} and `)))
          .map((i) => {
            const key = String(i.path[0] ?? '');
            return i.message.includes(key) || !key ? i.message : `${key}: ${i.message}`;
          })),
  ];
  if (problems.length > 0 || !result.success) throw new ConfigError(problems);
  return result.data;
}

/** `url` with `password` (any characters) put in as its password, encoded; `url` itself when no password is given apart. */
export function withPassword(url: string, password: string | undefined): string {
  if (password === undefined || password === '') return url;
  const u = new URL(url);
  u.password = encodeURIComponent(password);
  return u.toString();
}

/** The role name in a postgres:// URL. */
export function urlRole(url: string): string {
  return decodeURIComponent(new URL(url).username);
}

function databaseFrom(name: SubgraphName, e: Record<string, unknown>): DatabaseConfig {
  const upper = envName(name);
  const str = (k: string) => (typeof e[k] === 'string' ? e[k] : undefined);
  const databaseUrl = withPassword(String(e[`${upper}_DATABASE_URL`]), str(`${upper}_DATABASE_PASSWORD`));
  const migrationUrl = str(`${upper}_MIGRATION_DATABASE_URL`);
  const migrationDatabaseUrl = migrationUrl ? withPassword(migrationUrl, str(`${upper}_MIGRATION_DATABASE_PASSWORD`)) : databaseUrl;
  const runtime = urlRole(databaseUrl);
  const runtimeRole = migrationUrl && runtime !== urlRole(migrationDatabaseUrl) ? runtime : null;
  if (runtimeRole !== null && !/^[a-z_][a-z0-9_]*$/.test(runtimeRole)) {
    throw new ConfigError([`${upper}_DATABASE_URL: the runtime role's name must be a plain lower-case SQL name (letters, digits, _)`]);
  }
  return { databaseUrl, migrationDatabaseUrl, runtimeRole };
}

/** Only a subgraph's database settings (npm run migrate, npm run audit:verify): no keys or secrets needed. */
export function loadDatabaseConfig(name: SubgraphName, env: Env = process.env): DatabaseConfig {
  return databaseFrom(name, parse(z.object(databaseShape(name)), env));
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
    documentMaxBytes: e.HUB_DOCUMENT_MAX_BYTES,
    tokenMaxLifetimeSeconds: e.HUB_TOKEN_MAX_LIFETIME_SECONDS,
    logLevel: e.LOG_LEVEL,
    host: e.HOST,
    shutdownGraceSeconds: e.HUB_SHUTDOWN_GRACE_SECONDS,
    telemetry:
      e.OTEL_TRACES_EXPORTER === 'none'
        ? {}
        : {
            ...(e.OTEL_EXPORTER_OTLP_ENDPOINT ? { OTEL_EXPORTER_OTLP_ENDPOINT: e.OTEL_EXPORTER_OTLP_ENDPOINT } : {}),
            ...(e.OTEL_TRACES_EXPORTER === 'otlp' ? { OTEL_TRACES_EXPORTER: 'otlp' } : {}),
          },
  };
}

export function loadSubgraphConfig(name: SubgraphName, env: Env = process.env): SubgraphConfig {
  const e = parse(subgraphShape(name), env) as Record<string, unknown> & z.infer<ReturnType<typeof subgraphShape>>;
  const auth = authFrom(e, env);
  const personIdSecret = e.HUB_PERSON_ID_SECRET;
  return {
    ...auth,
    name,
    ...databaseFrom(name, e),
    migrateOnStart: e.HUB_MIGRATE_ON_START,
    port: Number(e[`${envName(name)}_PORT`]),
    personIdSecret,
    auditKey: e.HUB_AUDIT_KEY,
    auditSealIntervalMs: e.HUB_AUDIT_SEAL_INTERVAL_MS,
    auditWitnessIntervalMs: e.HUB_AUDIT_WITNESS_INTERVAL_MS,
    witnessUrls: Object.fromEntries(witnessesOf(name).map((s) => [s, String(e[`${envName(s)}_URL`])])),
    linkedUrls: Object.fromEntries(LINKED_SUBGRAPHS[name].map((s) => [s, String(e[`${envName(s)}_URL`])])),
    consentMaxYears: typeof e.HUB_CONSENT_MAX_YEARS === 'number' ? e.HUB_CONSENT_MAX_YEARS : 3,
    ...(({ s3, pruneIntervalMs }) => ({ documentS3: s3, documentPruneIntervalMs: pruneIntervalMs }))(documentStoreFrom(e)),
  };
}

export function loadGatewayConfig(env: Env = process.env): GatewayConfig {
  const e = parse(gatewayShape, env) as Record<string, unknown> & z.infer<typeof gatewayShape>;
  if (e.HUB_TRUSTED_DOCUMENTS_MODE === 'enforce' && !e.HUB_TRUSTED_DOCUMENTS) {
    throw new ConfigError(['HUB_TRUSTED_DOCUMENTS_MODE=enforce needs HUB_TRUSTED_DOCUMENTS (the manifest of trusted documents)']);
  }
  if (e.HUB_TRUSTED_DOCUMENTS && e.HUB_TRUSTED_DOCUMENTS_MODE !== 'off' && !existsSync(e.HUB_TRUSTED_DOCUMENTS)) {
    throw new ConfigError([`HUB_TRUSTED_DOCUMENTS: ${e.HUB_TRUSTED_DOCUMENTS} does not exist`]);
  }
  if (e.HUB_GATEWAY_DATABASE_PASSWORD !== undefined && !e.HUB_GATEWAY_DATABASE_URL) {
    throw new ConfigError(['HUB_GATEWAY_DATABASE_PASSWORD is set without HUB_GATEWAY_DATABASE_URL (the database it is the password of)']);
  }
  return {
    ...authFrom(e, env),
    port: e.GATEWAY_PORT,
    maxBodyBytes: e.GATEWAY_MAX_BODY_BYTES,
    rateLimit: {
      perMinute: e.HUB_RATE_LIMIT_PER_MINUTE,
      burst: e.HUB_RATE_LIMIT_BURST,
      anonPerMinute: e.HUB_RATE_LIMIT_ANON_PER_MINUTE,
      anonBurst: e.HUB_RATE_LIMIT_ANON_BURST,
      trustProxy: e.HUB_TRUST_PROXY,
      ...(e.HUB_GATEWAY_DATABASE_URL
        ? { shared: { databaseUrl: withPassword(e.HUB_GATEWAY_DATABASE_URL, e.HUB_GATEWAY_DATABASE_PASSWORD), syncMs: e.HUB_RATE_LIMIT_SYNC_MS } }
        : {}),
    },
    corsOrigins: e.HUB_CORS_ORIGINS,
    ...(e.HUB_TRUSTED_DOCUMENTS ? { trustedDocuments: { path: e.HUB_TRUSTED_DOCUMENTS, mode: e.HUB_TRUSTED_DOCUMENTS_MODE } } : {}),
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
