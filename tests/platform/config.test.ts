/** Configuration is read and validated in one place; a missing or bad setting stops start-up and names itself. */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { calculateJwkThumbprint, type JWK } from 'jose';
import { ConfigError, DEV_ISSUER, estimatedSecretBits, jwkThumbprint, loadGatewayConfig, loadSubgraphConfig } from '../../services/shared/src/env.ts';
import { createIssuerKeys } from '../../services/shared/src/issuer.ts';
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

  it('HUB_CONSENT_MAX_YEARS: 3 by default, a whole number of years from 1 to 50, read by the municipality only', () => {
    expect(loadSubgraphConfig('municipality', good()).consentMaxYears).toBe(3);
    expect(loadSubgraphConfig('municipality', { ...good(), HUB_CONSENT_MAX_YEARS: '5' }).consentMaxYears).toBe(5);
    expect(problems(() => loadSubgraphConfig('municipality', { ...good(), HUB_CONSENT_MAX_YEARS: '0' }))).toEqual(['HUB_CONSENT_MAX_YEARS must be at least 1']);
    expect(problems(() => loadSubgraphConfig('municipality', { ...good(), HUB_CONSENT_MAX_YEARS: '2.5' }))).toEqual([
      'HUB_CONSENT_MAX_YEARS must be a whole number of years',
    ]);
    expect(problems(() => loadSubgraphConfig('municipality', { ...good(), HUB_CONSENT_MAX_YEARS: 'ever' }))).toHaveLength(1);
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
      HUB_GATEWAY_SECRET: `dev-${randomBytes(24).toString('hex')}`,
    };
    expect(problems(() => loadGatewayConfig(env))).toEqual([
      "HUB_JWKS contains the development issuer's key (hub-dev-abc); production refuses it",
      'HUB_JWT_ISSUER is the development issuer; production refuses it',
      'HUB_GATEWAY_SECRET is a development secret; production refuses it',
    ]);
  });

  it.each([
    ['32 × "a"', 'a'.repeat(32)],
    ['64 × "a"', 'a'.repeat(64)],
    ['"ab" repeated', 'ab'.repeat(24)],
    ['a short alphabet', '0123'.repeat(12)],
  ])('refuses a predictable secret (%s) by its entropy, not its length, in every mode', (_case, weak) => {
    const message = (name: string) =>
      `${name} is too predictable (under 128 bits by its character distribution); use e.g. 64 random hex digits (openssl rand -hex 32)`;
    expect(problems(() => loadSubgraphConfig('municipality', { ...good(), HUB_GATEWAY_SECRET: weak, HUB_PERSON_ID_SECRET: weak }))).toEqual([
      message('HUB_GATEWAY_SECRET'),
      message('HUB_PERSON_ID_SECRET'),
    ]);
  });

  it('accepts random secrets: 64 hex digits, 32 bytes in base64; the estimate is the Shannon estimate', () => {
    for (const s of [randomBytes(32).toString('hex'), randomBytes(32).toString('base64')]) {
      expect(estimatedSecretBits(s)).toBeGreaterThanOrEqual(128);
      expect(problems(() => loadGatewayConfig({ ...hub().env, HUB_MODE: 'production', HUB_GATEWAY_SECRET: s }))).toEqual([]);
    }
    expect(estimatedSecretBits('a'.repeat(32))).toBe(0);
    expect(estimatedSecretBits('ab'.repeat(16))).toBe(32);
  });

  it('computes the RFC 7638 thumbprint as jose does', async () => {
    const keys = await createIssuerKeys('any-');
    expect(jwkThumbprint(keys.publicJwk)).toBe(await calculateJwkThumbprint(keys.publicJwk));
    expect(jwkThumbprint({ ...keys.publicJwk, kid: 'renamed' })).toBe(await calculateJwkThumbprint(keys.publicJwk));
  });

  describe("the development installation's key and secrets (HUB_DIR/local.json), in production", () => {
    const withState = async (
      fn: (dir: string, state: { issuer: { publicJwk: JWK }; gatewaySecret: string; personIdSecret: string }) => Promise<void> | void,
    ) => {
      const dir = mkdtempSync(join(tmpdir(), 'hub-dev-state-'));
      try {
        const state = {
          issuer: await createIssuerKeys('hub-dev-'),
          gatewaySecret: randomBytes(32).toString('hex'),
          personIdSecret: randomBytes(32).toString('hex'),
        };
        writeFileSync(join(dir, 'local.json'), JSON.stringify(state));
        await fn(dir, state);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    };

    it('refuses the development public key by its material, under any kid (or none)', () =>
      withState((dir, state) => {
        for (const kid of ['prod-2026', undefined]) {
          const { kid: _k, ...jwk } = state.issuer.publicJwk;
          const env = {
            ...good(),
            HUB_MODE: 'production',
            HUB_DIR: dir,
            HUB_JWKS: JSON.stringify({ keys: [hub().issuer.publicJwk, { ...jwk, ...(kid ? { kid } : {}) }] }),
          };
          expect(problems(() => loadSubgraphConfig('municipality', env))).toEqual([
            `HUB_JWKS contains the development issuer's key (${kid ?? 'without kid'}); production refuses it`,
          ]);
        }
      }));

    it("refuses the development installation's secrets, which carry no dev- mark once copied", () =>
      withState((dir, state) => {
        const env = { ...good(), HUB_MODE: 'production', HUB_DIR: dir, HUB_GATEWAY_SECRET: state.gatewaySecret, HUB_PERSON_ID_SECRET: state.personIdSecret };
        expect(problems(() => loadSubgraphConfig('municipality', env))).toEqual([
          'HUB_GATEWAY_SECRET is a development secret; production refuses it',
          'HUB_PERSON_ID_SECRET is a development secret; production refuses it',
        ]);
        // development mode runs on them, as npm start does
        expect(problems(() => loadSubgraphConfig('municipality', { ...env, HUB_MODE: 'development' }))).toEqual([]);
      }));

    it('accepts other keys and secrets beside that state', () =>
      withState((dir) => {
        expect(problems(() => loadSubgraphConfig('municipality', { ...good(), HUB_MODE: 'production', HUB_DIR: dir }))).toEqual([]);
      }));
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
