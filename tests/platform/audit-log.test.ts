/**
 * The audit log through the gateway: a log reviewer reads the events on
 * their own organisation's records, one section per subgraph, filtered by
 * period, person or user; each review is itself recorded; nobody else reads
 * the log, and no reviewer reads another organisation's events.
 */
import { describe, expect, it } from 'vitest';
import { gql, type As } from '../helpers/hub.ts';
import { personnummer } from '../helpers/people.ts';
import { caseworkerSthlm, clinicStaff, createPlan, recordConsent, sip } from '../helpers/plans.ts';
import { caseworker1980, coordinator19, referralInput } from '../helpers/withdrawal.ts';

const reviewer = (org: string): As => ({ org, roles: ['LOG_REVIEWER'], sub: `reviewer-${org}`, name: `Granskare ${org}` });
const LOG = `query($from: DateTime!, $to: DateTime!, $p: ID, $u: ID) { auditLog(from: $from, to: $to, personId: $p, userId: $u) {
  from to
  municipality(first: 50) { totalCount nodes { action entity personId userId organisation { id } ownerOrganisation { id } basis } }
  psychiatry(first: 50) { totalCount nodes { action entity personId userId organisation { id } ownerOrganisation { id } basis } }
  probation { totalCount } clinics { totalCount } } }`;
const since = () => new Date(Date.now() - 60_000).toISOString();
const until = () => new Date(Date.now() + 60_000).toISOString();

describe('the audit log', () => {
  it("shows a reviewer the reads and changes of their own organisation's records, by any organisation, filtered by person", async () => {
    // Stockholm's caseworker draws up a plan that the clinic reads.
    const pnr = personnummer();
    const consent = await recordConsent(caseworkerSthlm, pnr, ['municipality:0180', 'clinic:0180-sodermalm']);
    const plan = (await createPlan(caseworkerSthlm, sip(pnr, consent.id))).data!.createJointCarePlan;
    await gql('query($id: ID!) { jointCarePlan(id: $id) { id goals } }', { id: plan.id }, { as: clinicStaff });

    const res = await gql(LOG, { from: since(), to: until(), p: consent.person.id }, { as: reviewer('municipality:0180') });
    expect(res.errors).toBeUndefined();
    const events = res.data!.auditLog.municipality.nodes;
    const clinicRead = events.find(
      (e: { action: string; organisation: { id: string } }) => e.action === 'READ' && e.organisation.id === 'clinic:0180-sodermalm',
    );
    expect(clinicRead).toEqual({
      action: 'READ',
      entity: 'JointCarePlan',
      personId: consent.person.id,
      userId: 'lim-sod',
      organisation: { id: 'clinic:0180-sodermalm' },
      ownerOrganisation: { id: 'municipality:0180' },
      basis: `plan participant under consent ${consent.id}`,
    });
    const actions = events.map((e: { action: string; entity: string }) => `${e.action} ${e.entity}`);
    expect(actions).toContain('CREATE JointCarePlan');
    expect(actions).toContain('CREATE Consent');
    expect(events.every((e: { personId: string }) => e.personId === consent.person.id)).toBe(true);
    expect(events.every((e: { ownerOrganisation: { id: string } }) => e.ownerOrganisation.id === 'municipality:0180')).toBe(true);
  });

  it("shows psychiatry's reviewer the sending caseworker's reads of psychiatry's referral, and not another region's", async () => {
    const input = referralInput();
    const sent = await gql(
      'mutation($i: WithdrawalReferralInput!) { submitWithdrawalReferral(input: $i) { id person { id } } }',
      { i: input },
      { as: caseworker1980 },
    );
    const ref = sent.data!.submitWithdrawalReferral;
    await gql('query($id: ID!) { withdrawalReferral(id: $id) { status } }', { id: ref.id }, { as: coordinator19 });
    const own = await gql(LOG, { from: since(), to: until(), p: ref.person.id }, { as: reviewer('psychiatry:19') });
    // The review concerns this person too, and is recorded before it is answered.
    expect(
      own.data!.auditLog.psychiatry.nodes.map((e: { action: string; organisation: { id: string } }) => `${e.action} by ${e.organisation.id}`).sort(),
    ).toEqual(['AUDIT_REVIEW by psychiatry:19', 'CREATE by municipality:1980', 'READ by psychiatry:19']);
    const other = await gql(LOG, { from: since(), to: until(), p: ref.person.id }, { as: reviewer('psychiatry:01') });
    expect(other.data!.auditLog.psychiatry.nodes.map((e: { action: string }) => e.action)).toEqual(['AUDIT_REVIEW']);
    // Västerås' own reviewer: the referral is psychiatry's record, not Västerås'.
    const sender = await gql(LOG, { from: since(), to: until(), p: ref.person.id }, { as: reviewer('municipality:1980') });
    expect(sender.data!.auditLog.psychiatry.nodes.map((e: { action: string; organisation: { id: string } }) => `${e.action} by ${e.organisation.id}`)).toEqual([
      'AUDIT_REVIEW by municipality:1980',
    ]);
  });

  it('filters by user and records the review itself', async () => {
    const who = reviewer('municipality:1981');
    const first = await gql(LOG, { from: since(), to: until(), u: who.sub }, { as: who });
    expect(first.errors).toBeUndefined();
    // The review of the municipality section was recorded before it was answered, so it lists itself.
    const reviews = first.data!.auditLog.municipality.nodes.filter((e: { action: string }) => e.action === 'AUDIT_REVIEW');
    expect(reviews.length).toBeGreaterThanOrEqual(1);
    expect(reviews[0]).toMatchObject({
      entity: 'AuditLog',
      userId: who.sub,
      organisation: { id: 'municipality:1981' },
      basis: 'log review of own organisation',
    });
  });

  it.each([
    ['a caseworker', caseworker1980],
    ['a coordinator', coordinator19],
    ['a council member', { org: 'municipality:1980', roles: ['COUNCIL_MEMBER'] } satisfies As],
  ])('refuses %s', async (_who, as) => {
    const res = await gql(LOG, { from: since(), to: until() }, { as });
    expect(res.data).toBeNull();
    expect(res.errors![0]!).toMatchObject({
      extensions: { code: 'FORBIDDEN' },
      message: expect.stringContaining("does not allow you to read your organisation's audit log"),
    });
  });

  it('refuses a period that ends before it starts', async () => {
    const res = await gql(LOG, { from: until(), to: since() }, { as: reviewer('municipality:1980') });
    expect(res.errors![0]!).toMatchObject({ message: 'The period must end after it starts.', extensions: { code: 'BAD_USER_INPUT', field: 'to' } });
  });
});
