/**
 * The development installation's own state under .hub/ (git-ignored): the
 * development issuer's keys, development secrets, the embedded server's
 * password and data. Made on first start, reused afterwards.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DEV_ISSUER, DEV_KID_PREFIX, DEV_SECRET_PREFIX } from '../services/shared/src/env.ts';
import type { IssuerKeys } from '../services/shared/src/issuer.ts';

export const HUB_DIR = process.env.HUB_DIR ? `${process.env.HUB_DIR.replace(/\/$/, '')}/` : fileURLToPath(new URL('../.hub/', import.meta.url));
const STATE_FILE = `${HUB_DIR}local.json`;
export const PG_DATA_DIR = `${HUB_DIR}pgdata`;
export const EMBEDDED_PG_PORT = Number(process.env.HUB_EMBEDDED_PG_PORT ?? 54329);
export const AUDIENCE = 'coordination-hub';

export interface LocalState {
  issuer: IssuerKeys;
  gatewaySecret: string;
  personIdSecret: string;
  /** the key of the audit seals (added to an installation made before seals) */
  auditKey: string;
  pgPassword: string;
}

export function readLocalState(): LocalState | null {
  return existsSync(STATE_FILE) ? (JSON.parse(readFileSync(STATE_FILE, 'utf8')) as LocalState) : null;
}

export async function loadOrCreateLocalState(): Promise<LocalState> {
  const existing = readLocalState();
  if (existing) {
    if (!existing.auditKey) {
      existing.auditKey = `${DEV_SECRET_PREFIX}${randomBytes(24).toString('hex')}`;
      writeFileSync(STATE_FILE, JSON.stringify(existing, null, 2), { mode: 0o600 });
    }
    return existing;
  }
  mkdirSync(HUB_DIR, { recursive: true });
  // jose, for the first start only (npm start's databases worker loads this module)
  const { createIssuerKeys } = await import('../services/shared/src/issuer.ts');
  const state: LocalState = {
    issuer: await createIssuerKeys(DEV_KID_PREFIX),
    gatewaySecret: `${DEV_SECRET_PREFIX}${randomBytes(24).toString('hex')}`,
    personIdSecret: `${DEV_SECRET_PREFIX}${randomBytes(24).toString('hex')}`,
    auditKey: `${DEV_SECRET_PREFIX}${randomBytes(24).toString('hex')}`,
    pgPassword: randomBytes(18).toString('base64url'),
  };
  writeFileSync(STATE_FILE, JSON.stringify(state, null, 2), { mode: 0o600 });
  return state;
}

/** The environment every process of the development installation shares. */
export function developmentEnv(state: LocalState): Record<string, string> {
  return {
    HUB_MODE: 'development',
    HUB_JWT_ISSUER: DEV_ISSUER,
    HUB_JWT_AUDIENCE: AUDIENCE,
    HUB_JWKS: JSON.stringify({ keys: [state.issuer.publicJwk] }),
    HUB_GATEWAY_SECRET: state.gatewaySecret,
    HUB_PERSON_ID_SECRET: state.personIdSecret,
    HUB_AUDIT_KEY: state.auditKey,
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    // how long requests in flight may take when npm start is stopped (the servers check it, default 10)
    ...(process.env.HUB_SHUTDOWN_GRACE_SECONDS !== undefined ? { HUB_SHUTDOWN_GRACE_SECONDS: process.env.HUB_SHUTDOWN_GRACE_SECONDS } : {}),
  };
}
