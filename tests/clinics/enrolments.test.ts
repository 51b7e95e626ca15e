/**
 * Local integrated clinics through the gateway: the clinic list; enrolling a
 * person at one's own clinic and each validation rule; a second enrolment is
 * a CONFLICT; who sees an enrolment by every path (a table of role ×
 * organisation × path × expected); the clinic's efforts; the audit trail;
 * and batching (50 enrolments with efforts cost what 5 cost).
 */
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { beforeAll, describe, expect, it } from 'vitest';
import { gql, hub, type As } from '../helpers/hub.ts';
import { accessMatrix, expectUnknownIdsAbsent, personRecordOutcomes, personRecordPaths, rowsByCaller } from '../helpers/access-matrix.ts';
import { dropDatabase, ensureDatabase, migrateDatabase, withDatabase } from '../../services/shared/src/db.ts';
import { verifyAuditSeals } from '../../services/shared/src/audit-seal.ts';
import { pseudonymFor } from '../../services/shared/src/person-id.ts';
import { clinics } from '../../services/clinics/src/server.ts';
import { seedDemo } from '../../services/clinics/src/demo.ts';
import { demoNumber, DEMO_ORDERS } from '../../services/probation/src/demo.ts';
import { personnummer } from '../helpers/people.ts';
import { auditOfUser, fromToday, ok, refused, staff, withSql } from '../helpers/probation.ts';
import { withAuditKey } from '../../services/shared/src/audit.ts';

const SODERMALM = 'clinic:0180-sodermalm';
const KISTA = 'clinic:0180-kista';
const FIND = 'query($n: String!) { findPerson(personnummer: $n) { id } }';
const ENROLMENT_FIELDS =
  'id enrolledOn targetGroups personnummer person { id } clinic { id name municipalityCode } efforts { id kind on recordedAt recordedBy }';
const ENROL = `mutation($c: ID!, $p: String!, $g: [TargetGroup!]!) { enrolInClinic(clinicId: $c, personnummer: $p, targetGroups: $g) { ${ENROLMENT_FIELDS} } }`;
const EFFORT =
  'mutation($e: ID!, $k: ClinicEffortKind!, $on: Date!) { recordClinicEffort(enrolmentId: $e, kind: $k, on: $on) { id kind on recordedAt recordedBy } }';
const GET = `query($id: ID!) { clinicEnrolment(id: $id) { ${ENROLMENT_FIELDS} } }`;

async function enrol(as: As, clinicId: string, groups: string[] = ['HOMELESS'], pnr = personnummer(), clock?: string) {
  const enrolment = ok(await gql(ENROL, { c: clinicId, p: pnr, g: groups }, { as, ...(clock ? { clock } : {}) })).enrolInClinic as Record<string, any>;
  return { pnr, enrolment };
}

async function storedEnrolmentsFor(pnr: string): Promise<number> {
  const rows = await withSql('clinics', (sql) => sql`select count(*)::int as n from clinic_enrolment where personnummer = ${pnr.replace(/\D/g, '')}`);
  return rows[0]!.n as number;
}

describe('the clinics', () => {
  it.each<[string, As]>([
    ['clinic staff', staff(SODERMALM, 'CLINIC_STAFF')],
    ['a caseworker', staff('municipality:1980', 'CASEWORKER')],
    ['a probation officer', staff('probation:stockholm', 'PROBATION_OFFICER')],
    ['a council member', staff('municipality:0180', 'COUNCIL_MEMBER')],
    ['a log reviewer', staff('psychiatry:19', 'LOG_REVIEWER')],
  ])('are listed for %s, from the seeded clinic table', async (_label, caller) => {
    expect(ok(await gql('{ clinics { id name municipalityCode } }', {}, { as: caller })).clinics).toEqual([
      { id: KISTA, name: 'Lokal integrerad mottagning Kista', municipalityCode: '0180' },
      { id: SODERMALM, name: 'Lokal integrerad mottagning Södermalm', municipalityCode: '0180' },
    ]);
  });
});

describe('enrolling', () => {
  it('clinic staff enrol a person at their own clinic, enrolled on the Stockholm date of the request', async () => {
    const me = staff(SODERMALM, 'NURSE', 'Nina Sköterska');
    const pnr = personnummer('WOMEN');
    // 23:30 UTC on 2 March is 00:30 on 3 March in Stockholm
    const { enrolment } = await enrol(me, SODERMALM, ['PREGNANT', 'COMPLEX_NEEDS'], pnr, '2026-03-02T23:30:00Z');
    const personId = ok(await gql(FIND, { n: pnr }, { as: me })).findPerson.id;
    expect(enrolment).toEqual({
      id: expect.any(String),
      enrolledOn: '2026-03-03',
      targetGroups: ['PREGNANT', 'COMPLEX_NEEDS'],
      personnummer: pnr,
      person: { id: personId },
      clinic: { id: SODERMALM, name: 'Lokal integrerad mottagning Södermalm', municipalityCode: '0180' },
      efforts: [],
    });
    const rows = await withSql(
      'clinics',
      (sql) => sql`select clinic_id, person_id, personnummer, target_groups, enrolled_by from clinic_enrolment where id = ${enrolment.id}`,
    );
    expect(rows).toEqual([
      { clinic_id: SODERMALM, person_id: personId, personnummer: pnr.replace('-', ''), target_groups: ['PREGNANT', 'COMPLEX_NEEDS'], enrolled_by: me.sub },
    ]);
  });

  it('accepts no target group, a samordningsnummer and a 10-digit number (stored normalised)', async () => {
    const pnr = personnummer('MEN', { samordning: true });
    const { enrolment } = await enrol(staff(KISTA, 'CLINIC_STAFF'), KISTA, [], pnr.slice(2));
    expect(enrolment).toMatchObject({ targetGroups: [], personnummer: pnr });
  });

  it.each<[string, As, string, string[], string, string | undefined, RegExp]>([
    ['an unknown clinic', staff(SODERMALM, 'CLINIC_STAFF'), 'clinic:0180-nowhere', ['HOMELESS'], 'BAD_USER_INPUT', 'clinicId', /not a local integrated clinic/],
    ['a wrong check digit', staff(SODERMALM, 'CLINIC_STAFF'), SODERMALM, ['HOMELESS'], 'BAD_USER_INPUT', 'personnummer', /check digit/],
    [
      'a target group named twice',
      staff(SODERMALM, 'CLINIC_STAFF'),
      SODERMALM,
      ['HOMELESS', 'YOUNG_PERSON', 'HOMELESS'],
      'BAD_USER_INPUT',
      'targetGroups',
      /HOMELESS is named twice/,
    ],
    [
      'staff of another clinic',
      staff(KISTA, 'CLINIC_STAFF'),
      SODERMALM,
      ['HOMELESS'],
      'FORBIDDEN',
      undefined,
      /Only the staff of Lokal integrerad mottagning Södermalm/,
    ],
    ['a nurse of another clinic', staff(KISTA, 'NURSE'), SODERMALM, ['HOMELESS'], 'FORBIDDEN', undefined, /Only the staff of/],
    ['a psychiatry physician', staff('psychiatry:01', 'PHYSICIAN'), SODERMALM, ['HOMELESS'], 'FORBIDDEN', undefined, /Only the staff of/],
    ['a caseworker', staff('municipality:0180', 'CASEWORKER'), SODERMALM, ['HOMELESS'], 'FORBIDDEN', undefined, /does not allow you to enrol a person/],
    ['a probation officer', staff('probation:stockholm', 'PROBATION_OFFICER'), SODERMALM, ['HOMELESS'], 'FORBIDDEN', undefined, /does not allow you/],
    ['a log reviewer of the clinic', staff(SODERMALM, 'LOG_REVIEWER'), SODERMALM, ['HOMELESS'], 'FORBIDDEN', undefined, /does not allow you/],
  ])('refuses %s (stores nothing)', async (label, caller, clinicId, groups, code, field, message) => {
    const pnr = label === 'a wrong check digit' ? '19800101-0000' : personnummer();
    const res = await gql(ENROL, { c: clinicId, p: pnr, g: groups }, { as: caller });
    expect(refused(res, code, field).message).toMatch(message);
    expect(res.data).toBeNull();
    expect(await storedEnrolmentsFor(pnr)).toBe(0);
  });

  it('a person already enrolled at the clinic is a CONFLICT naming the enrolment; another clinic may enrol them too', async () => {
    const pnr = personnummer();
    const { enrolment } = await enrol(staff(SODERMALM, 'CLINIC_STAFF'), SODERMALM, ['HOMELESS'], pnr, '2026-02-10T10:00:00+01:00');
    const again = await gql(ENROL, { c: SODERMALM, p: pnr.replace('-', ''), g: ['YOUNG_PERSON'] }, { as: staff(SODERMALM, 'NURSE') });
    const e = refused(again, 'CONFLICT');
    expect(e.message).toMatch(/already enrolled at Lokal integrerad mottagning Södermalm \(since 2026-02-10\)/);
    expect(e.extensions?.enrolmentId).toBe(enrolment.id);
    const elsewhere = await enrol(staff(KISTA, 'CLINIC_STAFF'), KISTA, ['YOUNG_PERSON'], pnr);
    expect(elsewhere.enrolment.id).not.toBe(enrolment.id);
    expect(await storedEnrolmentsFor(pnr)).toBe(2);
  });

  it('two simultaneous enrolments of one person at one clinic: exactly one wins, the other is a CONFLICT', async () => {
    const pnr = personnummer();
    const results = await Promise.all([0, 1, 2].map(() => gql(ENROL, { c: KISTA, p: pnr, g: ['HOMELESS'] }, { as: staff(KISTA, 'CLINIC_STAFF') })));
    expect(results.filter((r) => !r.errors).length).toBe(1);
    expect(results.flatMap((r) => r.errors ?? []).map((e) => e.extensions?.code)).toEqual(['CONFLICT', 'CONFLICT']);
    expect(await storedEnrolmentsFor(pnr)).toBe(1);
  });
});

// ------------------------------------------------------------------ who sees an enrolment

describe('who sees an enrolment, by every path', () => {
  const enroller = staff(SODERMALM, 'CLINIC_STAFF');
  let enrolmentId = '';
  let personId = '';
  let pnr = '';

  beforeAll(async () => {
    const made = await enrol(enroller, SODERMALM, ['OPIOID_MAINTENANCE', 'HOMELESS']);
    enrolmentId = made.enrolment.id;
    personId = made.enrolment.person.id;
    pnr = made.pnr;
    ok(await gql(EFFORT, { e: enrolmentId, k: 'OPIOID_MAINTENANCE_TREATMENT', on: fromToday(0) }, { as: enroller }));
  });

  const PATHS = personRecordPaths({
    single: 'clinicEnrolment',
    list: 'clinicEnrolments',
    typename: 'ClinicEnrolment',
    subgraph: 'clinics',
    fields: 'id targetGroups personnummer clinic { id } efforts { kind }',
    target: () => ({ id: enrolmentId, personId, personnummer: pnr }),
  });
  const { sees, hidden, hiddenNoList, hiddenNoSearch } = personRecordOutcomes(PATHS, 'clinicEnrolments');

  accessMatrix(
    rowsByCaller([
      ['the enrolling clinic staff (Södermalm)', enroller, sees],
      ['a nurse of the same clinic', staff(SODERMALM, 'NURSE'), sees],
      ['a physician of the same clinic', staff(SODERMALM, 'PHYSICIAN'), sees],
      ['clinic staff of another clinic (Kista)', staff(KISTA, 'CLINIC_STAFF'), hidden],
      ['a nurse of another clinic', staff(KISTA, 'NURSE'), hidden],
      ['a psychiatry physician of the region', staff('psychiatry:01', 'PHYSICIAN'), hiddenNoList],
      ['a psychiatry coordinator of the region', staff('psychiatry:01', 'COORDINATOR'), hiddenNoList],
      ["a caseworker of the clinic's municipality", staff('municipality:0180', 'CASEWORKER'), hiddenNoList],
      ['a probation officer of the region', staff('probation:stockholm', 'PROBATION_OFFICER'), hiddenNoList],
      ['a council member of the municipality', staff('municipality:0180', 'COUNCIL_MEMBER'), hiddenNoSearch],
      ['a log reviewer of the clinic', staff(SODERMALM, 'LOG_REVIEWER'), hiddenNoList],
    ]),
    {
      paths: PATHS,
      record: () => ({
        id: enrolmentId,
        targetGroups: ['OPIOID_MAINTENANCE', 'HOMELESS'],
        personnummer: pnr,
        clinic: { id: SODERMALM },
        efforts: [{ kind: 'OPIOID_MAINTENANCE_TREATMENT' }],
      }),
      secrets: () => [enrolmentId, pnr],
    },
  );

  it('a person enrolled at both clinics: each clinic sees only its own enrolment on the person', async () => {
    // a person of this test's own: the table above expects the table's person to be enrolled at Södermalm only
    const { pnr: both, enrolment: atSodermalm } = await enrol(enroller, SODERMALM, ['HOMELESS']);
    const other = await enrol(staff(KISTA, 'CLINIC_STAFF'), KISTA, ['YOUNG_PERSON'], both);
    const Q = 'query($p: ID!) { person(id: $p) { clinicEnrolments { id clinic { id } } } }';
    const p = atSodermalm.person.id;
    expect(ok(await gql(Q, { p }, { as: staff(KISTA, 'NURSE') })).person.clinicEnrolments).toEqual([{ id: other.enrolment.id, clinic: { id: KISTA } }]);
    expect(ok(await gql(Q, { p }, { as: staff(SODERMALM, 'NURSE') })).person.clinicEnrolments).toEqual([{ id: atSodermalm.id, clinic: { id: SODERMALM } }]);
  });

  it('an unknown or malformed id is simply absent', () => expectUnknownIdsAbsent('clinicEnrolment', "x' or 1=1", enroller));
});

// ------------------------------------------------------------------ efforts

describe('efforts', () => {
  const nurse = staff(KISTA, 'NURSE', 'Nils Sköterska');
  let enrolmentId = '';

  beforeAll(async () => {
    enrolmentId = (await enrol(nurse, KISTA, ['OPIOID_MAINTENANCE'], personnummer(), '2026-04-01T09:00:00+02:00')).enrolment.id;
  });

  it('the clinic records efforts by kind; its staff see them newest first', async () => {
    const clock = '2026-04-20T10:00:00+02:00';
    const testing = ok(await gql(EFFORT, { e: enrolmentId, k: 'INFECTION_TESTING', on: '2026-04-01' }, { as: nurse, clock })).recordClinicEffort;
    expect(testing).toEqual({
      id: expect.any(String),
      kind: 'INFECTION_TESTING',
      on: '2026-04-01',
      recordedAt: '2026-04-20T10:00:00.000+02:00',
      recordedBy: 'Nils Sköterska',
    });
    ok(await gql(EFFORT, { e: enrolmentId, k: 'OPIOID_MAINTENANCE_TREATMENT', on: '2026-04-15' }, { as: staff(KISTA, 'PHYSICIAN'), clock }));
    ok(await gql(EFFORT, { e: enrolmentId, k: 'VACCINATION', on: '2026-04-08' }, { as: staff(KISTA, 'CLINIC_STAFF'), clock }));
    const seen = ok(await gql(GET, { id: enrolmentId }, { as: staff(KISTA, 'CLINIC_STAFF') })).clinicEnrolment;
    expect(seen.efforts.map((e: { kind: string; on: string }) => [e.kind, e.on])).toEqual([
      ['OPIOID_MAINTENANCE_TREATMENT', '2026-04-15'],
      ['VACCINATION', '2026-04-08'],
      ['INFECTION_TESTING', '2026-04-01'],
    ]);
  });

  it.each<[string, As, string, string, string | undefined, RegExp]>([
    ['on a day in the future', nurse, '2026-04-21', 'BAD_USER_INPUT', 'on', /cannot be in the future/],
    ['before the enrolment', nurse, '2026-03-31', 'BAD_USER_INPUT', 'on', /before the enrolment \(2026-04-01\)/],
    ['by staff of another clinic', staff(SODERMALM, 'CLINIC_STAFF'), '2026-04-10', 'NOT_FOUND', undefined, /no clinic enrolment .* that you can see/],
    ['by a caseworker', staff('municipality:0180', 'CASEWORKER'), '2026-04-10', 'FORBIDDEN', undefined, /does not allow you to record an effort/],
    ['by a probation officer', staff('probation:stockholm', 'PROBATION_OFFICER'), '2026-04-10', 'FORBIDDEN', undefined, /does not allow you/],
  ])('refuses an effort %s', async (_label, caller, on, code, field, message) => {
    const res = await gql(EFFORT, { e: enrolmentId, k: 'SOCIAL_SUPPORT', on }, { as: caller, clock: '2026-04-20T10:00:00+02:00' });
    expect(refused(res, code, field).message).toMatch(message);
    const rows = await withSql(
      'clinics',
      (sql) => sql`select count(*)::int as n from clinic_effort where enrolment_id = ${enrolmentId} and kind = 'SOCIAL_SUPPORT'`,
    );
    expect(rows[0]!.n).toBe(0);
  });
});

// ------------------------------------------------------------------ audit

describe('audit', () => {
  it('enrolment, reads and efforts write events with the basis "own clinic" and the person; outsiders leave none', async () => {
    const me = staff(SODERMALM, 'PHYSICIAN');
    const outsider = staff(KISTA, 'CLINIC_STAFF');
    const { enrolment } = await enrol(me, SODERMALM, ['COMPLEX_NEEDS']);
    const personId = enrolment.person.id;
    ok(await gql(EFFORT, { e: enrolment.id, k: 'PSYCHIATRIC_ASSESSMENT', on: fromToday(0) }, { as: me }));
    ok(await gql(GET, { id: enrolment.id }, { as: me }));
    expect(ok(await gql(GET, { id: enrolment.id }, { as: outsider })).clinicEnrolment).toBeNull();
    const mine = await auditOfUser('clinics', me.sub!);
    expect(mine.map((e) => [e.action, e.entity, e.basis, e.person_id, e.organisation_id])).toEqual([
      ['CREATE', 'ClinicEnrolment', 'own clinic', personId, SODERMALM],
      ['CREATE', 'ClinicEffort', 'own clinic', personId, SODERMALM],
      ['READ', 'ClinicEnrolment', 'own clinic', personId, SODERMALM],
    ]);
    expect(mine[2]).toMatchObject({ entity_id: enrolment.id });
    expect(mine[2]!.fields).toEqual(expect.arrayContaining(['personnummer', 'efforts', 'targetGroups']));
    expect(await auditOfUser('clinics', outsider.sub!)).toEqual([]);
  });
});

// ------------------------------------------------------------------ lists and batching

describe('the list of enrolments', () => {
  const LIST =
    'query($first: Int, $after: String, $p: ID) { clinicEnrolments(first: $first, after: $after, personId: $p) { totalCount pageInfo { endCursor hasNextPage } nodes { id clinic { id } } } }';

  it.each<[string, Record<string, unknown>, string, RegExp]>([
    ['first: 0', { first: 0 }, 'first', /1 to 100/],
    ['first: 101', { first: 101 }, 'first', /1 to 100/],
    ['a cursor the hub never gave', { after: 'bm9wZQ' }, 'after', /not one the hub gave out/],
  ])('refuses %s (BAD_USER_INPUT)', async (_label, vars, field, message) => {
    expect(refused(await gql(LIST, vars, { as: staff(KISTA, 'NURSE') }), 'BAD_USER_INPUT', field).message).toMatch(message);
  });

  it("pages by cursor, newest first, and holds only the own clinic's enrolments", async () => {
    const me = staff(SODERMALM, 'CLINIC_STAFF');
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await enrol(me, SODERMALM)).enrolment.id);
    const first = ok(await gql(LIST, { first: 2 }, { as: me })).clinicEnrolments;
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = ok(await gql(LIST, { first: 100, after: first.pageInfo.endCursor }, { as: me })).clinicEnrolments;
    const all = [...first.nodes, ...second.nodes];
    expect(new Set(all.map((n: { clinic: { id: string } }) => n.clinic.id))).toEqual(new Set([SODERMALM]));
    const seen = all.map((n: { id: string }) => n.id);
    // newest first: this test's three appear in reverse order of enrolment, and no node repeats across pages
    expect(seen.filter((id: string) => ids.includes(id))).toEqual([...ids].reverse());
    expect(new Set(seen).size).toBe(seen.length);
  });
});

describe('batching', () => {
  const me = staff(KISTA, 'CLINIC_STAFF');
  const LIST = `query($first: Int) { clinicEnrolments(first: $first) { totalCount nodes {
    id enrolledOn targetGroups personnummer person { id clinicEnrolments { id } } clinic { id name municipalityCode }
    efforts { id kind on recordedBy } } } }`;

  beforeAll(async () => {
    for (let start = 0; start < 55; start += 11) {
      await Promise.all(
        Array.from({ length: 11 }, async () => {
          const { enrolment } = await enrol(me, KISTA, ['HOMELESS', 'OPIOID_MAINTENANCE']);
          ok(await gql(EFFORT, { e: enrolment.id, k: 'INFECTION_TESTING', on: fromToday(0) }, { as: me }));
        }),
      );
    }
  }, 120_000);

  it('listing 50 enrolments with clinics, persons and efforts costs the clinics subgraph the same statements as 5', async () => {
    const small = await gql(LIST, { first: 5 }, { as: me });
    const large = await gql(LIST, { first: 50 }, { as: me });
    expect(ok(small).clinicEnrolments.nodes).toHaveLength(5);
    expect(ok(large).clinicEnrolments.nodes).toHaveLength(50);
    expect(large.data!.clinicEnrolments.nodes.every((n: { efforts: unknown[] }) => n.efforts.length >= 1)).toBe(true);
    const count = (r: typeof small) => r.extensions?.hub?.subgraphs?.clinics;
    // the page with its total (one statement) + the persons' enrolments + clinics + efforts, then the read-audit (one insert, no lock)
    expect([count(small), count(large)]).toEqual([
      { requests: 1, sqlStatements: 5 },
      { requests: 1, sqlStatements: 5 },
    ]);
  });
});

// ------------------------------------------------------------------ demo data

describe('demo data', () => {
  it('seeds enrolments at both clinics, once, across every target group and effort kind', async () => {
    const name = `${hub().prefix}_clinics_demo_${randomBytes(3).toString('hex')}`;
    const secret = 'y'.repeat(64);
    await ensureDatabase(hub().postgresUrl, name);
    const url = withDatabase(hub().postgresUrl, name);
    const sql = postgres(url, { max: 1, onnotice: () => {} });
    try {
      await migrateDatabase(url, clinics.migrationsFolder);
      await clinics.seedReference(url);
      await withAuditKey('k'.repeat(64), () => seedDemo(url, secret));
      await withAuditKey('k'.repeat(64), () => seedDemo(url, secret)); // a second start seeds nothing
      const enrolments = await sql`select clinic_id, person_id, target_groups from clinic_enrolment`;
      const efforts = await sql`select distinct kind from clinic_effort order by kind`;
      expect(enrolments.filter((e) => e.clinic_id === SODERMALM)).toHaveLength(4);
      expect(enrolments.filter((e) => e.clinic_id === KISTA)).toHaveLength(4);
      expect(new Set(enrolments.flatMap((e) => e.target_groups as string[]))).toEqual(
        new Set(['PREGNANT', 'PARENT_OF_MINOR', 'YOUNG_PERSON', 'HOMELESS', 'COMPLEX_NEEDS', 'OPIOID_MAINTENANCE']),
      );
      expect(efforts.map((e) => e.kind)).toEqual([
        'INFECTION_TESTING',
        'OPIOID_MAINTENANCE_TREATMENT',
        'PRIMARY_CARE_VISIT',
        'PSYCHIATRIC_ASSESSMENT',
        'SOCIAL_SUPPORT',
        'VACCINATION',
      ]);
      // two Stockholm contract-care clients of the probation demo are the same people, enrolled at their partner clinic
      const shared = DEMO_ORDERS.filter((o) => o.office === 'probation:stockholm' && o.partners.some((p) => p.startsWith('clinic:')));
      for (const o of shared) {
        const personId = pseudonymFor(secret, demoNumber(o.born, o.serial));
        expect(enrolments.filter((e) => e.person_id === personId).map((e) => e.clinic_id)).toEqual(o.partners.filter((p) => p.startsWith('clinic:')));
      }
      expect(await verifyAuditSeals(sql, { key: 'k'.repeat(64) })).toMatchObject({ ok: true, events: 8 });
    } finally {
      await sql.end();
      await dropDatabase(hub().postgresUrl, name);
    }
  });
});
