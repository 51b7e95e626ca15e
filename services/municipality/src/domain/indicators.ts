/**
 * Social services' section of a council's indicators (docs/design/rules.md, quality
 * indicators 8, 9, 10 (planning part) and 12), computed in SQL over its own
 * data and published through the shared suppression rules. Plans count for
 * a council when one of its municipalities takes part in them.
 *
 * Left out here, and why: indicator 7 (people with cases in two or more
 * organisations who have an active plan) needs to know, person by person,
 * who has cases in other organisations: only aggregates leave a subgraph,
 * so no organisation can compute it without breaking that rule.
 */
import { sql } from 'drizzle-orm';
import { requireCouncilMember } from '../../../shared/src/councils.ts';
import { organisationsOf } from '../../../shared/src/directory.ts';
import {
  monthStarts,
  periodMonths,
  publish,
  publishAggregate,
  runsFigure,
  runsOf,
  runsShare,
  type Indicator,
  type PublishOptions,
  type RunRow,
} from '../../../shared/src/indicators.ts';
import { stockholmDate } from '../../../shared/src/time.ts';
import type { MunicipalityContext } from '../context.ts';
import type { ReportKey } from '../../../shared/src/councils.ts';
import { t } from '../../../shared/src/i18n.ts';

const start = (d: string) => sql`(${d}::date::timestamp at time zone 'Europe/Stockholm')`;
const end = (d: string) => sql`((${d}::date + 1)::timestamp at time zone 'Europe/Stockholm')`;

/** Each count and the month it counts by: mc, the month the plan was drawn up; mf, its follow-up day's. */
const COUNTED_BY = {
  drawn_up: 'mc',
  signed_by_individual: 'mc',
  contract_care: 'mc',
  probation_planned: 'mc',
  follow_up_due: 'mf',
  followed_up: 'mf',
} as const;

export async function municipalitySection(ctx: MunicipalityContext, r: ReportKey, options: PublishOptions = {}): Promise<Indicator[]> {
  requireCouncilMember(ctx.caller, r.memberOrganisationIds);
  const orgIds = organisationsOf('MUNICIPALITY')
    .filter((o) => o.municipalityCode !== null && r.municipalityCodes.includes(o.municipalityCode))
    .map((o) => o.id);
  const today = stockholmDate(ctx.now);
  const refDay = r.to < today ? r.to : today;
  const orgArray = sql`array[${sql.join(
    orgIds.map((id) => sql`${id}`),
    sql`, `,
  )}]::text[]`;

  const period = periodMonths(r.from, r.to);
  // a day's (or an instant's) month in the period, 0 = its first: a binary search among the months' first days (or
  // their first instants in Stockholm), with no time-zone conversion of every row
  const starts = monthStarts(r.from, period.n);
  const days = sql`array[${sql.join(
    starts.map((d) => sql`${d}`),
    sql`, `,
  )}]::date[]`;
  const instants = sql`array[${sql.join(
    starts.map((d) => start(d)),
    sql`, `,
  )}]`;
  const month = (d: string, bounds = days) => sql`(width_bucket(${sql.raw(d)}, ${bounds}) - 1)`;
  // Every count by the month of the day it counts by (mc: drawn up, mf: follow-up day; 0 = the period's
  // first month, null outside it), so that every sub-period of the period comes from this one statement.
  const plans = (await ctx.db.execute(sql`
    select gender, mc, mf,
      count(*) filter (where mc is not null)::int as drawn_up,
      count(*) filter (where mc is not null and exists (
        select 1 from care_plan_signature s where s.plan_id = x.id and s.version = x.version and s.as_individual))::int as signed_by_individual,
      count(*) filter (where mf is not null)::int as follow_up_due,
      count(*) filter (where mf is not null and exists (
        select 1 from care_plan_follow_up f where f.plan_id = x.id and f.held_on between x.follow_up_set_on and x.follow_up_on))::int as followed_up,
      count(*) filter (where x.kind = 'CONTRACT_CARE' and mc is not null)::int as contract_care,
      count(*) filter (where x.kind = 'CONTRACT_CARE' and mc is not null and exists (
        select 1 from care_plan_signature s where s.plan_id = x.id and s.organisation_agency = 'PROBATION'))::int as probation_planned
    from (
      select p.id, p.version, p.kind, p.follow_up_set_on, p.follow_up_on, p.legal_gender as gender,
        case when p.created_at >= ${start(r.from)} and p.created_at < ${end(r.to)} then ${month('p.created_at', instants)} end as mc,
        case when p.follow_up_on between ${r.from}::date and least(${r.to}::date, ${today}::date - 1) then ${month('p.follow_up_on')} end as mf
      from joint_care_plan p
      -- the period in the where clause: a plan counts by the day it was drawn up or its follow-up day, each
      -- a range on its own index (joint_care_plan_created_idx, joint_care_plan_follow_up_idx), combined
      -- with the participants' GIN index (an array of organisations has no place in a btree)
      where p.participant_organisation_ids && ${orgArray}
        and ((p.created_at >= ${start(r.from)} and p.created_at < ${end(r.to)})
          or p.follow_up_on between ${r.from}::date and least(${r.to}::date, ${today}::date - 1))
    ) x
    group by gender, mc, mf`)) as unknown as Array<Record<string, number | string | null> & { gender: string | null; mc: number | null; mf: number | null }>;
  const rows: RunRow[] = [];
  for (const x of plans)
    for (const [what, by] of Object.entries(COUNTED_BY)) {
      const n = Number(x[what] ?? 0);
      if (n > 0) rows.push({ gender: x.gender, what, month: x[by], n });
    }
  const runs = runsOf(period.n, rows, Object.keys(COUNTED_BY));

  // Agreements at the reference day (the period's end, or today): an agreement is superseded
  // once a newer one of the same council applies; the latest one applying is the council's.
  const [agreements] = (await ctx.db.execute(sql`
    with scope as (
      select c.id, c.level from council c
      where c.municipality_codes <@ ${sql`array[${sql.join(
        r.municipalityCodes.map((m) => sql`${m}`),
        sql`, `,
      )}]::text[]`}
    ), latest as (
      select distinct on (a.council_id) a.* from cooperation_agreement a join scope s on s.id = a.council_id
      where a.valid_from <= ${refDay}::date
      order by a.council_id, a.valid_from desc, a.added_at desc
    )
    select
      (select count(*) from scope where level = 'LOCAL')::int as local_councils,
      (select count(*) from scope s join latest l on l.council_id = s.id
        where s.level = 'LOCAL' and cardinality(l.joint_goals) > 0 and l.review_by >= ${refDay}::date)::int as with_current,
      (select count(*) from latest l where l.review_by < ${refDay}::date)::int as past_review
  `)) as unknown as Array<{ local_councils: number; with_current: number; past_review: number }>;

  return [
    publish(runsFigure('plans.drawnUp', t`Joint care plans drawn up`, 'COUNT', runs.drawn_up!), options),
    publish(
      runsShare(
        'plans.signedByIndividual',
        t`Share of plans drawn up whose current version the individual has signed`,
        runs.signed_by_individual!,
        runs.drawn_up!,
      ),
      options,
    ),
    publish(
      runsShare(
        'plans.followedUpInTime',
        t`Share of plans due for follow-up in the period that were followed up by their planned date`,
        runs.followed_up!,
        runs.follow_up_due!,
      ),
      options,
    ),
    publish(
      runsShare(
        'contractCare.probationTookPartInPlanning',
        t`Share of contract-care plans the probation service signed (took part in planning)`,
        runs.probation_planned!,
        runs.contract_care!,
      ),
      options,
    ),
    publishAggregate(
      'agreements.localCouncilsWithCurrentAgreement',
      t`Share of local councils with a current agreement that states joint goals`,
      agreements?.with_current ?? 0,
      agreements?.local_councils ?? 0,
    ),
    publishAggregate('agreements.pastReviewDate', t`Councils whose agreement in force is past its review date`, agreements?.past_review ?? 0, null),
  ];
}
