/**
 * `npm run audit:verify`: checks each subgraph's audit trail: every event's
 * content hash, every seal's root and mac (with HUB_AUDIT_KEY), that the
 * seals follow each other and cover every event but the newest (written
 * within the grace, default 300 s: `--grace-seconds`), and the legacy hash
 * chain of the events written before seals. Reports the first problem,
 * naming the event or seal (exit 1), or that all is intact (exit 0), with
 * each subgraph's head (its last seal and root).
 *
 * `--expect-head <seal_no>:<root>` (with `--subgraph`): the head recorded
 * outside the database earlier (a previous run's output); a database whose
 * seals stop before it, or differ at it, is reported: this is what finds the
 * last seals removed together with their events.
 *
 * Databases: `<SUBGRAPH>_DATABASE_URL` (or its _FILE, with <SUBGRAPH>_DATABASE_PASSWORD) when set (production); otherwise the
 * development installation (HUB_POSTGRES_URL, or the embedded server, which
 * is started for the check if `npm start` is not running).
 * `--subgraph <name>` checks one subgraph only.
 *
 * Witnesses: each subgraph's seals are checked against the heads the other subgraphs witnessed
 * (their audit_witness tables, audit-witness.ts), read from their databases: those of the
 * development installation, or each `<OTHER>_DATABASE_URL` that is set (a subgraph's runtime
 * role may read its audit tables). A witnessed seal missing here, or here with another root or
 * mac, is reported naming the witness: seals removed (truncation, tail deletion) or recomputed
 * (re-chaining). Without any witness database the line says so.
 *
 * `--from-seal <seal_no>` (with `--subgraph`): starts at that seal, trusting its stored root
 * and range as the anchor (its mac is still checked), for a database whose oldest months of
 * events were dropped under retention; the output says so.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ConfigError, loadDatabaseConfig, SUBGRAPHS, witnessesOf, type SubgraphName } from '../services/shared/src/env.ts';
import { verifyWitnessed, type Witness } from '../services/shared/src/audit-witness.ts';
import { createPool, withDatabase } from '../services/shared/src/db.ts';
import { verifyLegacyChain } from '../services/shared/src/audit.ts';
import { verifyAuditSeals } from '../services/shared/src/audit-seal.ts';
import type { EmbeddedServer } from './embedded-postgres.ts';
import { developmentPostgres } from './development-postgres.ts';
import { readLocalState } from './local-state.ts';

const { values } = parseArgs({
  options: { subgraph: { type: 'string' }, 'expect-head': { type: 'string' }, 'grace-seconds': { type: 'string' }, 'from-seal': { type: 'string' } },
});
const chosen = values.subgraph ? [values.subgraph as SubgraphName] : [...SUBGRAPHS];
if (chosen.some((s) => !SUBGRAPHS.includes(s))) {
  console.error(`--subgraph must be one of ${SUBGRAPHS.join(', ')}`);
  process.exit(2);
}
const headMatch = values['expect-head'] ? /^(\d+):([0-9a-f]{64})$/.exec(values['expect-head']) : null;
if (values['expect-head'] && (!headMatch || !values.subgraph)) {
  console.error('--expect-head takes <seal_no>:<root> (64 hex digits), with --subgraph');
  process.exit(2);
}
const expectHead = headMatch ? { sealNo: Number(headMatch[1]), root: headMatch[2]! } : null;
const fromSeal = values['from-seal'] === undefined ? undefined : Number(values['from-seal']);
if (fromSeal !== undefined && (!Number.isInteger(fromSeal) || fromSeal < 1 || !values.subgraph)) {
  console.error('--from-seal takes a seal number (1 or more), with --subgraph');
  process.exit(2);
}
const graceSeconds = Number(values['grace-seconds'] ?? 300);
if (!Number.isFinite(graceSeconds) || graceSeconds < 0) {
  console.error('--grace-seconds must be a number of seconds');
  process.exit(2);
}

let embedded: EmbeddedServer | undefined;
const urls: Partial<Record<SubgraphName, string>> = {};
/** the databases of the witnesses: every other subgraph's that is known */
const witnessUrls: Partial<Record<SubgraphName, string>> = {};
const fromEnv = chosen.every((s) => process.env[`${s.toUpperCase()}_DATABASE_URL`] || process.env[`${s.toUpperCase()}_DATABASE_URL_FILE`]);
const state = readLocalState();
// The key is never in the database: the environment's (or its file's), or the development installation's.
const keyFile = process.env.HUB_AUDIT_KEY_FILE;
const key = process.env.HUB_AUDIT_KEY || (keyFile ? readFileSync(keyFile, 'utf8').replace(/\r?\n$/, '') : undefined) || (fromEnv ? undefined : state?.auditKey);
if (fromEnv) {
  // as the subgraphs read them: X_FILE, a password apart from its URL (the runtime role may read the audit tables)
  try {
    for (const s of chosen) urls[s] = loadDatabaseConfig(s).databaseUrl;
    for (const s of SUBGRAPHS)
      if (process.env[`${s.toUpperCase()}_DATABASE_URL`] || process.env[`${s.toUpperCase()}_DATABASE_URL_FILE`])
        witnessUrls[s] = loadDatabaseConfig(s).databaseUrl;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(err.message);
    process.exit(78);
  }
} else {
  const server = await developmentPostgres(state);
  if (!server) {
    console.error('No databases to check: set <SUBGRAPH>_DATABASE_URL, or run `npm start` once to create the development installation.');
    process.exit(2);
  }
  embedded = server.embedded;
  for (const s of chosen) urls[s] = withDatabase(server.url, `hub_${s}`);
  for (const s of SUBGRAPHS) witnessUrls[s] = withDatabase(server.url, `hub_${s}`);
}

/** Checks `s`'s seals against the heads the other subgraphs witnessed; prints one line, true when consistent. */
async function checkWitnesses(s: SubgraphName, pool: ReturnType<typeof createPool>): Promise<boolean> {
  const names = witnessesOf(s).filter((w) => witnessUrls[w]);
  if (names.length === 0) {
    console.log(`${s}: no witness databases given (set the other subgraphs' <SUBGRAPH>_DATABASE_URL): removed or recomputed seals cannot be found`);
    return true;
  }
  const witnesses: Witness[] = names.map((name) => ({ name, pool: createPool(witnessUrls[name]!, 1) }));
  try {
    const checked = await verifyWitnessed(pool, s, witnesses, { fromSeal: fromSeal ?? 1, graceMs: graceSeconds * 1000 });
    if (!checked.ok) {
      console.log(`${s}: BROKEN: ${checked.problem}`);
      return false;
    }
    const heads = checked.heads.map((h) => `${h.witness} up to ${h.sealNo === null ? 'no seal yet' : `seal ${h.sealNo}`}`);
    console.log(`${s}: witnessed by ${heads.join(', ')}: consistent`);
    return true;
  } catch (err) {
    console.log(`${s}: BROKEN: the witnesses could not be read (${(err as Error).message})`);
    return false;
  } finally {
    await Promise.all(witnesses.map((w) => w.pool.end()));
  }
}

let broken = false;
try {
  for (const s of chosen) {
    const pool = createPool(urls[s]!, 1);
    try {
      const sealed = await verifyAuditSeals(pool, { key, graceMs: graceSeconds * 1000, expectHead, ...(fromSeal ? { fromSeal } : {}) });
      if (fromSeal) {
        const [anchor] = await pool<Array<{ root: string }>>`select root from audit_seal where seal_no = ${fromSeal}`;
        if (anchor)
          console.log(`${s}: seal ${fromSeal} (root ${anchor.root}) is trusted as the anchor: the seals up to it, and the events they cover, are not checked`);
      }
      if (sealed.ok) {
        const head = sealed.head ? `head ${sealed.head.sealNo}:${sealed.head.root}` : 'no seal yet';
        const seals = fromSeal ? `${sealed.seals - fromSeal} seals after it` : `${sealed.seals} seals`;
        console.log(`${s}: ${sealed.events} audit events in ${sealed.rows} rows, ${seals}, intact (${sealed.unsealed} rows not sealed yet; ${head})`);
      } else {
        broken = true;
        console.log(`${s}: BROKEN: ${sealed.problem}`);
      }
      const legacy = await verifyLegacyChain(pool);
      if (legacy.ok) {
        console.log(`${s}: ${legacy.rows} legacy audit events, chain intact`);
      } else {
        broken = true;
        console.log(`${s}: legacy chain BROKEN at audit event seq ${legacy.brokenAt.seq} (id ${legacy.brokenAt.id}): ${legacy.brokenAt.reason}`);
      }
      if (!(await checkWitnesses(s, pool))) broken = true;
    } finally {
      await pool.end();
    }
  }
} finally {
  await embedded?.stop();
}
process.exit(broken ? 1 : 0);
