/**
 * The local integrated clinics' section of a council's indicators (docs/design/rules.md,
 * quality indicator 11), computed in SQL over the enrolments at the clinics
 * whose municipality is one of the council's, by legal gender (from the
 * personnummer the clinic holds), and published through the shared
 * suppression rules. Every figure counts people (distinct persons: someone
 * enrolled at two of the council's clinics counts once):
 *
 * - clinics.enrolledInPeriod: people enrolled on a day of the period;
 * - clinics.enrolledAtPeriodEnd: people enrolled on or before its last day
 *   (an enrolment has no end date in the clinics' records, so everyone
 *   enrolled by then still is);
 * - clinics.peopleWithAnyEffort: people given at least one effort in the period;
 * - clinics.effort.<kind>: people given at least one effort of that kind in
 *   the period, one figure per ClinicEffortKind;
 * - clinics.targetGroup.<group>: people enrolled at the period's end who
 *   belong to the target group (as recorded at enrolment), one figure per
 *   TargetGroup.
 */
import { sql } from 'drizzle-orm';
import { requireCouncilMember, validatePeriod } from '../../../shared/src/councils.ts';
import {
  fromRows,
  monthStarts,
  periodMonths,
  publish,
  runsFigure,
  runsOf,
  type Gender,
  type Indicator,
  type PublishOptions,
  type RunRow,
} from '../../../shared/src/indicators.ts';
import { EFFORT_KINDS, TARGET_GROUPS, type EffortKind, type TargetGroup } from '../db/schema.ts';
import type { ClinicsContext } from '../context.ts';
import type { ReportKey } from '../../../shared/src/councils.ts';
import { t, type Msg, type Wording } from '../../../shared/src/i18n.ts';

/** OPIOID_MAINTENANCE_TREATMENT → opioidMaintenanceTreatment (the keys' spelling). */
export const camel = (name: string) => name.toLowerCase().replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

export const EFFORT_LABELS: Record<EffortKind, Msg> = {
  OPIOID_MAINTENANCE_TREATMENT: t`People given maintenance treatment for opiate dependence (LARO) in the period`,
  INFECTION_TESTING: t`People tested for blood-borne infections (hepatitis, HIV) in the period`,
  VACCINATION: t`People vaccinated in the period`,
  PSYCHIATRIC_ASSESSMENT: t`People given a psychiatric assessment in the period`,
  SOCIAL_SUPPORT: t`People given support from the clinic's social services in the period`,
  PRIMARY_CARE_VISIT: t`People with a primary-care visit in the period`,
};

export const TARGET_GROUP_LABELS: Record<TargetGroup, Msg> = {
  PREGNANT: t`People enrolled at the end of the period: pregnant women with risky use or misuse`,
  PARENT_OF_MINOR: t`People enrolled at the end of the period: parents of minor children`,
  YOUNG_PERSON: t`People enrolled at the end of the period: young people`,
  HOMELESS: t`People enrolled at the end of the period: homeless people with misuse`,
  COMPLEX_NEEDS: t`People enrolled at the end of the period: complex needs over a long time`,
  OPIOID_MAINTENANCE: t`People enrolled at the end of the period: maintenance treatment for opiate dependence`,
};

/** One row per gender: enrolled_at_end, g0… (target groups), the snapshots at the period's end. */
type CountRow = { gender: Gender } & Record<string, number | string | null>;

export async function clinicsSection(ctx: ClinicsContext, r: ReportKey, options: PublishOptions = {}): Promise<Indicator[]> {
  requireCouncilMember(ctx.caller, r.memberOrganisationIds);
  validatePeriod(r.from, r.to);
  const codes = sql`array[${sql.join(
    r.municipalityCodes.map((v) => sql`${v}`),
    sql`, `,
  )}]::text[]`;
  const from = sql`${r.from}::date`;
  const to = sql`${r.to}::date`;

  const period = periodMonths(r.from, r.to);
  /** A day's month in the period (0 = its first month), as a bit of a mask of months. */
  // a binary search among the months' first days, cheaper than extracting year and month of every row
  const starts = sql`array[${sql.join(
    monthStarts(r.from, period.n).map((d) => sql`${d}`),
    sql`, `,
  )}]::date[]`;
  const bitOf = (d: string) => sql`(1::bigint << (width_bucket(${sql.raw(d)}, ${starts}) - 1))`;

  // Target groups as a bit mask (bit i: TARGET_GROUPS[i]), one row per person over all their enrolments in
  // scope, counted by gender for the figures at the period's end (snapshots). The figures over the period
  // count distinct people over every sub-period of it at once: each person's months (a bit mask of months,
  // bit i for month i) of enrolment, of any effort and of each kind of effort, counted by gender and mask.
  const counted = TARGET_GROUPS.map((_, i) => sql.raw(`count(*) filter (where (groups & ${1 << i}) <> 0)::int as g${i}`));
  const [result] = (await ctx.db.execute(sql`
    with enr as (
      select e.id, e.person_id, e.enrolled_on,
        ${sql.join(
          TARGET_GROUPS.map((g, i) => sql`((${g} = any(e.target_groups))::int << ${sql.raw(String(i))})`),
          sql` | `,
        )} as groups,
        case when substring(e.personnummer from 11 for 1)::int % 2 = 1 then 'MEN' else 'WOMEN' end as gender
      from clinic_enrolment e join clinic c on c.id = e.clinic_id
      where c.municipality_code = any(${codes}) and e.enrolled_on <= ${to}
    ), by_enrolment as (
      -- each enrolment's months of each kind of effort (bit masks, one column a kind), from the efforts alone
      select f.enrolment_id, ${sql.join(
        EFFORT_KINDS.map((k, i) => sql`bit_or(f.bit) filter (where f.kind = ${k}) as ${sql.raw(`k${i}`)}`),
        sql`, `,
      )}, bit_or(f.bit) as any_kind
      from (
        select enrolment_id, kind, ${bitOf('performed_on')} as bit from clinic_effort
        where performed_on between ${from} and ${to}
      ) f
      group by f.enrolment_id
    ), person as (
      -- one row per person over all their enrolments in scope: one aggregate, with no sort by person per figure
      select e.gender, bit_or(case when e.enrolled_on >= ${from} then ${bitOf('e.enrolled_on')} else 0::bigint end) as enrolled,
        bit_or(e.groups) as groups, bit_or(x.any_kind) as any_kind, ${sql.join(
          EFFORT_KINDS.map((_, i) => sql.raw(`bit_or(x.k${i}) as k${i}`)),
          sql`, `,
        )}
      from enr e left join by_enrolment x on x.enrolment_id = e.id
      group by e.person_id, e.gender
    ), masks as (
      select gender, v.what, v.mask, count(*)::int as n
      from person, lateral (values ('enrolled', enrolled), ('any', any_kind), ${sql.join(
        EFFORT_KINDS.map((k, i) => sql`(${k}, ${sql.raw(`k${i}`)})`),
        sql`, `,
      )}) v(what, mask)
      where v.mask <> 0
      group by gender, v.what, v.mask
    ), snapshot as (
      select gender, count(*)::int as enrolled_at_end, ${sql.join(counted, sql`, `)} from person group by gender
    )
    select (select coalesce(json_agg(snapshot), '[]') from snapshot) as snapshot, (select coalesce(json_agg(masks), '[]') from masks) as masks`)) as unknown as Array<{
    snapshot: CountRow[];
    masks: RunRow[];
  }>;
  const rows = result!.snapshot;
  const runs = runsOf(period.n, result!.masks, ['enrolled', 'any', ...EFFORT_KINDS]);
  const figure = (column: string, key: string, label: Wording) =>
    publish(
      fromRows(rows, key, label, 'COUNT', (x) => ({ numerator: Number(x[column] ?? 0), denominator: null })),
      options,
    );
  const overPeriod = (what: string, key: string, label: Wording) => publish(runsFigure(key, label, 'COUNT', runs[what]!), options);

  return [
    overPeriod('enrolled', 'clinics.enrolledInPeriod', t`People enrolled at a local integrated clinic in the period`),
    figure('enrolled_at_end', 'clinics.enrolledAtPeriodEnd', t`People enrolled at a local integrated clinic at the end of the period`),
    overPeriod('any', 'clinics.peopleWithAnyEffort', t`People given any effort at a local integrated clinic in the period`),
    ...EFFORT_KINDS.map((k) => overPeriod(k, `clinics.effort.${camel(k)}`, EFFORT_LABELS[k])),
    ...TARGET_GROUPS.map((g, i) => figure(`g${i}`, `clinics.targetGroup.${camel(g)}`, TARGET_GROUP_LABELS[g])),
  ];
}
