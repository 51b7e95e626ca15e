/**
 * Joint care plans through the gateway: a SIP between a municipality and a
 * clinic, drawn up on the individual's consent, with each organisation's
 * own efforts, versions, signatures, follow-up and ending; consent revoked
 * mid-way; concurrent edits.
 */
import { describe, expect, it } from 'vitest';
import { gql } from '../helpers/hub.ts';
import { personnummer } from '../helpers/people.ts';
import { caseworkerSthlm, clinicStaff, createPlan, PLAN, PLAN_FIELDS, recordConsent, sip } from '../helpers/plans.ts';

const probationSthlm = { org: 'probation:stockholm', roles: ['PROBATION_OFFICER' as const] };

async function newSip() {
  const pnr = personnummer();
  const consent = await recordConsent(caseworkerSthlm, pnr, ['municipality:0180', 'clinic:0180-sodermalm']);
  const res = await createPlan(caseworkerSthlm, sip(pnr, consent.id));
  expect(res.errors).toBeUndefined();
  return { pnr, consent, plan: res.data!.createJointCarePlan };
}

describe('a SIP between social services and a local integrated clinic', () => {
  it('is drawn up as a draft, seen by both organisations, and active once the individual signs', async () => {
    const { pnr, consent, plan } = await newSip();
    expect(plan).toMatchObject({
      kind: 'SIP',
      status: 'DRAFT',
      version: 1,
      goals: ['Stabilt boende', 'Minskat alkoholbruk'],
      signedByIndividual: false,
      missingSignatures: ['the individual'],
      followUpOverdue: false,
      sharingStopped: null,
      ownerOrganisation: { id: 'municipality:0180' },
      consent: { id: consent.id, active: true },
      person: { id: consent.person.id },
    });

    // The clinic adds its own effort: a new version.
    const added = await gql(
      `mutation($id: ID!) { addCarePlanEffort(planId: $id, expectedVersion: 1, input: { description: "Läkemedelsassisterad behandling", responsible: "Lina Mottagning", startsOn: "2026-12-01" }) { ${PLAN_FIELDS} } }`,
      { id: plan.id },
      { as: clinicStaff },
    );
    expect(added.errors).toBeUndefined();
    expect(added.data!.addCarePlanEffort.version).toBe(2);
    expect(added.data!.addCarePlanEffort.efforts).toEqual([
      { organisation: { id: 'clinic:0180-sodermalm' }, description: 'Läkemedelsassisterad behandling', responsible: 'Lina Mottagning', addedInVersion: 2 },
    ]);

    // Signing an old version is refused; the current one works.
    const stale = await gql(
      'mutation($id: ID!) { signJointCarePlan(id: $id, version: 1, signedBy: "Kim Klient", asIndividual: true) { id } }',
      { id: plan.id },
      { as: caseworkerSthlm },
    );
    expect(stale.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT', currentVersion: 2 });
    const signed = await gql(
      `mutation($id: ID!) { signJointCarePlan(id: $id, version: 2, signedBy: "Kim Klient", asIndividual: true) { ${PLAN_FIELDS} } }`,
      { id: plan.id },
      { as: caseworkerSthlm },
    );
    expect(signed.data!.signJointCarePlan).toMatchObject({
      status: 'ACTIVE',
      signedByIndividual: true,
      missingSignatures: [],
      signatures: [{ signedBy: 'Kim Klient', asIndividual: true, organisation: null, version: 2 }],
    });

    // The clinic sees the same plan directly and through the person.
    const viaClinic = await gql(
      `query($id: ID!, $p: String!) { jointCarePlan(id: $id) { id status version } findPerson(personnummer: $p) { jointCarePlans { id status } } }`,
      { id: plan.id, p: pnr },
      { as: clinicStaff },
    );
    expect(viaClinic.data).toEqual({
      jointCarePlan: { id: plan.id, status: 'ACTIVE', version: 2 },
      findPerson: { jointCarePlans: [{ id: plan.id, status: 'ACTIVE' }] },
    });

    // A change makes version 3, which the individual must sign again; version 2 stays readable.
    const changed = await gql(
      `mutation($id: ID!) { updateJointCarePlan(id: $id, expectedVersion: 2, goals: ["Eget boende"]) { ${PLAN_FIELDS} } }`,
      { id: plan.id },
      { as: clinicStaff },
    );
    expect(changed.data!.updateJointCarePlan).toMatchObject({ version: 3, goals: ['Eget boende'], status: 'DRAFT', signedByIndividual: false, signatures: [] });
    const v2 = await gql(
      `query($id: ID!) { jointCarePlan(id: $id, version: 2) { version goals status signedByIndividual efforts { description } } }`,
      { id: plan.id },
      { as: caseworkerSthlm },
    );
    expect(v2.data!.jointCarePlan).toEqual({
      version: 2,
      goals: ['Stabilt boende', 'Minskat alkoholbruk'],
      status: 'DRAFT',
      signedByIndividual: true,
      efforts: [{ description: 'Läkemedelsassisterad behandling' }],
    });
    const history = await gql(
      `query($id: ID!) { jointCarePlan(id: $id) { versions { version change changedByOrganisation { id } signatures { signedBy } } } }`,
      { id: plan.id },
      { as: caseworkerSthlm },
    );
    expect(history.data!.jointCarePlan.versions).toEqual([
      { version: 1, change: 'drawn up', changedByOrganisation: { id: 'municipality:0180' }, signatures: [] },
      {
        version: 2,
        change: 'effort added by Lokal integrerad mottagning Södermalm: Läkemedelsassisterad behandling',
        changedByOrganisation: { id: 'clinic:0180-sodermalm' },
        signatures: [{ signedBy: 'Kim Klient' }],
      },
      { version: 3, change: 'changed goals', changedByOrganisation: { id: 'clinic:0180-sodermalm' }, signatures: [] },
    ]);
  });

  it('is invisible to an organisation that takes no part, by every path', async () => {
    const { pnr, plan } = await newSip();
    const res = await gql(
      `query($id: ID!, $p: String!, $pid: ID!) { jointCarePlan(id: $id) { id } findPerson(personnummer: $p) { jointCarePlans { id } consents { id } } jointCarePlans(personId: $pid) { totalCount nodes { id } } }`,
      { id: plan.id, p: pnr, pid: plan.person.id },
      { as: probationSthlm },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({ jointCarePlan: null, findPerson: { jointCarePlans: [], consents: [] }, jointCarePlans: { totalCount: 0, nodes: [] } });
  });

  it('refuses a stale version and keeps the winner of two simultaneous edits', async () => {
    const { plan } = await newSip();
    const edit = (goal: string) =>
      gql(
        `mutation($id: ID!, $g: [String!]) { updateJointCarePlan(id: $id, expectedVersion: 1, goals: $g) { version goals } }`,
        { id: plan.id, g: [goal] },
        { as: caseworkerSthlm },
      );
    const results = await Promise.all([edit('Mål A'), edit('Mål B')]);
    const won = results.filter((r) => !r.errors);
    const lost = results.filter((r) => r.errors);
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0]!.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT', currentVersion: 2 });
    expect(lost[0]!.errors![0]!.message).toBe(
      'The plan has changed since version 1: it is now version 2. Read it again and make your change on version 2; nothing was saved.',
    );
    const now = await gql(`query($id: ID!) { jointCarePlan(id: $id) { version goals versions { version } } }`, { id: plan.id }, { as: caseworkerSthlm });
    expect(now.data!.jointCarePlan).toEqual({ version: 2, goals: won[0]!.data!.updateJointCarePlan.goals, versions: [{ version: 1 }, { version: 2 }] });
  });

  it('stops sharing when the consent is revoked: the clinic loses access on its next request, the owner sees why', async () => {
    const { pnr, consent, plan } = await newSip();
    expect((await gql(PLAN, { id: plan.id }, { as: clinicStaff })).data!.jointCarePlan.id).toBe(plan.id);

    const revoked = await gql('mutation($id: ID!) { revokeConsent(id: $id) { active revokedAt inactiveReason } }', { id: consent.id }, { as: clinicStaff });
    expect(revoked.data!.revokeConsent).toMatchObject({ active: false });
    expect(revoked.data!.revokeConsent.inactiveReason).toMatch(/^the individual revoked the consent on \d{4}-\d{2}-\d{2}$/);

    const clinic = await gql(
      `query($id: ID!, $p: String!) { jointCarePlan(id: $id) { id } findPerson(personnummer: $p) { jointCarePlans { id } } }`,
      { id: plan.id, p: pnr },
      { as: clinicStaff },
    );
    expect(clinic.data).toEqual({ jointCarePlan: null, findPerson: { jointCarePlans: [] } });
    const effort = await gql(
      'mutation($id: ID!) { addCarePlanEffort(planId: $id, expectedVersion: 1, input: { description: "x", responsible: "y" }) { id } }',
      { id: plan.id },
      { as: clinicStaff },
    );
    expect(effort.errors![0]!.extensions?.code).toBe('NOT_FOUND');

    const owner = await gql(`query($id: ID!) { jointCarePlan(id: $id) { id sharingStopped consent { active } } }`, { id: plan.id }, { as: caseworkerSthlm });
    expect(owner.data!.jointCarePlan.consent).toEqual({ active: false });
    expect(owner.data!.jointCarePlan.sharingStopped).toMatch(
      /^Shared with no other organisation: the individual revoked the consent on \d{4}-\d{2}-\d{2}\. Only Stockholms stad, socialtjänsten sees this plan\.$/,
    );

    const again = await gql('mutation($id: ID!) { revokeConsent(id: $id) { id } }', { id: consent.id }, { as: caseworkerSthlm });
    expect(again.errors![0]!.extensions?.code).toBe('CONFLICT');
  });

  it('stops sharing when the consent expires (the clock passes validUntil)', async () => {
    const pnr = personnummer();
    const consent = await recordConsent(caseworkerSthlm, pnr, ['municipality:0180', 'clinic:0180-sodermalm'], '2027-01-31', '2026-12-01T10:00:00+01:00');
    const plan = (await createPlan(caseworkerSthlm, sip(pnr, consent.id, { followUpOn: '2027-01-15' }), '2026-12-01T10:00:00+01:00')).data!.createJointCarePlan;
    const onLastDay = await gql(PLAN, { id: plan.id }, { as: clinicStaff, clock: '2027-01-31T23:00:00+01:00' });
    expect(onLastDay.data!.jointCarePlan.id).toBe(plan.id);
    const dayAfter = await gql(PLAN, { id: plan.id }, { as: clinicStaff, clock: '2027-02-01T00:30:00+01:00' });
    expect(dayAfter.data!.jointCarePlan).toBeNull();
    const owner = await gql(
      'query($id: ID!) { jointCarePlan(id: $id) { sharingStopped } }',
      { id: plan.id },
      { as: caseworkerSthlm, clock: '2027-02-01T00:30:00+01:00' },
    );
    expect(owner.data!.jointCarePlan.sharingStopped).toBe(
      'Shared with no other organisation: the consent expired after 2027-01-31. Only Stockholms stad, socialtjänsten sees this plan.',
    );
  });

  it('lists a plan past its follow-up date as overdue until a follow-up is recorded', async () => {
    const pnr = personnummer();
    const clock = '2026-12-01T10:00:00+01:00';
    const consent = await recordConsent(caseworkerSthlm, pnr, ['municipality:0180', 'clinic:0180-sodermalm'], undefined, clock);
    const plan = (await createPlan(caseworkerSthlm, sip(pnr, consent.id, { followUpOn: '2027-01-15' }), clock)).data!.createJointCarePlan;
    const list = (at: string) =>
      gql(
        'query($p: ID!) { jointCarePlans(personId: $p, followUpOverdueOnly: true) { totalCount nodes { id followUpOverdue } } }',
        { p: plan.person.id },
        { as: caseworkerSthlm, clock: at },
      );
    expect((await list('2027-01-15T20:00:00+01:00')).data!.jointCarePlans).toEqual({ totalCount: 0, nodes: [] });
    expect((await list('2027-01-16T08:00:00+01:00')).data!.jointCarePlans).toEqual({ totalCount: 1, nodes: [{ id: plan.id, followUpOverdue: true }] });
    const fu = await gql(
      'mutation($id: ID!) { recordCarePlanFollowUp(planId: $id, heldOn: "2027-01-20", summary: "Uppföljning med Kim") { followUpOverdue followUps { heldOn summary organisation { id } } } }',
      { id: plan.id },
      { as: clinicStaff, clock: '2027-01-20T15:00:00+01:00' },
    );
    expect(fu.data!.recordCarePlanFollowUp).toEqual({
      followUpOverdue: false,
      followUps: [{ heldOn: '2027-01-20', summary: 'Uppföljning med Kim', organisation: { id: 'clinic:0180-sodermalm' } }],
    });
    expect((await list('2027-01-21T08:00:00+01:00')).data!.jointCarePlans).toEqual({ totalCount: 0, nodes: [] });
  });

  it('records who ended the plan and why, and refuses changes afterwards', async () => {
    const { plan } = await newSip();
    const ended = await gql(
      'mutation($id: ID!) { endJointCarePlan(id: $id, reason: "Kim vill avsluta planen") { status endedBy endReason endedAt } }',
      { id: plan.id },
      { as: clinicStaff },
    );
    expect(ended.data!.endJointCarePlan).toMatchObject({
      status: 'ENDED',
      endedBy: 'Lina Mottagning (Lokal integrerad mottagning Södermalm)',
      endReason: 'Kim vill avsluta planen',
    });
    const change = await gql(
      'mutation($id: ID!) { updateJointCarePlan(id: $id, expectedVersion: 1, goals: ["x"]) { id } }',
      { id: plan.id },
      { as: caseworkerSthlm },
    );
    expect(change.errors![0]!).toMatchObject({ message: 'The plan is ENDED; it can no longer be changed.', extensions: { code: 'CONFLICT' } });
  });
});

describe('drawing up a plan: the rules', () => {
  it.each([
    [
      'a consent that does not name the clinic',
      ['municipality:0180'],
      {},
      'input.consentId',
      "The consent does not name Lokal integrerad mottagning Södermalm. Every participating organisation must be named in the individual's consent.",
    ],
    ['no goals', ['municipality:0180', 'clinic:0180-sodermalm'], { goals: [] }, 'input.goals', 'A plan needs at least one goal.'],
    ['an empty goal', ['municipality:0180', 'clinic:0180-sodermalm'], { goals: ['ok', '  '] }, 'input.goals[1]', 'A goal must not be empty.'],
    [
      'a follow-up date in the past',
      ['municipality:0180', 'clinic:0180-sodermalm'],
      { followUpOn: '2020-01-01' },
      'input.followUpOn',
      'The follow-up date cannot be in the past.',
    ],
    [
      'an unknown participating organisation',
      ['municipality:0180', 'clinic:0180-sodermalm'],
      {
        participants: [
          { organisationId: 'municipality:0180', role: 'cw', name: 'C' },
          { organisationId: 'clinic:nowhere', role: 'x', name: 'y' },
        ],
      },
      'input.participants[1].organisationId',
      'clinic:nowhere is not an organisation of the hub.',
    ],
    [
      "the caller's organisation not taking part",
      ['municipality:0180', 'clinic:0180-sodermalm'],
      { participants: [{ organisationId: 'clinic:0180-sodermalm', role: 'x', name: 'y' }] },
      'input.participants',
      'Your own organisation must take part in the plan it draws up.',
    ],
    [
      'no individual among the participants',
      ['municipality:0180', 'clinic:0180-sodermalm'],
      {
        participants: [
          { organisationId: 'municipality:0180', role: 'caseworker', name: 'C' },
          { organisationId: 'clinic:0180-sodermalm', role: 'individual', name: 'staff calling themselves so' },
          { role: 'relative', name: 'Mor' },
        ],
      },
      'input.participants',
      'The individual takes part in the planning of their own care: name them as a participant with the role "individual" and no organisation.',
    ],
    [
      'a withdrawal plan without its referral',
      ['municipality:0180', 'clinic:0180-sodermalm'],
      { kind: 'WITHDRAWAL' },
      'input.withdrawalReferralId',
      'A withdrawal plan belongs to a withdrawal referral: give its id.',
    ],
    [
      'a contract-care plan without probation',
      ['municipality:0180', 'clinic:0180-sodermalm'],
      { kind: 'CONTRACT_CARE', contractCareOrderId: '00000000-0000-4000-8000-000000000000' },
      'input.participants',
      'A contract-care plan is drawn up by the probation service, social services and the care provider together: all three must take part.',
    ],
    [
      'a bad personnummer',
      ['municipality:0180', 'clinic:0180-sodermalm'],
      { personnummer: '19800101-0000' },
      'input.personnummer',
      'The personnummer has a wrong check digit; please check the number.',
    ],
  ])('refuses %s, naming the field, and stores nothing', async (_case, consentOrgs, override, field, message) => {
    const pnr = personnummer();
    const consent = await recordConsent(caseworkerSthlm, pnr, consentOrgs);
    const res = await createPlan(caseworkerSthlm, { ...sip(pnr, consent.id), ...override });
    expect(res.errors![0]!.message).toBe(message);
    expect(res.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    const stored = await gql('query($p: ID!) { jointCarePlans(personId: $p) { totalCount } }', { p: consent.person.id }, { as: caseworkerSthlm });
    expect(stored.data!.jointCarePlans.totalCount).toBe(0);
  });

  it("refuses another person's consent and a revoked one", async () => {
    const pnr = personnummer();
    const other = await recordConsent(caseworkerSthlm, personnummer(), ['municipality:0180', 'clinic:0180-sodermalm']);
    const wrong = await createPlan(caseworkerSthlm, sip(pnr, other.id));
    expect(wrong.errors![0]).toMatchObject({
      message: 'This consent was given by another person than the one the plan is about.',
      extensions: { field: 'input.consentId' },
    });
    const mine = await recordConsent(caseworkerSthlm, pnr, ['municipality:0180', 'clinic:0180-sodermalm']);
    await gql('mutation($id: ID!) { revokeConsent(id: $id) { id } }', { id: mine.id }, { as: caseworkerSthlm });
    const revoked = await createPlan(caseworkerSthlm, sip(pnr, mine.id));
    expect(revoked.errors![0]!.message).toMatch(
      /^The consent is not active: the individual revoked the consent on \d{4}-\d{2}-\d{2}\. No plan can be drawn up on it\.$/,
    );
  });

  it('refuses consent and plans to roles without clients', async () => {
    const council = { org: 'municipality:0180', roles: ['COUNCIL_MEMBER' as const] };
    const res = await gql(
      'mutation($i: ConsentInput!) { recordConsent(input: $i) { id } }',
      { i: { personnummer: personnummer(), purpose: 'SIP', organisationIds: ['municipality:0180'], validUntil: '2099-01-01' } },
      { as: council },
    );
    expect(res.errors![0]).toMatchObject({
      extensions: { code: 'FORBIDDEN' },
      message: "Your role (COUNCIL_MEMBER) does not allow you to document an individual's consent.",
    });
    const list = await gql('{ jointCarePlans { totalCount } }', {}, { as: council });
    expect(list.errors![0]!.extensions?.code).toBe('FORBIDDEN');
  });

  it('lets only participating organisations add efforts, each its own', async () => {
    const pnr = personnummer();
    const consent = await recordConsent(caseworkerSthlm, pnr, ['municipality:0180', 'clinic:0180-sodermalm', 'clinic:0180-kista']);
    const plan = (await createPlan(caseworkerSthlm, sip(pnr, consent.id))).data!.createJointCarePlan;
    const kista = { org: 'clinic:0180-kista', roles: ['CLINIC_STAFF' as const] };
    const res = await gql(
      'mutation($id: ID!) { addCarePlanEffort(planId: $id, expectedVersion: 1, input: { description: "x", responsible: "y" }) { id } }',
      { id: plan.id },
      { as: kista },
    );
    // Kista is named in the consent but takes no part in the plan: it does not see the plan at all.
    expect(res.errors![0]!.extensions?.code).toBe('NOT_FOUND');
    const backwards = await gql(
      'mutation($id: ID!) { addCarePlanEffort(planId: $id, expectedVersion: 1, input: { description: "x", responsible: "y", startsOn: "2027-02-01", endsOn: "2027-01-01" }) { id } }',
      { id: plan.id },
      { as: clinicStaff },
    );
    expect(backwards.errors![0]!).toMatchObject({ message: 'An effort cannot end before it starts.', extensions: { field: 'input.endsOn' } });
  });
});
