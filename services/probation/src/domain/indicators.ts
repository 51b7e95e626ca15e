/**
 * Probation's section of a council's indicators (docs/design/rules.md, quality indicator
 * 10: contract care), computed in SQL over the orders whose partner social
 * services is one of the council's municipalities, by legal gender (from the
 * client's personnummer, which stays here), and published through the shared
 * suppression rules. Every figure rests on people (distinct persons), never
 * on orders or events alone, so that suppression protects people:
 *
 * - contractCare.peopleWithActiveOrder: people with an order active on at
 *   least one day of the period (court decision on or before its last day,
 *   end on or after its first day, no breach recorded before its first day);
 * - contractCare.evaluationsHeldByDueDate: of the people with an evaluation
 *   due in the period (rules.ts: every 90 days from the court decision, then
 *   from the evaluation held before), the share for whom every evaluation
 *   due in the period was held on or before its due date. A due date counts
 *   once it has passed unmet (then it is missed), or when the evaluation is
 *   held; a pending due date counts only while the order was active on it
 *   (not after its end, not once a breach was recorded);
 * - contractCare.peopleWithDeviationReported / contractCare.deviationsReported:
 *   people with a deviation reported in the period, and how many deviations
 *   were reported (published only where the count of people is);
 * - contractCare.daysToReportDeviation: median days from occurrence to report
 *   over the deviations reported in the period; it rests on the people
 *   reported about (its denominator);
 * - contractCare.peopleWithBreachRecorded: people whose order had a breach
 *   recorded in the period.
 *
 * Rule 10's planning part (probation signed the contract-care plan) lives
 * with the plans, in social services' section
 * (contractCare.probationTookPartInPlanning).
 */
import { sql } from 'drizzle-orm';
import { requireCouncilMember, validatePeriod, type ReportKey } from '../../../shared/src/councils.ts';
import { organisationsOf } from '../../../shared/src/directory.ts';
import {
  GENDERS,
  periodMonths,
  publish,
  runsFigure,
  runsOf,
  runsShare,
  type Gender,
  type GroupRuns,
  type Indicator,
  type PublishOptions,
  type RawIndicator,
  type RunRow,
} from '../../../shared/src/indicators.ts';
import { stockholmDate } from '../../../shared/src/time.ts';
import type { ProbationContext } from '../context.ts';
import { EVALUATION_INTERVAL_DAYS } from './rules.ts';
import { t, type Wording } from '../../../shared/src/i18n.ts';

const list = (values: string[]) =>
  sql`array[${sql.join(
    values.map((v) => sql`${v}`),
    sql`, `,
  )}]::text[]`;
/** The first instant of a Stockholm day, and the first instant after it. */
const start = (d: string) => sql`(${d}::date::timestamp at time zone 'Europe/Stockholm')`;
const end = (d: string) => sql`((${d}::date + 1)::timestamp at time zone 'Europe/Stockholm')`;

type MedianRow = { gender: Gender | null; total: boolean; people: number; median: number | string | null };

/** A count of events published only where the count of the people they concern is, cell by cell. */
function alongside(people: Indicator, events: RawIndicator): Indicator {
  const shown = (hidden: boolean, n: number) =>
    hidden ? { value: null, numerator: null, denominator: null, suppressed: true } : { value: n, numerator: n, denominator: null, suppressed: false };
  return {
    key: events.key,
    label: String(events.label),
    ...shown(people.suppressed, events.total.numerator),
    byGender: people.byGender.map((c) => ({ group: c.group, ...shown(c.suppressed, events.byGender[c.group].numerator) })),
  };
}

export async function probationSection(ctx: ProbationContext, r: ReportKey, options: PublishOptions = {}): Promise<Indicator[]> {
  requireCouncilMember(ctx.caller, r.memberOrganisationIds);
  validatePeriod(r.from, r.to);
  const socialServices = organisationsOf('MUNICIPALITY')
    .filter((o) => o.municipalityCode !== null && r.municipalityCodes.includes(o.municipalityCode))
    .map((o) => o.id);
  const from = sql`${r.from}::date`;
  const to = sql`${r.to}::date`;
  const today = sql`${stockholmDate(ctx.now)}::date`;
  const interval = sql.raw(String(EVALUATION_INTERVAL_DAYS));

  const scope = sql`
    with ord as (
      select o.id, o.person_id, o.court_decision_on, o.ends_on, o.breached_at,
        (o.breached_at at time zone 'Europe/Stockholm')::date as breached_on,
        case when substring(o.personnummer from 11 for 1)::int % 2 = 1 then 'MEN' else 'WOMEN' end as gender
      from contract_care_order o
      where o.partner_organisation_ids && ${list(socialServices)} and o.court_decision_on <= ${to}
    ), dev as (
      select o.person_id, o.gender, d.occurred_on, (d.reported_at at time zone 'Europe/Stockholm')::date as reported_on
      from contract_care_deviation d join ord o on o.id = d.order_id
      where d.reported_at >= ${start(r.from)} and d.reported_at < ${end(r.to)}
    )`;

  const period = periodMonths(r.from, r.to);
  const last = sql.raw(String(period.n - 1));
  /** A day's month in the period (0 = its first month). */
  const month = (d: string) => sql.raw(`(extract(year from ${d})::int * 12 + extract(month from ${d})::int - 1 - ${period.base})`);
  const bitOf = (d: string) => sql`(1::bigint << ${month(d)})`;

  // Every count over every sub-period of the period, in one statement: a count of people as groups of
  // people by the months they count in (a bit mask, bit i for month i), a count of deviations by month.
  const [counts, medians] = await Promise.all([
    ctx.db.execute(sql`${scope}, due as (
      -- each evaluation held, with the due date that applied when it was held (rules.ts withDueDates)
      select e.order_id, e.held_on,
        coalesce(lag(e.held_on) over (partition by e.order_id order by e.held_on, e.seq), o.court_decision_on) + ${interval} as due_by
      from contract_care_evaluation e join ord o on o.id = e.order_id
      union all
      -- the next due date, not (yet) met: it counts once passed, while the order was active on it
      select o.id, null::date, coalesce(max(e.held_on), o.court_decision_on) + ${interval}
      from ord o left join contract_care_evaluation e on e.order_id = o.id
      group by o.id, o.court_decision_on
    ), evaluated as (
      -- per person, the months with an evaluation due, and the months with one due that was not held by its date
      select o.person_id, o.gender, bit_or(${bitOf('d.due_by')}) as due,
        bit_or(case when d.held_on is not null and d.held_on <= d.due_by then 0::bigint else ${bitOf('d.due_by')} end) as missed
      from due d join ord o on o.id = d.order_id
      where d.due_by between ${from} and ${to}
        and (d.held_on is not null or (d.due_by < ${today} and d.due_by <= o.ends_on and (o.breached_on is null or o.breached_on > d.due_by)))
      group by o.person_id, o.gender
    ), active as (
      -- an order is active in a month from its court decision's month to its end's (or its breach's)
      select person_id, gender, greatest(0, ${month('court_decision_on')}) as lo,
        least(${last}, ${month('ends_on')}, coalesce(${month('breached_on')}, ${last})) as hi
      from ord where ends_on >= ${from} and (breached_on is null or breached_on >= ${from})
    )
    select gender, 'active' as what, mask, null::int as month, count(*)::int as n from (
      select person_id, gender, bit_or((1::bigint << (hi + 1)) - (1::bigint << lo)) as mask from active where lo <= hi group by person_id, gender
    ) p group by gender, mask
    union all
    select gender, 'breached', mask, null, count(*)::int from (
      select person_id, gender, bit_or(${bitOf('breached_on')}) as mask from ord
      where breached_at >= ${start(r.from)} and breached_at < ${end(r.to)} group by person_id, gender
    ) p group by gender, mask
    union all
    select gender, 'deviationPeople', mask, null, count(*)::int from (
      select person_id, gender, bit_or(${bitOf('reported_on')}) as mask from dev group by person_id, gender
    ) p group by gender, mask
    union all
    select gender, 'deviations', null, ${month('reported_on')}, count(*)::int from dev group by 1, 4
    union all
    select gender, 'evaluationsDue', due, null, count(*)::int from evaluated group by gender, due
    union all
    select gender, 'evaluationsMissed', missed, null, count(*)::int from evaluated where missed <> 0 group by gender, missed`) as unknown as Promise<RunRow[]>,
    ctx.db.execute(sql`${scope}
    select gender, grouping(gender) = 1 as total, count(distinct person_id)::int as people,
      percentile_cont(0.5) within group (order by reported_on - occurred_on) as median
    from dev group by grouping sets ((gender), ())`) as unknown as Promise<MedianRow[]>,
  ]);
  const runs = runsOf(period.n, counts, ['active', 'breached', 'deviationPeople', 'deviations', 'evaluationsDue', 'evaluationsMissed']);
  // held by the due date in a sub-period: an evaluation due in it, and none missed in it (missed months ⊆ due months)
  const inTime = Object.fromEntries((['TOTAL', ...GENDERS] as const).map((g) => [g, runs.evaluationsDue![g].minus(runs.evaluationsMissed![g])])) as GroupRuns;

  const medianOf = (m?: MedianRow) => (m?.median === null || m?.median === undefined ? null : Number(m.median));
  const daysToReport = runsFigure(
    'contractCare.daysToReportDeviation',
    t`Days from a deviation to its report (median over the deviations reported in the period)`,
    'MEDIAN',
    runs.deviationPeople!,
    {
      TOTAL: medianOf(medians.find((m) => m.total)),
      WOMEN: medianOf(medians.find((m) => !m.total && m.gender === 'WOMEN')),
      MEN: medianOf(medians.find((m) => !m.total && m.gender === 'MEN')),
    },
  );
  const count = (key: string, label: Wording, what: string) => runsFigure(key, label, 'COUNT', runs[what]!);

  const deviationPeople = publish(
    count('contractCare.peopleWithDeviationReported', t`People with a deviation from their contract care reported in the period`, 'deviationPeople'),
    options,
  );
  return [
    publish(count('contractCare.peopleWithActiveOrder', t`People with an active contract-care order in the period`, 'active'), options),
    publish(
      runsShare(
        'contractCare.evaluationsHeldByDueDate',
        t`Share of people with a contract-care evaluation due in the period whose every evaluation due was held by its due date`,
        inTime,
        runs.evaluationsDue!,
      ),
      options,
    ),
    deviationPeople,
    alongside(deviationPeople, count('contractCare.deviationsReported', t`Deviations from contract care reported in the period`, 'deviations')),
    publish(daysToReport, options),
    publish(count('contractCare.peopleWithBreachRecorded', t`People whose contract-care order had a breach recorded in the period`, 'breached'), options),
  ];
}
