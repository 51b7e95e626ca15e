/** The demo data a newcomer sees after `npm start`: referrals in every status, some overdue, seeded once. */
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hub } from '../helpers/hub.ts';
import { dropDatabase, ensureDatabase, migrateDatabase, withDatabase } from '../../services/shared/src/db.ts';
import { verifyAuditSeals } from '../../services/shared/src/audit-seal.ts';
import { parseIdentityNumber } from '../../services/shared/src/personnummer.ts';
import { pseudonymFor } from '../../services/shared/src/person-id.ts';
import * as deadlines from '../../services/psychiatry/src/domain/deadlines.ts';
import { placeStartMissesDeadline } from '../../services/psychiatry/src/domain/deadlines.ts';
import { ALL_STATUSES } from '../../services/psychiatry/src/domain/transitions.ts';
import { calendar } from '../../services/psychiatry/src/domain/capacity.ts';
import { holdsOf, type HoldRow } from '../../services/psychiatry/src/domain/wards.ts';
import { addDays, stockholmDate } from '../../services/shared/src/time.ts';
import { demoReferrals, seedDemo } from '../../scripts/demo-data.ts';
import { workOf } from '../../services/psychiatry/src/domain/work.ts';
import { storedOrganisation } from '../../services/shared/src/directory.ts';
import type { Caller, Role } from '../../services/shared/src/caller.ts';
import { withAuditKey } from '../../services/shared/src/audit.ts';
import { SUBGRAPHS, type SubgraphName } from '../../services/shared/src/env.ts';
import { MODULES } from '../../scripts/stack.ts';

const NAME = `${hub().prefix}_demo_${randomBytes(3).toString('hex')}`;
const SECRET = randomBytes(32).toString('hex');
const NOW = new Date();
let url = '';
let firstSeed: boolean;
const urls = {} as Record<SubgraphName, string>;

beforeAll(async () => {
  // Databases of this test's own, one per subgraph, as a fresh installation has them.
  for (const s of SUBGRAPHS) {
    await ensureDatabase(hub().postgresUrl, `${NAME}_${s}`);
    urls[s] = withDatabase(hub().postgresUrl, `${NAME}_${s}`);
    await migrateDatabase(urls[s], MODULES[s].migrationsFolder);
    await MODULES[s].seedReference(urls[s]);
  }
  url = urls.psychiatry;
  // The demo is seeded once, before the tests: each reads what it wrote, in whatever order they run.
  firstSeed = await withAuditKey(SECRET, () => seedDemo(urls, SECRET, NOW));
});
afterAll(async () => {
  for (const s of SUBGRAPHS) await dropDatabase(hub().postgresUrl, `${NAME}_${s}`);
});

describe('demo data', () => {
  it('seeds referrals in every status, some overdue, for Västmanland and Stockholm, once', async () => {
    expect(firstSeed).toBe(true);
    expect(await withAuditKey(SECRET, () => seedDemo(urls, SECRET, NOW))).toBe(false);

    const sql = postgres(url, { max: 1, onnotice: () => {} });
    try {
      const rows =
        await sql`select *, assessment_due_by::text as due, place_lapses_on::text as lapses, place_start_date::text as start, place_due_by::text as place_due from withdrawal_referral order by received_at`;
      const view = rows.map((r) => ({
        status: deadlines.deriveStatus({ stage: r.stage, assessmentMeetingAt: r.assessment_meeting_at, placeLapsesOn: r.lapses }, NOW),
        overdue: deadlines.isOverdue({ stage: r.stage, assessmentDueBy: r.due }, NOW),
        from: r.referring_organisation_id as string,
        to: r.receiving_organisation_id as string,
      }));
      // every status of the pathway (the list itself is pinned in tests/unit/withdrawal-rules.test.ts)
      expect(new Set(view.map((v) => v.status))).toEqual(new Set(ALL_STATUSES));
      expect(ALL_STATUSES).toHaveLength(11);
      expect(view.filter((v) => v.overdue).length).toBe(3);
      expect(new Set(view.map((v) => `${v.from}→${v.to}`))).toEqual(
        new Set(['municipality:1980→psychiatry:19', 'municipality:1981→psychiatry:19', 'municipality:0180→psychiatry:01']),
      );
      // the data keeps the pathway's own rules: valid numbers, the shared pseudonym, no late start without a reason, wards not over-full
      for (const r of rows) {
        expect(parseIdentityNumber(r.personnummer, NOW)).toMatchObject({ ok: true, value: { normalised: r.personnummer } });
        expect(r.person_id).toBe(pseudonymFor(SECRET, r.personnummer));
        if (r.start && placeStartMissesDeadline(r.start, r.place_due)) expect(r.place_reason).not.toBeNull();
      }
      const occupancy =
        await sql`select w.id, w.places, count(r.id)::int as occupied from ward w left join withdrawal_referral r on r.place_ward_id = w.id and r.stage = 'ADMITTED' group by w.id, w.places order by w.id`;
      expect(occupancy.map((o) => [o.id, o.occupied, o.places])).toEqual([
        ['91', 2, 4],
        ['sthlm-beroende-1', 1, 6],
      ]);
      // places as a calendar: each new state appears, and no ward is over-full on any of the coming 60 days
      const kinds = await sql`select distinct kind from withdrawal_referral_event where kind in ('PLACE_MOVED', 'ADMISSION_REFUSED') order by kind`;
      expect(kinds.map((k) => k.kind)).toEqual(['ADMISSION_REFUSED', 'PLACE_MOVED']);
      const outpatient = await sql`select count(*)::int as n from withdrawal_referral where stage = 'PLACE_OFFERED' and place_ward_id is null`;
      expect(outpatient[0]!.n).toBe(1);
      const ordered =
        await sql`select r.receiving_organisation_id as receiver, w.organisation_id as provider from withdrawal_referral r join ward w on w.id = r.place_ward_id where r.receiving_organisation_id <> w.organisation_id`;
      expect(ordered.map((o) => [o.receiver, o.provider])).toEqual([['psychiatry:19', 'psychiatry:01']]);
      const today = stockholmDate(NOW);
      const wards = await sql`select id, places from ward`;
      const holdRows =
        await sql`select id, place_ward_id as "wardId", stage, place_start_date::text as "placeStartDate", place_lapses_on::text as "placeLapsesOn", admitted_at as "admittedAt", expected_discharge_on::text as "expectedDischargeOn" from withdrawal_referral where stage in ('PLACE_OFFERED', 'ADMITTED')`;
      for (const w of wards) {
        const holds = holdsOf(holdRows.filter((h) => h.wardId === w.id) as unknown as HoldRow[], today);
        const days = calendar(w.places, holds, today, 60);
        expect(
          days.filter((d) => d.taken > d.places).map((d) => d.date),
          w.id,
        ).toEqual([]);
      }
      const events = await sql`select count(*)::int as n from withdrawal_referral_event`;
      expect(events[0]!.n).toBeGreaterThan(rows.length);
      const audit = await sql`select sum(cardinality(entity_ids))::int as n from audit_event where basis = 'demo data seeded at installation'`;
      expect(audit[0]!.n).toBe(rows.length);
      expect(await verifyAuditSeals(sql, { key: SECRET })).toMatchObject({ ok: true, events: rows.length });
    } finally {
      await sql.end();
    }
  });
});

describe("demo data shows issue 14's states", () => {
  it('an amended request with its history, requests assigned to the coordinator, a prepared decision, and a decision the chief physician recorded on a prepared one', async () => {
    const sql = postgres(url, { max: 1, onnotice: () => {} });
    try {
      const amended =
        await sql`select a.by_name, a.changes, r.name, r.caseworker_phone from withdrawal_referral_amendment a join withdrawal_referral r on r.id = a.referral_id`;
      expect(amended.map((a) => [a.name, a.by_name, a.caseworker_phone, (a.changes as Array<{ field: string }>).map((c) => c.field)])).toEqual([
        ['Johan Testare', 'Sara Lind', '0224-74 70 11', ['caseworker.phone', 'assessments']],
      ]);
      const assigned = await sql`select name from withdrawal_referral where assigned_to_name = 'Maria Berg' order by name`;
      expect(assigned.map((r) => r.name)).toEqual(['Johan Testare', 'Karl Exempel', 'Lena Fiktiv']);
      const prepared =
        await sql`select name, stage, prepared_by, decided_by, decision_prepared_by from withdrawal_referral where prepared_by is not null order by name`;
      expect(prepared.map((r) => ({ ...r }))).toEqual([
        { name: 'Nils Demoberg', stage: 'CARE_PLANNING', prepared_by: 'Lina Falk', decided_by: 'Erik Holm', decision_prepared_by: 'Lina Falk' },
        { name: 'Oskar Påhittad', stage: 'ASSESSMENT_BOOKED', prepared_by: 'Lina Falk', decided_by: null, decision_prepared_by: null },
      ]);
      const kinds =
        await sql`select kind, count(*)::int as n from withdrawal_referral_event where kind in ('AMENDED', 'ASSIGNED', 'DECISION_PREPARED') group by kind order by kind`;
      // a prepared decision is not on the timeline both sides read
      expect(kinds.map((k) => [k.kind, k.n])).toEqual([
        ['AMENDED', 1],
        ['ASSIGNED', 3],
      ]);
      // meetings: one for every booked assessment; booked ones still to come (one answered by the municipality), held ones past
      const meetings = await sql`select r.name, m.status, m.invitations->0->>'answer' as answer, m.start_at > now() as ahead
        from withdrawal_meeting m join withdrawal_referral r on r.id = m.referral_id where r.name in ('Johan Testare', 'Lena Fiktiv', 'Nils Demoberg') order by r.name`;
      expect(meetings.map((m) => ({ ...m }))).toEqual([
        { name: 'Johan Testare', status: 'BOOKED', answer: 'ACCEPTED', ahead: true },
        { name: 'Lena Fiktiv', status: 'BOOKED', answer: 'PENDING', ahead: true },
        { name: 'Nils Demoberg', status: 'HELD', answer: 'PENDING', ahead: false },
      ]);
      const counts =
        await sql`select (select count(*)::int from withdrawal_meeting) as meetings, (select count(*)::int from withdrawal_referral where assessment_meeting_at is not null or earlier_cycles <> '[]'::jsonb) as booked`;
      expect(counts[0]!.meetings).toBe(counts[0]!.booked);
    } finally {
      await sql.end();
    }
  });

  it('an invitation another organisation answered, a changed expected discharge, a refused admission followed by a new assessment, no meetings clashing in a room', async () => {
    const sql = postgres(url, { max: 1, onnotice: () => {} });
    try {
      const invited = await sql`select r.name, i->>'organisationId' as org, i->>'answer' as answer, m.start_at > ${NOW} as ahead
        from withdrawal_meeting m join withdrawal_referral r on r.id = m.referral_id, jsonb_array_elements(m.invitations) i
        where i->>'organisationId' not like 'municipality:%'`;
      expect(invited.map((i) => ({ ...i }))).toEqual([{ name: 'Lena Fiktiv', org: 'probation:vasteras', answer: 'ACCEPTED', ahead: true }]);
      const changed = await sql`select r.name, r.expected_discharge_on::text as expected, c->>'before' as before, c->>'after' as after
        from withdrawal_referral r, jsonb_array_elements(r.expected_discharge_changes) c`;
      expect(changed.map((c) => ({ ...c }))).toEqual([
        { name: 'Hans Fiktivsson', expected: addDays(stockholmDate(NOW), 4), before: addDays(stockholmDate(NOW), 7), after: addDays(stockholmDate(NOW), 4) },
      ]);
      const renewed =
        await sql`select name, stage, cycle, earlier_cycles->0->>'outcome' as outcome from withdrawal_referral where earlier_cycles <> '[]'::jsonb order by name`;
      expect(renewed.map((r) => ({ ...r }))).toEqual([
        { name: 'Anders Låtsasson', stage: 'RECEIVED', cycle: 2, outcome: 'LAPSED' },
        { name: 'Kim Omprövad', stage: 'RECEIVED', cycle: 2, outcome: 'ADMISSION_REFUSED' },
      ]);
      const kinds =
        await sql`select kind, count(*)::int as n from withdrawal_referral_event where kind in ('EXPECTED_DISCHARGE_CHANGED', 'NEW_ASSESSMENT_REQUESTED') group by kind order by kind`;
      expect(kinds.map((k) => [k.kind, k.n])).toEqual([
        ['EXPECTED_DISCHARGE_CHANGED', 1],
        ['NEW_ASSESSMENT_REQUESTED', 2],
      ]);
      const clashes = await sql`select count(*)::int as n from withdrawal_meeting a join withdrawal_meeting b on a.id < b.id and lower(a.place) = lower(b.place)
        and a.start_at < b.start_at + make_interval(mins => b.duration_minutes) and b.start_at < a.start_at + make_interval(mins => a.duration_minutes)`;
      expect(clashes[0]!.n).toBe(0);
    } finally {
      await sql.end();
    }
  });
});

describe("demo plans link the organisations' demo records", () => {
  it('a withdrawal plan for an admitted Västerås referral, a contract-care plan for a Stockholm order, a SIP for a clinic client, agreements', async () => {
    const q = async <T>(u: string, text: string) => {
      const sql = postgres(u, { max: 1, onnotice: () => {} });
      try {
        return (await sql.unsafe(text)) as unknown as T[];
      } finally {
        await sql.end();
      }
    };
    const plans = await q<{ kind: string; person_id: string; withdrawal_referral_id: string | null; contract_care_order_id: string | null; revoked: boolean }>(
      urls.municipality,
      'select p.kind, p.person_id, p.withdrawal_referral_id, p.contract_care_order_id, c.revoked_at is not null as revoked from joint_care_plan p join consent c on c.id = p.consent_id order by p.kind, revoked',
    );
    expect(plans.map((p) => [p.kind, p.revoked])).toEqual([
      ['CONTRACT_CARE', false],
      ['SIP', false],
      ['SIP', true],
      ['WITHDRAWAL', false],
    ]);
    const withdrawal = plans.find((p) => p.kind === 'WITHDRAWAL')!;
    const [referral] = await q<{ person_id: string; stage: string }>(
      urls.psychiatry,
      `select person_id, stage from withdrawal_referral where id = '${withdrawal.withdrawal_referral_id}'`,
    );
    expect(referral).toEqual({ person_id: withdrawal.person_id, stage: 'ADMITTED' });
    const contract = plans.find((p) => p.kind === 'CONTRACT_CARE')!;
    const [order] = await q<{ person_id: string; probation_office_id: string }>(
      urls.probation,
      `select person_id, probation_office_id from contract_care_order where id = '${contract.contract_care_order_id}'`,
    );
    expect(order).toEqual({ person_id: contract.person_id, probation_office_id: 'probation:stockholm' });
    const sip = plans.find((p) => p.kind === 'SIP' && !p.revoked)!;
    const enrolled = await q<{ clinic_id: string }>(urls.clinics, `select clinic_id from clinic_enrolment where person_id = '${sip.person_id}'`);
    expect(enrolled.map((e) => e.clinic_id)).toContain('clinic:0180-sodermalm');
    const agreements = await q<{ council_id: string }>(urls.municipality, 'select council_id from cooperation_agreement order by council_id');
    expect(agreements.map((a) => a.council_id)).toEqual(['council:local-0180', 'council:local-1980', 'council:regional-19']);
    for (const s of SUBGRAPHS) {
      const sql = postgres(urls[s], { max: 1, onnotice: () => {} });
      try {
        expect(await verifyAuditSeals(sql, { key: SECRET }), s).toMatchObject({ ok: true });
      } finally {
        await sql.end();
      }
    }
  });
});

describe('demo callers see work and messages', () => {
  it('each party of the demo referrals has work; one message per subgraph waits unread', async () => {
    const built = demoReferrals(NOW, SECRET).map((b) => b.row);
    const as = (org: string, role: Role): Caller => ({ userId: `${org}:${role}`, name: role, organisation: storedOrganisation(org), roles: [role] });
    const kindsOf = (c: Caller) => [...new Set(built.flatMap((r) => workOf(c, r, NOW)).map((i) => i.kind))].sort();
    expect(kindsOf(as('psychiatry:19', 'COORDINATOR'))).toEqual(expect.arrayContaining(['NEW_REQUEST', 'OFFER_PLACE']));
    expect(kindsOf(as('psychiatry:19', 'CHIEF_PHYSICIAN'))).toEqual(['DECISION_WAITING']);
    expect(kindsOf(as('municipality:1980', 'CASEWORKER'))).toEqual(expect.arrayContaining(['ADMITTED', 'PLACE_OFFERED']));
    for (const s of ['psychiatry', 'probation', 'municipality'] as const) {
      const sql = postgres(urls[s], { max: 1, onnotice: () => {} });
      try {
        const rows = await sql<Array<{ n: number; unread: number }>>`select count(*)::int as n,
          count(*) filter (where (select count(*) from record_message_read r where r.message_id = m.id) = 1)::int as unread from record_message m`;
        expect(rows[0]).toEqual({ n: 1, unread: 1 });
      } finally {
        await sql.end();
      }
    }
  });
});
