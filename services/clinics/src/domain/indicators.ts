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
import { fromRows, publish, type Gender, type Indicator } from '../../../shared/src/indicators.ts';
import { EFFORT_KINDS, TARGET_GROUPS, type EffortKind, type TargetGroup } from '../db/schema.ts';
import type { ClinicsContext } from '../context.ts';
import type { ReportKey } from '../../../shared/src/councils.ts';

/** OPIOID_MAINTENANCE_TREATMENT → opioidMaintenanceTreatment (the keys' spelling). */
export const camel = (name: string) => name.toLowerCase().replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

export const EFFORT_LABELS: Record<EffortKind, string> = {
  OPIOID_MAINTENANCE_TREATMENT: 'People given maintenance treatment for opiate dependence (LARO) in the period',
  INFECTION_TESTING: 'People tested for blood-borne infections (hepatitis, HIV) in the period',
  VACCINATION: 'People vaccinated in the period',
  PSYCHIATRIC_ASSESSMENT: 'People given a psychiatric assessment in the period',
  SOCIAL_SUPPORT: "People given support from the clinic's social services in the period",
  PRIMARY_CARE_VISIT: 'People with a primary-care visit in the period',
};

export const TARGET_GROUP_LABELS: Record<TargetGroup, string> = {
  PREGNANT: 'People enrolled at the end of the period: pregnant women with risky use or misuse',
  PARENT_OF_MINOR: 'People enrolled at the end of the period: parents of minor children',
  YOUNG_PERSON: 'People enrolled at the end of the period: young people',
  HOMELESS: 'People enrolled at the end of the period: homeless people with misuse',
  COMPLEX_NEEDS: 'People enrolled at the end of the period: complex needs over a long time',
  OPIOID_MAINTENANCE: 'People enrolled at the end of the period: maintenance treatment for opiate dependence',
};

/** One row per gender: enrolled_in_period, enrolled_at_end, any_effort, k0… (efforts by kind), g0… (target groups). */
type CountRow = { gender: Gender } & Record<string, number | string | null>;

export async function clinicsSection(ctx: ClinicsContext, r: ReportKey): Promise<Indicator[]> {
  requireCouncilMember(ctx.caller, r.memberOrganisationIds);
  validatePeriod(r.from, r.to);
  const codes = sql`array[${sql.join(
    r.municipalityCodes.map((v) => sql`${v}`),
    sql`, `,
  )}]::text[]`;
  const from = sql`${r.from}::date`;
  const to = sql`${r.to}::date`;

  // Efforts by enrolment and target groups as bit masks (bit i: EFFORT_KINDS[i], TARGET_GROUPS[i]), one
  // row per person over all their enrolments in scope, then counts by gender: every figure counts
  // distinct people, with hash aggregates and no distinct-count per figure.
  const kindList = sql`array[${sql.join(
    EFFORT_KINDS.map((k) => sql`${k}`),
    sql`, `,
  )}]::text[]`;
  const bit = (mask: string, i: number) => sql.raw(`count(*) filter (where (${mask} & ${1 << i}) <> 0)::int`);
  const counted = [
    ...EFFORT_KINDS.map((_, i) => sql`${bit('kinds', i)} as ${sql.raw(`k${i}`)}`),
    ...TARGET_GROUPS.map((_, i) => sql`${bit('groups', i)} as ${sql.raw(`g${i}`)}`),
  ];
  const rows = (await ctx.db.execute(sql`
    with enr as (
      select e.id, e.person_id, e.enrolled_on,
        ${sql.join(
          TARGET_GROUPS.map((g, i) => sql`((${g} = any(e.target_groups))::int << ${sql.raw(String(i))})`),
          sql` | `,
        )} as groups,
        case when substring(e.personnummer from 11 for 1)::int % 2 = 1 then 'MEN' else 'WOMEN' end as gender
      from clinic_enrolment e join clinic c on c.id = e.clinic_id
      where c.municipality_code = any(${codes}) and e.enrolled_on <= ${to}
    ), given as (
      select f.enrolment_id, bit_or(1 << (array_position(${kindList}, f.kind) - 1)) as kinds
      from clinic_effort f
      where f.performed_on between ${from} and ${to} and f.enrolment_id in (select id from enr)
      group by f.enrolment_id
    ), person as (
      select e.gender, bool_or(e.enrolled_on >= ${from}) as enrolled_in_period, bool_or(x.kinds is not null) as any_effort,
        bit_or(coalesce(x.kinds, 0)) as kinds, bit_or(e.groups) as groups
      from enr e left join given x on x.enrolment_id = e.id
      group by e.person_id, e.gender
    )
    select gender, count(*) filter (where enrolled_in_period)::int as enrolled_in_period, count(*)::int as enrolled_at_end,
      count(*) filter (where any_effort)::int as any_effort, ${sql.join(counted, sql`, `)}
    from person group by gender`)) as unknown as CountRow[];
  const figure = (column: string, key: string, label: string) =>
    publish(fromRows(rows, key, label, 'COUNT', (x) => ({ numerator: Number(x[column] ?? 0), denominator: null })));

  return [
    figure('enrolled_in_period', 'clinics.enrolledInPeriod', 'People enrolled at a local integrated clinic in the period'),
    figure('enrolled_at_end', 'clinics.enrolledAtPeriodEnd', 'People enrolled at a local integrated clinic at the end of the period'),
    figure('any_effort', 'clinics.peopleWithAnyEffort', 'People given any effort at a local integrated clinic in the period'),
    ...EFFORT_KINDS.map((k, i) => figure(`k${i}`, `clinics.effort.${camel(k)}`, EFFORT_LABELS[k])),
    ...TARGET_GROUPS.map((g, i) => figure(`g${i}`, `clinics.targetGroup.${camel(g)}`, TARGET_GROUP_LABELS[g])),
  ];
}
