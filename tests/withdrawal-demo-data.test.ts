/** The demo data a newcomer sees after `npm start`: referrals in every status, some overdue, seeded once. */
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hub } from './helpers/hub.ts';
import { dropDatabase, ensureDatabase, migrateDatabase, withDatabase } from '../services/shared/src/db.ts';
import { verifyAuditChain } from '../services/shared/src/audit.ts';
import { parseIdentityNumber } from '../services/shared/src/personnummer.ts';
import { pseudonymFor } from '../services/shared/src/person-id.ts';
import { psychiatry } from '../services/psychiatry/src/server.ts';
import * as deadlines from '../services/psychiatry/src/domain/deadlines.ts';
import { placeStartMissesDeadline } from '../services/psychiatry/src/domain/deadlines.ts';
import { seedDemo } from '../scripts/demo-data.ts';
import type { SubgraphName } from '../services/shared/src/env.ts';

const NAME = `${hub().prefix}_demo_${randomBytes(3).toString('hex')}`;
const SECRET = randomBytes(32).toString('hex');
const NOW = new Date();
let url = '';

beforeAll(async () => {
  await ensureDatabase(hub().postgresUrl, NAME);
  url = withDatabase(hub().postgresUrl, NAME);
  await migrateDatabase(url, psychiatry.migrationsFolder);
  await psychiatry.seedReference(url);
});
afterAll(async () => {
  await dropDatabase(hub().postgresUrl, NAME);
});

describe('demo data', () => {
  it('seeds referrals in every status, some overdue, for Västmanland and Stockholm, once', async () => {
    const urls = { psychiatry: url } as Record<SubgraphName, string>;
    expect(await seedDemo(urls, SECRET, NOW)).toBe(true);
    expect(await seedDemo(urls, SECRET, NOW)).toBe(false);

    const sql = postgres(url, { max: 1, onnotice: () => {} });
    try {
      const rows = await sql`select *, assessment_due_by::text as due, place_lapses_on::text as lapses, place_start_date::text as start, place_due_by::text as place_due from withdrawal_referral order by received_at`;
      const view = rows.map((r) => ({
        status: deadlines.deriveStatus({ stage: r.stage, assessmentMeetingAt: r.assessment_meeting_at, placeLapsesOn: r.lapses }, NOW),
        overdue: deadlines.isOverdue({ stage: r.stage, assessmentDueBy: r.due }, NOW),
        from: r.referring_organisation_id as string,
        to: r.receiving_organisation_id as string,
      }));
      expect(new Set(view.map((v) => v.status))).toEqual(
        new Set(['RECEIVED', 'ASSESSMENT_BOOKED', 'AWAITING_DECISION', 'NOT_NEEDED', 'CARE_PLANNING', 'PLACE_OFFERED', 'ADMITTED', 'COMPLETED', 'LAPSED', 'WITHDRAWN']),
      );
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
      const occupancy = await sql`select w.id, w.places, count(r.id)::int as occupied from ward w left join withdrawal_referral r on r.place_ward_id = w.id and r.stage = 'ADMITTED' group by w.id, w.places order by w.id`;
      expect(occupancy.map((o) => [o.id, o.occupied, o.places])).toEqual([
        ['91', 2, 4],
        ['sthlm-beroende-1', 1, 6],
      ]);
      const events = await sql`select count(*)::int as n from withdrawal_referral_event`;
      expect(events[0]!.n).toBeGreaterThan(rows.length);
      const audit = await sql`select count(*)::int as n from audit_event where basis = 'demo data seeded at installation'`;
      expect(audit[0]!.n).toBe(rows.length);
      expect(await verifyAuditChain(sql)).toEqual({ ok: true, rows: rows.length });
    } finally {
      await sql.end();
    }
  });
});
