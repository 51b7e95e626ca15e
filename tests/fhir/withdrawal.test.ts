/**
 * FHIR R4 export of the withdrawal pathway through the gateway: the referral
 * as ServiceRequest and Task at each step (submit, booking, decision, offer,
 * withdrawal), its joint care plan as CarePlan with CareTeam, an activity per
 * effort, signatures and the Consent, and the audit events as AuditEvent.
 * Every bundle validates against the R4 definitions with no issue, and every
 * reference resolves within its bundle.
 */
import { describe, expect, it } from 'vitest';
import { checkedBundle, resolve, resourcesOf, type FhirBundle } from '../helpers/fhir.ts';
import { gql, type As } from '../helpers/hub.ts';
import { personnummer } from '../helpers/people.ts';
import { createPlan, participants, recordConsent } from '../helpers/plans.ts';
import { auditOf, BOOK, caseworker1980, chiefPhysician19, coordinator19, createWard, DECIDE, OFFER, ok, submit, WITHDRAW } from '../helpers/withdrawal.ts';
import { fhirId } from '../../services/shared/src/fhir.ts';

const BUNDLE = 'query($id: ID!) { withdrawalReferral(id: $id) { id fhirBundle } }';
const PLAN_BUNDLE = 'query($id: ID!) { jointCarePlan(id: $id) { id fhirBundle } }';

async function referralBundle(id: string, as: As, clock: string): Promise<FhirBundle> {
  return checkedBundle(ok(await gql(BUNDLE, { id }, { as, clock })).withdrawalReferral.fhirBundle as string);
}
const one = (b: FhirBundle, type: string) => {
  const all = resourcesOf(b, type);
  expect(all).toHaveLength(1);
  return all[0]!;
};

describe('a withdrawal referral as a FHIR R4 bundle', () => {
  it('is a ServiceRequest with its Task, the Patient, the organisations and the caseworker, at every step of the pathway', async () => {
    const ward = await createWard(2);
    const { referral, input } = await submit(caseworker1980, '2026-03-20T09:00:00+01:00');
    const id = referral.id as string;
    const pnr = input.personnummer.replace('-', '');

    // submitted: received by psychiatry, due in 14 days
    let b = await referralBundle(id, coordinator19, '2026-03-20T10:00:00+01:00');
    expect(b).toMatchObject({ resourceType: 'Bundle', type: 'collection', timestamp: '2026-03-20T10:00:00.000+01:00' });
    expect(b.entry.map((e) => e.resource.resourceType)).toEqual(['ServiceRequest', 'Task', 'Patient', 'Organization', 'Organization', 'PractitionerRole']);
    for (const e of b.entry) expect(e.fullUrl).toBe(`https://coordination-hub.invalid/fhir/R4/${e.resource.resourceType}/${e.resource.id}`);
    const sr = one(b, 'ServiceRequest');
    expect(sr).toMatchObject({
      id: fhirId('ServiceRequest', id),
      identifier: [{ system: 'urn:coordination-hub:record:WithdrawalReferral', value: id }],
      status: 'active',
      intent: 'order',
      authoredOn: '2026-03-20T09:00:00.000+01:00',
      reasonCode: [{ text: input.currentProblems }],
      supportingInfo: [{ display: 'AUDIT, 2026-01-10, score 31, Hög risk' }],
    });
    const patient = resolve(b, sr.subject);
    expect(patient).toEqual({
      resourceType: 'Patient',
      id: fhirId('Patient', referral.person.id),
      identifier: [
        { use: 'official', system: 'http://electronichealth.se/identifier/personnummer', value: pnr },
        { use: 'secondary', system: 'urn:coordination-hub:person', value: referral.person.id },
      ],
      name: [{ use: 'official', text: 'Test Testsson', family: 'Testsson', given: ['Test'] }],
    });
    const requester = resolve(b, sr.requester);
    expect(requester).toMatchObject({
      resourceType: 'PractitionerRole',
      practitioner: { display: 'Anna Svensson' },
      telecom: [
        { system: 'phone', value: '021-39 00 00', use: 'work' },
        { system: 'email', value: 'anna.svensson@vasteras.se', use: 'work' },
      ],
    });
    expect(resolve(b, requester.organization)).toMatchObject({
      resourceType: 'Organization',
      identifier: [{ system: 'urn:coordination-hub:organisation', value: 'municipality:1980' }],
      name: 'Västerås stad, socialtjänsten',
      address: [{ district: '1980', country: 'SE' }],
    });
    // no coordinator assigned: the receiving unit performs
    expect(resolve(b, sr.performer[0])).toMatchObject({ resourceType: 'Organization', identifier: [{ value: 'psychiatry:19' }] });
    let task = one(b, 'Task');
    expect(task).toMatchObject({
      status: 'received',
      businessStatus: { coding: [{ code: 'RECEIVED' }] },
      intent: 'order',
      authoredOn: '2026-03-20T09:00:00.000+01:00',
      executionPeriod: { start: '2026-03-20T09:00:00.000+01:00' },
      restriction: { period: { end: '2026-04-03' } },
    });
    expect(resolve(b, task.focus)).toBe(sr);
    expect(resolve(b, task.for)).toBe(patient);
    expect(task.output).toBeUndefined();

    // the meeting booked: accepted; after it, in progress awaiting the decision
    ok(await gql(BOOK, { id, at: '2026-03-31T13:00:00+02:00' }, { as: coordinator19, clock: '2026-03-24T10:00:00+01:00' }));
    task = one(await referralBundle(id, coordinator19, '2026-03-24T11:00:00+01:00'), 'Task');
    expect([task.status, task.businessStatus.text]).toEqual(['accepted', 'ASSESSMENT_BOOKED']);
    task = one(await referralBundle(id, coordinator19, '2026-03-31T14:30:00+02:00'), 'Task');
    expect([task.status, task.businessStatus.text]).toEqual(['in-progress', 'AWAITING_DECISION']);

    // the decision is the Task's output; the place is due 14 days after it
    ok(
      await gql(
        DECIDE,
        { id, needed: true, setting: 'INPATIENT', rationale: 'Tidigare komplicerad abstinens.' },
        { as: chiefPhysician19, clock: '2026-03-31T15:00:00+02:00' },
      ),
    );
    b = await referralBundle(id, caseworker1980, '2026-03-31T16:00:00+02:00');
    task = one(b, 'Task');
    expect(task).toMatchObject({ status: 'in-progress', businessStatus: { text: 'CARE_PLANNING' }, restriction: { period: { end: '2026-04-14' } } });
    expect(task.output).toEqual([
      {
        type: { text: 'treatment decision' },
        valueCodeableConcept: { coding: [{ system: 'urn:coordination-hub:status:decision', code: 'INPATIENT' }], text: 'Tidigare komplicerad abstinens.' },
      },
    ]);

    // the place offered: the ServiceRequest's occurrence, due until it lapses
    ok(await gql(OFFER, { id, ward, start: '2026-04-14' }, { as: coordinator19, clock: '2026-04-02T09:00:00+02:00' }));
    b = await referralBundle(id, coordinator19, '2026-04-02T10:00:00+02:00');
    expect(one(b, 'ServiceRequest')).toMatchObject({ status: 'active', occurrencePeriod: { start: '2026-04-14' } });
    task = one(b, 'Task');
    expect(task).toMatchObject({ status: 'in-progress', businessStatus: { text: 'PLACE_OFFERED' }, restriction: { period: { end: '2026-05-12' } } });
    expect(task.output[1]).toEqual({
      type: { text: 'treatment offer' },
      valueCodeableConcept: { coding: [{ system: 'urn:coordination-hub:status:offer', code: 'INPATIENT' }], text: 'from 2026-04-14, lapses 2026-05-12' },
    });
    // lapsed after four weeks unused: the Task failed, the request still open
    b = await referralBundle(id, coordinator19, '2026-05-13T10:00:00+02:00');
    expect([one(b, 'ServiceRequest').status, one(b, 'Task').status, one(b, 'Task').businessStatus.text]).toEqual(['active', 'failed', 'LAPSED']);

    // the read of the bundle is audited like a read of the referral, naming the field
    const reads = (await auditOf(id)).filter((e) => e.action === 'READ' && (e.fields ?? []).includes('fhirBundle'));
    expect(reads.map((e) => [e.entity, e.user_id, e.organisation_id])).toEqual([
      ['WithdrawalReferral', 'maria.berg', 'psychiatry:19'],
      ['WithdrawalReferral', 'maria.berg', 'psychiatry:19'],
      ['WithdrawalReferral', 'maria.berg', 'psychiatry:19'],
      ['WithdrawalReferral', 'anna.svensson', 'municipality:1980'],
      ['WithdrawalReferral', 'maria.berg', 'psychiatry:19'],
      ['WithdrawalReferral', 'maria.berg', 'psychiatry:19'],
    ]);
  });

  it('is revoked and cancelled once withdrawn; a samordningsnummer has its own identifier system', async () => {
    const samordning = personnummer('WOMEN', { samordning: true });
    const { referral } = await submit(caseworker1980, '2026-03-20T09:00:00+01:00', { personnummer: samordning, name: 'Ada' });
    ok(await gql(WITHDRAW, { id: referral.id, reason: 'Vill inte längre' }, { as: caseworker1980, clock: '2026-03-21T09:00:00+01:00' }));
    const b = await referralBundle(referral.id, caseworker1980, '2026-03-21T10:00:00+01:00');
    expect(one(b, 'ServiceRequest').status).toBe('revoked');
    expect(one(b, 'Task')).toMatchObject({
      status: 'cancelled',
      businessStatus: { text: 'WITHDRAWN' },
      executionPeriod: { end: '2026-03-21T09:00:00.000+01:00' },
    });
    expect(one(b, 'Task').restriction).toBeUndefined();
    expect(one(b, 'Patient')).toEqual({
      resourceType: 'Patient',
      id: fhirId('Patient', referral.person.id),
      identifier: [
        { use: 'official', system: 'http://electronichealth.se/identifier/samordningsnummer', value: samordning.replace('-', '') },
        { use: 'secondary', system: 'urn:coordination-hub:person', value: referral.person.id },
      ],
      name: [{ use: 'official', text: 'Ada', given: ['Ada'] }],
    });
  });
});

describe('a withdrawal plan as a FHIR R4 bundle', () => {
  it('is a CarePlan with its CareTeam, goals, an activity per effort, a Provenance per signature and the Consent', async () => {
    const { referral, input } = await submit(caseworker1980, '2026-03-20T09:00:00+01:00');
    const clock = '2026-04-01T10:00:00+02:00';
    const consent = await recordConsent(caseworker1980, input.personnummer, ['municipality:1980', 'psychiatry:19'], '2026-12-31', clock);
    const plan = ok(
      await createPlan(
        caseworker1980,
        {
          kind: 'WITHDRAWAL',
          personnummer: input.personnummer,
          consentId: consent.id,
          withdrawalReferralId: referral.id,
          goals: ['Genomförd abstinensbehandling', 'Fortsatt öppenvård efter utskrivning'],
          participants: participants('Test Testsson', ['municipality:1980', 'caseworker', 'Anna Svensson'], ['psychiatry:19', 'coordinator', 'Maria Berg']),
          followUpOn: '2026-05-15',
        },
        clock,
      ),
    ).createJointCarePlan;
    ok(
      await gql(
        'mutation($id: ID!) { addCarePlanEffort(planId: $id, expectedVersion: 1, input: { description: "Abstinensbehandling på avdelning 91", responsible: "Maria Berg", startsOn: "2026-04-14", endsOn: "2026-04-21" }) { id } }',
        { id: plan.id },
        { as: coordinator19, clock },
      ),
    );
    const draft = checkedBundle(ok(await gql(PLAN_BUNDLE, { id: plan.id }, { as: coordinator19, clock })).jointCarePlan.fhirBundle);
    expect(one(draft, 'CarePlan').status).toBe('draft');
    expect(one(draft, 'CarePlan').activity[0].detail.status).toBe('not-started');
    expect(resourcesOf(draft, 'Provenance')).toEqual([]);

    ok(
      await gql(
        'mutation($id: ID!) { signJointCarePlan(id: $id, version: 2, signedBy: "Test Testsson", asIndividual: true) { id } }',
        { id: plan.id },
        { as: caseworker1980, clock },
      ),
    );
    ok(
      await gql(
        'mutation($id: ID!) { signJointCarePlan(id: $id, version: 2, signedBy: "Maria Berg", asIndividual: false) { id } }',
        { id: plan.id },
        { as: coordinator19, clock },
      ),
    );

    const b = checkedBundle(ok(await gql(PLAN_BUNDLE, { id: plan.id }, { as: caseworker1980, clock: '2026-04-15T10:00:00+02:00' })).jointCarePlan.fhirBundle);
    const carePlan = one(b, 'CarePlan');
    expect(carePlan).toMatchObject({
      id: fhirId('CarePlan', plan.id),
      identifier: [{ system: 'urn:coordination-hub:record:JointCarePlan', value: plan.id }],
      basedOn: [{ identifier: { system: 'urn:coordination-hub:record:WithdrawalReferral', value: referral.id } }],
      status: 'active',
      intent: 'plan',
      category: [{ coding: [{ code: 'WITHDRAWAL' }] }],
      created: '2026-04-01T10:00:00.000+02:00',
      period: { start: '2026-04-01T10:00:00.000+02:00' },
    });
    expect(resolve(b, carePlan.author)).toMatchObject({ resourceType: 'Organization', identifier: [{ value: 'municipality:1980' }] });
    expect(carePlan.contributor.map((c: { reference: string }) => resolve(b, c).identifier[0].value)).toEqual(['municipality:1980', 'psychiatry:19']);
    expect(carePlan.goal.map((g: { reference: string }) => resolve(b, g).description.text)).toEqual([
      'Genomförd abstinensbehandling',
      'Fortsatt öppenvård efter utskrivning',
    ]);
    expect(carePlan.activity).toHaveLength(1);
    expect(carePlan.activity[0].detail).toMatchObject({
      code: { text: 'Abstinensbehandling på avdelning 91' },
      status: 'in-progress',
      scheduledPeriod: { start: '2026-04-14', end: '2026-04-21' },
    });
    expect(resolve(b, carePlan.activity[0].detail.performer[0]).identifier[0].value).toBe('psychiatry:19');
    expect(carePlan.activity[0].detail.performer[1]).toEqual({ display: 'Maria Berg' });

    const team = resolve(b, carePlan.careTeam[0]);
    expect(team.status).toBe('active');
    expect(team.participant.map((p: { role: Array<{ text: string }> }) => p.role[0]!.text)).toEqual(['individual', 'caseworker', 'coordinator']);
    expect(resolve(b, team.participant[0].member).resourceType).toBe('Patient');
    expect(resolve(b, team.participant[2].onBehalfOf).identifier[0].value).toBe('psychiatry:19');

    // the Patient of a plan carries the pseudonymous id only: the plan shows no personnummer or name
    expect(one(b, 'Patient')).toEqual({
      resourceType: 'Patient',
      id: fhirId('Patient', referral.person.id),
      identifier: [{ use: 'secondary', system: 'urn:coordination-hub:person', value: referral.person.id }],
    });

    const signatures = resourcesOf(b, 'Provenance');
    expect(signatures.map((p) => [p.agent[0].who.display, p.recorded, resolve(b, p.target[0]).resourceType])).toEqual([
      ['Test Testsson', '2026-04-01T10:00:00.000+02:00', 'CarePlan'],
      ['Maria Berg', '2026-04-01T10:00:00.000+02:00', 'CarePlan'],
    ]);
    expect(resolve(b, signatures[0]!.signature[0].who).resourceType).toBe('Patient');
    expect(resolve(b, signatures[1]!.agent[0].onBehalfOf).identifier[0].value).toBe('psychiatry:19');

    const fhirConsent = one(b, 'Consent');
    expect(fhirConsent).toMatchObject({
      id: fhirId('Consent', consent.id),
      status: 'active',
      scope: { coding: [{ code: 'patient-privacy' }] },
      category: [{ coding: [{ system: 'http://loinc.org', code: '59284-0' }] }, { text: 'Samordnad individuell plan' }],
      dateTime: '2026-04-01T10:00:00.000+02:00',
      provision: { type: 'permit', period: { start: '2026-04-01T10:00:00.000+02:00', end: '2026-12-31' } },
    });
    expect(fhirConsent.provision.actor.map((a: { reference: { reference: string } }) => resolve(b, a.reference).identifier[0].value)).toEqual([
      'municipality:1980',
      'psychiatry:19',
    ]);

    // revoked: the consent bundle shows it inactive, the period ending on the revocation
    ok(await gql('mutation($id: ID!) { revokeConsent(id: $id) { id } }', { id: consent.id }, { as: caseworker1980, clock: '2026-04-20T10:00:00+02:00' }));
    const consentBundle = checkedBundle(
      ok(
        await gql(
          'query($p: ID!) { person(id: $p) { consents { id fhirBundle } } }',
          { p: referral.person.id },
          { as: caseworker1980, clock: '2026-04-21T10:00:00+02:00' },
        ),
      ).person.consents[0].fhirBundle,
    );
    expect(one(consentBundle, 'Consent')).toMatchObject({ status: 'inactive', provision: { period: { end: '2026-04-20T10:00:00.000+02:00' } } });
  });
});

describe('audit events as FHIR R4 AuditEvent', () => {
  it('gives the log reviewer each event as an AuditEvent that validates', async () => {
    const { referral } = await submit(caseworker1980);
    await gql(BUNDLE, { id: referral.id }, { as: coordinator19 });
    const reviewer: As = { org: 'psychiatry:19', roles: ['LOG_REVIEWER'], sub: 'granskare-19', name: 'Granskare' };
    const res = ok(
      await gql(
        'query($from: DateTime!, $to: DateTime!, $p: ID) { auditLog(from: $from, to: $to, personId: $p) { psychiatry(first: 50) { nodes { id action userId fhirResource } } } }',
        { from: new Date(Date.now() - 60_000).toISOString(), to: new Date(Date.now() + 60_000).toISOString(), p: referral.person.id },
        { as: reviewer },
      ),
    );
    const nodes = res.auditLog.psychiatry.nodes as Array<{ id: string; action: string; userId: string; fhirResource: string }>;
    const read = nodes.find((n) => n.action === 'READ' && n.userId === 'maria.berg')!;
    const event = JSON.parse(read.fhirResource);
    const wrapped = checkedBundle(
      JSON.stringify({
        resourceType: 'Bundle',
        type: 'collection',
        entry: [{ fullUrl: `https://coordination-hub.invalid/fhir/R4/AuditEvent/${event.id}`, resource: event }],
      }),
    );
    expect(wrapped.entry[0]!.resource).toMatchObject({
      resourceType: 'AuditEvent',
      id: fhirId('AuditEvent', read.id),
      type: { system: 'http://dicom.nema.org/resources/ontology/DCM', code: '110110' },
      subtype: [{ code: 'READ' }],
      action: 'R',
      agent: [{ who: { identifier: { value: 'maria.berg' }, display: 'Maria Berg' }, requestor: true, role: [{ text: 'COORDINATOR' }] }],
      source: { site: 'psychiatry:19', observer: { identifier: { value: 'psychiatry:19' } } },
      entity: [
        {
          what: { identifier: { system: 'urn:coordination-hub:record:WithdrawalReferral', value: referral.id } },
          detail: [{ type: 'fields', valueString: 'fhirBundle,id' }],
        },
        { what: { identifier: { system: 'urn:coordination-hub:person', value: referral.person.id } } },
      ],
    });
  });
});
