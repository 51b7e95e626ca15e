/**
 * Starts one hub for the whole test run: a PostgreSQL server (embedded in a
 * temporary directory, or the existing server HUB_TEST_POSTGRES_URL names),
 * databases of this run's own (dropped afterwards), four subgraphs and the
 * gateway over real HTTP, with a test issuer whose keys the tests use.
 */
import { mkdtempSync, rmSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { TestProject } from 'vitest/node';
import { SUBGRAPHS } from '../../services/shared/src/env.ts';
import { dropDatabase } from '../../services/shared/src/db.ts';
import { createIssuerKeys, signToken } from '../../services/shared/src/issuer.ts';
import { startEmbeddedPostgres, type EmbeddedServer } from '../../scripts/embedded-postgres.ts';
import { startStack } from '../../scripts/stack.ts';
import type { HubTestInfo } from '../helpers/hub.ts';
import { freePort } from '../helpers/processes.ts';

export default async function setup(project: TestProject) {
  let embedded: EmbeddedServer | undefined;
  let tmp: string | undefined;
  let postgresUrl = process.env.HUB_TEST_POSTGRES_URL;
  if (!postgresUrl) {
    tmp = mkdtempSync(join(tmpdir(), 'hub-test-pg-'));
    chmodSync(tmp, 0o755); // the postgres user must reach its data directory
    embedded = await startEmbeddedPostgres({ dataDir: join(tmp, 'data'), port: await freePort(), password: randomBytes(12).toString('hex') });
    postgresUrl = embedded.url;
  }
  const prefix = `hub_test_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const issuer = await createIssuerKeys('test-');
  const stranger = await createIssuerKeys('stranger-');
  const env = {
    HUB_MODE: 'development',
    HUB_JWT_ISSUER: 'https://issuer.test.hub',
    HUB_JWT_AUDIENCE: 'coordination-hub',
    HUB_JWKS: JSON.stringify({ keys: [issuer.publicJwk] }),
    HUB_GATEWAY_SECRET: randomBytes(32).toString('hex'),
    HUB_PERSON_ID_SECRET: randomBytes(32).toString('hex'),
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
  };
  const stack = await startStack({
    postgresUrl,
    databasePrefix: prefix,
    env,
    devTokens: (c) => signToken(issuer, { ...c, issuer: env.HUB_JWT_ISSUER, audience: env.HUB_JWT_AUDIENCE }),
  });
  const info: HubTestInfo = {
    gatewayUrl: stack.gatewayUrl,
    subgraphUrls: stack.subgraphUrls,
    databaseUrls: stack.databaseUrls,
    postgresUrl,
    prefix,
    env,
    issuer,
    stranger,
  };
  project.provide('hub', info);

  return async () => {
    await stack.stop();
    for (const s of SUBGRAPHS) await dropDatabase(postgresUrl, `${prefix}_${s}`).catch(() => {});
    await embedded?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  };
}
