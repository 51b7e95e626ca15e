/**
 * Secrets from files (X_FILE, as Docker and Kubernetes mount them), database
 * passwords apart from their URLs, the migration role's URL,
 * HUB_MIGRATE_ON_START, and the gateway's optional database (shared rate-limit counts).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadDatabaseConfig, loadGatewayConfig, loadSubgraphConfig, secretVariables } from '../../services/shared/src/env.ts';

const dir = mkdtempSync(join(tmpdir(), 'hub-config-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string): string {
  const p = join(dir, name);
  writeFileSync(p, content, { mode: 0o600 });
  return p;
}

const base = () => ({
  HUB_MODE: 'development',
  HUB_JWT_ISSUER: 'https://issuer.example',
  HUB_JWKS: JSON.stringify({ keys: [{ kty: 'EC', crv: 'P-256', x: 'x', y: 'y', kid: 'k1' }] }),
  HUB_GATEWAY_SECRET: randomBytes(32).toString('hex'),
  HUB_PERSON_ID_SECRET: randomBytes(32).toString('hex'),
  HUB_AUDIT_KEY: randomBytes(32).toString('hex'),
  MUNICIPALITY_DATABASE_URL: 'postgres://hub_municipality_runtime@db.example:5432/hub_municipality',
});

function problems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('secrets from files', () => {
  it('reads X from the file X_FILE names, dropping one trailing newline', () => {
    const gatewaySecret = randomBytes(32).toString('hex');
    const personSecret = randomBytes(32).toString('hex');
    const { HUB_GATEWAY_SECRET: _g, HUB_PERSON_ID_SECRET: _p, ...env } = base();
    const c = loadSubgraphConfig('municipality', {
      ...env,
      HUB_GATEWAY_SECRET_FILE: file('gateway-secret', `${gatewaySecret}\n`),
      HUB_PERSON_ID_SECRET_FILE: file('person-secret', personSecret),
    });
    expect([c.gatewaySecret, c.personIdSecret]).toEqual([gatewaySecret, personSecret]);
  });

  it('refuses X and X_FILE both set, naming both', () => {
    const env = { ...base(), HUB_GATEWAY_SECRET_FILE: file('both', randomBytes(32).toString('hex')) };
    expect(problems(() => loadGatewayConfig(env))).toEqual(['HUB_GATEWAY_SECRET and HUB_GATEWAY_SECRET_FILE are both set; set only one of them']);
  });

  it('names an X_FILE that cannot be read, once', () => {
    const { HUB_PERSON_ID_SECRET: _p, ...env } = base();
    const missing = join(dir, 'no-such-file');
    expect(problems(() => loadSubgraphConfig('municipality', { ...env, HUB_PERSON_ID_SECRET_FILE: missing }))).toEqual([
      `HUB_PERSON_ID_SECRET_FILE names a file that cannot be read (${missing})`,
    ]);
  });

  it('offers X_FILE for every secret and every database URL and password', () => {
    expect(secretVariables()).toEqual(
      expect.arrayContaining([
        'HUB_GATEWAY_SECRET',
        'HUB_PERSON_ID_SECRET',
        'MUNICIPALITY_DATABASE_URL',
        'MUNICIPALITY_DATABASE_PASSWORD',
        'CLINICS_MIGRATION_DATABASE_URL',
        'CLINICS_MIGRATION_DATABASE_PASSWORD',
        'HUB_GATEWAY_DATABASE_URL',
        'HUB_GATEWAY_DATABASE_PASSWORD',
      ]),
    );
  });
});

describe('database settings', () => {
  it('puts a password given apart into the URL, encoded, so that postgres.js reads it back exactly', () => {
    const password = 'p@ss/w#rd:?%&=';
    const c = loadDatabaseConfig('municipality', { ...base(), MUNICIPALITY_DATABASE_PASSWORD_FILE: file('db-password', `${password}\n`) });
    const options = postgres(c.databaseUrl).options as unknown as { user: string; pass: string; host: string[]; database: string };
    expect([options.user, options.pass, options.host, options.database]).toEqual(['hub_municipality_runtime', password, ['db.example'], 'hub_municipality']);
    expect(c.migrationDatabaseUrl).toBe(c.databaseUrl);
    expect(c.runtimeRole).toBeNull();
  });

  it('migrates as the owner the migration URL names, granting the runtime URL role', () => {
    const c = loadDatabaseConfig('municipality', {
      ...base(),
      MUNICIPALITY_MIGRATION_DATABASE_URL: 'postgres://hub_municipality@db.example:5432/hub_municipality',
      MUNICIPALITY_MIGRATION_DATABASE_PASSWORD: 'ow/ner#',
    });
    expect(c.runtimeRole).toBe('hub_municipality_runtime');
    expect((postgres(c.migrationDatabaseUrl).options as unknown as { user: string; pass: string }).pass).toBe('ow/ner#');
  });

  it('needs no keys or secrets to migrate', () => {
    expect(loadDatabaseConfig('municipality', { MUNICIPALITY_DATABASE_URL: 'postgres://u@h/d' }).databaseUrl).toBe('postgres://u@h/d');
    expect(problems(() => loadDatabaseConfig('municipality', {}))).toEqual(['MUNICIPALITY_DATABASE_URL is required']);
  });

  it('migrates on start unless HUB_MIGRATE_ON_START=false', () => {
    expect(loadSubgraphConfig('municipality', base()).migrateOnStart).toBe(true);
    expect(loadSubgraphConfig('municipality', { ...base(), HUB_MIGRATE_ON_START: 'false' }).migrateOnStart).toBe(false);
    expect(problems(() => loadSubgraphConfig('municipality', { ...base(), HUB_MIGRATE_ON_START: 'no' }))).toEqual([
      'HUB_MIGRATE_ON_START must be true or false',
    ]);
  });
});

describe("the gateway's database (rate-limit counts shared by its replicas)", () => {
  it('is not used unless HUB_GATEWAY_DATABASE_URL is set: each replica counts on its own', () => {
    expect(loadGatewayConfig(base()).rateLimit.shared).toBeUndefined();
  });

  it('puts a password given apart (or from a file) into the URL, and syncs every HUB_RATE_LIMIT_SYNC_MS (500 by default)', () => {
    const password = 'gw@ss/w#rd:?%';
    const url = 'postgres://hub_gateway@db.example:5432/hub_gateway';
    const c = loadGatewayConfig({ ...base(), HUB_GATEWAY_DATABASE_URL: url, HUB_GATEWAY_DATABASE_PASSWORD_FILE: file('gateway-db-password', `${password}\n`) });
    const options = postgres(c.rateLimit.shared!.databaseUrl).options as unknown as { user: string; pass: string; host: string[]; database: string };
    expect([options.user, options.pass, options.host, options.database]).toEqual(['hub_gateway', password, ['db.example'], 'hub_gateway']);
    expect(c.rateLimit.shared!.syncMs).toBe(500);
    expect(loadGatewayConfig({ ...base(), HUB_GATEWAY_DATABASE_URL: url, HUB_RATE_LIMIT_SYNC_MS: '250' }).rateLimit.shared).toEqual({
      databaseUrl: url,
      syncMs: 250,
    });
  });

  it('names a malformed setting', () => {
    expect(problems(() => loadGatewayConfig({ ...base(), HUB_GATEWAY_DATABASE_URL: 'mysql://db/x' }))).toEqual([
      'HUB_GATEWAY_DATABASE_URL must be a postgres:// URL',
    ]);
    expect(problems(() => loadGatewayConfig({ ...base(), HUB_GATEWAY_DATABASE_PASSWORD: 'secret' }))).toEqual([
      'HUB_GATEWAY_DATABASE_PASSWORD is set without HUB_GATEWAY_DATABASE_URL (the database it is the password of)',
    ]);
    expect(problems(() => loadGatewayConfig({ ...base(), HUB_RATE_LIMIT_SYNC_MS: '10' }))).toEqual(['HUB_RATE_LIMIT_SYNC_MS must be at least 50']);
    expect(problems(() => loadGatewayConfig({ ...base(), HUB_RATE_LIMIT_SYNC_MS: 'often' }))).toEqual([
      'HUB_RATE_LIMIT_SYNC_MS must be a number of milliseconds',
    ]);
  });
});

describe('the S3-compatible document store (HUB_DOCUMENT_S3_*)', () => {
  const s3 = { HUB_DOCUMENT_S3_BUCKET: 'hub-documents', HUB_DOCUMENT_S3_ENDPOINT: 'https://s3.region.example', HUB_DOCUMENT_S3_REGION: 'eu-north-1' };

  it('is off without a bucket: documents stay in PostgreSQL, pruned every 10 minutes', () => {
    const c = loadSubgraphConfig('municipality', base());
    expect([c.documentS3, c.documentPruneIntervalMs]).toEqual([null, 600_000]);
  });

  it('is on with a bucket; the keys may be read from files; path style by default with an endpoint', () => {
    const c = loadSubgraphConfig('municipality', {
      ...base(),
      ...s3,
      HUB_DOCUMENT_S3_ACCESS_KEY_ID_FILE: file('s3-key-id', 'AKIAEXAMPLE\n'),
      HUB_DOCUMENT_S3_SECRET_ACCESS_KEY_FILE: file('s3-secret', 's3cr3t/with+chars\n'),
      HUB_DOCUMENT_PRUNE_INTERVAL_MS: '60000',
    });
    expect(c.documentS3).toEqual({
      bucket: 'hub-documents',
      endpoint: 'https://s3.region.example',
      region: 'eu-north-1',
      credentials: { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 's3cr3t/with+chars' },
      forcePathStyle: true,
    });
    expect(c.documentPruneIntervalMs).toBe(60_000);
    expect(secretVariables()).toEqual(expect.arrayContaining(['HUB_DOCUMENT_S3_ACCESS_KEY_ID', 'HUB_DOCUMENT_S3_SECRET_ACCESS_KEY']));
    // AWS itself: no endpoint, virtual-hosted URLs, the SDK's own credentials (a role)
    expect(loadSubgraphConfig('municipality', { ...base(), HUB_DOCUMENT_S3_BUCKET: 'hub-documents' }).documentS3).toEqual({
      bucket: 'hub-documents',
      region: 'us-east-1',
      forcePathStyle: false,
    });
  });

  it.each([
    [{ HUB_DOCUMENT_S3_ENDPOINT: 'https://s3.region.example' }, 'HUB_DOCUMENT_S3_ENDPOINT is set without HUB_DOCUMENT_S3_BUCKET (the bucket documents go to)'],
    [{ ...s3, HUB_DOCUMENT_S3_ACCESS_KEY_ID: 'AKIA' }, 'HUB_DOCUMENT_S3_SECRET_ACCESS_KEY is required with HUB_DOCUMENT_S3_ACCESS_KEY_ID'],
    [{ ...s3, HUB_DOCUMENT_S3_SECRET_ACCESS_KEY: 'x' }, 'HUB_DOCUMENT_S3_ACCESS_KEY_ID is required with HUB_DOCUMENT_S3_SECRET_ACCESS_KEY'],
    [
      { ...s3, HUB_DOCUMENT_S3_BUCKET: 'Hub_Documents' },
      'HUB_DOCUMENT_S3_BUCKET must be an S3 bucket name (3 to 63 lower-case letters, digits, dots and hyphens)',
    ],
    [{ ...s3, HUB_DOCUMENT_S3_ENDPOINT: 'not a url' }, 'HUB_DOCUMENT_S3_ENDPOINT must be a URL, e.g. https://s3.example.se'],
    [{ HUB_DOCUMENT_PRUNE_INTERVAL_MS: '-1' }, 'HUB_DOCUMENT_PRUNE_INTERVAL_MS must be 0 (never) or more'],
    [
      { ...s3, HUB_DOCUMENT_S3_SECRET_ACCESS_KEY: 'x', HUB_DOCUMENT_S3_SECRET_ACCESS_KEY_FILE: '/nowhere' },
      'HUB_DOCUMENT_S3_SECRET_ACCESS_KEY and HUB_DOCUMENT_S3_SECRET_ACCESS_KEY_FILE are both set; set only one of them',
    ],
  ])('refuses %j at start: %s', (env, problem) => {
    expect(problems(() => loadSubgraphConfig('municipality', { ...base(), ...env }))).toEqual([problem]);
  });

  it('is read only by the subgraphs with documents', () => {
    const c = loadSubgraphConfig('probation', { ...base(), PROBATION_DATABASE_URL: 'postgres://p@db.example:5432/p', HUB_DOCUMENT_S3_BUCKET: 'hub-documents' });
    expect(c.documentS3).toBeNull();
  });
});
