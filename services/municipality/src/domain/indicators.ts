/**
 * Social services' section of a council's indicators (docs/design/rules.md, quality
 * indicators 8, 9, 10 (planning part) and 12), from the counts of its plans
 * kept on write by month (care_plan_indicator_month, migration 0010) and its
 * agreements, published through the shared suppression rules. Plans count for
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

/**
 * The counts kept on write (care_plan_indicator_month.what; migration 0010 defines each): the first
 * four by the month the plan was drawn up, the last two by its follow-up day's.
 */
const COUNTS = ['drawn_up', 'signed_by_individual', 'contract_care', 'probation_planned', 'follow_up_due', 'followed_up'] as const;

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
  // The counts kept on write (care_plan_indicator_month, kept by triggers on the plans, their signatures
  // and follow-ups): one row per month, set of participating organisations, count, gender and follow-up
  // day, by a range scan of its key (month first). A plan counts once when one of the council's
  // municipalities takes part; a follow-up counts as due once its day has passed (ready_on < today).
  const counts = (await ctx.db.execute(sql`
    select gender, what, (extract(year from month)::int * 12 + extract(month from month)::int - 1 - ${period.base}) as month, sum(n)::int as n
    from care_plan_indicator_month
    where month >= ${r.from}::date and month <= ${r.to}::date and participant_organisation_ids && ${orgArray} and ready_on < ${today}::date
    group by 1, 2, 3
    having sum(n) <> 0`)) as unknown as Array<{ gender: string | null; what: string; month: number; n: number }>;
  const rows: RunRow[] = counts.map((x) => ({ gender: x.gender, what: x.what, month: Number(x.month), n: Number(x.n) }));
  const runs = runsOf(period.n, rows, COUNTS);

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
