/**
 * Once for the whole test run: a PostgreSQL server (embedded in a temporary
 * directory, or the existing server HUB_TEST_POSTGRES_URL names), four
 * template databases migrated and seeded with reference data, and the
 * environment every hub of the run shares (a test issuer's keys, secrets).
 * Each test file that needs a hub then gets databases copied from the
 * templates and a stack of its own (tests/setup/file-hub.ts); everything
 * this run created is dropped afterwards.
 */
import type { TestProject } from 'vitest/node';
import type { HubServerInfo } from '../helpers/hub.ts';
import { dropDatabasesStartingWith, hubEnv, prepareTemplates, startPostgres, uniquePrefix } from './hub-server.ts';

export default async function setup(project: TestProject) {
  const server = await startPostgres(process.env.HUB_TEST_POSTGRES_URL, 'hub-test');
  const prefix = uniquePrefix('hub_test');
  const templatePrefix = `${prefix}_template`;
  try {
    await prepareTemplates(server.url, templatePrefix);
  } catch (err) {
    await dropDatabasesStartingWith(server.url, prefix).catch(() => {});
    await server.stop();
    throw err;
  }
  const info: HubServerInfo = { postgresUrl: server.url, prefix, templatePrefix, ...(await hubEnv('test')) };
  project.provide('hubServer', info);

  return async () => {
    await dropDatabasesStartingWith(server.url, prefix).catch(() => {});
    await server.stop();
  };
}
