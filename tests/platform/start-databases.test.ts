/**
 * What `npm start` decides about its databases (scripts/databases.ts): a
 * first start makes, migrates and seeds them; a start that finds every one
 * at the latest migration with its reference and demo data only checks; a
 * migration the database has not recorded (or recorded with other SQL), or a
 * seed that is missing, makes it prepare them again.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { dropDatabase, withDatabase } from '../../services/shared/src/db.ts';
import { SUBGRAPHS } from '../../services/shared/src/env.ts';
import { isReady, PREPARATION, prepareStartDatabases, readiness, START_SEEDS } from '../../scripts/databases.ts';
import { MODULES } from '../../scripts/stack.ts';
import { hub } from '../helpers/hub.ts';

const SECRET = 'd'.repeat(48);

describe("npm start's databases", () => {
  const prefix = `${hub().prefix}_sd`;
  const url = (s: string) => withDatabase(hub().postgresUrl, `${prefix}_${s}`);
  const dirs: string[] = [];
  afterAll(async () => {
    for (const s of SUBGRAPHS) await dropDatabase(hub().postgresUrl, `${prefix}_${s}`);
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('prepares each subgraph as its module does: the same migrations folder and reference seed', async () => {
    for (const s of SUBGRAPHS) {
      expect(PREPARATION[s].migrationsFolder, s).toBe(MODULES[s].migrationsFolder);
      expect(await PREPARATION[s].seedReference(), s).toBe(MODULES[s].seedReference);
    }
  });

  it('makes, migrates and seeds on the first start, then only checks; a missing seed or migration is not ready', async () => {
    const before = await readiness(url('psychiatry'), PREPARATION.psychiatry.migrationsFolder);
    expect(before.missingDatabase).toBe(true);
    expect(isReady(before)).toBe(false);

    const first = await prepareStartDatabases(hub().postgresUrl, prefix, SECRET, SECRET);
    expect(first).toMatchObject({ prepared: true, seeded: true });
    expect(first.databaseUrls.clinics).toBe(url('clinics'));
    for (const s of SUBGRAPHS) {
      expect(await readiness(url(s), PREPARATION[s].migrationsFolder), s).toEqual({ missingMigrations: [], missingSeeds: [], missingDatabase: false });
    }
    expect(await prepareStartDatabases(hub().postgresUrl, prefix, SECRET, SECRET)).toMatchObject({ prepared: false, seeded: false });

    // a migration added to the folder that the database has not run
    const folder = mkdtempSync(join(tmpdir(), 'hub-migrations-'));
    dirs.push(folder);
    cpSync(PREPARATION.probation.migrationsFolder, folder, { recursive: true });
    const journalFile = join(folder, 'meta', '_journal.json');
    const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as { entries: Array<{ idx: number; when: number; tag: string; breakpoints: boolean }> };
    const last = journal.entries.at(-1)!;
    journal.entries.push({ ...last, idx: last.idx + 1, when: last.when + 1000, tag: '9999_not_yet_run' });
    writeFileSync(journalFile, JSON.stringify(journal));
    writeFileSync(join(folder, '9999_not_yet_run.sql'), 'select 1;');
    const added = await readiness(url('probation'), folder);
    expect(added.missingMigrations).toEqual(['9999_not_yet_run']);
    expect(isReady(added)).toBe(false);

    // a migration the database ran, but whose SQL has changed since: its hash is not the recorded one
    writeFileSync(join(folder, `${last.tag}.sql`), `${readFileSync(join(folder, `${last.tag}.sql`), 'utf8')}\n-- changed\n`);
    expect((await readiness(url('probation'), folder)).missingMigrations).toEqual([last.tag, '9999_not_yet_run']);

    // demo data not (yet) there, as after a first start stopped before it: not ready
    const sql = postgres(url('clinics'), { max: 1, onnotice: () => {} });
    try {
      const [demo] = await sql`delete from seed_run where name = 'demo' returning name, at`;
      const noDemo = await readiness(url('clinics'), PREPARATION.clinics.migrationsFolder);
      expect(noDemo).toEqual({ missingMigrations: [], missingSeeds: ['demo'], missingDatabase: false });
      expect(START_SEEDS).toEqual(['reference', 'demo']);
      expect(isReady(noDemo)).toBe(false);
      await sql`insert into seed_run (name, at) values (${demo!.name as string}, ${demo!.at as Date})`;
      expect(isReady(await readiness(url('clinics'), PREPARATION.clinics.migrationsFolder))).toBe(true);
    } finally {
      await sql.end();
    }
  }, 60_000);
});
