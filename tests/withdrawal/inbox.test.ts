/**
 * The coordinator's inbox: filters, cursor pagination and totalCount, and
 * batching: listing 50 referrals with their wards, persons and timelines
 * costs the psychiatry subgraph the same number of SQL statements as 5.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { gql } from '../helpers/hub.ts';
import { personnummer } from '../helpers/people.ts';
import {
  BOOK,
  caseworker1980,
  caseworker1981,
  coordinator19,
  createWard,
  DECIDE,
  OFFER,
  ok,
  chiefPhysician19,
  refused,
  submit,
} from '../helpers/withdrawal.ts';

interface Group {
  personId: string;
  ids: string[];
}

const READ_CLOCK = '2026-06-03T10:00:00+02:00';

/** `n` referrals for one new person, the first `offered` of them offered a place, alternating between two wards. */
async function group(n: number, offered: number, wards: [string, string]): Promise<Group> {
  const pnr = personnummer();
  const ids: string[] = [];
  // the first request of each municipality, then the others knowingly sent beside it (a second open request needs newCycleOf)
  const firstOf = (i: number) => (i < 2 ? undefined : ids[i % 2]);
  for (let start = 0; start < n; start += start === 0 ? Math.min(2, n) : 10) {
    const batch = await Promise.all(
      Array.from({ length: start === 0 ? Math.min(2, n) : Math.min(10, n - start) }, (_, k) => {
        const i = start + k;
        const clock = new Date(Date.parse('2026-06-01T08:00:00Z') + i * 60_000).toISOString();
        return submit(i % 2 ? caseworker1981 : caseworker1980, clock, { personnummer: pnr }, firstOf(i));
      }),
    );
    ids.push(...batch.map((b) => b.referral.id as string));
  }
  await Promise.all(
    ids.slice(0, offered).map(async (id, i) => {
      ok(await gql(BOOK, { id, at: '2026-06-02T09:00:00+02:00' }, { as: coordinator19, clock: '2026-06-01T12:00:00+02:00' }));
      ok(await gql(DECIDE, { id, needed: true, setting: 'INPATIENT' }, { as: chiefPhysician19, clock: '2026-06-02T10:00:00+02:00' }));
      ok(await gql(OFFER, { id, ward: wards[i % 2], start: '2026-06-05' }, { as: coordinator19, clock: '2026-06-02T11:00:00+02:00' }));
    }),
  );
  const personId = ok(await gql('query($p: String!) { findPerson(personnummer: $p) { id } }', { p: pnr }, { as: coordinator19 })).findPerson.id as string;
  return { personId, ids };
}

let wards: [string, string];
let five: Group;
let fifty: Group;

beforeAll(async () => {
  wards = [await createWard(60), await createWard(60)];
  five = await group(5, 2, wards);
  fifty = await group(50, 20, wards);
}, 120_000);

const LIST = `query($p: ID!, $first: Int) { withdrawalReferrals(personId: $p, first: $first) {
  totalCount pageInfo { hasNextPage }
  nodes { id status overdue assessmentDueBy person { id withdrawalReferrals { id } } referringOrganisation { id name }
          placeOffer { lapsesOn ward { id name places occupied free } } events { kind by } } } }`;
const PERSON = `query($p: ID!) { person(id: $p) { withdrawalReferrals { id status placeOffer { ward { id occupied } } events { kind } } } }`;

describe('batching', () => {
  it('listing 50 referrals with wards, persons and timelines costs the same SQL statements as listing 5', async () => {
    const small = await gql(LIST, { p: five.personId, first: 50 }, { as: coordinator19, clock: READ_CLOCK });
    const large = await gql(LIST, { p: fifty.personId, first: 50 }, { as: coordinator19, clock: READ_CLOCK });
    expect(ok(small).withdrawalReferrals.nodes).toHaveLength(5);
    expect(ok(large).withdrawalReferrals.nodes).toHaveLength(50);
    expect(large.data!.withdrawalReferrals.nodes.filter((n: { placeOffer: unknown }) => n.placeOffer).length).toBe(20);
    expect(large.data!.withdrawalReferrals.nodes[0].person.withdrawalReferrals).toHaveLength(50);
    const s5 = small.extensions?.hub?.subgraphs?.psychiatry?.sqlStatements;
    const s50 = large.extensions?.hub?.subgraphs?.psychiatry?.sqlStatements;
    // the page with its total (one statement) + the person's referrals + wards + occupancy + events, and the read-audit (one insert, no lock)
    expect([s5, s50]).toEqual([6, 6]);
  });

  it('the same holds on the Person path (the gateway reaches psychiatry through _entities)', async () => {
    const small = await gql(PERSON, { p: five.personId }, { as: coordinator19, clock: READ_CLOCK });
    const large = await gql(PERSON, { p: fifty.personId }, { as: coordinator19, clock: READ_CLOCK });
    expect(ok(small).person.withdrawalReferrals).toHaveLength(5);
    expect(ok(large).person.withdrawalReferrals).toHaveLength(50);
    const s5 = small.extensions?.hub?.subgraphs?.psychiatry?.sqlStatements;
    const s50 = large.extensions?.hub?.subgraphs?.psychiatry?.sqlStatements;
    expect(s5).toBe(s50);
    expect(s50).toBe(5);
  });
});

describe('the inbox', () => {
  const Q = `query($p: ID!, $first: Int, $after: String, $status: [ReferralStatus!], $overdue: Boolean, $order: ReferralOrder) {
    withdrawalReferrals(personId: $p, first: $first, after: $after, status: $status, overdueOnly: $overdue, orderBy: $order) {
      totalCount pageInfo { endCursor hasNextPage } nodes { id receivedAt status } } }`;

  // the default order is the next deadline (tests/withdrawal/roles.test.ts); this pages in the order received
  it('pages with a cursor, oldest received first (orderBy: RECEIVED), and counts every match', async () => {
    const seen: string[] = [];
    const sizes: number[] = [];
    let after: string | null = null;
    for (;;) {
      const res: { totalCount: number; nodes: Array<{ id: string }>; pageInfo: { endCursor: string; hasNextPage: boolean } } = ok(
        await gql(Q, { p: fifty.personId, first: 20, after, order: 'RECEIVED' }, { as: coordinator19, clock: READ_CLOCK }),
      ).withdrawalReferrals;
      expect(res.totalCount).toBe(50);
      sizes.push(res.nodes.length);
      seen.push(...res.nodes.map((n: { id: string }) => n.id));
      if (!res.pageInfo.hasNextPage) break;
      after = res.pageInfo.endCursor;
    }
    expect(sizes).toEqual([20, 20, 10]);
    expect(seen).toEqual(fifty.ids);
  });

  it('filters by status (derived statuses included) and by overdue', async () => {
    const count = async (vars: Record<string, unknown>, clock = READ_CLOCK) =>
      ok(await gql(Q, { p: fifty.personId, first: 1, ...vars }, { as: coordinator19, clock })).withdrawalReferrals.totalCount;
    expect(await count({ status: ['PLACE_OFFERED'] })).toBe(20);
    expect(await count({ status: ['RECEIVED'] })).toBe(30);
    expect(await count({ status: ['RECEIVED', 'PLACE_OFFERED'] })).toBe(50);
    expect(await count({ overdue: true })).toBe(0);
    // received 1 June, due 15 June: overdue from 16 June; the offered places lapse after 3 July
    expect(await count({ overdue: true }, '2026-06-15T23:59:00+02:00')).toBe(0);
    expect(await count({ overdue: true }, '2026-06-16T00:00:00+02:00')).toBe(30);
    expect(await count({ status: ['LAPSED'] }, '2026-07-03T23:59:00+02:00')).toBe(0);
    expect(await count({ status: ['LAPSED'] }, '2026-07-04T00:00:00+02:00')).toBe(20);
    expect(await count({ status: ['LAPSED'], overdue: true }, '2026-07-04T00:00:00+02:00')).toBe(0);
  });

  it('shows a caseworker only what their own organisation sent', async () => {
    const mine = ok(await gql(Q, { p: fifty.personId, first: 50, order: 'RECEIVED' }, { as: caseworker1981, clock: READ_CLOCK })).withdrawalReferrals;
    expect(mine.totalCount).toBe(25);
    expect(mine.nodes.map((n: { id: string }) => n.id)).toEqual(fifty.ids.filter((_, i) => i % 2 === 1));
  });

  it('refuses a page size outside 1–200, a cursor it did not give out, and a person id that is not one', async () => {
    expect(refused(await gql(Q, { p: five.personId, first: 0 }, { as: coordinator19 }), 'BAD_USER_INPUT', 'first').message).toBe(
      'Ask for 1 to 200 referrals per page.',
    );
    refused(await gql(Q, { p: five.personId, first: 201 }, { as: coordinator19 }), 'BAD_USER_INPUT', 'first');
    expect(refused(await gql(Q, { p: five.personId, after: 'bm90LWEtY3Vyc29y' }, { as: coordinator19 }), 'BAD_USER_INPUT', 'after').message).toMatch(/cursor/);
    refused(await gql(Q, { p: '19850709-1234' }, { as: coordinator19 }), 'BAD_USER_INPUT', 'personId');
  });
});
