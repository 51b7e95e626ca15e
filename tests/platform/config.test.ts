/** Configuration is read and validated in one place; a missing or bad setting stops start-up and names itself. */
import { describe, expect, it } from 'vitest';
import { ConfigError, DEV_ISSUER, loadGatewayConfig, loadSubgraphConfig } from '../../services/shared/src/env.ts';
import { hub } from '../helpers/hub.ts';
import { runScript } from '../helpers/processes.ts';

const good = () => ({ ...hub().env, MUNICIPALITY_DATABASE_URL: hub().databaseUrls.municipality });

function problems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('configuration', () => {
  it('accepts a complete configuration', () => {
    const c = loadSubgraphConfig('municipality', good());
    expect([c.name, c.port, c.mode, c.audience]).toEqual(['municipality', 4001, 'development', 'coordination-hub']);
  });

  it.each([
    ['MUNICIPALITY_DATABASE_URL', 'MUNICIPALITY_DATABASE_URL is required'],
    ['HUB_GATEWAY_SECRET', 'HUB_GATEWAY_SECRET is required'],
    ['HUB_PERSON_ID_SECRET', 'HUB_PERSON_ID_SECRET is required'],
    ['HUB_JWT_ISSUER', 'HUB_JWT_ISSUER is required'],
    ['HUB_JWKS', "HUB_JWKS or HUB_JWKS_URL is required (the keys that sign callers' tokens)"],
  ])('names a missing %s', (variable, message) => {
    const env: Record<string, string | undefined> = { ...good(), [variable]: undefined };
    expect(problems(() => loadSubgraphConfig('municipality', env))).toEqual([message]);
  });

  it('lists every problem at once', () => {
    const env = { ...good(), MUNICIPALITY_DATABASE_URL: 'mysql://x', HUB_GATEWAY_SECRET: 'short', MUNICIPALITY_PORT: 'eighty' };
    expect(problems(() => loadSubgraphConfig('municipality', env))).toEqual([
      'HUB_GATEWAY_SECRET must be at least 32 characters',
      'MUNICIPALITY_DATABASE_URL must be a postgres:// URL',
      'MUNICIPALITY_PORT: Invalid input: expected number, received NaN',
    ]);
  });

  it('refuses development keys, issuer and secrets in production', () => {
    const env = {
      ...good(),
      HUB_MODE: 'production',
      HUB_JWT_ISSUER: DEV_ISSUER,
      HUB_JWKS: JSON.stringify({ keys: [{ ...hub().issuer.publicJwk, kid: 'hub-dev-abc' }] }),
      HUB_GATEWAY_SECRET: `dev-${'a'.repeat(40)}`,
    };
    expect(problems(() => loadGatewayConfig(env))).toEqual([
      "HUB_JWKS contains the development issuer's key (hub-dev-abc); production refuses it",
      'HUB_JWT_ISSUER is the development issuer; production refuses it',
      'HUB_GATEWAY_SECRET is a development secret; production refuses it',
    ]);
  });

  it('stops a subgraph process at start-up with the missing variable named (exit 78)', () => {
    const { MUNICIPALITY_DATABASE_URL: _omit, ...env } = good();
    const r = runScript('services/municipality/src/index.ts', [], env);
    expect(r.status).toBe(78);
    expect(r.stderr).toContain('MUNICIPALITY_DATABASE_URL is required');
  });

  it('stops the gateway process at start-up with the missing variable named (exit 78)', () => {
    const { HUB_JWT_ISSUER: _omit, ...env } = hub().env;
    const r = runScript('gateway/src/index.ts', [], env);
    expect(r.status).toBe(78);
    expect(r.stderr).toContain('HUB_JWT_ISSUER is required');
  });
});
