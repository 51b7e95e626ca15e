/**
 * Who gets a FHIR bundle: for every organisation of the directory and every
 * role, the bundle of a withdrawal referral, of a joint care plan and of a
 * consent comes exactly when the record itself does (the same null, the same
 * error code), by the direct query and through the person; nothing of the
 * record for anyone else.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ORGANISATIONS } from '../../services/shared/src/directory.ts';
import { checkedBundle } from '../helpers/fhir.ts';
import { gql, type As } from '../helpers/hub.ts';
import { personnummer } from '../helpers/people.ts';
import { caseworkerSthlm, createPlan, recordConsent, sip } from '../helpers/plans.ts';
import { BOOK, caseworker1980, coordinator19, nextWorkingDayAt10Utc, ok, submit } from '../helpers/withdrawal.ts';

const ROLES = [
  'CASEWORKER',
  'COORDINATOR',
  'PHYSICIAN',
  'CHIEF_PHYSICIAN',
  'NURSE',
  'PROBATION_OFFICER',
  'CLINIC_STAFF',
  'COUNCIL_MEMBER',
  'LOG_REVIEWER',
] as const;
const CALLERS: As[] = ORGANISATIONS.flatMap((o) =>
  ROLES.map((role) => ({ org: o.id, roles: [role], sub: `${o.id}-${role}`.toLowerCase(), name: `${role} ${o.id}` })),
);
const label = (as: As) => `${as.org} ${as.roles[0]}`;

let referral = { id: '', personId: '' };
let plan = { id: '', personId: '', consentId: '' };

beforeAll(async () => {
  const submitted = await submit(caseworker1980);
  referral = { id: submitted.referral.id, personId: submitted.referral.person.id };
  ok(await gql(BOOK, { id: referral.id, at: nextWorkingDayAt10Utc() }, { as: coordinator19 }));
  const pnr = personnummer();
  const consent = await recordConsent(caseworkerSthlm, pnr, ['municipality:0180', 'clinic:0180-sodermalm']);
  const created = ok(await createPlan(caseworkerSthlm, sip(pnr, consent.id))).createJointCarePlan;
  plan = { id: created.id, personId: consent.person.id, consentId: consent.id };
});

/** 'bundle' (the record or its bundle), 'null', or an error code */
type Outcome = string;

/** What a caller gets: the record (or its bundle), null, or the error code. */
async function outcome(query: string, variables: Record<string, unknown>, as: As, pick: (data: any) => unknown): Promise<{ got: Outcome; value: unknown }> {
  const res = await gql(query, variables, { as });
  if (res.errors?.length) return { got: String(res.errors[0]!.extensions?.code), value: null };
  const value = pick(res.data);
  return { got: value === null || value === undefined ? 'null' : 'bundle', value };
}

/** The callers who get the record, and a check that each caller gets the bundle exactly when they get the record. */
async function sameAsRecord(record: string, bundle: string, variables: Record<string, unknown>, pick: (data: any) => unknown, expectedId: string) {
  const seeing: string[] = [];
  const mismatches: string[] = [];
  for (const as of CALLERS) {
    const r = await outcome(record, variables, as, pick);
    const b = await outcome(bundle, variables, as, pick);
    if (r.got !== b.got) mismatches.push(`${label(as)}: record ${r.got}, bundle ${b.got}`);
    if (b.got === 'bundle') {
      seeing.push(label(as));
      const text = (b.value as { fhirBundle: string }).fhirBundle;
      checkedBundle(text);
      expect(text).toContain(expectedId);
    }
  }
  expect(mismatches).toEqual([]);
  return seeing;
}

describe('the FHIR bundles follow the records’ authorization', () => {
  it('a withdrawal referral: its bundle exactly for those who see the referral', async () => {
    const seeing = await sameAsRecord(
      'query($id: ID!) { withdrawalReferral(id: $id) { id } }',
      'query($id: ID!) { withdrawalReferral(id: $id) { fhirBundle } }',
      { id: referral.id },
      (d) => d.withdrawalReferral,
      referral.id,
    );
    expect(seeing).toEqual([
      'municipality:1980 CASEWORKER',
      'psychiatry:19 COORDINATOR',
      'psychiatry:19 PHYSICIAN',
      'psychiatry:19 CHIEF_PHYSICIAN',
      'psychiatry:19 NURSE',
    ]);
  });

  it('a withdrawal referral through the person: the same', async () => {
    const seeing = await sameAsRecord(
      'query($p: ID!) { person(id: $p) { withdrawalReferrals { id } } }',
      'query($p: ID!) { person(id: $p) { withdrawalReferrals { fhirBundle } } }',
      { p: referral.personId },
      (d) => d.person?.withdrawalReferrals?.[0],
      referral.id,
    );
    expect(seeing).toEqual([
      'municipality:1980 CASEWORKER',
      'psychiatry:19 COORDINATOR',
      'psychiatry:19 PHYSICIAN',
      'psychiatry:19 CHIEF_PHYSICIAN',
      'psychiatry:19 NURSE',
    ]);
  });

  it('a joint care plan: its bundle exactly for those who see the plan', async () => {
    const seeing = await sameAsRecord(
      'query($id: ID!) { jointCarePlan(id: $id) { id } }',
      'query($id: ID!) { jointCarePlan(id: $id) { fhirBundle } }',
      { id: plan.id },
      (d) => d.jointCarePlan,
      plan.id,
    );
    expect(seeing).toEqual([
      'municipality:0180 CASEWORKER',
      'clinic:0180-sodermalm PHYSICIAN',
      'clinic:0180-sodermalm NURSE',
      'clinic:0180-sodermalm CLINIC_STAFF',
    ]);
  });

  it('a consent through the person: its bundle exactly for those who see the consent', async () => {
    const seeing = await sameAsRecord(
      'query($p: ID!) { person(id: $p) { consents { id } } }',
      'query($p: ID!) { person(id: $p) { consents { fhirBundle } } }',
      { p: plan.personId },
      (d) => d.person?.consents?.[0],
      plan.consentId,
    );
    expect(seeing).toEqual([
      'municipality:0180 CASEWORKER',
      'clinic:0180-sodermalm PHYSICIAN',
      'clinic:0180-sodermalm NURSE',
      'clinic:0180-sodermalm CLINIC_STAFF',
    ]);
  });
});
