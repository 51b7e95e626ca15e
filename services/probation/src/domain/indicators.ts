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
import { fromRows, GENDERS, publish, type Gender, type Indicator, type RawIndicator } from '../../../shared/src/indicators.ts';
import { stockholmDate } from '../../../shared/src/time.ts';
import type { ProbationContext } from '../context.ts';
import { EVALUATION_INTERVAL_DAYS } from './rules.ts';

const list = (values: string[]) =>
  sql`array[${sql.join(
    values.map((v) => sql`${v}`),
    sql`, `,
  )}]::text[]`;
/** The first instant of a Stockholm day, and the first instant after it. */
const start = (d: string) => sql`(${d}::date::timestamp at time zone 'Europe/Stockholm')`;
const end = (d: string) => sql`((${d}::date + 1)::timestamp at time zone 'Europe/Stockholm')`;

type CountRow = { gender: Gender; what: string; n: number };
type MedianRow = { gender: Gender | null; total: boolean; people: number; median: number | string | null };

/** A count of events published only where the count of the people they concern is, cell by cell. */
function alongside(people: Indicator, events: RawIndicator): Indicator {
  const shown = (hidden: boolean, n: number) =>
    hidden ? { value: null, numerator: null, denominator: null, suppressed: true } : { value: n, numerator: n, denominator: null, suppressed: false };
  return {
    key: events.key,
    label: events.label,
    ...shown(people.suppressed, events.total.numerator),
    byGender: people.byGender.map((c) => ({ group: c.group, ...shown(c.suppressed, events.byGender[c.group].numerator) })),
  };
}

export async function probationSection(ctx: ProbationContext, r: ReportKey): Promise<Indicator[]> {
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
      select o.person_id, o.gender, bool_and(d.held_on is not null and d.held_on <= d.due_by) as all_in_time
      from due d join ord o on o.id = d.order_id
      where d.due_by between ${from} and ${to}
        and (d.held_on is not null or (d.due_by < ${today} and d.due_by <= o.ends_on and (o.breached_on is null or o.breached_on > d.due_by)))
      group by o.person_id, o.gender
    )
    select gender, 'active' as what, count(distinct person_id)::int as n from ord
      where ends_on >= ${from} and (breached_on is null or breached_on >= ${from}) group by gender
    union all
    select gender, 'breached', count(distinct person_id)::int from ord
      where breached_at >= ${start(r.from)} and breached_at < ${end(r.to)} group by gender
    union all
    select gender, 'deviationPeople', count(distinct person_id)::int from dev group by gender
    union all
    select gender, 'deviations', count(*)::int from dev group by gender
    union all
    select gender, 'evaluationsDue', count(*)::int from evaluated group by gender
    union all
    select gender, 'evaluationsInTime', (count(*) filter (where all_in_time))::int from evaluated group by gender`) as unknown as Promise<CountRow[]>,
    ctx.db.execute(sql`${scope}
    select gender, grouping(gender) = 1 as total, count(distinct person_id)::int as people,
      percentile_cont(0.5) within group (order by reported_on - occurred_on) as median
    from dev group by grouping sets ((gender), ())`) as unknown as Promise<MedianRow[]>,
  ]);

  // One row per gender with every count (the SQL gives one row per gender and count).
  const rows = GENDERS.map((gender) => {
    const n = (what: string) => counts.find((c) => c.gender === gender && c.what === what)?.n ?? 0;
    return {
      gender,
      active: n('active'),
      breached: n('breached'),
      deviationPeople: n('deviationPeople'),
      deviations: n('deviations'),
      evaluationsDue: n('evaluationsDue'),
      evaluationsInTime: n('evaluationsInTime'),
    };
  });
  type Row = (typeof rows)[number];
  const count = (key: string, label: string, pick: (x: Row) => number) =>
    fromRows(rows, key, label, 'COUNT', (x) => ({ numerator: pick(x), denominator: null }));

  const pickMedian = (m?: MedianRow) => ({
    numerator: m?.people ?? 0,
    denominator: null,
    value: m?.median === null || m?.median === undefined ? null : Number(m.median),
  });
  const daysToReport: RawIndicator = {
    key: 'contractCare.daysToReportDeviation',
    label: 'Days from a deviation to its report (median over the deviations reported in the period)',
    kind: 'MEDIAN',
    total: pickMedian(medians.find((m) => m.total)),
    byGender: {
      WOMEN: pickMedian(medians.find((m) => !m.total && m.gender === 'WOMEN')),
      MEN: pickMedian(medians.find((m) => !m.total && m.gender === 'MEN')),
    },
  };

  const deviationPeople = publish(
    count('contractCare.peopleWithDeviationReported', 'People with a deviation from their contract care reported in the period', (x) => x.deviationPeople),
  );
  return [
    publish(count('contractCare.peopleWithActiveOrder', 'People with an active contract-care order in the period', (x) => x.active)),
    publish(
      fromRows(
        rows,
        'contractCare.evaluationsHeldByDueDate',
        'Share of people with a contract-care evaluation due in the period whose every evaluation due was held by its due date',
        'SHARE',
        (x) => ({
          numerator: x.evaluationsInTime,
          denominator: x.evaluationsDue,
        }),
      ),
    ),
    deviationPeople,
    alongside(
      deviationPeople,
      count('contractCare.deviationsReported', 'Deviations from contract care reported in the period', (x) => x.deviations),
    ),
    publish(daysToReport),
    publish(count('contractCare.peopleWithBreachRecorded', 'People whose contract-care order had a breach recorded in the period', (x) => x.breached)),
  ];
}
