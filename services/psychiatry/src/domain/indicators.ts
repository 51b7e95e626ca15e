/**
 * Psychiatry's section of a council's indicators (docs/design/rules.md, quality
 * indicators 1–6 and 13), computed in SQL over its own referrals from the
 * council's municipalities, by legal gender (from the personnummer social
 * services sent), and published through the shared suppression rules.
 *
 * Every assessment cycle counts: a new assessment after a lapsed place is a
 * new request to assess (docs/design/rules.md 5 counts them). Figures whose outcome is
 * not yet known in the period (a due date not yet passed) are left out of
 * their denominators rather than counted as failures.
 */
import { sql } from 'drizzle-orm';
import { requireCouncilMember, type ReportKey } from '../../../shared/src/councils.ts';
import { organisation, organisationsOf } from '../../../shared/src/directory.ts';
import {
  fromRows,
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
import type { PsychiatryContext } from '../context.ts';
import { t, type Wording } from '../../../shared/src/i18n.ts';

const list = (values: string[]) =>
  sql`array[${sql.join(
    values.map((v) => sql`${v}`),
    sql`, `,
  )}]::text[]`;
const day = (ts: string) => sql.raw(`(${ts} at time zone 'Europe/Stockholm')::date`);

/** Each count and the date column whose month it counts by (ms: started, md: decided, mo: offered, ma: admitted). */
const COUNTED_BY = {
  received: 'ms',
  assess_due: 'ms',
  assess_in_time: 'ms',
  meeting_n: 'ms',
  new_after_lapse: 'ms',
  screened: 'ms',
  asi: 'ms',
  decisions: 'md',
  placed_in_time: 'md',
  place_n: 'md',
  offers_settled: 'mo',
  lapsed: 'mo',
  waiting_n: 'ma',
} as const;

type Row = { gender: string | null } & Record<string, number | null | string>;

/** The median values of one median figure for everyone and each gender (grouping sets), by the people counted. */
function medianValues(rows: Array<{ gender: string | null; total: boolean; what: string; median: number | null }>, what: string) {
  const v = (row?: { median: number | null }) => (row?.median === null || row?.median === undefined ? null : Number(row.median));
  const mine = rows.filter((x) => x.what === what);
  return {
    TOTAL: v(mine.find((x) => x.total)),
    WOMEN: v(mine.find((x) => !x.total && x.gender === 'WOMEN')),
    MEN: v(mine.find((x) => !x.total && x.gender === 'MEN')),
  };
}

export async function psychiatrySection(ctx: PsychiatryContext, r: ReportKey, options: PublishOptions = {}): Promise<Indicator[]> {
  requireCouncilMember(ctx.caller, r.memberOrganisationIds);
  const referring = organisationsOf('MUNICIPALITY')
    .filter((o) => o.municipalityCode !== null && r.municipalityCodes.includes(o.municipalityCode))
    .map((o) => o.id);
  const receiving = r.memberOrganisationIds.filter((id) => organisation(id)?.agency === 'PSYCHIATRY');
  const today = stockholmDate(ctx.now);
  const from = sql`${r.from}::date`;
  const to = sql`${r.to}::date`;
  const now = sql`${today}::date`;
  // the first instant of the period's first day, and the first instant after its last day, in Stockholm
  const first = sql`(${r.from}::date::timestamp at time zone 'Europe/Stockholm')`;
  const after = sql`((${r.to}::date + 1)::timestamp at time zone 'Europe/Stockholm')`;
  const period = periodMonths(r.from, r.to);
  // a day's month in the period (0 = its first): a binary search among the months' first days, cheaper than extracting year and month
  const starts = sql`array[${sql.join(
    monthStarts(r.from, period.n).map((d) => sql`${d}`),
    sql`, `,
  )}]::date[]`;
  const month = (d: string) => sql`(width_bucket(${sql.raw(d)}, ${starts}) - 1)`;

  // Every assessment cycle of every referral from the council's municipalities.
  const cycles = sql`
    with ref as (
      -- only the columns the figures use: the CTE is materialised, and whole rows (texts, names) would spill to disk
      select r.cycle, r.cycle_started_at, r.assessment_due_by, r.assessment_meeting_at, r.assessment_deadline_missed,
        r.decision_needed, r.decided_at, r.place_offered_at, r.place_due_by, r.place_start_date,
        -- a place the ward refused to admit never lapses
        case when r.admission_refused_at is null then r.place_lapses_on end as place_lapses_on, r.admitted_at, r.earlier_cycles,
        case when substring(r.personnummer from 11 for 1)::int % 2 = 1 then 'MEN' else 'WOMEN' end as gender,
        -- the request's screening, read once per referral (not carried as jsonb through the cycles)
        (r.assessments @> '[{"instrument": "AUDIT"}]' or r.assessments @> '[{"instrument": "DUDIT"}]') as screened,
        r.assessments @> '[{"instrument": "ASI"}]' as asi
      from withdrawal_referral r where r.referring_organisation_id = any(${list(referring)})
        -- the period in the where clause, as a range on each date column's index (organisation, date): a
        -- referral counts only if a cycle started, was decided, offered or admitted in the period. Earlier
        -- cycles all happened before the current one started, so theirs can be in the period only when the
        -- current cycle started after its first day (withdrawal_referral_recycled_idx, referrals with cycles > 1)
        and ((r.cycle_started_at >= ${first} and r.cycle_started_at < ${after})
          or (r.decided_at >= ${first} and r.decided_at < ${after})
          or (r.place_offered_at >= ${first} and r.place_offered_at < ${after})
          or (r.admitted_at >= ${first} and r.admitted_at < ${after})
          or (r.cycle > 1 and r.cycle_started_at >= ${first}))
    ), cyc as (
      select gender, screened, asi, cycle as n, ${day('cycle_started_at')} as started, assessment_due_by as due,
        ${day('assessment_meeting_at')} as meeting, assessment_deadline_missed as missed,
        decision_needed as needed, ${day('decided_at')} as decided, ${day('place_offered_at')} as offered,
        place_due_by as place_due, place_start_date as place_start, place_lapses_on as lapses_on,
        ${day('admitted_at')} as admitted, false as closed_lapsed
      from ref
      union all
      select gender, screened, asi, (c->>'cycle')::int, ((c->>'startedAt')::timestamptz at time zone 'Europe/Stockholm')::date, (c->>'assessmentDueBy')::date,
        ((c->>'assessmentMeetingAt')::timestamptz at time zone 'Europe/Stockholm')::date, (c->>'assessmentDeadlineMissed')::boolean,
        (c->'decision'->>'needed')::boolean, ((c->'decision'->>'decidedAt')::timestamptz at time zone 'Europe/Stockholm')::date,
        ((c->'placeOffer'->>'offeredAt')::timestamptz at time zone 'Europe/Stockholm')::date,
        (c->'placeOffer'->>'dueBy')::date, (c->'placeOffer'->>'startDate')::date,
        -- a cycle that ended in a refused admission is settled, never a lapse
        case when c->>'outcome' = 'ADMISSION_REFUSED' then null else (c->'placeOffer'->>'lapsesOn')::date end, null::date, c->>'outcome' = 'LAPSED'
      from ref, jsonb_array_elements(ref.earlier_cycles) c
      where jsonb_array_length(ref.earlier_cycles) > 0
    )`;

  type MedianRow = { gender: string | null; total: boolean; what: string; n: number; median: number | null };
  // Ward capacity now (or at the end of a past period): places, people in them, free places.
  const refDay = r.to < today ? r.to : today;
  // Three statements at once (the request's pool has connections to spare). The first gives the counts
  // and the medians together: the cycles (a CTE used twice, so materialised once) are built once, each
  // date read in Stockholm time once per cycle.
  const [[both], wards, inUseRows] = (await Promise.all([
    ctx.db.execute(sql`${cycles}, months as (
      -- each date's month in the period (0 = its first month), null outside it: every count by the month
      -- of the date it counts by, so that every sub-period of the period comes from this one pass
      select cyc.*,
        case when started between ${from} and ${to} then ${month('started')} end as ms,
        case when decided between ${from} and ${to} then ${month('decided')} end as md,
        case when offered between ${from} and ${to} then ${month('offered')} end as mo,
        case when admitted between ${from} and ${to} then ${month('admitted')} end as ma
      from cyc
    ), counts as (
      select gender, ms, md, mo, ma,
        count(*) filter (where n = 1 and ms is not null)::int as received,
        count(*) filter (where ms is not null and (meeting is not null or due < ${now}))::int as assess_due,
        count(*) filter (where ms is not null and meeting is not null and not missed)::int as assess_in_time,
        count(*) filter (where ms is not null and meeting is not null)::int as meeting_n,
        count(*) filter (where needed and md is not null and (offered is not null or decided + 14 < ${now}))::int as decisions,
        count(*) filter (where needed and md is not null and offered is not null and place_start <= place_due)::int as placed_in_time,
        count(*) filter (where needed and md is not null and offered is not null)::int as place_n,
        count(*) filter (where mo is not null and (admitted is not null or closed_lapsed or lapses_on < ${now}))::int as offers_settled,
        count(*) filter (where mo is not null and admitted is null and (closed_lapsed or lapses_on < ${now}))::int as lapsed,
        count(*) filter (where ma is not null and offered is not null)::int as waiting_n,
        count(*) filter (where n > 1 and ms is not null)::int as new_after_lapse,
        count(*) filter (where n = 1 and ms is not null and screened)::int as screened,
        count(*) filter (where n = 1 and ms is not null and asi)::int as asi
      from months group by gender, ms, md, mo, ma
    ), medians as (
      select gender, grouping(gender) = 1 as total, 'meeting' as what, count(*)::int as n, percentile_cont(0.5) within group (order by meeting - started) as median
        from cyc where started between ${from} and ${to} and meeting is not null group by grouping sets ((gender), ())
      union all
      select gender, grouping(gender) = 1, 'place', count(*)::int, percentile_cont(0.5) within group (order by place_start - decided)
        from cyc where needed and decided between ${from} and ${to} and offered is not null group by grouping sets ((gender), ())
      union all
      select gender, grouping(gender) = 1, 'waiting', count(*)::int, percentile_cont(0.5) within group (order by admitted - offered)
        from cyc where admitted between ${from} and ${to} and offered is not null group by grouping sets ((gender), ())
    )
    select (select coalesce(json_agg(counts), '[]') from counts) as counts, (select coalesce(json_agg(medians), '[]') from medians) as medians`),
    ctx.db.execute(sql`select coalesce(sum(places), 0)::int as places from ward where organisation_id = any(${list(receiving)})`),
    ctx.db.execute(sql`
    select case when substring(x.personnummer from 11 for 1)::int % 2 = 1 then 'MEN' else 'WOMEN' end as gender, count(*)::int as in_use
    from withdrawal_referral x join ward w on w.id = x.place_ward_id
    where w.organisation_id = any(${list(receiving)}) and x.admitted_at is not null
      and ${day('x.admitted_at')} <= ${refDay}::date and (x.completed_at is null or ${day('x.completed_at')} > ${refDay}::date)
    group by 1`),
  ])) as unknown as [Array<{ counts: Row[]; medians: MedianRow[] }>, Array<{ places: number }>, Array<{ gender: string; in_use: number }>];
  const rows: RunRow[] = [];
  for (const x of both!.counts)
    for (const [what, by] of Object.entries(COUNTED_BY)) {
      const n = Number(x[what] ?? 0);
      if (n > 0) rows.push({ gender: x.gender, what, month: x[by] as number, n });
    }
  const runs = runsOf(period.n, rows, Object.keys(COUNTED_BY));
  const medians = both!.medians;
  const places = wards[0]?.places ?? 0;
  const occupied = publish(
    fromRows(inUseRows, 'wards.placesInUse', t`Inpatient places in use`, 'COUNT', (x) => ({ numerator: x.in_use, denominator: null })),
    options,
  );
  const inUse = occupied.numerator ?? inUseRows.reduce((n, x) => n + x.in_use, 0);
  // Places are not people, but free = places − in use would reveal a hidden count of people in use.
  const free = occupied.suppressed
    ? { key: 'wards.placesFree', label: String(t`Inpatient places free`), value: null, numerator: null, denominator: null, suppressed: true, byGender: [] }
    : publishAggregate('wards.placesFree', t`Inpatient places free`, places - inUse, null);

  const c = (key: string, label: Wording, kind: 'COUNT' | 'SHARE', num: keyof typeof COUNTED_BY, den?: keyof typeof COUNTED_BY) =>
    publish(den ? runsShare(key, label, runs[num]!, runs[den]!) : runsFigure(key, label, 'COUNT', runs[num]!), options);
  const m = (what: string, people: keyof typeof COUNTED_BY, key: string, label: Wording) =>
    publish(runsFigure(key, label, 'MEDIAN', runs[people]!, medianValues(medians, what)), options);

  return [
    c('withdrawal.requestsReceived', t`Requests for withdrawal treatment received`, 'COUNT', 'received'),
    c('withdrawal.assessmentWithin14Days', t`Share of requests whose assessment meeting was offered within 14 days`, 'SHARE', 'assess_in_time', 'assess_due'),
    m('meeting', 'meeting_n', 'withdrawal.daysToAssessment', t`Days from request to assessment meeting (median)`),
    c('withdrawal.placeWithin14Days', t`Share of treatment decisions followed by a place within 14 days`, 'SHARE', 'placed_in_time', 'decisions'),
    m('place', 'place_n', 'withdrawal.daysDecisionToPlace', t`Days from decision to place (median)`),
    c('withdrawal.placesLapsed', t`Share of offered places that lapsed (not used within 4 weeks)`, 'SHARE', 'lapsed', 'offers_settled'),
    c('withdrawal.newAssessmentsAfterLapse', t`New assessments booked after a lapse`, 'COUNT', 'new_after_lapse'),
    c('withdrawal.screenedAuditOrDudit', t`Share of new requests screened with AUDIT or DUDIT`, 'SHARE', 'screened', 'received'),
    c('withdrawal.assessedWithAsi', t`Share of new requests assessed with ASI`, 'SHARE', 'asi', 'received'),
    publishAggregate('wards.places', t`Inpatient places for withdrawal treatment`, places, null),
    occupied,
    free,
    m('waiting', 'waiting_n', 'wards.daysWaitingForAdmission', t`Days from place offer to admission (median)`),
  ];
}
