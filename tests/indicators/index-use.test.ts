/**
 * Every subgraph's indicator statements read the period through an index: the
 * period's bounds are index conditions on the expected (organisation, date) or
 * date index, not a filter applied to every row of every year (for psychiatry and
 * social services, on the key of the counts kept on write: organisation and month,
 * or month; none of their records is read by the period). Each section is
 * run against this file's own databases with a logger that keeps its statements,
 * then each statement is explained (format json) with sequential scans disabled
 * for the check only (on a test database the tables are nearly empty, and the
 * planner would rightly read them whole). Dropping one of the indexes, or
 * moving the period back out of the where clause, makes an index below missing
 * or leaves its condition without the bounds, and the test fails.
 */
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import type { Caller } from '../../services/shared/src/caller.ts';
import type { ReportKey } from '../../services/shared/src/councils.ts';
import { organisation } from '../../services/shared/src/directory.ts';
import type { SubgraphName } from '../../services/shared/src/env.ts';
import { clinicsSection } from '../../services/clinics/src/domain/indicators.ts';
import { municipalitySection } from '../../services/municipality/src/domain/indicators.ts';
import { probationSection } from '../../services/probation/src/domain/indicators.ts';
import { psychiatrySection } from '../../services/psychiatry/src/domain/indicators.ts';
import { hub } from '../helpers/hub.ts';

const KEY: ReportKey = {
  councilId: 'council:local-1980',
  from: '2035-03-01',
  to: '2035-05-31',
  municipalityCodes: ['1980'],
  memberOrganisationIds: ['municipality:1980', 'psychiatry:19'],
};
const CALLER: Caller = { userId: 'council-member-1980', name: 'Vera Västerås', organisation: organisation('municipality:1980')!, roles: ['COUNCIL_MEMBER'] };
const NOW = new Date('2035-06-15T10:00:00+02:00');

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  'Index Cond'?: string;
  Plans?: PlanNode[];
}
/** An index a statement's plan reads, with the condition it reads it by. */
interface IndexUse {
  index: string;
  cond: string;
}

function indexUses(node: PlanNode, into: IndexUse[] = []): IndexUse[] {
  if (node['Index Name']) into.push({ index: node['Index Name'], cond: node['Index Cond'] ?? '' });
  for (const child of node.Plans ?? []) indexUses(child, into);
  return into;
}

type Section = (ctx: never, r: ReportKey) => Promise<unknown>;

/**
 * Rows enough for the planner to weigh a range against a whole organisation's rows: 20,000 spread
 * over 50 organisations (the council's among them) and nine years, written in the explain's transaction and rolled back with
 * it (an empty table is cheapest read by one index on the organisation alone, whatever the period).
 */
const FILLER: Partial<Record<SubgraphName, string>> = {
  psychiatry: `
    insert into withdrawal_referral (id, receiving_organisation_id, referring_organisation_id, person_id, personnummer, name,
      caseworker_name, caseworker_phone, caseworker_email, substances, current_problems, post_treatment_plan, assessments,
      submitted_by, submitted_by_name, received_at, stage, cycle, cycle_started_at, assessment_due_by, decided_at,
      place_offered_at, admitted_at, updated_at)
    select gen_random_uuid(), 'psychiatry:19', 'municipality:' || (1950 + i % 50), 'filler-' || i, '19800101' || lpad((i % 10000)::text, 4, '0'),
      'x', 'x', 'x', 'x', '{}', 'x', 'x', '[]', 'x', 'x', t, 'ADMITTED', 1 + (i % 20 = 0)::int, t, t::date + 14,
      t + interval '3 days', t + interval '5 days', t + interval '10 days', t
    from generate_series(1, 20000) i, lateral (select timestamptz '2030-01-01 10:00+01' + i * interval '4 hours') x(t)`,
  municipality: `
    with c as (
      insert into consent (id, person_id, purpose, organisation_ids, given_at, valid_until, recorded_by_organisation_id, recorded_by)
      values (gen_random_uuid(), 'filler', 'x', '{}', now(), '2040-01-01', 'municipality:1980', 'x') returning id
    )
    insert into joint_care_plan (id, kind, person_id, owner_organisation_id, consent_id, version, goals, follow_up_on, follow_up_set_on,
      participants, participant_organisation_ids, created_at, created_by)
    select gen_random_uuid(), 'SIP', 'filler-' || i, 'municipality:' || (1950 + i % 50), c.id, 1, '{}', t::date + 90, t::date,
      '[]', array['municipality:' || (1950 + i % 50)], t, 'x'
    from c, generate_series(1, 20000) i, lateral (select timestamptz '2030-01-01 10:00+01' + i * interval '4 hours') x(t)`,
};

/** The section's statements, each with the indexes its plan reads (sequential scans off for the explain only). */
async function explainSection(subgraph: SubgraphName, section: Section): Promise<Array<{ query: string; uses: IndexUse[] }>> {
  const pool = postgres(hub().databaseUrls[subgraph], { max: 1, onnotice: () => {} });
  try {
    const statements: Array<{ query: string; params: unknown[] }> = [];
    const db = drizzle({ client: pool, logger: { logQuery: (query, params) => statements.push({ query, params }) } });
    await section({ db, caller: CALLER, now: NOW } as never, KEY);
    const explained: Array<{ query: string; uses: IndexUse[] }> = [];
    for (const s of statements) {
      const plan = await pool.begin(async (tx) => {
        const filler = FILLER[subgraph];
        if (filler) {
          // the counts kept on write filled once after the filler, as seed:large does
          const refill = subgraph === 'psychiatry' ? 'withdrawal_indicator_refill' : 'care_plan_indicator_refill';
          await tx`select set_config('hub.indicators_deferred', 'on', true)`;
          await tx.unsafe(filler);
          await tx.unsafe(`select set_config('hub.indicators_deferred', 'off', true), ${refill}()`);
          await tx.unsafe(
            `analyze ${subgraph === 'psychiatry' ? 'withdrawal_referral, withdrawal_indicator_month' : 'joint_care_plan, care_plan_indicator_month'}`,
          );
        }
        await tx`set local enable_seqscan = off`;
        const rows = await tx.unsafe(`explain (format json) ${s.query}`, s.params as never[]);
        return (rows[0] as unknown as { 'QUERY PLAN': Array<{ Plan: PlanNode }> })['QUERY PLAN'][0]!.Plan;
      });
      explained.push({ query: s.query, uses: indexUses(plan) });
    }
    return explained;
  } finally {
    await pool.end();
  }
}

/** The statement whose text contains `marker`, and the condition each named index is read by in its plan. */
function conditions(explained: Array<{ query: string; uses: IndexUse[] }>, marker: string): Record<string, string> {
  const matching = explained.filter((e) => e.query.includes(marker));
  expect(matching.length, `one statement reads ${marker}`).toBe(1);
  return Object.fromEntries(matching[0]!.uses.map((u) => [u.index, u.cond]));
}

describe('indicator statements read the period by index range', () => {
  it("psychiatry: the counts kept on write by their key's range (referring organisation, month), places in use by ward", async () => {
    const explained = await explainSection('psychiatry', psychiatrySection);
    const cond = conditions(explained, 'from withdrawal_indicator_month');
    expect(Object.keys(cond)).toEqual(['withdrawal_indicator_month_key']);
    expect(cond.withdrawal_indicator_month_key).toMatch(/referring_organisation_id = ANY .*month >= .*month <= /);
    const inUse = conditions(explained, 'from ward w join lateral');
    expect(inUse.withdrawal_referral_in_ward_idx).toMatch(/place_ward_id = w\.id.*COALESCE\(completed_at, .*admitted_at < /);
    // no statement reads the referrals by the period any more
    expect(explained.flatMap((e) => e.uses.map((u) => u.index)).filter((i) => /_(started|decided|offered|admitted|recycled)_idx$/.test(i))).toEqual([]);
  });

  it("clinics: enrolments by (clinic, enrolment day) up to the period's end, efforts by the day they were given", async () => {
    const explained = await explainSection('clinics', clinicsSection);
    const cond = conditions(explained, 'with enr as');
    expect(cond.clinic_enrolment_enrolled_idx).toMatch(/clinic_id = .*enrolled_on <= /);
    expect(cond.clinic_effort_performed_idx).toMatch(/performed_on >= .*performed_on <= /);
  });

  it("probation: the partners' orders by their index, deviations by the time they were reported", async () => {
    const explained = await explainSection('probation', probationSection);
    for (const marker of ['evaluationsMissed', 'percentile_cont']) {
      const cond = conditions(explained, marker);
      expect(cond.contract_care_order_partners_idx).toMatch(/partner_organisation_ids && /);
      expect(cond.contract_care_deviation_reported_idx).toMatch(/reported_at >= .*reported_at < /);
    }
  });

  it("social services: the counts kept on write by their key's range (month), among the participants", async () => {
    const explained = await explainSection('municipality', municipalitySection);
    const cond = conditions(explained, 'from care_plan_indicator_month');
    expect(Object.keys(cond)).toEqual(['care_plan_indicator_month_key']);
    expect(cond.care_plan_indicator_month_key).toMatch(/month >= .*month <= /);
    expect(explained.flatMap((e) => e.uses.map((u) => u.index)).filter((i) => i.startsWith('joint_care_plan_'))).toEqual([]);
  });
});
