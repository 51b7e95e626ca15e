/** Shared pieces of the withdrawal-pathway tests: callers, a complete request, and the queries. */
import { randomUUID } from 'node:crypto';
import postgres from 'postgres';
import { holidayOn } from '../../services/shared/src/holidays.ts';
import { gql, ok, withSql, type As } from './hub.ts';
import { personnummer } from './people.ts';

export { ok, refused } from './hub.ts';

export const caseworker1980: As = { org: 'municipality:1980', roles: ['CASEWORKER'], sub: 'anna.svensson', name: 'Anna Svensson' };
export const caseworker1981: As = { org: 'municipality:1981', roles: ['CASEWORKER'], sub: 'sara.lind', name: 'Sara Lind' };
export const caseworker0180: As = { org: 'municipality:0180', roles: ['CASEWORKER'], sub: 'karin.ek', name: 'Karin Ek' };
export const coordinator19: As = { org: 'psychiatry:19', roles: ['COORDINATOR'], sub: 'maria.berg', name: 'Maria Berg' };
/** a physician of the referral group: prepares decisions (the routine gives the decision itself to the chief physician) */
export const physician19: As = { org: 'psychiatry:19', roles: ['PHYSICIAN'], sub: 'lina.falk', name: 'Lina Falk' };
/** the chief physician (överläkare) of the referral group, who records its decisions */
export const chiefPhysician19: As = { org: 'psychiatry:19', roles: ['CHIEF_PHYSICIAN'], sub: 'erik.holm', name: 'Erik Holm' };
export const nurse19: As = { org: 'psychiatry:19', roles: ['NURSE'], sub: 'lena.ahl', name: 'Lena Ahl' };
export const coordinator01: As = { org: 'psychiatry:01', roles: ['COORDINATOR'], sub: 'jonas.ny', name: 'Jonas Ny' };

export function referralInput(overrides: Record<string, unknown> = {}) {
  return {
    personnummer: personnummer(),
    name: 'Test Testsson',
    substances: ['ALCOHOL', 'BENZODIAZEPINES'],
    currentProblems: 'Daglig alkoholkonsumtion, abstinenssymtom på morgonen.',
    postTreatmentPlan: 'Öppenvårdsbehandling hos kommunens beroendeenhet.',
    otherIllnesses: ['Hypertoni'],
    medications: [],
    assessments: [{ instrument: 'AUDIT', performedOn: '2026-01-10', score: 31, summary: 'Hög risk' }],
    caseworker: { name: 'Anna Svensson', phone: '021-39 00 00', email: 'anna.svensson@vasteras.se' },
    individualConsents: true,
    ...overrides,
  };
}

export const REFERRAL_FIELDS = `
  id status personnummer name person { id }
  referringOrganisation { id } receivingOrganisation { id }
  caseworker { name phone email }
  substances currentProblems postTreatmentPlan otherIllnesses medications
  assessments { instrument performedOn score summary }
  receivedAt assessmentCycle assessmentDueBy assessmentMeetingAt assessmentDeadlineMissed overdue
  decision { needed setting decidedAt decidedBy rationale }
  placeOffer { offeredAt dueBy startDate lapsesOn reason deadlineMissed ward { id occupied places } }
  admittedAt completedAt
  events { at kind by note }
`;

export const SUBMIT = `mutation($input: WithdrawalReferralInput!, $newCycleOf: ID) { submitWithdrawalReferral(input: $input, newCycleOf: $newCycleOf) { ${REFERRAL_FIELDS} } }`;
export const GET = `query($id: ID!) { withdrawalReferral(id: $id) { ${REFERRAL_FIELDS} } }`;
export const BOOK = `mutation($id: ID!, $at: DateTime!, $note: String) { bookAssessmentMeeting(referralId: $id, at: $at, internalNote: $note) { ${REFERRAL_FIELDS} } }`;
export const DECIDE = `mutation($id: ID!, $needed: Boolean!, $setting: TreatmentSetting, $rationale: String, $note: String) {
  recordTreatmentDecision(referralId: $id, needed: $needed, setting: $setting, rationale: $rationale, internalNote: $note) { ${REFERRAL_FIELDS} } }`;
export const OFFER = `mutation($id: ID!, $ward: ID!, $start: Date!, $reason: String, $note: String) {
  offerPlace(referralId: $id, wardId: $ward, startDate: $start, reason: $reason, internalNote: $note) { ${REFERRAL_FIELDS} } }`;
export const ADMIT = `mutation($id: ID!) { recordAdmission(referralId: $id) { ${REFERRAL_FIELDS} } }`;
export const DISCHARGE = `mutation($id: ID!) { recordDischarge(referralId: $id) { ${REFERRAL_FIELDS} } }`;
export const NEW_ASSESSMENT = `mutation($id: ID!) { requestNewAssessment(referralId: $id) { ${REFERRAL_FIELDS} earlierCycles { cycle assessmentDueBy assessmentMeetingAt decision { needed } placeOffer { startDate lapsesOn ward { id } } outcome } } }`;
export const WITHDRAW = `mutation($id: ID!, $reason: String!) { withdrawWithdrawalReferral(referralId: $id, reason: $reason) { id status } }`;

/** Submits a complete request as `as` at `clock` (as a new cycle beside the open request `newCycleOf`) and returns the referral. */
export async function submit(as: As = caseworker1980, clock?: string, overrides: Record<string, unknown> = {}, newCycleOf?: string) {
  const input = referralInput(overrides);
  const res = await gql(SUBMIT, { input, ...(newCycleOf ? { newCycleOf } : {}) }, { as, ...(clock ? { clock } : {}) });
  return { input, referral: ok(res).submitWithdrawalReferral as Record<string, any> };
}

/**
 * A meeting time on a working day after today (real clock), in the receiving unit's opening hours
 * (weekdays 08:00–17:00 Stockholm, Swedish public holidays excepted): 10:00 UTC is 11:00 or 12:00
 * there, on the same date. For tests that run on the real clock.
 */
export function nextWorkingDayAt10Utc(daysAhead = 1): string {
  const d = new Date(Date.now() + daysAhead * 86_400_000);
  // at most a weekend and the longest run of holidays (julafton to annandag jul, with a weekend): bounded
  for (let i = 0; i < 14 && (d.getUTCDay() === 0 || d.getUTCDay() === 6 || holidayOn(d.toISOString().slice(0, 10))); i += 1) {
    d.setUTCDate(d.getUTCDate() + 1);
  }
  return `${d.toISOString().slice(0, 10)}T10:00:00Z`;
}

export const uniqueKey = () => `key-${randomUUID()}`;

/** Runs SQL against the psychiatry database (test fixtures and checks that the API cannot make). */
export const psychiatrySql = <T>(fn: (sql: postgres.Sql) => Promise<T>): Promise<T> => withSql('psychiatry', fn);

/**
 * A ward of this test's own: ward 91's four places are shared by the tests
 * of a file, which may run in any order, so tests that admit use their own ward.
 */
export async function createWard(places: number, organisationId = 'psychiatry:19'): Promise<string> {
  const id = `test-${randomUUID().slice(0, 8)}`;
  await psychiatrySql(
    (sql) => sql`insert into ward (id, organisation_id, name, places) values (${id}, ${organisationId}, ${`Testavdelning ${id}`}, ${places})`,
  );
  return id;
}

/** How many referrals are stored for a personnummer (normalised, 12 digits). */
export async function storedReferralsFor(pnr: string): Promise<number> {
  const normalised = pnr.replace(/\D/g, '');
  const rows = await psychiatrySql((sql) => sql`select count(*)::int as n from withdrawal_referral where personnummer = ${normalised}`);
  return rows[0]!.n as number;
}

/** The psychiatry audit events about one referral, oldest first. */
export async function auditOf(referralId: string) {
  return psychiatrySql(
    (sql) =>
      sql`select e.action, e.entity, e.user_id, e.organisation_id, e.basis, e.fields from audit_event e, unnest(e.entity_ids) with ordinality as x(entity_id, n) where e.entity_ids @> array[${referralId}]::text[] and x.entity_id = ${referralId} order by e.seq, x.n`,
  ) as Promise<Array<{ action: string; entity: string; user_id: string; organisation_id: string; basis: string; fields: string[] | null }>>;
}
