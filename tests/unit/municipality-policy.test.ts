/**
 * Social services' record-level policy and plan rules, called directly (no
 * database, no running stack): who sees a plan or a consent and on which
 * basis, FORBIDDEN for a role that may not change versus NOT_FOUND for a
 * record one may not see, the consent a plan may rest on, who adds efforts
 * and signs, and the signatures each kind of plan needs before it is active.
 */
import { describe, expect, it } from 'vitest';
import { AuditBuffer } from '../../services/shared/src/audit.ts';
import type { Caller } from '../../services/shared/src/caller.ts';
import { organisation } from '../../services/shared/src/directory.ts';
import { HubError } from '../../services/shared/src/errors.ts';
import { participants } from '../helpers/plans.ts';
import { caller } from './fixtures.ts';
import type { ConsentRow, CouncilRow, PlanRow, SignatureRow } from '../../services/municipality/src/db/schema.ts';
import {
  consentAccess,
  consentActive,
  consentBasis,
  consentInactiveReason,
  councilMembersOf,
  planAccess,
  planBasis,
  requireEffortAuthor,
  requirePlanConsent,
  requireSigner,
  sitsOnCouncil,
} from '../../services/municipality/src/domain/policy.ts';
import {
  followUpOverdue,
  missingSignatures,
  newPlan,
  newSignature,
  planChange,
  sharingStopped,
  statusOf,
  type CreateInput,
} from '../../services/municipality/src/domain/plan-rules.ts';

const NOW = new Date('2026-03-02T10:00:00+01:00');
const TODAY = '2026-03-02';
const CONSENT_ID = '00000000-0000-4000-8000-000000000001';
const PLAN_ID = '00000000-0000-4000-8000-000000000002';
const PNR = '197503152386';

const owner = caller('municipality:1980', 'CASEWORKER');
const psychiatry = caller('psychiatry:19', 'COORDINATOR');
const otherMunicipality = caller('municipality:0180', 'CASEWORKER');
const clinic = caller('clinic:0180-sodermalm', 'CLINIC_STAFF');
const councilMember = caller('municipality:1980', 'COUNCIL_MEMBER');
const logReviewer = caller('municipality:1980', 'LOG_REVIEWER');

function consentRow(overrides: Partial<ConsentRow> = {}): ConsentRow {
  return {
    id: CONSENT_ID,
    personId: 'p_person',
    purpose: 'Samordnad individuell plan',
    organisationIds: ['municipality:1980', 'psychiatry:19'],
    givenAt: new Date('2026-01-01T09:00:00+01:00'),
    validUntil: '2026-12-31',
    revokedAt: null,
    revokedBy: null,
    recordedByOrganisationId: 'municipality:1980',
    recordedBy: 'Anna Svensson',
    ...overrides,
  };
}

function planRow(overrides: Partial<PlanRow> = {}): PlanRow {
  return {
    id: PLAN_ID,
    kind: 'SIP',
    personId: 'p_person',
    ownerOrganisationId: 'municipality:1980',
    consentId: CONSENT_ID,
    withdrawalReferralId: null,
    contractCareOrderId: null,
    version: 1,
    goals: ['Stabilt boende'],
    followUpOn: '2026-04-01',
    followUpSetOn: '2026-01-02',
    participants: [],
    participantOrganisationIds: ['municipality:1980', 'psychiatry:19'],
    createdAt: new Date('2026-01-02T09:00:00+01:00'),
    createdBy: 'Anna Svensson',
    endedAt: null,
    endedBy: null,
    endedByOrganisationId: null,
    endReason: null,
    completed: false,
    legalGender: 'WOMEN',
    ...overrides,
  };
}

const revoked = consentRow({ revokedAt: new Date('2026-02-20T12:00:00+01:00') });
const expired = consentRow({ validUntil: '2026-03-01' });
const notNamingPsychiatry = consentRow({ organisationIds: ['municipality:1980'] });

/** The error a call throws, as code and message; null when it throws none. */
function refusal(fn: () => unknown): { code: unknown; message: string; field?: unknown } | null {
  try {
    fn();
    return null;
  } catch (err) {
    if (!(err instanceof HubError)) throw err;
    const field = err.extensions.field;
    return { code: err.extensions.code, message: err.message, ...(field === undefined ? {} : { field }) };
  }
}

describe('consent state', () => {
  it('is active until revoked or past its last day, and says why not', () => {
    expect([consentActive(consentRow(), NOW), consentInactiveReason(consentRow(), NOW)]).toEqual([true, null]);
    expect([consentActive(revoked, NOW), consentInactiveReason(revoked, NOW)]).toEqual([false, 'the individual revoked the consent on 2026-02-20']);
    expect([consentActive(expired, NOW), consentInactiveReason(expired, NOW)]).toEqual([false, 'the consent expired after 2026-03-01']);
  });

  it('is active on its last day; a revocation holds whatever "now" is asked for (a clock set before it included)', () => {
    expect(consentActive(consentRow({ validUntil: TODAY }), NOW)).toBe(true);
    const later = consentRow({ revokedAt: new Date(NOW.getTime() + 86_400_000) });
    expect([consentActive(later, NOW), consentInactiveReason(later, NOW)]).toEqual([false, 'the individual revoked the consent on 2026-03-03']);
    expect(consentActive(consentRow({ revokedAt: NOW }), NOW)).toBe(false);
  });
});

describe('who sees a plan, and on which basis', () => {
  const participant = `plan participant under consent ${CONSENT_ID}`;
  const table: Array<[string, Caller, ConsentRow, string | null]> = [
    ['the owner organisation, consent active', owner, consentRow(), 'own organisation'],
    ['the owner organisation, consent revoked', owner, revoked, 'own organisation'],
    ['the owner organisation, consent expired', owner, expired, 'own organisation'],
    ['a participant named by an active consent', psychiatry, consentRow(), participant],
    ['a participant, consent revoked', psychiatry, revoked, null],
    ['a participant, consent expired', psychiatry, expired, null],
    ['a participant the consent does not name', psychiatry, notNamingPsychiatry, null],
    ['another municipality', otherMunicipality, consentRow(), null],
    ['a clinic that takes no part', clinic, consentRow(), null],
    ["a council member of the owner's organisation", councilMember, consentRow(), null],
    ["a log reviewer of the owner's organisation", logReviewer, consentRow(), null],
  ];
  it.each(table)('%s', (_, who, planConsent, basis) => {
    expect(planBasis(who, planRow(), planConsent, NOW)).toBe(basis);
  });

  it('a named organisation that is not a participant does not see the plan', () => {
    const consentNamingClinic = consentRow({ organisationIds: ['municipality:1980', 'psychiatry:19', 'clinic:0180-sodermalm'] });
    expect(planBasis(clinic, planRow(), consentNamingClinic, NOW)).toBeNull();
  });

  it('audits each plan shown with its basis and leaves out the rest', () => {
    const audit = new AuditBuffer();
    const seen = planAccess(NOW).see(
      { caller: psychiatry, audit },
      [
        { plan: planRow(), consent: consentRow() },
        { plan: planRow({ id: 'x' }), consent: revoked },
      ],
      null,
    );
    expect(seen.map((r) => r.plan.id)).toEqual([PLAN_ID]);
    expect(audit.entries).toEqual([
      { action: 'READ', entity: 'JointCarePlan', entityId: PLAN_ID, personId: 'p_person', owner: 'municipality:1980', fields: null, basis: participant },
    ]);
  });
});

describe('who sees a consent', () => {
  it.each<[string, Caller, string | null]>([
    ['the recording organisation', owner, 'recorded by own organisation'],
    ['an organisation the consent names', psychiatry, 'organisation named in the consent'],
    ['another organisation', otherMunicipality, null],
    ['a council member of the recording organisation', councilMember, null],
  ])('%s', (_, who, basis) => {
    expect(consentBasis(who, consentRow())).toBe(basis);
  });
});

describe('changes: FORBIDDEN for the role, NOT_FOUND for a record one may not see', () => {
  const record = { plan: planRow(), consent: consentRow() };
  const notFound = { code: 'NOT_FOUND', message: `There is no joint care plan ${PLAN_ID} that you can see.` };

  it('a role that may not change plans is FORBIDDEN, whether or not the plan exists', () => {
    expect(refusal(() => planAccess(NOW).change(councilMember, record, PLAN_ID, 'plan.write'))).toMatchObject({ code: 'FORBIDDEN' });
    expect(refusal(() => planAccess(NOW).change(councilMember, null, PLAN_ID, 'plan.write'))).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('a plan the caller may not see is NOT_FOUND, the same as one that does not exist', () => {
    expect(refusal(() => planAccess(NOW).change(otherMunicipality, record, PLAN_ID, 'plan.write'))).toEqual(notFound);
    expect(refusal(() => planAccess(NOW).change(psychiatry, { ...record, consent: revoked }, PLAN_ID, 'plan.write'))).toEqual(notFound);
    expect(refusal(() => planAccess(NOW).change(owner, null, PLAN_ID, 'plan.write'))).toEqual(notFound);
  });

  it('a visible plan is changed on the basis it is seen', () => {
    expect(planAccess(NOW).change(owner, record, PLAN_ID, 'plan.write')).toBe('own organisation');
    expect(planAccess(NOW).change(psychiatry, record, PLAN_ID, 'plan.write')).toBe(`plan participant under consent ${CONSENT_ID}`);
  });

  it('a consent revoked by an organisation not party to it is NOT_FOUND; by a role without clients FORBIDDEN', () => {
    expect(refusal(() => consentAccess.change(otherMunicipality, consentRow(), CONSENT_ID, 'consent.record'))).toEqual({
      code: 'NOT_FOUND',
      message: `There is no consent ${CONSENT_ID} that your organisation is party to.`,
    });
    expect(refusal(() => consentAccess.change(logReviewer, consentRow(), CONSENT_ID, 'consent.record'))).toMatchObject({ code: 'FORBIDDEN' });
    expect(consentAccess.change(psychiatry, consentRow(), CONSENT_ID, 'consent.record')).toBe('organisation named in the consent');
  });

  it("only a participating organisation adds efforts and signs for itself; only the owner records the individual's signature", () => {
    const withoutPsychiatry = planRow({ participantOrganisationIds: ['municipality:1980'] });
    expect(refusal(() => requireEffortAuthor(psychiatry, withoutPsychiatry))).toEqual({
      code: 'FORBIDDEN',
      message: 'Only an organisation taking part in the plan adds efforts to it.',
    });
    expect(refusal(() => requireSigner(psychiatry, withoutPsychiatry, false))).toEqual({
      code: 'FORBIDDEN',
      message: 'Only an organisation taking part in the plan signs it.',
    });
    expect(refusal(() => requireSigner(psychiatry, planRow(), true))).toEqual({
      code: 'FORBIDDEN',
      message: "Only the organisation that owns the plan records the individual's signature.",
    });
    expect(refusal(() => requireSigner(owner, planRow(), true))).toBeNull();
    expect(refusal(() => requireEffortAuthor(psychiatry, planRow()))).toBeNull();
    expect(refusal(() => requireSigner(psychiatry, planRow(), false))).toBeNull();
  });
});

describe('the consent a new plan rests on', () => {
  const plan = planRow();
  const check = (who: Caller, c: ConsentRow | null, p: Pick<PlanRow, 'personId' | 'participantOrganisationIds'> = plan) =>
    refusal(() => requirePlanConsent(who, c, CONSENT_ID, p, NOW));

  it('must exist and have the caller organisation as party', () => {
    const message = `There is no consent ${CONSENT_ID} that your organisation is party to. Record the individual's consent first.`;
    expect(check(owner, null)).toEqual({ code: 'BAD_USER_INPUT', field: 'input.consentId', message });
    expect(check(otherMunicipality, consentRow())).toEqual({ code: 'BAD_USER_INPUT', field: 'input.consentId', message });
  });

  it('must be the same person’s, active, and name every participating organisation', () => {
    expect(check(owner, consentRow({ personId: 'p_other' }))).toMatchObject({
      message: 'This consent was given by another person than the one the plan is about.',
    });
    expect(check(owner, revoked)).toMatchObject({
      message: 'The consent is not active: the individual revoked the consent on 2026-02-20. No plan can be drawn up on it.',
    });
    expect(check(owner, notNamingPsychiatry)).toMatchObject({
      message: `The consent does not name ${organisation('psychiatry:19')?.name}. Every participating organisation must be named in the individual's consent.`,
    });
    expect(check(owner, consentRow())).toBeNull();
  });
});

describe('signatures each kind of plan needs before it is active', () => {
  const sig = (who: Caller | 'individual', version = 1): SignatureRow =>
    newSignature(PLAN_ID, version, 'Kim', who === 'individual', who === 'individual' ? owner : who, NOW);
  const probation = caller('probation:stockholm', 'PROBATION_OFFICER');
  const sodermalm = caller('municipality:0180', 'CASEWORKER');

  it('a SIP needs the individual only', () => {
    expect(missingSignatures('SIP', [])).toEqual(['the individual']);
    expect(missingSignatures('SIP', [sig(owner)])).toEqual(['the individual']);
    expect(missingSignatures('SIP', [sig('individual')])).toEqual([]);
  });

  it('contract care needs the individual, social services, the care provider and the probation service', () => {
    expect(missingSignatures('CONTRACT_CARE', [sig('individual')])).toEqual(['social services', 'the care provider', 'the probation service']);
    expect(missingSignatures('CONTRACT_CARE', [sig('individual'), sig(sodermalm), sig(probation)])).toEqual(['the care provider']);
    expect(missingSignatures('CONTRACT_CARE', [sig(sodermalm), sig(clinic), sig(probation)])).toEqual(['the individual']);
    // a clinic or psychiatry is the care provider
    expect(missingSignatures('CONTRACT_CARE', [sig('individual'), sig(sodermalm), sig(clinic), sig(probation)])).toEqual([]);
    expect(missingSignatures('CONTRACT_CARE', [sig('individual'), sig(sodermalm), sig(psychiatry), sig(probation)])).toEqual([]);
  });

  it('status: ACTIVE once signed, DRAFT before, COMPLETED or ENDED once ended whatever the signatures', () => {
    const contract = planRow({ kind: 'CONTRACT_CARE' });
    expect(statusOf(contract, [sig('individual')])).toBe('DRAFT');
    expect(statusOf(contract, [sig('individual'), sig(sodermalm), sig(clinic), sig(probation)])).toBe('ACTIVE');
    expect(statusOf(planRow({ endedAt: NOW, completed: true }), [])).toBe('COMPLETED');
    expect(statusOf(planRow({ endedAt: NOW, completed: false }), [sig('individual')])).toBe('ENDED');
  });

  it("a signature is the individual's own (no organisation) or on behalf of the signer's organisation", () => {
    expect(sig('individual')).toMatchObject({
      asIndividual: true,
      organisationId: null,
      organisationAgency: null,
      recordedByOrganisationId: 'municipality:1980',
    });
    expect(sig(probation)).toMatchObject({ asIndividual: false, organisationId: 'probation:stockholm', organisationAgency: 'PROBATION' });
    expect(refusal(() => newSignature(PLAN_ID, 1, '  ', true, owner, NOW))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'signedBy',
      message: 'The name of who signs must not be empty.',
    });
  });
});

describe('follow-up and sharing', () => {
  it('is overdue past its date with no follow-up held since the date was set; never once ended', () => {
    const due = planRow({ followUpOn: '2026-03-01', followUpSetOn: '2026-02-01' });
    expect(followUpOverdue(due, [], NOW)).toBe(true);
    expect(followUpOverdue(due, [{ heldOn: '2026-01-31' }], NOW)).toBe(true);
    expect(followUpOverdue(due, [{ heldOn: '2026-02-01' }], NOW)).toBe(false);
    expect(followUpOverdue(planRow({ followUpOn: TODAY }), [], NOW)).toBe(false);
    expect(followUpOverdue({ ...due, endedAt: NOW }, [], NOW)).toBe(false);
  });

  it('says when and why sharing stopped', () => {
    expect(sharingStopped(planRow(), consentRow(), NOW)).toBeNull();
    expect(sharingStopped(planRow(), expired, NOW)).toBe(
      `Shared with no other organisation: the consent expired after 2026-03-01. Only ${organisation('municipality:1980')?.name} sees this plan.`,
    );
  });
});

describe('drawing up and changing a plan', () => {
  const input = (overrides: Partial<CreateInput> = {}): CreateInput => ({
    kind: 'SIP',
    personnummer: PNR,
    consentId: CONSENT_ID,
    goals: [' Stabilt boende '],
    participants: participants('Kim', ['municipality:1980', 'caseworker', 'Anna'], ['psychiatry:19', 'nurse', 'Lena'], ['psychiatry:19', 'physician', 'Erik']),
    followUpOn: '2026-04-01',
    ...overrides,
  });

  it('version 1 is owned by the caller organisation, with each participating organisation once', () => {
    const row = newPlan(input(), owner, NOW, (n) => `p_${n}`);
    expect(row).toMatchObject({
      version: 1,
      personId: `p_${PNR}`,
      ownerOrganisationId: 'municipality:1980',
      goals: ['Stabilt boende'],
      participantOrganisationIds: ['municipality:1980', 'psychiatry:19'],
      followUpSetOn: TODAY,
      createdBy: owner.name,
      legalGender: 'WOMEN',
    });
  });

  it('a contract-care plan needs its order and all three organisations', () => {
    expect(refusal(() => newPlan(input({ kind: 'CONTRACT_CARE' }), owner, NOW, (n) => n))).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.contractCareOrderId',
    });
    expect(refusal(() => newPlan(input({ kind: 'CONTRACT_CARE', contractCareOrderId: 'o1' }), owner, NOW, (n) => n))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'input.participants',
      message: 'A contract-care plan is drawn up by the probation service, social services and the care provider together: all three must take part.',
    });
  });

  it('a change names what changed; nothing to change is refused', () => {
    expect(planChange(['Eget boende'], '2026-05-01', NOW)).toEqual({
      set: { goals: ['Eget boende'], followUpOn: '2026-05-01', followUpSetOn: TODAY },
      fields: ['goals', 'follow-up date'],
      change: 'changed goals and follow-up date',
    });
    expect(refusal(() => planChange(null, undefined, NOW))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'goals',
      message: 'Give new goals or a new follow-up date: there is nothing to change.',
    });
  });
});

describe('councils', () => {
  const local: CouncilRow = { id: 'council:local-1980', name: 'Lokalt samråd Västerås', level: 'LOCAL', regionCode: '19', municipalityCodes: ['1980'] };

  it("a local council's members are its municipality and the region's psychiatry; only their council members sit on it", () => {
    expect(councilMembersOf(local)).toEqual(['municipality:1980', 'psychiatry:19']);
    expect(sitsOnCouncil(councilMember, local)).toBe(true);
    expect(sitsOnCouncil(owner, local)).toBe(false);
    expect(sitsOnCouncil(caller('municipality:0180', 'COUNCIL_MEMBER'), local)).toBe(false);
  });
});
