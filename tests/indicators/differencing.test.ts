/**
 * Secondary suppression against differencing (README "Indicators: periods and differencing";
 * services/shared/src/indicators.ts rule 2). Two parts, on this file's own databases:
 *
 * - a sweep: the large seed at a small scale over the calendar year 2027 (every section gets
 *   months of 0 to a dozen people, so the rule has work to do), read through the gateway for
 *   every period a reader may ask for inside that year (each of the 78 runs of whole months:
 *   months, quarters, the year and every other run) and three councils. For every figure that
 *   sums over its period, of every section, and every cell (total, women, men) and count (a
 *   share's numerator, denominator and denominator − numerator; a median's people): no two
 *   published nested figures differ by 1 to 4, and (for counts of events, which add up over
 *   months) no value recovered by taking published disjoint sub-periods from a published
 *   period is 1 to 4. Snapshots (at the period's last day) are checked apart: a period's
 *   snapshot is its last month's.
 * - exact values on a clinics fixture: a period with every month at 0 or 5 and more is published
 *   as it is; a month of 3 hides the two months around it (additive); a quarter whose months are
 *   each 5 or more is hidden when it has 2 people more than one of its months (distinct people).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { gql, hub, subgraphRequest, type As } from '../helpers/hub.ts';
import { personnummer } from '../helpers/people.ts';
import { staff } from '../helpers/probation.ts';
import { count, hidden, INDICATOR_FIELDS, type IndicatorOut } from '../helpers/indicators.ts';
import { lastDayOfMonth } from '../../services/shared/src/councils.ts';
import { seedLarge } from '../../scripts/seed-large.ts';

const member0180: As = { org: 'municipality:0180', roles: ['COUNCIL_MEMBER'] };
const member1980: As = { org: 'municipality:1980', roles: ['COUNCIL_MEMBER'] };
const COUNCILS: Array<[string, As]> = [
  ['council:local-0180', member0180],
  ['council:regional-01', member0180],
  ['council:local-1980', member1980],
];
const SECTIONS = ['municipality', 'psychiatry', 'probation', 'clinics'] as const;
const QUERY = `query($c: ID!, $from: Date!, $to: Date!) { council(id: $c) { indicators(from: $from, to: $to) {
  ${SECTIONS.map((s) => `${s} { ${INDICATOR_FIELDS} }`).join(' ')} } } }`;

/** Figures at the period's last day, not over the period. */
const SNAPSHOT = /^(clinics\.enrolledAtPeriodEnd|clinics\.targetGroup\.|wards\.places|agreements\.)/;
/** Figures about people counted once however many months they count in (not additive over months). */
const DISTINCT_PEOPLE = /^(contractCare\.(peopleWith|evaluationsHeld|daysToReport)|clinics\.)/;

const YEAR = 2027;
const month = (m: number) => `${YEAR}-${String(m + 1).padStart(2, '0')}`;
/** Every run of whole months [a, b] of the year (0 = January). */
const RUNS: Array<[number, number]> = [];
for (let a = 0; a < 12; a++) for (let b = a; b < 12; b++) RUNS.push([a, b]);
const periodOf = ([a, b]: [number, number]) => ({ from: `${month(a)}-01`, to: lastDayOfMonth(`${month(b)}-01`) });

const risky = (x: number) => x >= 1 && x <= 4;

type CellOut = { value: number | null; numerator: number | null; denominator: number | null; suppressed: boolean };
/** The counts a published cell shows (a share's three, a median's people, a count's one). */
function countsOf(cell: CellOut): Record<string, number> {
  if (cell.suppressed) return {};
  if (cell.numerator === null) return { people: cell.denominator! };
  if (cell.denominator === null) return { count: cell.numerator };
  return { numerator: cell.numerator, denominator: cell.denominator, complement: cell.denominator - cell.numerator };
}

async function report(councilId: string, as: As, period: { from: string; to: string }, clock: string): Promise<Record<string, IndicatorOut[]>> {
  const res = await gql(QUERY, { c: councilId, ...period }, { as, clock });
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  return res.data!.council.indicators as Record<string, IndicatorOut[]>;
}

describe('secondary suppression against differencing, every period of a year of seeded data', () => {
  /** published[council|section|key|group|count][run index] = value (absent: suppressed) */
  const published = new Map<string, Map<number, number>>();
  const snapshots = new Map<string, Map<number, string>>();
  let cells = 0;
  let hiddenCells = 0;

  beforeAll(async () => {
    await seedLarge(hub().databaseUrls, { personIdSecret: hub().env.HUB_PERSON_ID_SECRET!, scale: 0.03, until: `${YEAR}-12-31` });
    const clock = `${YEAR + 1}-01-20T12:00:00+01:00`;
    for (const [councilId, as] of COUNCILS)
      for (const [i, run] of RUNS.entries()) {
        const sections = await report(councilId, as, periodOf(run), clock);
        for (const s of SECTIONS)
          for (const figure of sections[s]!) {
            const groups: Array<[string, CellOut]> = [['TOTAL', figure], ...figure.byGender.map((c) => [c.group, c] as [string, CellOut])];
            if (SNAPSHOT.test(figure.key)) {
              const key = `${councilId}|${figure.key}`;
              if (!snapshots.has(key)) snapshots.set(key, new Map());
              snapshots.get(key)!.set(i, JSON.stringify(groups));
              continue;
            }
            // a published total beside exactly one hidden gender would give it away
            if (!figure.suppressed) expect(figure.byGender.filter((c) => c.suppressed).length, `${councilId} ${figure.key} ${i}`).not.toBe(1);
            for (const [group, cell] of groups) {
              cells++;
              if (cell.suppressed) {
                hiddenCells++;
                continue;
              }
              for (const [what, v] of Object.entries(countsOf(cell))) {
                const key = `${councilId}|${s}|${figure.key}|${group}|${what}`;
                if (!published.has(key)) published.set(key, new Map());
                published.get(key)!.set(i, v);
              }
            }
          }
      }
  }, 600_000);

  it('reads every run of months for every council, with both published and suppressed cells', () => {
    expect(RUNS.length).toBe(78);
    expect(cells).toBeGreaterThan(78 * 3 * 40);
    // both kinds, and published periods longer than a month (else this test would prove nothing)
    expect(hiddenCells).toBeGreaterThan(cells / 10);
    expect(hiddenCells).toBeLessThan(cells);
    const longer = [...published.values()].flatMap((m) => [...m.keys()].filter((i) => RUNS[i]![1] > RUNS[i]![0]));
    expect(longer.length).toBeGreaterThan(500);
  });

  it('no two published nested figures differ by 1 to 4', () => {
    const failures: string[] = [];
    let pairs = 0;
    for (const [key, values] of published)
      for (const [i, vP] of values) {
        const [a, b] = RUNS[i]!;
        for (const [j, vS] of values) {
          const [c, d] = RUNS[j]!;
          if (j === i || c < a || d > b) continue;
          pairs++;
          if (risky(Math.abs(vP - vS))) failures.push(`${key}: ${month(a)}..${month(b)} = ${vP}, ${month(c)}..${month(d)} = ${vS}`);
        }
      }
    expect(pairs).toBeGreaterThan(1000);
    expect(failures).toEqual([]);
  });

  it('no count of events recovered by taking published disjoint sub-periods from a published period is 1 to 4', () => {
    const failures: string[] = [];
    let checked = 0;
    for (const [key, values] of published) {
      const figureKey = key.split('|')[2]!;
      if (DISTINCT_PEOPLE.test(figureKey)) continue;
      const byRun = new Map([...values].map(([i, v]) => [RUNS[i]!.join('-'), v]));
      for (const [i, vP] of values) {
        const [a, b] = RUNS[i]!;
        // sums[k]: the sums of published disjoint sub-periods (other than the period itself) within months k..b
        const sums: Array<Set<number>> = [];
        sums[b + 1] = new Set([0]);
        for (let k = b; k >= a; k--) {
          const here = new Set(sums[k + 1]);
          for (let e = k; e <= b; e++) {
            const v = byRun.get(`${k}-${e}`);
            if (v === undefined || (k === a && e === b)) continue;
            for (const x of sums[e + 1]!) here.add(v + x);
          }
          sums[k] = here;
        }
        for (const x of sums[a]!) {
          checked++;
          if (risky(vP - x)) failures.push(`${key}: ${month(a)}..${month(b)} = ${vP}, published sub-periods sum to ${x}`);
        }
      }
    }
    expect(checked).toBeGreaterThan(1000);
    expect(failures).toEqual([]);
  });

  it('answers for the longest period, 36 months (masks of 36 bits), with the seeded year inside it', async () => {
    const sections = await report('council:local-0180', member0180, { from: `${YEAR - 2}-01-01`, to: `${YEAR}-12-31` }, `${YEAR + 1}-01-20T12:00:00+01:00`);
    for (const s of SECTIONS) expect(sections[s]!.length, s).toBeGreaterThan(3);
    // the year's 1 to 4 months are inside it too: whatever is published passes the same pairwise check with the year
    const year = await report('council:local-0180', member0180, periodOf([0, 11]), `${YEAR + 1}-01-20T12:00:00+01:00`);
    for (const s of SECTIONS)
      for (const f of sections[s]!) {
        const y = year[s]!.find((x) => x.key === f.key)!;
        if (SNAPSHOT.test(f.key) || f.suppressed || y.suppressed) continue;
        for (const [what, v] of Object.entries(countsOf(f))) expect(risky(Math.abs(v - countsOf(y)[what]!)), `${f.key} ${what}`).toBe(false);
      }
  });

  it("a snapshot of a period is its last month's, published or hidden alike", () => {
    let compared = 0;
    for (const [key, byRun] of snapshots)
      for (const [i, cellsOfRun] of byRun) {
        const last = RUNS.findIndex(([c, d]) => c === RUNS[i]![1] && d === RUNS[i]![1]);
        compared++;
        expect(cellsOfRun, `${key} ${i}`).toBe(byRun.get(last));
      }
    expect(compared).toBeGreaterThan(78 * 3);
  });
});

describe('secondary suppression against differencing, exact values (clinics)', () => {
  const SODERMALM = 'clinic:0180-sodermalm';
  const clinicStaff = staff(SODERMALM, 'CLINIC_STAFF');
  const day = (date: string) => `${date}T10:00:00Z`;
  const ENTITIES = `query($r: [_Any!]!) { _entities(representations: $r) { ... on IndicatorReport { clinics { ${INDICATOR_FIELDS} } } } }`;

  async function call(query: string, variables: Record<string, unknown>, clock: string) {
    const res = await subgraphRequest('clinics', query, { as: clinicStaff, variables, headers: { 'x-hub-clock': clock } });
    expect(res.body.errors, JSON.stringify(res.body.errors)).toBeUndefined();
    return res.body.data;
  }
  /** Enrols a new woman at Södermalm on `on`, with LARO on each of `laro`. */
  async function enrol(on: string, laro: string[] = []) {
    const { enrolInClinic } = await call(
      'mutation($c: ID!, $p: String!, $g: [TargetGroup!]!) { enrolInClinic(clinicId: $c, personnummer: $p, targetGroups: $g) { id } }',
      { c: SODERMALM, p: personnummer('WOMEN'), g: [] },
      day(on),
    );
    for (const d of laro)
      await call(
        'mutation($id: ID!, $k: ClinicEffortKind!, $on: Date!) { recordClinicEffort(enrolmentId: $id, kind: $k, on: $on) { id } }',
        { id: enrolInClinic.id, k: 'OPIOID_MAINTENANCE_TREATMENT', on: d },
        day(d),
      );
  }
  async function figure(from: string, to: string, key: string) {
    const res = await gql(
      `query($from: Date!, $to: Date!) { council(id: "council:local-0180") { indicators(from: $from, to: $to) { clinics { ${INDICATOR_FIELDS} } } } }`,
      { from, to },
      {
        as: member0180,
        clock: '2099-01-10T12:00:00+01:00',
      },
    );
    expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
    const { label: _label, key: _key, ...rest } = (res.data!.council.indicators.clinics as IndicatorOut[]).find((i) => i.key === key)!;
    return rest;
  }
  const women = (total: ReturnType<typeof count> | typeof hidden, men: ReturnType<typeof count> | typeof hidden = count(0)) => ({
    ...total,
    byGender: [
      { group: 'WOMEN', ...total },
      { group: 'MEN', ...men },
    ],
  });

  beforeAll(async () => {
    // 2093: 5 women enrolled in January, 5 in February, none in March
    for (let i = 0; i < 5; i++) await enrol('2093-01-10');
    for (let i = 0; i < 5; i++) await enrol('2093-02-10');
    // 2094: 3 women enrolled in July, 10 in August
    for (let i = 0; i < 3; i++) await enrol('2094-07-10');
    for (let i = 0; i < 10; i++) await enrol('2094-08-10');
    // 2095 (enrolled in March, before the quarter): 6 women given LARO in April and in May, 2 in April only
    for (let i = 0; i < 6; i++) await enrol('2095-03-10', ['2095-04-05', '2095-05-05']);
    for (let i = 0; i < 2; i++) await enrol('2095-03-10', ['2095-04-06']);
  }, 300_000);

  it('publishes a quarter whose months are 5, 5 and 0 with its exact value (every difference is 0, 5 or 10)', async () => {
    expect(await figure('2093-01-01', '2093-03-31', 'clinics.enrolledInPeriod')).toEqual(women(count(10)));
    expect(await figure('2093-01-01', '2093-02-28', 'clinics.enrolledInPeriod')).toEqual(women(count(10)));
    expect(await figure('2093-02-01', '2093-03-31', 'clinics.enrolledInPeriod')).toEqual(women(count(5)));
    expect(await figure('2093-03-01', '2093-03-31', 'clinics.enrolledInPeriod')).toEqual(women(count(0)));
  });

  it('hides July–August (13) and the quarter (13) when July alone is 3: 13 − 10 would give July', async () => {
    expect(await figure('2094-07-01', '2094-07-31', 'clinics.enrolledInPeriod')).toEqual(women(hidden));
    expect(await figure('2094-08-01', '2094-08-31', 'clinics.enrolledInPeriod')).toEqual(women(count(10)));
    expect(await figure('2094-07-01', '2094-08-31', 'clinics.enrolledInPeriod')).toEqual(women(hidden));
    expect(await figure('2094-07-01', '2094-09-30', 'clinics.enrolledInPeriod')).toEqual(women(hidden));
    // August–September has no month of 1 to 4 in it
    expect(await figure('2094-08-01', '2094-09-30', 'clinics.enrolledInPeriod')).toEqual(women(count(10)));
  });

  it('hides the second quarter (8 people) though April (8) and May (6) are published: 8 − 6 = 2 people given LARO in April only', async () => {
    const key = 'clinics.effort.opioidMaintenanceTreatment';
    expect(await figure('2095-04-01', '2095-04-30', key)).toEqual(women(count(8)));
    expect(await figure('2095-05-01', '2095-05-31', key)).toEqual(women(count(6)));
    expect(await figure('2095-04-01', '2095-05-31', key)).toEqual(women(hidden));
    expect(await figure('2095-04-01', '2095-06-30', key)).toEqual(women(hidden));
    // May–June differs from May by 0 and from June by 6: published
    expect(await figure('2095-05-01', '2095-06-30', key)).toEqual(women(count(6)));
  });

  it('the subgraph gives the same hidden figure when asked directly with the report key', async () => {
    const { reportRepresentation } = await import('../helpers/indicators.ts');
    const r = reportRepresentation({
      councilId: 'council:local-0180',
      from: '2095-04-01',
      to: '2095-06-30',
      municipalityCodes: ['0180'],
      memberOrganisationIds: ['municipality:0180', 'psychiatry:01'],
    });
    const res = await subgraphRequest('clinics', ENTITIES, { as: member0180, variables: { r: [r] }, headers: { 'x-hub-clock': '2099-01-10T12:00:00+01:00' } });
    const got = (res.body.data._entities[0].clinics as IndicatorOut[]).find((i) => i.key === 'clinics.effort.opioidMaintenanceTreatment')!;
    expect(got).toMatchObject(women(hidden));
  });
});
