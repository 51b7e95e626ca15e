/**
 * Psychiatry's section of a council's indicators (docs/design/rules.md, quality
 * indicators 1–6 and 13), from the counts of its referrals from the council's
 * municipalities kept on write by month (withdrawal_indicator_month, migration
 * 0014), by legal gender (from the personnummer social services sent), and
 * published through the shared suppression rules.
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
  periodMonths,
  publish,
  publishAggregate,
  runsFigure,
  runsOf,
  runsShare,
  type Gender,
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

/**
 * The counts kept on write (withdrawal_indicator_month.what; migration 0014 defines each), each by the
 * month of the day it goes by: received … asi by the cycle's start, decisions … place_n by the
 * decision, offers_settled and lapsed by the offer, waiting_n by the admission.
 */
const COUNTS = [
  'received',
  'assess_due',
  'assess_in_time',
  'meeting_n',
  'new_after_lapse',
  'screened',
  'asi',
  'decisions',
  'placed_in_time',
  'place_n',
  'offers_settled',
  'lapsed',
  'waiting_n',
] as const;
type Count = (typeof COUNTS)[number];

/**
 * A median's value for everyone and each gender from the counts of each value (`days`) kept on
 * write, as percentile_cont(0.5) gives it: the middle value, or the mean of the two middle ones.
 */
function medianOf(rows: Array<{ gender: string; what: string; days: number | null; n: number }>, what: string): Record<Gender | 'TOTAL', number | null> {
  const of = (keep: (g: string) => boolean) => {
    const values = rows
      .filter((x) => x.what === what && x.days !== null && keep(x.gender))
      .map((x) => [Number(x.days), Number(x.n)] as const)
      .sort((x, y) => x[0] - y[0]);
    const total = values.reduce((sum, [, n]) => sum + n, 0);
    if (total === 0) return null;
    // the value at 0-based position i of the sorted values
    const at = (i: number) => {
      let seen = 0;
      for (const [v, n] of values) if ((seen += n) > i) return v;
      return values[values.length - 1]![0];
    };
    return total % 2 ? at((total - 1) / 2) : (at(total / 2 - 1) + at(total / 2)) / 2;
  };
  return { TOTAL: of(() => true), WOMEN: of((g) => g === 'WOMEN'), MEN: of((g) => g === 'MEN') };
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
  const period = periodMonths(r.from, r.to);
  // Ward capacity now (or at the end of a past period): places, people in them, free places.
  const refDay = r.to < today ? r.to : today;
  // the first instant after the reference day, in Stockholm
  const afterDay = sql`((${refDay}::date + 1)::timestamp at time zone 'Europe/Stockholm')`;
  // Three statements at once (the request's pool has connections to spare). The first reads the counts
  // kept on write (withdrawal_indicator_month, kept by a trigger on withdrawal_referral): at most one row
  // per organisation, month, count, gender, waiting day and median value, by a range scan of its key
  // (organisation, month). A count that waits for a day counts once that day has passed (ready_on < today).
  const [counts, wards, inUseRows] = (await Promise.all([
    ctx.db.execute(sql`
    select gender, what, (extract(year from month)::int * 12 + extract(month from month)::int - 1 - ${period.base}) as month, days, sum(n)::int as n
    from withdrawal_indicator_month
    where referring_organisation_id = any(${list(referring)}) and month >= date_trunc('month', ${from})::date and month <= ${to}
      and ready_on < ${now}
    group by 1, 2, 3, 4
    having sum(n) <> 0`),
    ctx.db.execute(sql`select coalesce(sum(places), 0)::int as places from ward where organisation_id = any(${list(receiving)})`),
    ctx.db.execute(sql`
    select case when substring(x.personnummer from 11 for 1)::int % 2 = 1 then 'MEN' else 'WOMEN' end as gender, count(*)::int as in_use
    from ward w join lateral (
      -- ward by ward, those admitted on or before the day and not discharged by its end: a range on
      -- withdrawal_referral_in_ward_idx (offset 0 keeps the planner from reading every referral instead)
      select x.personnummer from withdrawal_referral x
      where x.place_ward_id = w.id and x.admitted_at is not null
        and coalesce(x.completed_at, 'infinity'::timestamptz) >= ${afterDay} and x.admitted_at < ${afterDay}
      offset 0
    ) x on true
    where w.organisation_id = any(${list(receiving)})
    group by 1`),
  ])) as unknown as [
    Array<{ gender: string; what: string; month: number; days: number | null; n: number }>,
    Array<{ places: number }>,
    Array<{ gender: string; in_use: number }>,
  ];
  const rows: RunRow[] = counts.map((x) => ({ gender: x.gender, what: x.what, month: Number(x.month), n: Number(x.n) }));
  const medians = {
    meeting: medianOf(counts, 'meeting_n'),
    place: medianOf(counts, 'place_n'),
    waiting: medianOf(counts, 'waiting_n'),
  };
  const runs = runsOf(period.n, rows, COUNTS);
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

  const c = (key: string, label: Wording, kind: 'COUNT' | 'SHARE', num: Count, den?: Count) =>
    publish(den ? runsShare(key, label, runs[num]!, runs[den]!) : runsFigure(key, label, 'COUNT', runs[num]!), options);
  const m = (what: keyof typeof medians, people: Count, key: string, label: Wording) =>
    publish(runsFigure(key, label, 'MEDIAN', runs[people]!, medians[what]), options);

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
