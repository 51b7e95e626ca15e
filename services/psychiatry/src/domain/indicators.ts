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
import { fromRows, publish, publishAggregate, type Indicator, type RawIndicator } from '../../../shared/src/indicators.ts';
import { stockholmDate } from '../../../shared/src/time.ts';
import type { PsychiatryContext } from '../context.ts';

const list = (values: string[]) =>
  sql`array[${sql.join(
    values.map((v) => sql`${v}`),
    sql`, `,
  )}]::text[]`;
const day = (ts: string) => sql.raw(`(${ts} at time zone 'Europe/Stockholm')::date`);

type Row = { gender: string | null } & Record<string, number | null | string>;

/** A median row per gender and one for everyone (grouping sets), as a raw figure. */
function medianFigure(rows: Array<{ gender: string | null; total: boolean; n: number; median: number | null }>, key: string, label: string): RawIndicator {
  const pick = (r?: { n: number; median: number | null }) => ({
    numerator: r?.n ?? 0,
    denominator: null,
    value: r?.median === null || r?.median === undefined ? null : Number(r.median),
  });
  return {
    key,
    label,
    kind: 'MEDIAN',
    total: pick(rows.find((r) => r.total)),
    byGender: { WOMEN: pick(rows.find((r) => !r.total && r.gender === 'WOMEN')), MEN: pick(rows.find((r) => !r.total && r.gender === 'MEN')) },
  };
}

export async function psychiatrySection(ctx: PsychiatryContext, r: ReportKey): Promise<Indicator[]> {
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

  // Every assessment cycle of every referral from the council's municipalities.
  const cycles = sql`
    with ref as (
      -- only the columns the figures use: the CTE is materialised, and whole rows (texts, names) would spill to disk
      select r.cycle, r.cycle_started_at, r.assessment_due_by, r.assessment_meeting_at, r.assessment_deadline_missed,
        r.decision_needed, r.decided_at, r.place_offered_at, r.place_due_by, r.place_start_date, r.place_lapses_on, r.admitted_at, r.earlier_cycles,
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
        (c->'placeOffer'->>'dueBy')::date, (c->'placeOffer'->>'startDate')::date, (c->'placeOffer'->>'lapsesOn')::date, null::date, true
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
    ctx.db.execute(sql`${cycles}, counts as (
      select gender,
        count(*) filter (where n = 1 and started between ${from} and ${to})::int as received,
        count(*) filter (where started between ${from} and ${to} and (meeting is not null or due < ${now}))::int as assess_due,
        count(*) filter (where started between ${from} and ${to} and meeting is not null and not missed)::int as assess_in_time,
        count(*) filter (where needed and decided between ${from} and ${to} and (offered is not null or decided + 14 < ${now}))::int as decisions,
        count(*) filter (where needed and decided between ${from} and ${to} and offered is not null and place_start <= place_due)::int as placed_in_time,
        count(*) filter (where offered between ${from} and ${to} and (admitted is not null or closed_lapsed or lapses_on < ${now}))::int as offers_settled,
        count(*) filter (where offered between ${from} and ${to} and admitted is null and (closed_lapsed or lapses_on < ${now}))::int as lapsed,
        count(*) filter (where n > 1 and started between ${from} and ${to})::int as new_after_lapse,
        count(*) filter (where n = 1 and started between ${from} and ${to} and screened)::int as screened,
        count(*) filter (where n = 1 and started between ${from} and ${to} and asi)::int as asi
      from cyc group by gender
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
  const counts = both!.counts;
  const medians = both!.medians;
  const places = wards[0]?.places ?? 0;
  const occupied = publish(fromRows(inUseRows, 'wards.placesInUse', 'Inpatient places in use', 'COUNT', (x) => ({ numerator: x.in_use, denominator: null })));
  const inUse = occupied.numerator ?? inUseRows.reduce((n, x) => n + x.in_use, 0);
  // Places are not people, but free = places − in use would reveal a hidden count of people in use.
  const free = occupied.suppressed
    ? { key: 'wards.placesFree', label: 'Inpatient places free', value: null, numerator: null, denominator: null, suppressed: true, byGender: [] }
    : publishAggregate('wards.placesFree', 'Inpatient places free', places - inUse, null);

  const c = (key: string, label: string, kind: 'COUNT' | 'SHARE', num: string, den?: string) =>
    publish(fromRows(counts, key, label, kind, (x) => ({ numerator: Number(x[num] ?? 0), denominator: den ? Number(x[den] ?? 0) : null })));
  const m = (what: string, key: string, label: string) =>
    publish(
      medianFigure(
        medians.filter((x) => x.what === what),
        key,
        label,
      ),
    );

  return [
    c('withdrawal.requestsReceived', 'Requests for withdrawal treatment received', 'COUNT', 'received'),
    c('withdrawal.assessmentWithin14Days', 'Share of requests whose assessment meeting was offered within 14 days', 'SHARE', 'assess_in_time', 'assess_due'),
    m('meeting', 'withdrawal.daysToAssessment', 'Days from request to assessment meeting (median)'),
    c('withdrawal.placeWithin14Days', 'Share of treatment decisions followed by a place within 14 days', 'SHARE', 'placed_in_time', 'decisions'),
    m('place', 'withdrawal.daysDecisionToPlace', 'Days from decision to place (median)'),
    c('withdrawal.placesLapsed', 'Share of offered places that lapsed (not used within 4 weeks)', 'SHARE', 'lapsed', 'offers_settled'),
    c('withdrawal.newAssessmentsAfterLapse', 'New assessments booked after a lapse', 'COUNT', 'new_after_lapse'),
    c('withdrawal.screenedAuditOrDudit', 'Share of new requests screened with AUDIT or DUDIT', 'SHARE', 'screened', 'received'),
    c('withdrawal.assessedWithAsi', 'Share of new requests assessed with ASI', 'SHARE', 'asi', 'received'),
    publishAggregate('wards.places', 'Inpatient places for withdrawal treatment', places, null),
    occupied,
    free,
    m('waiting', 'wards.daysWaitingForAdmission', 'Days from place offer to admission (median)'),
  ];
}
