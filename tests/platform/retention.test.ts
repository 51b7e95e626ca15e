/**
 * `npm run purge` (scripts/purge.ts) on psychiatry: referrals whose last entry is more than ten years
 * before --as-of are listed by the dry run, with a token; the confirmed run with that token deletes
 * exactly them (and their events) in one transaction, writes one PURGE audit event each, keeps the
 * earlier audit events, and through the gateway the referral reads as null (as an unknown id does) and a change of it is NOT_FOUND. A token from
 * before a change of the database is refused. The fixtures are dated 1990 and 1995 (direct SQL), an
 * --as-of of 2001-01-01 reaches only them among the test hub's referrals.
 */
import { describe, expect, it } from 'vitest';
import { runScript } from '../helpers/processes.ts';
import { gql, hub } from '../helpers/hub.ts';
import { caseworker1980, GET, psychiatrySql, submit, WITHDRAW } from '../helpers/withdrawal.ts';

const purge = (args: string[]) =>
  runScript('scripts/purge.ts', ['--subgraph', 'psychiatry', '--as-of', '2001-01-01', ...args], {
    PSYCHIATRY_DATABASE_URL: hub().databaseUrls.psychiatry,
    HUB_AUDIT_KEY: hub().env.HUB_AUDIT_KEY!,
  });

/** Dates a referral and everything of it to `at`. */
async function backdate(id: string, at: string) {
  await psychiatrySql(async (sql) => {
    await sql`update withdrawal_referral set received_at = ${at}, updated_at = ${at}, cycle_started_at = ${at} where id = ${id}`;
    await sql`update withdrawal_referral_event set at = ${at} where referral_id = ${id}`;
    await sql`update notification set created_at = ${at} where record_id = ${id}`;
  });
}

const tokenIn = (out: string) => /--confirm ([0-9a-f]{32})$/m.exec(out)?.[1];

describe('npm run purge (psychiatry)', () => {
  it('lists, then purges exactly the listed referrals with a PURGE audit event each; a stale token is refused', async () => {
    const submitted = await submit(caseworker1980);
    const old = submitted.referral;
    const recent = (await submit(caseworker1980)).referral;
    await backdate(old.id, '1990-03-01T10:00:00Z');
    await backdate(recent.id, '1990-03-01T10:00:00Z');
    await psychiatrySql((sql) => sql`update withdrawal_referral_event set at = '1995-05-05T10:00:00Z' where referral_id = ${recent.id}`);
    const oldPerson = (await psychiatrySql((sql) => sql`select person_id from withdrawal_referral where id = ${old.id}`))[0]!.person_id as string;
    const before = await psychiatrySql((sql) => sql`select count(*)::int as n from withdrawal_referral`);

    const dry = purge(['--dry-run']);
    expect(dry.stderr).toBe('');
    expect(dry.status).toBe(0);
    expect(dry.stdout).toContain('psychiatry: would purge 1 WithdrawalReferral record(s)\n');
    expect(dry.stdout).toContain(`\npurge WithdrawalReferral ${old.id} person ${oldPerson}: last entry 1990-03-01\n`);
    expect(dry.stdout).toMatch(new RegExp(`\\nkeep WithdrawalReferral ${recent.id} person [^:]+: not old enough \\(last entry 1995-05-05\\)\\n`));
    // nothing personal: neither the personnummer nor a name
    expect(dry.stdout).not.toContain(String(submitted.input.personnummer));
    expect(dry.stdout).not.toContain('Testsson');
    const token = tokenIn(dry.stdout)!;
    expect(token).toMatch(/^[0-9a-f]{32}$/);
    expect(await psychiatrySql((sql) => sql`select count(*)::int as n from withdrawal_referral`)).toEqual(before);

    // the database changes after the dry run: its token is refused, and nothing is purged
    await psychiatrySql((sql) => sql`update withdrawal_referral set updated_at = '1990-04-01T10:00:00Z' where id = ${old.id}`);
    const stale = purge(['--confirm', token]);
    expect(stale.status).toBe(3);
    expect(stale.stderr).toMatch(/the token does not match the list as it is now/);
    expect(await psychiatrySql((sql) => sql`select count(*)::int as n from withdrawal_referral where id = ${old.id}`)).toEqual([{ n: 1 }]);
    expect(purge(['--confirm', '0'.repeat(32)]).status).toBe(3);

    const again = purge([]);
    const fresh = tokenIn(again.stdout)!;
    expect(fresh).not.toBe(token);
    const done = purge(['--confirm', fresh]);
    expect(done.stderr).toBe('');
    expect(done.status).toBe(0);
    expect(done.stdout).toBe(`psychiatry: purged 1 WithdrawalReferral record(s), token ${fresh}\npurged WithdrawalReferral ${old.id}\n`);

    const left = await psychiatrySql(async (sql) => ({
      referrals: await sql`select id::text from withdrawal_referral where id in (${old.id}, ${recent.id}) order by id`,
      events: await sql`select count(*)::int as n from withdrawal_referral_event where referral_id = ${old.id}`,
      notifications: await sql`select count(*)::int as n from notification where record_id = ${old.id}`,
      total: await sql`select count(*)::int as n from withdrawal_referral`,
      audit:
        await sql`select action, entity, user_id, basis, owner_organisation_id, person_ids from audit_event where entity_ids @> array[${old.id}]::text[] order by seq`,
    }));
    expect(left.referrals).toEqual([{ id: recent.id }]);
    expect(left.events).toEqual([{ n: 0 }]);
    expect(left.notifications).toEqual([{ n: 0 }]);
    expect(left.total).toEqual([{ n: (before[0]!.n as number) - 1 }]);
    // the earlier events are kept, and the purge's is the last
    expect(left.audit.length).toBeGreaterThan(1);
    expect(left.audit.at(-1)).toEqual({
      action: 'PURGE',
      entity: 'WithdrawalReferral',
      user_id: 'retention-purge',
      basis: `Patientdatalagen 3 kap. 17 §: health record kept ten years after its last entry (token ${fresh})`,
      owner_organisation_id: 'psychiatry:19',
      person_ids: [oldPerson],
    });
    expect(left.audit.filter((a) => a.action === 'PURGE')).toHaveLength(1);

    const read = await gql(GET, { id: old.id }, { as: caseworker1980 });
    // a read of a record that is not there is null, as for any id; a change of it is NOT_FOUND
    expect(read.errors).toBeUndefined();
    expect(read.data).toEqual({ withdrawalReferral: null });
    const change = await gql(WITHDRAW, { id: old.id, reason: 'after the purge' }, { as: caseworker1980 });
    expect(change.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    // a second dry run lists nothing to purge
    expect(purge([]).stdout).toContain('psychiatry: would purge 0 WithdrawalReferral record(s)\n');
  });

  it.each([
    ['clinics', 'ClinicEnrolment'],
    ['probation', 'ContractCareOrder'],
  ])('%s: the dry run reads its files and lists none as old enough on 1900-01-01', (subgraph, entity) => {
    const r = runScript('scripts/purge.ts', ['--subgraph', subgraph, '--as-of', '1900-01-01', '--dry-run'], {
      [`${subgraph.toUpperCase()}_DATABASE_URL`]: hub().databaseUrls[subgraph as 'clinics' | 'probation'],
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`${subgraph}: would purge 0 ${entity} record(s)\n`);
  });

  it('refuses a subgraph without a rule, and bad arguments, changing nothing', () => {
    const env = { MUNICIPALITY_DATABASE_URL: hub().databaseUrls.municipality };
    const r = runScript('scripts/purge.ts', ['--subgraph', 'municipality'], env);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^municipality: no retention rule is implemented yet/);
    expect(runScript('scripts/purge.ts', ['--subgraph', 'psychiatry', '--as-of', '2001-02-30'], {}).status).toBe(2);
    expect(runScript('scripts/purge.ts', ['--subgraph', 'nowhere'], {}).status).toBe(2);
  });
});
