/**
 * Who sees a withdrawal referral, by every path: the direct query, the
 * inbox, Person.withdrawalReferrals reached by id and by personnummer, the
 * entity reference another subgraph would use, and psychiatry's internal
 * notes. A referral the caller may not see is absent (null, left out, empty),
 * never an error that reveals it exists; a role that can never read referrals
 * gets FORBIDDEN on the list (and on person search where its role has no search).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { gql, type As } from '../helpers/hub.ts';
import { accessMatrix, expectUnknownIdsAbsent, personRecordOutcomes, personRecordPaths, rowsByCaller } from '../helpers/access-matrix.ts';
import {
  BOOK,
  caseworker0180,
  caseworker1980,
  caseworker1981,
  coordinator01,
  coordinator19,
  nextWorkingDayAt10Utc,
  nurse19,
  ok,
  physician19,
  refused,
  submit,
} from '../helpers/withdrawal.ts';

const INTERNAL = 'Intern anteckning: ring avdelningen före mötet';
let referralId = '';
let personId = '';
let pnr = '';

beforeAll(async () => {
  const { referral, input } = await submit(caseworker1980);
  referralId = referral.id;
  personId = referral.person.id;
  pnr = input.personnummer;
  ok(await gql(BOOK, { id: referralId, at: nextWorkingDayAt10Utc(), note: INTERNAL }, { as: coordinator19 }));
});

const as = (org: string, role: As['roles'][number]): As => ({ org, roles: [role], sub: `${org}-${role}`.toLowerCase(), name: `${role} ${org}` });

const PATHS = personRecordPaths({
  single: 'withdrawalReferral',
  list: 'withdrawalReferrals',
  typename: 'WithdrawalReferral',
  subgraph: 'psychiatry',
  fields: 'id name',
  target: () => ({ id: referralId, personId, personnummer: pnr }),
});
const { sees, hidden, hiddenNoList, hiddenNoSearch } = personRecordOutcomes(PATHS, 'withdrawalReferrals');

/** role × organisation → what each path gives */
const ROWS = rowsByCaller([
  ['the referring caseworker (municipality:1980)', caseworker1980, sees],
  ['another caseworker of the referring municipality', as('municipality:1980', 'CASEWORKER'), sees],
  ['the receiving coordinator (psychiatry:19)', coordinator19, sees],
  ['a physician of the receiving organisation', physician19, sees],
  ['a nurse of the receiving organisation', nurse19, sees],
  ['a caseworker of another municipality in the region (1981)', caseworker1981, hidden],
  ['a caseworker of another region (0180)', caseworker0180, hidden],
  ['a council member of the referring municipality', as('municipality:1980', 'COUNCIL_MEMBER'), hiddenNoSearch],
  ['a log reviewer of the referring municipality', as('municipality:1980', 'LOG_REVIEWER'), hiddenNoList],
  ['a council member of the receiving psychiatry', as('psychiatry:19', 'COUNCIL_MEMBER'), hiddenNoSearch],
  ['a log reviewer of the receiving psychiatry', as('psychiatry:19', 'LOG_REVIEWER'), hiddenNoList],
  ["the other region's coordinator (psychiatry:01)", coordinator01, hidden],
  ["the other region's physician", as('psychiatry:01', 'PHYSICIAN'), hidden],
  ["the other region's nurse", as('psychiatry:01', 'NURSE'), hidden],
  ['a probation officer in the same town', as('probation:vasteras', 'PROBATION_OFFICER'), hiddenNoList],
  ['a probation log reviewer', as('probation:vasteras', 'LOG_REVIEWER'), hiddenNoList],
  ['clinic staff', as('clinic:0180-sodermalm', 'CLINIC_STAFF'), hiddenNoList],
  ['a clinic physician', as('clinic:0180-sodermalm', 'PHYSICIAN'), hidden],
  ['a clinic nurse', as('clinic:0180-kista', 'NURSE'), hidden],
]);

describe('who sees a withdrawal referral, by every path', () => {
  accessMatrix(ROWS, {
    paths: PATHS,
    record: () => ({ id: referralId, name: 'Test Testsson' }),
    // nothing of the referral leaks in data, errors or extensions
    secrets: () => [referralId, 'Test Testsson'],
  });
});

describe("psychiatry's internal notes", () => {
  const Q = 'query($id: ID!) { withdrawalReferral(id: $id) { id status events { kind note } internalNotes { kind by text } } }';

  it.each([coordinator19, physician19, nurse19])("are read by the receiving organisation's %s", async (caller) => {
    const data = ok(await gql(Q, { id: referralId }, { as: caller })).withdrawalReferral;
    expect(data.internalNotes).toEqual([{ kind: 'MEETING_BOOKED', by: 'Maria Berg', text: INTERNAL }]);
  });

  it('are FORBIDDEN to the referring caseworker, whose view (timeline included) never contains them', async () => {
    const res = await gql(Q, { id: referralId }, { as: caseworker1980 });
    expect(refused(res, 'FORBIDDEN').path).toEqual(['withdrawalReferral', 'internalNotes']);
    expect(res.data?.withdrawalReferral.internalNotes).toBeNull();
    expect(res.data?.withdrawalReferral.events.map((e: { kind: string }) => e.kind)).toEqual(['SUBMITTED', 'MEETING_BOOKED']);
    const everything = await gql(
      'query($id: ID!, $p: ID!) { withdrawalReferral(id: $id) { events { at kind by note } } withdrawalReferrals(personId: $p) { nodes { events { note } } } person(id: $p) { withdrawalReferrals { events { note } } } }',
      { id: referralId, p: personId },
      { as: caseworker1980 },
    );
    expect(everything.errors).toBeUndefined();
    expect(JSON.stringify(everything)).not.toContain('Intern anteckning');
  });
});

describe('steps on a referral one may not see, or may not take', () => {
  const at = () => nextWorkingDayAt10Utc(2);
  it.each<[string, As, string, RegExp]>([
    ["the other region's coordinator books a meeting", coordinator01, 'NOT_FOUND', /no withdrawal referral .* that you can see/],
    ['a caseworker of another municipality asks for a new assessment', caseworker1981, 'NOT_FOUND', /that you can see/],
    ['a nurse of the receiving organisation books a meeting', nurse19, 'FORBIDDEN', /does not allow you to book an assessment meeting/],
    ['a physician books a meeting', physician19, 'FORBIDDEN', /does not allow you to book/],
    ['a probation officer books a meeting', as('probation:vasteras', 'PROBATION_OFFICER'), 'FORBIDDEN', /does not allow you/],
  ])('%s: refused', async (label, caller, code, message) => {
    const res = label.includes('new assessment')
      ? await gql('mutation($id: ID!) { requestNewAssessment(referralId: $id) { id } }', { id: referralId }, { as: caller })
      : await gql(BOOK, { id: referralId, at: at() }, { as: caller });
    expect(refused(res, code).message).toMatch(message);
  });

  it('a coordinator cannot decide, and a caseworker cannot decide for psychiatry', async () => {
    const DECIDE = 'mutation($id: ID!) { recordTreatmentDecision(referralId: $id, needed: true, setting: INPATIENT) { id } }';
    expect(refused(await gql(DECIDE, { id: referralId }, { as: coordinator19 }), 'FORBIDDEN').message).toMatch(/referral group's treatment decision/);
    expect(refused(await gql(DECIDE, { id: referralId }, { as: caseworker1980 }), 'FORBIDDEN').message).toMatch(/does not allow/);
  });

  it('an unknown or malformed id is simply absent', () => expectUnknownIdsAbsent('withdrawalReferral', '91; drop table ward', coordinator19));
});
