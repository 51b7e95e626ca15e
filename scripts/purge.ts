/**
 * `npm run purge -- --subgraph <name> [--dry-run | --confirm <token>] [--as-of YYYY-MM-DD]`: the
 * deliberate purge of the files whose retention time has passed (services/shared/src/retention.ts,
 * each subgraph's src/retention.ts). Without --confirm it is a dry run: it lists, by record id and
 * pseudonymous person id only, what would go and what is kept, and why, writes nothing, and prints
 * the token. With --confirm <token> it recomputes the list, refuses (exit 3, nothing changed) unless
 * the token is the list's, and deletes in one transaction, with one audit event (PURGE) per purged
 * record in the same transaction. Runs as the owner role: <SUBGRAPH>_MIGRATION_DATABASE_URL when
 * set, else <SUBGRAPH>_DATABASE_URL. HUB_AUDIT_KEY (or its _FILE) keys the audit events.
 */
import { readFileSync } from 'node:fs';
import type { TransactionSql } from 'postgres';
import type { DrizzleInternals } from '../services/shared/src/prepared-sql.ts';
import { parseArgs } from 'node:util';
import { drizzle } from 'drizzle-orm/postgres-js';
import { ConfigError, loadDatabaseConfig, SUBGRAPHS, type SubgraphName } from '../services/shared/src/env.ts';
import { createPool } from '../services/shared/src/db.ts';
import { appendAudit, withAuditKey } from '../services/shared/src/audit.ts';
import type { Caller } from '../services/shared/src/caller.ts';
import { Agency } from '../services/shared/src/generated/enums.ts';
import { organisation } from '../services/shared/src/directory.ts';
import { day, decide, tokenOf, type RetentionRule } from '../services/shared/src/retention.ts';
import { psychiatryRetention } from '../services/psychiatry/src/retention.ts';
import { clinicsRetention } from '../services/clinics/src/retention.ts';
import { probationRetention } from '../services/probation/src/retention.ts';

const AGENCY = { municipality: Agency.MUNICIPALITY, psychiatry: Agency.PSYCHIATRY, probation: Agency.PROBATION, clinics: Agency.CLINIC } as const;
const RULES: Partial<Record<SubgraphName, RetentionRule>> = { psychiatry: psychiatryRetention, clinics: clinicsRetention, probation: probationRetention };

const { values } = parseArgs({
  options: { subgraph: { type: 'string' }, 'dry-run': { type: 'boolean' }, confirm: { type: 'string' }, 'as-of': { type: 'string' } },
});
const subgraph = values.subgraph as SubgraphName | undefined;
if (!subgraph || !SUBGRAPHS.includes(subgraph)) {
  console.error(`--subgraph must be one of ${SUBGRAPHS.join(', ')}`);
  process.exit(2);
}
const rule = RULES[subgraph];
if (!rule) {
  console.error(`${subgraph}: no retention rule is implemented yet (README, Retention and purge): nothing is purged`);
  process.exit(2);
}
if (values['dry-run'] && values.confirm !== undefined) {
  console.error('--dry-run and --confirm exclude each other');
  process.exit(2);
}
const asOfText = values['as-of'] ?? new Date().toISOString().slice(0, 10);
const asOf = new Date(`${asOfText}T00:00:00Z`);
if (!/^\d{4}-\d{2}-\d{2}$/.test(asOfText) || Number.isNaN(asOf.getTime()) || day(asOf) !== asOfText) {
  console.error('--as-of takes a day, YYYY-MM-DD');
  process.exit(2);
}

let url: string;
try {
  url = loadDatabaseConfig(subgraph).migrationDatabaseUrl;
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  console.error(err.message);
  process.exit(78);
}
const keyFile = process.env.HUB_AUDIT_KEY_FILE;
const key = process.env.HUB_AUDIT_KEY || (keyFile ? readFileSync(keyFile, 'utf8').replace(/\r?\n$/, '') : undefined);

const sql = createPool(url, 1);
try {
  const decisions = await decide(sql, rule, asOf);
  const token = tokenOf(rule, asOf, decisions);
  const going = decisions.filter((d) => d.verdict.purge);
  const kept = decisions.filter((d) => !d.verdict.purge);
  if (values.confirm === undefined) {
    console.log(
      `${subgraph}: retention rule: ${rule.basis}; as of ${asOfText}, last entry before ${day(new Date(Date.UTC(asOf.getUTCFullYear() - rule.years, asOf.getUTCMonth(), asOf.getUTCDate())))}`,
    );
    console.log(`${subgraph}: would purge ${going.length} ${rule.entity} record(s)`);
    for (const d of going) console.log(`purge ${rule.entity} ${d.file.id} person ${d.file.personId}: last entry ${day(d.file.lastEntry)}`);
    console.log(`${subgraph}: keeps ${kept.length} ${rule.entity} record(s)`);
    for (const d of kept) console.log(`keep ${rule.entity} ${d.file.id} person ${d.file.personId}: ${d.verdict.purge ? '' : d.verdict.reason}`);
    console.log(
      `${subgraph}: dry run, nothing changed; to purge exactly this list: npm run purge -- --subgraph ${subgraph} --as-of ${asOfText} --confirm ${token}`,
    );
  } else {
    if (values.confirm !== token) {
      console.error(
        `${subgraph}: the token does not match the list as it is now (the database changed since the dry run, or another --as-of): nothing purged; run the dry run again`,
      );
      process.exit(3);
    }
    if (!key) {
      console.error(`${subgraph}: HUB_AUDIT_KEY (or HUB_AUDIT_KEY_FILE) is needed to write the purge's audit events: nothing purged`);
      process.exit(78);
    }
    const ids = going.map((d) => d.file.id);
    if (ids.length > 0)
      // one transaction: the audit events commit or roll back with the deletes
      await drizzle({ client: sql }).transaction(async (db) => {
        await rule.purge((db as unknown as DrizzleInternals).session.client as unknown as TransactionSql, ids);
        for (const owner of [...new Set(going.map((d) => d.file.owner))]) {
          const org = organisation(owner) ?? { id: owner, name: owner, agency: AGENCY[subgraph], regionCode: '', municipalityCode: null, contacts: [] };
          const caller: Caller = { userId: 'retention-purge', name: 'Retention purge (npm run purge)', organisation: org, roles: [] };
          const entries = going
            .filter((d) => d.file.owner === owner)
            .map((d) => ({
              action: 'PURGE',
              entity: rule.entity,
              entityId: d.file.id,
              personId: d.file.personId,
              basis: `${rule.basis} (token ${token})`,
              owner,
            }));
          await withAuditKey(key, () => appendAudit(db, caller, entries));
        }
      });
    console.log(`${subgraph}: purged ${ids.length} ${rule.entity} record(s), token ${token}`);
    for (const id of ids) console.log(`purged ${rule.entity} ${id}`);
  }
} finally {
  await sql.end();
}
