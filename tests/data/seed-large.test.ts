/**
 * `npm run seed:large` at a hundredth of a large county, into databases of
 * this test's own: exact row counts, the policy's gender proportion, the same
 * person under the same pseudonym everywhere, plans resting on consents and
 * pointing at real referrals and orders, a second run that does nothing,
 * and audit chains the seed leaves alone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import postgres from 'postgres';
import { drizzle } from 'drizzle-orm/postgres-js';
import { appendAudit, withAuditKey } from '../../services/shared/src/audit.ts';
import { verifyAuditSeals } from '../../services/shared/src/audit-seal.ts';
import { createPool, dropDatabase, ensureDatabase, migrateDatabase, withDatabase } from '../../services/shared/src/db.ts';
import { organisation } from '../../services/shared/src/directory.ts';
import { SUBGRAPHS, type SubgraphName } from '../../services/shared/src/env.ts';
import { pseudonymFor } from '../../services/shared/src/person-id.ts';
import { MODULES } from '../../scripts/stack.ts';
import { buildLargeSeed, countsOf } from '../../scripts/seed-large.ts';
import { hub } from '../helpers/hub.ts';
import { runScript } from '../helpers/processes.ts';

const SCALE = '0.01';
const UNTIL = '2026-06-30';
const SECRET = 's'.repeat(48);

const TABLES: Record<string, string> = {
  'psychiatry.ward': 'ward',
  'psychiatry.withdrawalReferral': 'withdrawal_referral',
  'psychiatry.withdrawalReferralEvent': 'withdrawal_referral_event',
  'psychiatry.withdrawalMeeting': 'withdrawal_meeting',
  'psychiatry.withdrawalReferralAmendment': 'withdrawal_referral_amendment',
  'municipality.cooperationAgreement': 'cooperation_agreement',
  'municipality.consent': 'consent',
  'municipality.jointCarePlan': 'joint_care_plan',
  'municipality.jointCarePlanVersion': 'joint_care_plan_version',
  'municipality.carePlanEffort': 'care_plan_effort',
  'municipality.carePlanSignature': 'care_plan_signature',
  'municipality.carePlanFollowUp': 'care_plan_follow_up',
  'probation.contractCareOrder': 'contract_care_order',
  'probation.contractCareDeviation': 'contract_care_deviation',
  'probation.contractCareEvaluation': 'contract_care_evaluation',
  'clinics.clinicEnrolment': 'clinic_enrolment',
  'clinics.clinicEffort': 'clinic_effort',
};
/** Rows that the migrations' reference data put there before the seed (two wards, four councils' none, two clinics' none). */
const REFERENCE_ROWS: Record<string, number> = { 'psychiatry.ward': 2 };

describe('npm run seed:large', () => {
  const urls = Object.fromEntries(SUBGRAPHS.map((s) => [s, withDatabase(hub().postgresUrl, `${hub().prefix}_large_${s}`)])) as Record<SubgraphName, string>;
  const sql = {} as Record<SubgraphName, postgres.Sql>;
  const env = { ...Object.fromEntries(SUBGRAPHS.map((s) => [`${s.toUpperCase()}_DATABASE_URL`, urls[s]])), HUB_PERSON_ID_SECRET: SECRET };
  const run = () => runScript('scripts/seed-large.ts', ['--scale', SCALE, '--until', UNTIL], env);
  const count = async (key: string) => {
    const [s, _] = key.split('.') as [SubgraphName, string];
    const [row] = await sql[s].unsafe(`select count(*)::int as n from ${TABLES[key]}`);
    return row!.n as number;
  };

  // The seed runs once, before the tests: each reads what it wrote, in whatever order they run.
  let first: ReturnType<typeof run>;
  beforeAll(async () => {
    for (const s of SUBGRAPHS) {
      await ensureDatabase(hub().postgresUrl, `${hub().prefix}_large_${s}`);
      await migrateDatabase(urls[s], MODULES[s].migrationsFolder);
      await MODULES[s].seedReference(urls[s]);
      sql[s] = postgres(urls[s], { max: 1, onnotice: () => {} });
      // an audit trail from before the seed: it must stay exactly as it is
      const caller = { userId: 'u1', name: 'Test Person', organisation: organisation('municipality:0180')!, roles: ['CASEWORKER' as const] };
      for (let i = 1; i <= 3; i++)
        await withAuditKey('k'.repeat(64), () =>
          drizzle({ client: sql[s] }).transaction((tx) =>
            appendAudit(tx, caller, [{ action: 'READ', entity: 'Person', personId: `p_${i}`, basis: 'own case' }]),
          ),
        );
    }
    first = run();
  }, 180_000);
  afterAll(async () => {
    for (const s of SUBGRAPHS) {
      await sql[s]?.end();
      await dropDatabase(hub().postgresUrl, `${hub().prefix}_large_${s}`);
    }
  });

  it('fills every database with exactly the rows the deterministic seed builds, in the policy proportions, once', { timeout: 180_000 }, async () => {
    const r = first;
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Large seed \(scale 0\.01\) written in [\d.]+ s: 267 people in the pool/);

    // exact counts: the main records follow the scale (region 01 + a third for region 19), the rest is what the seeded PRNG builds
    const expected = countsOf(buildLargeSeed({ personIdSecret: SECRET, scale: 0.01, until: UNTIL }));
    expect(expected).toMatchObject({
      'psychiatry.ward': 6,
      'psychiatry.withdrawalReferral': 80 + 27,
      'municipality.jointCarePlan': 60 + 20,
      'municipality.consent': 60 + 20,
      'municipality.cooperationAgreement': 6,
      'probation.contractCareOrder': 8 + 3,
      'clinics.clinicEnrolment': 50,
    });
    for (const [key, n] of Object.entries(expected)) {
      expect(await count(key), key).toBe(n + (REFERENCE_ROWS[key] ?? 0));
      expect(r.stdout).toContain(`  ${key.padEnd(40)} ${String(n).padStart(7)}`);
    }

    // the same run again does nothing
    const again = run();
    expect(again.status).toBe(0);
    expect(again.stdout.trim()).toBe("The large seed is already in every database (seed_run 'large'): nothing done.");
    for (const [key, n] of Object.entries(expected)) expect(await count(key), key).toBe(n + (REFERENCE_ROWS[key] ?? 0));
  });

  it('books an assessment meeting for every booking, in rooms that never clash, and amends some open requests with their history', async () => {
    const [m] = await sql.psychiatry`select count(*)::int as meetings,
      (select count(*)::int from withdrawal_referral_event where kind = 'MEETING_BOOKED') as booked,
      (select count(*)::int from withdrawal_referral_amendment) as amendments,
      (select count(*)::int from withdrawal_referral_event where kind = 'AMENDED') as amended,
      (select count(*)::int from withdrawal_meeting a join withdrawal_meeting b on a.id < b.id and a.place = b.place
        and a.start_at < b.start_at + make_interval(mins => b.duration_minutes) and b.start_at < a.start_at + make_interval(mins => a.duration_minutes)) as clashes
      from withdrawal_meeting`;
    expect(m!.meetings).toBe(m!.booked);
    expect(m!.meetings).toBeGreaterThan(50);
    expect(m!.amendments).toBe(m!.amended);
    expect(m!.amendments).toBeGreaterThan(0);
    expect(m!.clashes).toBe(0);
  });

  it('makes about two thirds of the people men (docs/design/domain.md: 66 %), by legal gender of the personnummer', async () => {
    const numbers = new Set<string>();
    for (const [s, t] of [
      ['psychiatry', 'withdrawal_referral'],
      ['probation', 'contract_care_order'],
      ['clinics', 'clinic_enrolment'],
    ] as const) {
      for (const row of await sql[s].unsafe(`select personnummer from ${t}`)) numbers.add(row.personnummer as string);
    }
    const men = [...numbers].filter((n) => Number(n[10]) % 2 === 1).length;
    expect(numbers.size).toBeGreaterThan(150);
    expect(men / numbers.size).toBeGreaterThan(0.58);
    expect(men / numbers.size).toBeLessThan(0.74);
    const [plans] =
      await sql.municipality`select count(*) filter (where legal_gender = 'MEN')::float / count(*) as men, count(*) filter (where legal_gender is null)::int as unknown from joint_care_plan`;
    expect(plans!.unknown).toBe(0);
    expect(plans!.men).toBeGreaterThan(0.55);
    expect(plans!.men).toBeLessThan(0.77);
  });

  it('stores every person under the pseudonym of their personnummer, the same in every subgraph', async () => {
    const idOf = new Map<string, string>();
    for (const [s, t] of [
      ['psychiatry', 'withdrawal_referral'],
      ['probation', 'contract_care_order'],
      ['clinics', 'clinic_enrolment'],
    ] as const) {
      for (const row of await sql[s].unsafe(`select person_id, personnummer from ${t}`)) {
        expect(row.person_id).toBe(pseudonymFor(SECRET, row.personnummer as string));
        idOf.set(row.person_id as string, row.personnummer as string);
      }
    }
    // people appear in more than one subgraph (a referral and a clinic enrolment, an order and a referral)
    const referralPeople = new Set((await sql.psychiatry`select person_id from withdrawal_referral`).map((r) => r.person_id as string));
    const enrolled = (await sql.clinics`select person_id from clinic_enrolment`).map((r) => r.person_id as string);
    expect(enrolled.filter((p) => referralPeople.has(p)).length).toBeGreaterThan(0);
    // every plan's person is someone with a record elsewhere or a SIP person; their pseudonym has the right form
    for (const p of await sql.municipality`select person_id from joint_care_plan`) expect(p.person_id).toMatch(/^p_[A-Za-z0-9_-]{43}$/);
  });

  it('rests every plan on a consent of the same person naming every participant, and links plans to real referrals and orders', async () => {
    const [orphans] = await sql.municipality`
      select count(*)::int as n from joint_care_plan p left join consent c on c.id = p.consent_id
      where c.id is null or c.person_id <> p.person_id or not (p.participant_organisation_ids <@ c.organisation_ids)`;
    expect(orphans!.n).toBe(0);
    const referrals = new Map((await sql.psychiatry`select id, person_id from withdrawal_referral`).map((r) => [String(r.id), r.person_id as string]));
    const orders = new Map((await sql.probation`select id, person_id from contract_care_order`).map((r) => [String(r.id), r.person_id as string]));
    const plans = await sql.municipality`select kind, person_id, withdrawal_referral_id, contract_care_order_id from joint_care_plan`;
    expect(new Set(plans.map((p) => p.kind))).toEqual(new Set(['SIP', 'WITHDRAWAL', 'CONTRACT_CARE']));
    for (const p of plans) {
      if (p.kind === 'WITHDRAWAL') expect(referrals.get(p.withdrawal_referral_id as string)).toBe(p.person_id);
      if (p.kind === 'CONTRACT_CARE') expect(orders.get(p.contract_care_order_id as string)).toBe(p.person_id);
    }
    // the current version of each plan is in its history; signatures are on versions that exist
    const [badVersions] = await sql.municipality`
      select count(*)::int as n from joint_care_plan p where not exists (select 1 from joint_care_plan_version v where v.plan_id = p.id and v.version = p.version)`;
    expect(badVersions!.n).toBe(0);
    const [badSignatures] = await sql.municipality`
      select count(*)::int as n from care_plan_signature s where not exists (select 1 from joint_care_plan_version v where v.plan_id = s.plan_id and v.version = s.version)`;
    expect(badSignatures!.n).toBe(0);
    // referrals in (almost) every stage at this small scale, with lapsed places followed by new cycles
    const stages = new Set((await sql.psychiatry`select distinct stage from withdrawal_referral`).map((r) => r.stage as string));
    for (const s of ['ASSESSMENT_BOOKED', 'NOT_NEEDED', 'CARE_PLANNING', 'PLACE_OFFERED', 'ADMITTED', 'COMPLETED']) expect(stages).toContain(s);
    const [cycles] = await sql.psychiatry`select count(*) filter (where cycle > 1)::int as renewed from withdrawal_referral`;
    expect(cycles!.renewed).toBeGreaterThan(0);
  });

  it('writes no audit event and leaves every audit chain intact', async () => {
    for (const s of SUBGRAPHS) {
      const pool = createPool(urls[s], 1);
      try {
        expect(await verifyAuditSeals(pool, { key: 'k'.repeat(64) }), s).toMatchObject({ ok: true, events: 3 });
      } finally {
        await pool.end();
      }
    }
  });
});
